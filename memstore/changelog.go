package memstore

import (
	"context"
	"sort"
	"time"

	"github.com/puente-kg/puente/kg"
)

// changeLog is the embedded store's change log: the entries in sequence
// order. Entries are journaled inside the change set they record, so that
// a replay restores them with their numbers.
type changeLog struct {
	entries []*kg.Change
	// last is the sequence number of the last entry ever written, pruned
	// or not.
	last int64
	// pruned is the sequence number of the last entry pruned, 0 when none
	// has been.
	pruned int64
}

// stamp numbers and dates the entry of a change set about to be applied,
// returning a change set that holds the numbered copy (c itself is left
// as it is, for a caller that retries).
func (l *changeLog) stamp(c *kg.ChangeSet) *kg.ChangeSet {
	if c.Log == nil {
		return c
	}
	entry := *c.Log
	entry.Seq = l.last + 1
	entry.At = time.Now().UTC()
	cp := *c
	cp.Log = &entry
	return &cp
}

// add appends the entry of a change set that was applied.
func (l *changeLog) add(c *kg.Change) {
	if c == nil {
		return
	}
	l.entries = append(l.entries, c)
	l.last = max(l.last, c.Seq)
}

// Changes returns the entries after q.After that match q, in order.
func (s *Store) Changes(ctx context.Context, q kg.ChangeQuery) ([]*kg.Change, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if q.After > 0 && q.After < s.log.pruned {
		return nil, kg.ErrExpired(q.After, s.log.pruned)
	}
	es := s.log.entries
	i := sort.Search(len(es), func(i int) bool { return es[i].Seq > q.After })
	var out []*kg.Change
	for ; i < len(es) && len(out) < q.First; i++ {
		if i%1024 == 0 {
			if err := kg.Live(ctx); err != nil {
				return nil, err
			}
		}
		if q.Matches(es[i]) {
			out = append(out, es[i])
		}
	}
	return out, nil
}

// LastChange returns the sequence number of the last entry.
func (s *Store) LastChange(ctx context.Context) (int64, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.log.last, nil
}

// PruneChanges drops the entries committed before the time, up to the one
// numbered keep. The journal keeps them: a restart brings them back until
// the next pruning.
func (s *Store) PruneChanges(ctx context.Context, before time.Time, keep int64) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	es := s.log.entries
	n := 0
	for n < len(es) && es[n].Seq <= keep && es[n].At.Before(before) {
		n++
	}
	if n > 0 {
		s.log.pruned = max(s.log.pruned, es[n-1].Seq)
	}
	s.log.entries = append([]*kg.Change(nil), es[n:]...)
	return n, nil
}
