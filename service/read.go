package service

import (
	"context"

	"github.com/puente-kg/puente/kg"
)

// The read use cases of the root fields: each validates its arguments,
// applies the defaults, turns the client's cursor into the store's (and
// back, naming the list and its filter), and asks the store.

// Entity returns the entity with the given ID, or the one it was merged
// into; nil when there is neither.
func (s *Service) Entity(ctx context.Context, id string) (*kg.Entity, error) {
	if err := kg.CheckEntityID("id", id); err != nil {
		return nil, err
	}
	es, err := s.store.Entities(ctx, []string{id})
	if err != nil || len(es) > 0 {
		return first(es), err
	}
	rs, err := s.store.Redirects(ctx, []string{id})
	if err != nil || len(rs) == 0 {
		return nil, err
	}
	es, err = s.store.Entities(ctx, []string{rs[0].To})
	return first(es), err
}

func first[T any](s []*T) *T {
	if len(s) == 0 {
		return nil
	}
	return s[0]
}

// paged runs a store's read of one page of the list named list, whose
// filter and order the text filter describes: it turns the client's cursor
// into the store's, asks the store, and turns the page's cursors into
// cursors that name the list and filter (see kg.ListCursor).
func paged[P any](list, filter string, p kg.PageRequest, cursors func(P) *[]string, fetch func(kg.PageRequest) (P, error)) (P, error) {
	var zero P
	inner, err := kg.ListAfter(list, filter, p.After)
	if err != nil {
		return zero, err
	}
	p.After = inner
	res, err := fetch(p)
	if err != nil {
		return zero, err
	}
	c := cursors(res)
	*c = kg.ListCursors(list, filter, *c)
	return res, nil
}

// Entities returns a page of the entities that match the filter.
func (s *Service) Entities(ctx context.Context, f kg.EntityFilter, p kg.PageRequest) (*kg.EntityPage, error) {
	if f.Country != "" {
		if err := kg.CheckEntityID("filter.country", f.Country); err != nil {
			return nil, err
		}
	}
	filter := kg.Filter(f.Kinds, f.Country)
	return paged("entities", filter, p, func(r *kg.EntityPage) *[]string { return &r.Cursors },
		func(p kg.PageRequest) (*kg.EntityPage, error) { return s.store.ListEntities(ctx, f, p) })
}

// Events returns a page of the events that match the filter.
func (s *Service) Events(ctx context.Context, f kg.EventFilter, p kg.PageRequest) (*kg.EntityPage, error) {
	for _, id := range []struct{ field, id string }{{"filter.participant", f.Participant}, {"filter.country", f.Country}} {
		if id.id != "" {
			if err := kg.CheckEntityID(id.field, id.id); err != nil {
				return nil, err
			}
		}
	}
	if err := kg.CheckEventFilter(f); err != nil {
		return nil, err
	}
	filter := kg.Filter(f.Categories, f.From, f.To, f.Participant, f.Role, f.Country,
		deref(f.MinAmount), deref(f.MaxAmount), f.Currency, f.Descending, f.ReportedFrom, f.ReportedTo)
	return paged("events", filter, p, func(r *kg.EntityPage) *[]string { return &r.Cursors },
		func(p kg.PageRequest) (*kg.EntityPage, error) { return s.store.ListEvents(ctx, f, p) })
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// Sources returns a page of the sources, by ID.
func (s *Service) Sources(ctx context.Context, p kg.PageRequest) (*kg.SourcePage, error) {
	return paged("sources", "", p, func(r *kg.SourcePage) *[]string { return &r.Cursors },
		func(p kg.PageRequest) (*kg.SourcePage, error) { return s.store.ListSources(ctx, p) })
}

// WhoMet returns a page of who met the entity.
func (s *Service) WhoMet(ctx context.Context, q kg.WhoMetQuery, p kg.PageRequest) (*kg.ContactPage, error) {
	if err := kg.CheckEntityID("id", q.ID); err != nil {
		return nil, err
	}
	filter := kg.Filter(q.ID, q.From, q.To, q.StatedOnly)
	return paged("whoMet", filter, p, func(r *kg.ContactPage) *[]string { return &r.Cursors },
		func(p kg.PageRequest) (*kg.ContactPage, error) { return s.store.WhoMet(ctx, q, p) })
}

// Investments returns a page of the investments that match the query.
func (s *Service) Investments(ctx context.Context, q kg.InvestmentQuery, p kg.PageRequest) (*kg.InvestmentPage, error) {
	if err := checkInvestments(q); err != nil {
		return nil, err
	}
	filter := kg.Filter(q.InvestorID, q.TargetID, q.From, q.To, q.StatedOnly)
	return paged("investments", filter, p, func(r *kg.InvestmentPage) *[]string { return &r.Cursors },
		func(p kg.PageRequest) (*kg.InvestmentPage, error) { return s.store.Investments(ctx, q, p) })
}

func checkInvestments(q kg.InvestmentQuery) error {
	if q.InvestorID != "" {
		if err := kg.CheckEntityID("investorId", q.InvestorID); err != nil {
			return err
		}
	}
	if q.TargetID != "" {
		return kg.CheckEntityID("targetId", q.TargetID)
	}
	return nil
}

// Timeline returns a page of the events of the entity's timeline.
func (s *Service) Timeline(ctx context.Context, q kg.TimelineQuery, p kg.PageRequest) (*kg.IDPage, error) {
	if err := kg.CheckEntityID("id", q.ID); err != nil {
		return nil, err
	}
	filter := kg.Filter(q.ID, q.From, q.To, q.Categories, q.StatedOnly)
	return paged("timeline", filter, p, func(r *kg.IDPage) *[]string { return &r.Cursors },
		func(p kg.PageRequest) (*kg.IDPage, error) { return s.store.Timeline(ctx, q, p) })
}

// Search returns the best matches of the query.
func (s *Service) Search(ctx context.Context, q kg.SearchQuery) ([]kg.SearchHit, error) {
	return s.store.Search(ctx, q)
}

// Neighborhood returns the subgraph around an entity (see
// kg.WalkNeighborhood), with the entities of its nodes, in one round
// trip; an unknown center gives an empty subgraph. It takes a slot of the
// expensive requests.
func (s *Service) Neighborhood(ctx context.Context, q kg.NeighborhoodQuery) (*kg.Subgraph, error) {
	if err := kg.CheckNeighborhood(q); err != nil {
		return nil, err
	}
	leave, err := s.Expensive(ctx)
	if err != nil {
		return nil, err
	}
	defer leave()
	sub, err := s.store.Neighborhood(ctx, q)
	if err != nil {
		return nil, err
	}
	if isolated(sub, q.ID) {
		// A center without relations that has no entity does not exist:
		// the store brings the entity of every node that does.
		sub.Nodes = nil
	}
	return sub, nil
}

// Paths returns the paths between two entities, with the entities and
// relations they pass through (see the package function Paths). It takes
// a slot of the expensive requests.
func (s *Service) Paths(ctx context.Context, q kg.PathQuery) (*kg.PathSet, error) {
	if err := kg.CheckPaths(q); err != nil {
		return nil, err
	}
	leave, err := s.Expensive(ctx)
	if err != nil {
		return nil, err
	}
	defer leave()
	return s.store.Paths(ctx, q)
}

// InvestmentTotals sums the investments matching q (see the package
// function InvestmentTotals), at most first totals.
func (s *Service) InvestmentTotals(ctx context.Context, q kg.InvestmentQuery, first int) ([]kg.InvestmentTotal, error) {
	if err := checkInvestments(q); err != nil {
		return nil, err
	}
	totals, err := InvestmentTotals(ctx, s.store, q)
	return totals[:min(first, len(totals))], err
}

// EventCounts counts the events of an entity's timeline (see the package
// function EventCounts), at most first counts.
func (s *Service) EventCounts(ctx context.Context, q kg.TimelineQuery, first int) ([]kg.EventCount, error) {
	if err := kg.CheckEntityID("id", q.ID); err != nil {
		return nil, err
	}
	counts, err := EventCounts(ctx, s.store, q)
	return counts[:min(first, len(counts))], err
}
