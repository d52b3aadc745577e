package service

import (
	"context"

	"github.com/puente-kg/puente/kg"
)

// The read use cases that answer a root field together with what its
// nested fields show (see kg.Fetcher): the same checks, defaults and
// cursors as their plain counterparts, in one round trip.

// EntityTree returns the entity with the given ID, or the one it was
// merged into, with the links x asks for under it; a nil Root when there
// is neither.
func (s *Service) EntityTree(ctx context.Context, id string, x *kg.Expansion) (*kg.Tree, error) {
	if err := kg.CheckEntityID("id", id); err != nil {
		return nil, err
	}
	if err := kg.CheckExpansion(x); err != nil {
		return nil, err
	}
	return s.store.Expand(ctx, id, x)
}

// WhoMetWith is WhoMet, with the contacts' entities and the events of
// each one's first meetings meetings.
func (s *Service) WhoMetWith(ctx context.Context, q kg.WhoMetQuery, p kg.PageRequest, meetings int) (*kg.ContactPage, []*kg.Entity, error) {
	if err := kg.CheckEntityID("id", q.ID); err != nil {
		return nil, nil, err
	}
	var es []*kg.Entity
	filter := kg.Filter(q.ID, q.From, q.To, q.StatedOnly)
	page, err := paged("whoMet", filter, p, func(r *kg.ContactPage) *[]string { return &r.Cursors },
		func(p kg.PageRequest) (page *kg.ContactPage, err error) {
			page, es, err = s.store.WhoMetWith(ctx, q, p, meetings)
			return page, err
		})
	return page, es, err
}

// InvestmentsWith is Investments, with the entities of the investors,
// targets and events.
func (s *Service) InvestmentsWith(ctx context.Context, q kg.InvestmentQuery, p kg.PageRequest) (*kg.InvestmentPage, []*kg.Entity, error) {
	if err := checkInvestments(q); err != nil {
		return nil, nil, err
	}
	var es []*kg.Entity
	filter := kg.Filter(q.InvestorID, q.TargetID, q.From, q.To, q.StatedOnly)
	page, err := paged("investments", filter, p, func(r *kg.InvestmentPage) *[]string { return &r.Cursors },
		func(p kg.PageRequest) (page *kg.InvestmentPage, err error) {
			page, es, err = s.store.InvestmentsWith(ctx, q, p)
			return page, err
		})
	return page, es, err
}

// SearchWith is Search, with the hits' entities.
func (s *Service) SearchWith(ctx context.Context, q kg.SearchQuery) ([]kg.SearchHit, []*kg.Entity, error) {
	return s.store.SearchWith(ctx, q)
}

// Lookup returns the entities and relations with the given IDs, such as
// the nodes and edges of paths, skipping unknown ones.
func (s *Service) Lookup(ctx context.Context, entityIDs, relationIDs []string) ([]*kg.Entity, []*kg.Relation, error) {
	return s.store.Lookup(ctx, entityIDs, relationIDs)
}
