package loaders

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/vikstrous/dataloadgen"
)

// Loader loads values by key for one request, fetching each key once.
// With a wait, it is a dataloadgen loader: the keys asked for within the
// wait are fetched together, in a goroutine of their own. Without one (a
// store whose lookups cost no round trip), a key not yet loaded is fetched
// at once by the caller itself, with no goroutine, no channel and no
// batch: on the embedded store, the batches of a zero wait held a key or
// two, and their goroutines cost more than the lookups. Either way, what
// a request loaded (value or error) is what it sees again for that key.
type Loader[K comparable, V any] struct {
	batched *dataloadgen.Loader[K, V]

	fetch func(context.Context, []K) ([]V, []error)
	mu    sync.Mutex
	cache map[K]result[V]
}

type result[V any] struct {
	v   V
	err error
}

// newLoader returns a loader over fetch, which returns one value per key,
// in order, and either one error per key or one error for all of them.
func newLoader[K comparable, V any](fetch func(context.Context, []K) ([]V, []error), wait time.Duration) *Loader[K, V] {
	if wait > 0 {
		return &Loader[K, V]{batched: dataloadgen.NewLoader(fetch, dataloadgen.WithWait(wait))}
	}
	return &Loader[K, V]{fetch: fetch}
}

// Load returns the value of the key.
func (l *Loader[K, V]) Load(ctx context.Context, key K) (V, error) {
	if l.batched != nil {
		return l.batched.Load(ctx, key)
	}
	l.mu.Lock()
	r, ok := l.cache[key]
	l.mu.Unlock()
	if ok {
		return r.v, r.err
	}
	rs := l.fetchNow(ctx, []K{key})
	return rs[0].v, rs[0].err
}

// LoadAll returns the values of the keys, in order, with an error (a
// dataloadgen.ErrorSlice, one error per key) when any key failed.
func (l *Loader[K, V]) LoadAll(ctx context.Context, keys []K) ([]V, error) {
	if l.batched != nil {
		return l.batched.LoadAll(ctx, keys)
	}
	values := make([]V, len(keys))
	var errs []error
	var missing []K
	seen := map[K]bool{}
	l.mu.Lock()
	for _, k := range keys {
		if _, ok := l.cache[k]; !ok && !seen[k] {
			seen[k] = true
			missing = append(missing, k)
		}
	}
	l.mu.Unlock()
	if len(missing) > 0 {
		l.fetchNow(ctx, missing)
	}
	l.mu.Lock()
	for i, k := range keys {
		r := l.cache[k]
		values[i] = r.v
		if r.err != nil {
			if errs == nil {
				errs = make([]error, len(keys))
			}
			errs[i] = r.err
		}
	}
	l.mu.Unlock()
	if errs != nil {
		return values, dataloadgen.ErrorSlice(errs)
	}
	return values, nil
}

// fetchNow fetches the keys, keeps what it got (unless another caller
// kept a result for the key first, which then stands) and returns the
// results that stand, in the order of the keys.
func (l *Loader[K, V]) fetchNow(ctx context.Context, keys []K) []result[V] {
	values, errs := l.safeFetch(ctx, keys)
	out := make([]result[V], len(keys))
	for i := range keys {
		out[i] = resultAt(values, errs, len(keys), i)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cache == nil {
		l.cache = make(map[K]result[V], len(keys))
	}
	for i, k := range keys {
		if r, ok := l.cache[k]; ok {
			out[i] = r
			continue
		}
		l.cache[k] = out[i]
	}
	return out
}

// resultAt returns the result of the i-th of n keys, as dataloadgen's
// thunks read it from a fetch's values and errors.
func resultAt[V any](values []V, errs []error, n, i int) result[V] {
	var r result[V]
	switch {
	case len(errs) == 1 && errs[0] != nil:
		r.err = errs[0]
	case len(values) != n:
		r.err = fmt.Errorf("bug in fetch function: %d values returned for %d keys", len(values), n)
	default:
		r.v = values[i]
		if len(errs) != 0 {
			if i < len(errs) {
				r.err = errs[i]
			} else {
				r.err = fmt.Errorf("bug in fetch function: %d errors returned for %d keys; last error: %w", len(errs), n, errs[len(errs)-1])
			}
		}
	}
	return r
}

// safeFetch calls fetch, turning a panic into an error for every key, as
// dataloadgen does.
func (l *Loader[K, V]) safeFetch(ctx context.Context, keys []K) (values []V, errs []error) {
	defer func() {
		if v := recover(); v != nil {
			values, errs = nil, []error{fmt.Errorf("panic during fetch: %v", v)}
		}
	}()
	return l.fetch(ctx, keys)
}

// Prime stores the value of a key not loaded yet, and reports whether it
// did.
func (l *Loader[K, V]) Prime(key K, value V) bool {
	if l.batched != nil {
		return l.batched.Prime(key, value)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.cache[key]; ok {
		return false
	}
	if l.cache == nil {
		l.cache = map[K]result[V]{}
	}
	l.cache[key] = result[V]{v: value}
	return true
}

// ClearAll forgets every key loaded.
func (l *Loader[K, V]) ClearAll() {
	if l.batched != nil {
		l.batched.ClearAll()
		return
	}
	l.mu.Lock()
	l.cache = nil
	l.mu.Unlock()
}
