package kg

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"sync"
	"time"
)

// ChangeSet is one write, planned against the store's state: every record
// to put or delete. A backend applies it in one transaction — all of it or
// none — after checking that every entity in Expect still has the version
// the plan was made against; otherwise it fails with ECONFLICT and the
// write is planned again (see Write).
type ChangeSet struct {
	// Expect maps each entity the write touches to the version it had when
	// the write was planned, -1 for an entity that did not exist. Applying
	// the change set adds one to the version of each.
	Expect map[string]int `json:"expect"`

	PutSources []*Source `json:"putSources,omitempty"`
	// PutEntities replace the stored entities whole.
	PutEntities []*Entity `json:"putEntities,omitempty"`
	// DeleteRelations are deleted before PutRelations are written.
	DeleteRelations []*Relation `json:"deleteRelations,omitempty"`
	PutRelations    []*Relation `json:"putRelations,omitempty"`
	// DeleteEntities are deleted with any relation left on them, and the
	// redirects to them.
	DeleteEntities []string `json:"deleteEntities,omitempty"`
	// PutRedirects are written last; redirects that pointed to a merged
	// entity are moved along (see Redirect).
	PutRedirects []Redirect `json:"putRedirects,omitempty"`
}

// Failpoints of an apply, in order. A backend calls Fail at each; tests
// inject a failure there to check that a write interrupted in the middle
// leaves the store exactly as before.
var Failpoints = []string{
	"after-check", "after-delete-relations", "after-delete-entities",
	"after-put-sources", "after-put-entities", "after-put-relations",
}

type failpointKey struct{}

// WithFailpoint returns a context in which the apply of a change set fails
// at the named failpoint. It is meant for tests.
func WithFailpoint(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, failpointKey{}, name)
}

// ErrInjected is the failure WithFailpoint injects.
var ErrInjected = errors.New("injected failure")

// Fail returns ErrInjected when the context asks for a failure at name.
func Fail(ctx context.Context, name string) error {
	if v, _ := ctx.Value(failpointKey{}).(string); v == name {
		return ErrInjected
	}
	return nil
}

// Writer is the write side of a store.
type Writer interface {
	// Apply writes the change set in one transaction: all of it or, on any
	// error, none of it. It returns ECONFLICT when an expected version no
	// longer holds.
	Apply(ctx context.Context, c *ChangeSet) error
	// Redirect returns the ID the given one was merged into, or "" when it
	// was not.
	Redirect(ctx context.Context, id string) (string, error)
	// Dump returns the whole graph as a dataset, sorted (see Dataset.Sort).
	Dump(ctx context.Context) (*Dataset, error)
}

// MaxWriteAttempts is how many times Write plans and applies a write that
// meets concurrent changes.
const MaxWriteAttempts = 12

// Backoff between the attempts of a write: a random wait of up to
// writeBackoffBase doubled at each attempt, at most writeBackoffMax
// ("full jitter"), so that writers contending for one entity spread out
// instead of colliding again in lockstep.
const (
	writeBackoffBase = 2 * time.Millisecond
	writeBackoffMax  = 100 * time.Millisecond
)

// Write plans a change set from the store's current state and applies it,
// planning again when a concurrent write changed what the plan read.
//
// Contention costs latency, not failures. Within this process, the writes
// to an entity take turns: a write applies only while holding the locks of
// the entities its plan expects (see writeLocks), and plans again under
// them when it had to wait, so that writers of one process never conflict
// twice. Against writers of other processes, which the locks do not see,
// it pauses a random, growing time between attempts (see backoff). It
// fails with ECONFLICT only after MaxWriteAttempts; every wait honours ctx.
func Write(ctx context.Context, s Writer, plan func(ctx context.Context) (*ChangeSet, error)) error {
	var held []string
	defer func() { writeLocks.unlock(held) }()
	var err error
	conflicts := 0
	for range MaxWriteAttempts {
		var c *ChangeSet
		if c, err = plan(ctx); err != nil {
			return err
		}
		if keys := slices.Sorted(maps.Keys(c.Expect)); !subset(keys, held) {
			want := slices.Compact(slices.Sorted(slices.Values(append(keys, held...))))
			writeLocks.unlock(held)
			held = nil
			waited, lerr := writeLocks.lock(ctx, want)
			if lerr != nil {
				return fmt.Errorf("waiting for concurrent writes: %w", lerr)
			}
			held = want
			if waited {
				continue // the plan is likely stale: plan again, holding the locks
			}
		}
		if err = s.Apply(ctx, c); ErrorCode(err) != ECONFLICT {
			return err
		}
		// Another process wrote meanwhile: give it room.
		conflicts++
		if werr := sleep(ctx, backoff(conflicts)); werr != nil {
			return fmt.Errorf("%w (the write met concurrent changes: %w)", werr, err)
		}
	}
	if err == nil {
		err = Errorf(ECONFLICT, "the write kept meeting concurrent changes; try again")
	}
	return err
}

// subset reports whether every key of a is in b; both are sorted.
func subset(a, b []string) bool {
	for _, k := range a {
		if _, ok := slices.BinarySearch(b, k); !ok {
			return false
		}
	}
	return true
}

// writeLocks queues the writes of this process that met a conflict, by the
// entities they touch.
var writeLocks = keyedLocks{m: map[string]*keyedLock{}}

// keyedLocks is a set of mutexes by key, each existing while in use.
type keyedLocks struct {
	mu sync.Mutex
	m  map[string]*keyedLock
}

type keyedLock struct {
	ch    chan struct{} // holds a token while the lock is held
	users int
}

// lock takes the locks of keys, which must be sorted (so that two writers
// never wait for each other in a circle), or none of them if ctx ends
// first. It reports whether it had to wait for another holder.
func (k *keyedLocks) lock(ctx context.Context, keys []string) (waited bool, err error) {
	for i, key := range keys {
		k.mu.Lock()
		l := k.m[key]
		if l == nil {
			l = &keyedLock{ch: make(chan struct{}, 1)}
			k.m[key] = l
		}
		l.users++
		k.mu.Unlock()
		select {
		case l.ch <- struct{}{}:
			continue
		default:
		}
		waited = true
		select {
		case l.ch <- struct{}{}:
		case <-ctx.Done():
			k.release(key, false)
			k.unlock(keys[:i])
			return waited, ctx.Err()
		}
	}
	return waited, nil
}

// unlock releases the locks of keys.
func (k *keyedLocks) unlock(keys []string) {
	for _, key := range keys {
		k.release(key, true)
	}
}

func (k *keyedLocks) release(key string, held bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	l := k.m[key]
	if held {
		<-l.ch
	}
	if l.users--; l.users == 0 {
		delete(k.m, key)
	}
}

// backoff returns the random pause before the given attempt (1 for the
// first retry).
func backoff(attempt int) time.Duration {
	ceiling := writeBackoffMax
	if attempt < 16 {
		ceiling = min(writeBackoffBase<<attempt, writeBackoffMax)
	}
	return time.Duration(rand.Int64N(int64(ceiling))) + 1
}

// sleep waits for d or until ctx is done, whichever comes first.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
