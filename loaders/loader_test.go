package loaders

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vikstrous/dataloadgen"
)

// fakeFetch doubles its keys' text, fails for "bad" (per key) and fails
// the whole fetch, or panics, when a key asks to; it counts its calls and
// the keys it was asked for.
type fakeFetch struct {
	mu    sync.Mutex
	calls int
	keys  []string
}

var errWhole = errors.New("the whole fetch failed")

func (f *fakeFetch) fetch(_ context.Context, keys []string) ([]string, []error) {
	f.mu.Lock()
	f.calls++
	f.keys = append(f.keys, keys...)
	f.mu.Unlock()
	if slices.Contains(keys, "panic") {
		panic("boom")
	}
	if slices.Contains(keys, "whole") {
		return nil, []error{errWhole}
	}
	out := make([]string, len(keys))
	var errs []error
	for i, k := range keys {
		if k == "bad" {
			if errs == nil {
				errs = make([]error, len(keys))
			}
			errs[i] = errors.New("bad key")
			continue
		}
		out[i] = k + k
	}
	return out, errs
}

// TestLoaderWithAndWithoutWait checks that a loader without a wait (which
// fetches in the caller) answers as a batching one does: values in the
// order of the keys, errors per key or for the whole fetch, each key
// fetched once per request, primed values kept, everything forgotten by
// ClearAll, and a panicking fetch turned into an error.
func TestLoaderWithAndWithoutWait(t *testing.T) {
	ctx := context.Background()
	for _, wait := range []time.Duration{0, time.Millisecond} {
		t.Run(wait.String(), func(t *testing.T) {
			f := &fakeFetch{}
			l := newLoader(f.fetch, wait)
			if (l.batched == nil) != (wait == 0) {
				t.Fatalf("wait %v: batched is %v", wait, l.batched != nil)
			}
			if v, err := l.Load(ctx, "a"); v != "aa" || err != nil {
				t.Errorf("Load(a) = %q, %v", v, err)
			}
			if v, err := l.Load(ctx, "a"); v != "aa" || err != nil || f.calls != 1 {
				t.Errorf("Load(a) again = %q, %v after %d fetches, want one", v, err, f.calls)
			}
			vs, err := l.LoadAll(ctx, []string{"b", "a", "c", "b"})
			if !slices.Equal(vs, []string{"bb", "aa", "cc", "bb"}) || err != nil {
				t.Errorf("LoadAll = %q, %v", vs, err)
			}
			if got := strings.Join(f.keys, ","); strings.Count(got, "b") != 1 || strings.Count(got, "a") != 1 {
				t.Errorf("fetched %s: each key should be fetched once", got)
			}
			vs, err = l.LoadAll(ctx, []string{"d", "bad"})
			var slice dataloadgen.ErrorSlice
			if !errors.As(err, &slice) || len(slice) != 2 || slice[0] != nil || slice[1] == nil || vs[0] != "dd" {
				t.Errorf("LoadAll(d, bad) = %q, %v: want dd and an error for bad alone", vs, err)
			}
			if _, err := l.Load(ctx, "bad"); err == nil || err.Error() != "bad key" {
				t.Errorf("Load(bad) = %v, want the error it got", err)
			}
			if _, err := l.Load(ctx, "whole"); !errors.Is(err, errWhole) {
				t.Errorf("Load(whole) = %v, want %v", err, errWhole)
			}
			if _, err := l.Load(ctx, "panic"); err == nil || !strings.Contains(err.Error(), "panic during fetch: boom") {
				t.Errorf("Load(panic) = %v, want the panic as an error", err)
			}
			if !l.Prime("p", "primed") || l.Prime("p", "again") || l.Prime("a", "x") {
				t.Error("Prime should store a key not loaded, and only once")
			}
			if v, _ := l.Load(ctx, "p"); v != "primed" {
				t.Errorf("Load(p) = %q, want the primed value", v)
			}
			calls := f.calls
			l.ClearAll()
			if v, _ := l.Load(ctx, "p"); v != "pp" || f.calls != calls+1 {
				t.Errorf("Load(p) after ClearAll = %q after %d fetches, want a fetch", v, f.calls-calls)
			}
		})
	}
}

// TestLoaderConcurrentLoadsAgree loads one key from many goroutines at
// once: every caller sees the same value, the one the loader kept.
func TestLoaderConcurrentLoadsAgree(t *testing.T) {
	var mu sync.Mutex
	n := 0
	l := newLoader(func(_ context.Context, keys []string) ([]*int, []error) {
		mu.Lock()
		defer mu.Unlock()
		out := make([]*int, len(keys))
		for i := range keys {
			n++
			v := n
			out[i] = &v
		}
		return out, nil
	}, 0)
	var wg sync.WaitGroup
	got := make([]*int, 16)
	for i := range got {
		wg.Go(func() { got[i], _ = l.Load(context.Background(), "k") })
	}
	wg.Wait()
	for _, v := range got {
		if v != got[0] {
			t.Fatalf("callers saw different values: %d and %d", *v, *got[0])
		}
	}
}
