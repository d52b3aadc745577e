package service

import (
	"context"

	"github.com/puente-kg/puente/kg"
)

// ChangePage is a page of the change log.
type ChangePage struct {
	// Changes are the entries, in sequence order.
	Changes []*kg.Change
	// HasNext says that more entries matched than the page holds.
	HasNext bool
	// End is the sequence number to continue after: the last entry's, or
	// the cursor's when the page is empty, so that a client polling an
	// idle log keeps its cursor.
	End int64
}

// Changes returns the entries of the change log after the cursor that
// match q's filters, at most q.First of them (1 to kg.MaxListSize).
func (s *Service) Changes(ctx context.Context, after string, q kg.ChangeQuery) (*ChangePage, error) {
	if q.First < 1 || q.First > kg.MaxListSize {
		return nil, kg.Invalid("first", "must be between 1 and %d, got %d", kg.MaxListSize, q.First)
	}
	seq, err := kg.ChangeAfter(after)
	if err != nil {
		return nil, err
	}
	for _, id := range q.IDs {
		if id == "" {
			return nil, kg.Invalid("ids", "an ID may not be empty")
		}
	}
	n := q.First
	q.After, q.First = seq, n+1
	cs, err := s.store.Changes(ctx, q)
	if err != nil {
		return nil, err
	}
	page := &ChangePage{Changes: cs, End: seq}
	if len(cs) > n {
		page.Changes, page.HasNext = cs[:n], true
	}
	if len(page.Changes) > 0 {
		page.End = page.Changes[len(page.Changes)-1].Seq
	}
	return page, nil
}

// History returns the entries of the change log that touched the entity:
// its record, its relations, and merges into it or from it.
func (s *Service) History(ctx context.Context, id, after string, first int) (*ChangePage, error) {
	return s.Changes(ctx, after, kg.ChangeQuery{IDs: []string{id}, First: first})
}
