package testenv

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/puente-kg/puente/kg"
)

// Counting wraps a store and counts its round trips: every read method,
// since each read is one statement on every backend. It implements every
// method itself rather than embedding the store, so that a method added to
// kg.Store cannot pass by uncounted.
type Counting struct {
	Store kg.Store
	n     atomic.Int64
}

var _ kg.Store = (*Counting)(nil)

// Calls returns the number of read calls so far.
func (c *Counting) Calls() int64 { return c.n.Load() }

func (c *Counting) count() { c.n.Add(1) }

// Entities counts one call and passes it on.
func (c *Counting) Entities(ctx context.Context, ids []string) ([]*kg.Entity, error) {
	c.count()
	return c.Store.Entities(ctx, ids)
}

// Redirects counts one call and passes it on.
func (c *Counting) Redirects(ctx context.Context, ids []string) ([]kg.Redirect, error) {
	c.count()
	return c.Store.Redirects(ctx, ids)
}

// Sources counts one call and passes it on.
func (c *Counting) Sources(ctx context.Context, ids []string) ([]*kg.Source, error) {
	c.count()
	return c.Store.Sources(ctx, ids)
}

// Quoting counts two calls (a statement for relations, one for entities)
// and passes it on.
func (c *Counting) Quoting(ctx context.Context, id string, max int) ([]*kg.Relation, []*kg.Entity, error) {
	c.count()
	c.count()
	return c.Store.Quoting(ctx, id, max)
}

// ListSources counts one call and passes it on.
func (c *Counting) ListSources(ctx context.Context, p kg.PageRequest) (*kg.SourcePage, error) {
	c.count()
	return c.Store.ListSources(ctx, p)
}

// Relations counts one call and passes it on.
func (c *Counting) Relations(ctx context.Context, ids []string, max int, bases ...kg.Basis) ([]*kg.Relation, error) {
	c.count()
	return c.Store.Relations(ctx, ids, max, bases...)
}

// RelationsByID counts one call and passes it on.
func (c *Counting) RelationsByID(ctx context.Context, ids []string) ([]*kg.Relation, error) {
	c.count()
	return c.Store.RelationsByID(ctx, ids)
}

// Links counts one call, two when it asks for counts, and passes it on.
func (c *Counting) Links(ctx context.Context, ids []string, q kg.LinkQuery, p kg.PageRequest) ([]kg.LinkPage, error) {
	c.count()
	if p.Count {
		c.count()
	}
	return c.Store.Links(ctx, ids, q, p)
}

// ListEntities counts one call and passes it on.
func (c *Counting) ListEntities(ctx context.Context, f kg.EntityFilter, p kg.PageRequest) (*kg.EntityPage, error) {
	c.count()
	return c.Store.ListEntities(ctx, f, p)
}

// ListEvents counts one call and passes it on.
func (c *Counting) ListEvents(ctx context.Context, f kg.EventFilter, p kg.PageRequest) (*kg.EntityPage, error) {
	c.count()
	return c.Store.ListEvents(ctx, f, p)
}

// WhoMet counts one call, two when it asks for a count, and passes it on.
func (c *Counting) WhoMet(ctx context.Context, q kg.WhoMetQuery, p kg.PageRequest) (*kg.ContactPage, error) {
	c.count()
	if p.Count {
		c.count()
	}
	return c.Store.WhoMet(ctx, q, p)
}

// Investments counts one call, two when it asks for a count, and passes it
// on.
func (c *Counting) Investments(ctx context.Context, q kg.InvestmentQuery, p kg.PageRequest) (*kg.InvestmentPage, error) {
	c.count()
	if p.Count {
		c.count()
	}
	return c.Store.Investments(ctx, q, p)
}

// Search counts one call and passes it on.
func (c *Counting) Search(ctx context.Context, q kg.SearchQuery) ([]kg.SearchHit, error) {
	c.count()
	return c.Store.Search(ctx, q)
}

// Timeline counts one call, two when it asks for a count, and passes it on.
func (c *Counting) Timeline(ctx context.Context, q kg.TimelineQuery, p kg.PageRequest) (*kg.IDPage, error) {
	c.count()
	if p.Count {
		c.count()
	}
	return c.Store.Timeline(ctx, q, p)
}

// Walks counts one call and passes it on.
func (c *Counting) Walks(ctx context.Context, q kg.PathQuery) ([]kg.Walk, error) {
	c.count()
	return c.Store.Walks(ctx, q)
}

// Changes counts one call and passes it on.
func (c *Counting) Changes(ctx context.Context, q kg.ChangeQuery) ([]*kg.Change, error) {
	c.count()
	return c.Store.Changes(ctx, q)
}

// LastChange counts one call and passes it on.
func (c *Counting) LastChange(ctx context.Context) (int64, error) {
	c.count()
	return c.Store.LastChange(ctx)
}

// PruneChanges counts one call and passes it on.
func (c *Counting) PruneChanges(ctx context.Context, before time.Time, keep int64) (int, error) {
	c.count()
	return c.Store.PruneChanges(ctx, before, keep)
}

// Stats counts one call and passes it on.
func (c *Counting) Stats(ctx context.Context) (kg.Stats, error) {
	c.count()
	return c.Store.Stats(ctx)
}

// Redirect counts one call and passes it on.
func (c *Counting) Redirect(ctx context.Context, id string) (string, error) {
	c.count()
	return c.Store.Redirect(ctx, id)
}

// Apply passes the write on; writes are not counted.
func (c *Counting) Apply(ctx context.Context, cs *kg.ChangeSet) error { return c.Store.Apply(ctx, cs) }

// Dump passes the call on uncounted.
func (c *Counting) Dump(ctx context.Context) (*kg.Dataset, error) { return c.Store.Dump(ctx) }

// Migrate passes the call on.
func (c *Counting) Migrate(ctx context.Context) error { return c.Store.Migrate(ctx) }

// Close passes the call on.
func (c *Counting) Close(ctx context.Context) error { return c.Store.Close(ctx) }
