package observe

import (
	"context"

	"github.com/puente-kg/puente/kg"
)

// Store wraps a store so that every call is timed and traced.
func (o *Observer) Store(s kg.Store) kg.Store { return &store{Store: s, o: o} }

type store struct {
	kg.Store
	o *Observer
}

type none struct{}

func noResult(err error) (none, error) { return none{}, err }

func (s *store) Entities(ctx context.Context, ids []string) ([]*kg.Entity, error) {
	return call(ctx, s.o, "Entities", func(ctx context.Context) ([]*kg.Entity, error) { return s.Store.Entities(ctx, ids) })
}

func (s *store) Sources(ctx context.Context, ids []string) ([]*kg.Source, error) {
	return call(ctx, s.o, "Sources", func(ctx context.Context) ([]*kg.Source, error) { return s.Store.Sources(ctx, ids) })
}

func (s *store) Relations(ctx context.Context, ids []string) ([]*kg.Relation, error) {
	return call(ctx, s.o, "Relations", func(ctx context.Context) ([]*kg.Relation, error) { return s.Store.Relations(ctx, ids) })
}

func (s *store) Redirects(ctx context.Context, ids []string) ([]kg.Redirect, error) {
	return call(ctx, s.o, "Redirects", func(ctx context.Context) ([]kg.Redirect, error) { return s.Store.Redirects(ctx, ids) })
}

func (s *store) ListEntities(ctx context.Context, f kg.EntityFilter, p kg.PageRequest) (*kg.EntityPage, error) {
	return call(ctx, s.o, "ListEntities", func(ctx context.Context) (*kg.EntityPage, error) { return s.Store.ListEntities(ctx, f, p) })
}

func (s *store) ListEvents(ctx context.Context, f kg.EventFilter, p kg.PageRequest) (*kg.EntityPage, error) {
	return call(ctx, s.o, "ListEvents", func(ctx context.Context) (*kg.EntityPage, error) { return s.Store.ListEvents(ctx, f, p) })
}

func (s *store) ListSources(ctx context.Context, p kg.PageRequest) (*kg.SourcePage, error) {
	return call(ctx, s.o, "ListSources", func(ctx context.Context) (*kg.SourcePage, error) { return s.Store.ListSources(ctx, p) })
}

func (s *store) WhoMet(ctx context.Context, q kg.WhoMetQuery) ([]kg.Contact, error) {
	return call(ctx, s.o, "WhoMet", func(ctx context.Context) ([]kg.Contact, error) { return s.Store.WhoMet(ctx, q) })
}

func (s *store) Investments(ctx context.Context, q kg.InvestmentQuery) ([]kg.Investment, error) {
	return call(ctx, s.o, "Investments", func(ctx context.Context) ([]kg.Investment, error) { return s.Store.Investments(ctx, q) })
}

func (s *store) Search(ctx context.Context, q kg.SearchQuery) ([]kg.SearchHit, error) {
	return call(ctx, s.o, "Search", func(ctx context.Context) ([]kg.SearchHit, error) { return s.Store.Search(ctx, q) })
}

func (s *store) Stats(ctx context.Context) (kg.Stats, error) {
	return call(ctx, s.o, "Stats", func(ctx context.Context) (kg.Stats, error) { return s.Store.Stats(ctx) })
}

func (s *store) Edges(ctx context.Context, ids []string, max int) ([]*kg.Relation, error) {
	return call(ctx, s.o, "Edges", func(ctx context.Context) ([]*kg.Relation, error) { return s.Store.Edges(ctx, ids, max) })
}

func (s *store) Walks(ctx context.Context, q kg.PathQuery) ([]kg.Walk, error) {
	return call(ctx, s.o, "Walks", func(ctx context.Context) ([]kg.Walk, error) { return s.Store.Walks(ctx, q) })
}

func (s *store) Timeline(ctx context.Context, q kg.TimelineQuery) ([]string, error) {
	return call(ctx, s.o, "Timeline", func(ctx context.Context) ([]string, error) { return s.Store.Timeline(ctx, q) })
}

func (s *store) Apply(ctx context.Context, c *kg.ChangeSet) error {
	_, err := call(ctx, s.o, "Apply", func(ctx context.Context) (none, error) { return noResult(s.Store.Apply(ctx, c)) })
	return err
}

func (s *store) Redirect(ctx context.Context, id string) (string, error) {
	return call(ctx, s.o, "Redirect", func(ctx context.Context) (string, error) { return s.Store.Redirect(ctx, id) })
}

func (s *store) Dump(ctx context.Context) (*kg.Dataset, error) {
	return call(ctx, s.o, "Dump", func(ctx context.Context) (*kg.Dataset, error) { return s.Store.Dump(ctx) })
}
