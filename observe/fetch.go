package observe

import (
	"context"

	"github.com/puente-kg/puente/kg"
)

// The kg.Fetcher methods, each timed and traced as one call.

func (s *store) Expand(ctx context.Context, id string, x *kg.Expansion) (*kg.Tree, error) {
	return call(ctx, s.o, "Expand", func(ctx context.Context) (*kg.Tree, error) { return s.s.Expand(ctx, id, x) })
}

// withEntities carries a result and its entities through call.
type withEntities[T any] struct {
	v  T
	es []*kg.Entity
}

func (s *store) WhoMetWith(ctx context.Context, q kg.WhoMetQuery, p kg.PageRequest, meetings int) (*kg.ContactPage, []*kg.Entity, error) {
	r, err := call(ctx, s.o, "WhoMetWith", func(ctx context.Context) (withEntities[*kg.ContactPage], error) {
		page, es, err := s.s.WhoMetWith(ctx, q, p, meetings)
		return withEntities[*kg.ContactPage]{page, es}, err
	})
	return r.v, r.es, err
}

func (s *store) InvestmentsWith(ctx context.Context, q kg.InvestmentQuery, p kg.PageRequest) (*kg.InvestmentPage, []*kg.Entity, error) {
	r, err := call(ctx, s.o, "InvestmentsWith", func(ctx context.Context) (withEntities[*kg.InvestmentPage], error) {
		page, es, err := s.s.InvestmentsWith(ctx, q, p)
		return withEntities[*kg.InvestmentPage]{page, es}, err
	})
	return r.v, r.es, err
}

func (s *store) SearchWith(ctx context.Context, q kg.SearchQuery) ([]kg.SearchHit, []*kg.Entity, error) {
	r, err := call(ctx, s.o, "SearchWith", func(ctx context.Context) (withEntities[[]kg.SearchHit], error) {
		hits, es, err := s.s.SearchWith(ctx, q)
		return withEntities[[]kg.SearchHit]{hits, es}, err
	})
	return r.v, r.es, err
}

func (s *store) Lookup(ctx context.Context, entityIDs, relationIDs []string) ([]*kg.Entity, []*kg.Relation, error) {
	r, err := call(ctx, s.o, "Lookup", func(ctx context.Context) (withEntities[[]*kg.Relation], error) {
		es, rels, err := s.s.Lookup(ctx, entityIDs, relationIDs)
		return withEntities[[]*kg.Relation]{rels, es}, err
	})
	return r.es, r.v, err
}

func (s *store) Neighborhood(ctx context.Context, q kg.NeighborhoodQuery) (*kg.Subgraph, error) {
	return call(ctx, s.o, "Neighborhood", func(ctx context.Context) (*kg.Subgraph, error) { return s.s.Neighborhood(ctx, q) })
}

func (s *store) Paths(ctx context.Context, q kg.PathQuery) (*kg.PathSet, error) {
	return call(ctx, s.o, "Paths", func(ctx context.Context) (*kg.PathSet, error) { return s.s.Paths(ctx, q) })
}
