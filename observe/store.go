package observe

import (
	"context"
	"time"

	"github.com/puente-kg/puente/kg"
)

// Store wraps a store so that every call is timed and traced. The wrapper
// implements every method itself rather than embedding the store, so that
// a method added to kg.Store cannot slip past it: the build fails until it
// is wrapped too.
func (o *Observer) Store(s kg.Store) kg.Store { return &store{s: s, o: o} }

type store struct {
	s kg.Store
	o *Observer
}

var _ kg.Store = (*store)(nil)

type none struct{}

func noResult(err error) (none, error) { return none{}, err }

func (s *store) Entities(ctx context.Context, ids []string) ([]*kg.Entity, error) {
	return call(ctx, s.o, "Entities", func(ctx context.Context) ([]*kg.Entity, error) { return s.s.Entities(ctx, ids) })
}

func (s *store) Redirects(ctx context.Context, ids []string) ([]kg.Redirect, error) {
	return call(ctx, s.o, "Redirects", func(ctx context.Context) ([]kg.Redirect, error) { return s.s.Redirects(ctx, ids) })
}

func (s *store) Sources(ctx context.Context, ids []string) ([]*kg.Source, error) {
	return call(ctx, s.o, "Sources", func(ctx context.Context) ([]*kg.Source, error) { return s.s.Sources(ctx, ids) })
}

func (s *store) Quoting(ctx context.Context, id string, max int) ([]*kg.Relation, []*kg.Entity, error) {
	type quoting struct {
		rels []*kg.Relation
		es   []*kg.Entity
	}
	q, err := call(ctx, s.o, "Quoting", func(ctx context.Context) (quoting, error) {
		rels, es, err := s.s.Quoting(ctx, id, max)
		return quoting{rels, es}, err
	})
	return q.rels, q.es, err
}

func (s *store) ListSources(ctx context.Context, p kg.PageRequest) (*kg.SourcePage, error) {
	return call(ctx, s.o, "ListSources", func(ctx context.Context) (*kg.SourcePage, error) { return s.s.ListSources(ctx, p) })
}

func (s *store) Relations(ctx context.Context, ids []string, max int, bases ...kg.Basis) ([]*kg.Relation, error) {
	return call(ctx, s.o, "Relations", func(ctx context.Context) ([]*kg.Relation, error) { return s.s.Relations(ctx, ids, max, bases...) })
}

func (s *store) RelationsByID(ctx context.Context, ids []string) ([]*kg.Relation, error) {
	return call(ctx, s.o, "RelationsByID", func(ctx context.Context) ([]*kg.Relation, error) { return s.s.RelationsByID(ctx, ids) })
}

func (s *store) Links(ctx context.Context, ids []string, q kg.LinkQuery, p kg.PageRequest) ([]kg.LinkPage, error) {
	return call(ctx, s.o, "Links", func(ctx context.Context) ([]kg.LinkPage, error) { return s.s.Links(ctx, ids, q, p) })
}

func (s *store) ListEntities(ctx context.Context, f kg.EntityFilter, p kg.PageRequest) (*kg.EntityPage, error) {
	return call(ctx, s.o, "ListEntities", func(ctx context.Context) (*kg.EntityPage, error) { return s.s.ListEntities(ctx, f, p) })
}

func (s *store) ListEvents(ctx context.Context, f kg.EventFilter, p kg.PageRequest) (*kg.EntityPage, error) {
	return call(ctx, s.o, "ListEvents", func(ctx context.Context) (*kg.EntityPage, error) { return s.s.ListEvents(ctx, f, p) })
}

func (s *store) WhoMet(ctx context.Context, q kg.WhoMetQuery, p kg.PageRequest) (*kg.ContactPage, error) {
	return call(ctx, s.o, "WhoMet", func(ctx context.Context) (*kg.ContactPage, error) { return s.s.WhoMet(ctx, q, p) })
}

func (s *store) Investments(ctx context.Context, q kg.InvestmentQuery, p kg.PageRequest) (*kg.InvestmentPage, error) {
	return call(ctx, s.o, "Investments", func(ctx context.Context) (*kg.InvestmentPage, error) { return s.s.Investments(ctx, q, p) })
}

func (s *store) Search(ctx context.Context, q kg.SearchQuery) ([]kg.SearchHit, error) {
	return call(ctx, s.o, "Search", func(ctx context.Context) ([]kg.SearchHit, error) { return s.s.Search(ctx, q) })
}

func (s *store) Timeline(ctx context.Context, q kg.TimelineQuery, p kg.PageRequest) (*kg.IDPage, error) {
	return call(ctx, s.o, "Timeline", func(ctx context.Context) (*kg.IDPage, error) { return s.s.Timeline(ctx, q, p) })
}

func (s *store) Walks(ctx context.Context, q kg.PathQuery) ([]kg.Walk, error) {
	return call(ctx, s.o, "Walks", func(ctx context.Context) ([]kg.Walk, error) { return s.s.Walks(ctx, q) })
}

func (s *store) Stats(ctx context.Context) (kg.Stats, error) {
	return call(ctx, s.o, "Stats", func(ctx context.Context) (kg.Stats, error) { return s.s.Stats(ctx) })
}

func (s *store) Changes(ctx context.Context, q kg.ChangeQuery) ([]*kg.Change, error) {
	return call(ctx, s.o, "Changes", func(ctx context.Context) ([]*kg.Change, error) { return s.s.Changes(ctx, q) })
}

func (s *store) LastChange(ctx context.Context) (int64, error) {
	return call(ctx, s.o, "LastChange", func(ctx context.Context) (int64, error) { return s.s.LastChange(ctx) })
}

func (s *store) PruneChanges(ctx context.Context, before time.Time, keep int64) (int, error) {
	return call(ctx, s.o, "PruneChanges", func(ctx context.Context) (int, error) { return s.s.PruneChanges(ctx, before, keep) })
}

func (s *store) Apply(ctx context.Context, c *kg.ChangeSet) error {
	_, err := call(ctx, s.o, "Apply", func(ctx context.Context) (none, error) { return noResult(s.s.Apply(ctx, c)) })
	return err
}

func (s *store) Redirect(ctx context.Context, id string) (string, error) {
	return call(ctx, s.o, "Redirect", func(ctx context.Context) (string, error) { return s.s.Redirect(ctx, id) })
}

func (s *store) Dump(ctx context.Context) (*kg.Dataset, error) {
	return call(ctx, s.o, "Dump", func(ctx context.Context) (*kg.Dataset, error) { return s.s.Dump(ctx) })
}

func (s *store) Migrate(ctx context.Context) error {
	_, err := call(ctx, s.o, "Migrate", func(ctx context.Context) (none, error) { return noResult(s.s.Migrate(ctx)) })
	return err
}

func (s *store) Close(ctx context.Context) error { return s.s.Close(ctx) }
