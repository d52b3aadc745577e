package memstore

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/puente-kg/puente/kg"
)

// changeLog is the embedded store's change log: the entries in sequence
// order. Entries are journaled inside the change set they record, so that
// a replay restores them with their numbers.
type changeLog struct {
	entries []logEntry
	// last is the sequence number of the last entry ever written, pruned
	// or not.
	last int64
	// pruned is the sequence number of the last entry pruned, 0 when none
	// has been.
	pruned int64
}

// logEntry is an entry of the change log. The items of an entry that the
// journal holds are left out of memory, where they would take about as
// much as the graph itself after an import (each created record is an
// item holding it whole as JSON), and read back from the journal when a
// reader asks for the entry.
type logEntry struct {
	*kg.Change
	// at, when not 0, is the offset in the journal of the frame of the
	// change set that holds the entry whole; Change.Items is then nil.
	at int64
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

// add appends the entry of a change set that was applied, which the store
// owns. at is the offset of the journal frame that holds it, 0 when the
// journal does not hold it (a store without one, or a journal being
// rewritten in the current format): its items stay in memory then.
// skipped counts the items a replay did not decode.
func (l *changeLog) add(c *kg.Change, at int64, skipped int) {
	if c == nil {
		return
	}
	if at == 0 || len(c.Items) == 0 && skipped == 0 {
		at = 0
	} else {
		c.Items = nil
	}
	l.entries = append(l.entries, logEntry{Change: c, at: at})
	l.last = max(l.last, c.Seq)
}

// moveToJournal leaves the items of the entries out of memory once a
// journal of an earlier format was rewritten: frames holds the offsets of
// the rewritten frames that carry an entry, in the order of the entries.
// It does nothing if they do not match one for one.
func (l *changeLog) moveToJournal(frames []int64) {
	if len(frames) != len(l.entries) {
		return
	}
	for i := range l.entries {
		if e := &l.entries[i]; e.at == 0 && len(e.Items) > 0 {
			e.at = frames[i]
			e.Items = nil
		}
	}
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
		if !q.Matches(es[i].Change) {
			continue
		}
		c := es[i].Change
		if es[i].at != 0 {
			var err error
			if c, err = s.journaledEntry(es[i]); err != nil {
				return nil, err
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// journaledEntry reads the entry e whole from its journal frame. The
// caller holds s.mu.
func (s *Store) journaledEntry(e logEntry) (*kg.Change, error) {
	if s.journal == nil {
		return nil, kg.Errorf(kg.EUNAVAILABLE, "the store is closed")
	}
	payload, err := s.journal.read(e.at)
	var rec record
	if err == nil {
		err = decodeRecord(payload, 3, &rec, nil)
	}
	if err == nil && (rec.Changes == nil || rec.Changes.Log == nil || rec.Changes.Log.Seq != e.Seq) {
		err = fmt.Errorf("the record at byte %d does not hold change %d", e.at, e.Seq)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", kg.Errorf(kg.EUNAVAILABLE, "change %d could not be read from the journal", e.Seq), err)
	}
	c := *e.Change
	c.Items = rec.Changes.Log.Items
	return &c, nil
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
	s.log.entries = append([]logEntry(nil), es[n:]...)
	return n, nil
}
