package service

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/puente-kg/puente/kg"
)

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
//
// A change set that asks for a change-log entry (Log) gets its items from
// Describe just before it is applied.
func Write(ctx context.Context, s writeStore, plan func(ctx context.Context) (*kg.ChangeSet, error)) error {
	var held []string
	defer func() { writeLocks.unlock(held) }()
	var err error
	conflicts := 0
	for range MaxWriteAttempts {
		var c *kg.ChangeSet
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
		if err = Describe(ctx, s, c); err == nil {
			err = s.Apply(ctx, c)
		}
		if kg.ErrorCode(err) != kg.ECONFLICT {
			return err
		}
		// Another process wrote meanwhile: give it room.
		conflicts++
		if werr := sleep(ctx, backoff(conflicts)); werr != nil {
			return fmt.Errorf("%w (the write met concurrent changes: %w)", werr, err)
		}
	}
	if err == nil {
		err = kg.Errorf(kg.ECONFLICT, "the write kept meeting concurrent changes; try again")
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

// UpsertSource creates or replaces a source.
func (s *Service) UpsertSource(ctx context.Context, src *kg.Source, stamp kg.Stamp) error {
	return s.write(ctx, logged(kg.OpUpsertSource, stamp.By, func(ctx context.Context) (*kg.ChangeSet, error) { return PlanSource(ctx, s.store, src) }))
}

// UpsertEntity creates or replaces an entity that is not an event (see
// PlanEntity), planning again on concurrent changes.
func (s *Service) UpsertEntity(ctx context.Context, in EntityInput, stamp kg.Stamp) error {
	return s.write(ctx, logged(kg.OpUpsertEntity, stamp.By, func(ctx context.Context) (*kg.ChangeSet, error) { return PlanEntity(ctx, s.store, in, stamp) }))
}

// UpsertEvent creates or replaces an event with its participants and
// places (see PlanEvent).
func (s *Service) UpsertEvent(ctx context.Context, in EventInput, stamp kg.Stamp) error {
	return s.write(ctx, logged(kg.OpUpsertEvent, stamp.By, func(ctx context.Context) (*kg.ChangeSet, error) { return PlanEvent(ctx, s.store, in, stamp) }))
}

// DeleteEntity deletes an entity with its relations (see PlanDelete) and
// returns what the deletion did.
func (s *Service) DeleteEntity(ctx context.Context, id string, stamp kg.Stamp) (*DeletePlan, error) {
	var plan *DeletePlan
	err := s.write(ctx, logged(kg.OpDeleteEntity, stamp.By, func(ctx context.Context) (*kg.ChangeSet, error) {
		var err error
		if plan, err = PlanDelete(ctx, s.store, id); err != nil {
			return nil, err
		}
		return plan.Changes, nil
	}))
	return plan, err
}

// MergeEntities merges entities into the one kept (see PlanMerge).
func (s *Service) MergeEntities(ctx context.Context, keepID string, mergeIDs []string, stamp kg.Stamp) error {
	return s.write(ctx, logged(kg.OpMergeEntities, stamp.By, func(ctx context.Context) (*kg.ChangeSet, error) {
		return PlanMerge(ctx, s.store, keepID, mergeIDs, stamp)
	}))
}

// write is Write on the service's store, telling OnWrite of a success.
func (s *Service) write(ctx context.Context, plan func(ctx context.Context) (*kg.ChangeSet, error)) error {
	err := Write(ctx, s.store, plan)
	if err == nil && s.onWrite != nil {
		s.onWrite()
	}
	return err
}
