package testenv

import (
	"context"
	"sync/atomic"

	"github.com/puente-kg/puente/kg"
)

// Counting wraps a store and counts the calls to its read methods: its
// round trips, since each read is one statement on every backend.
type Counting struct {
	kg.Store
	n atomic.Int64
}

// Calls returns the number of read calls so far.
func (c *Counting) Calls() int64 { return c.n.Load() }

func (c *Counting) Entities(ctx context.Context, ids []string) ([]*kg.Entity, error) {
	c.n.Add(1)
	return c.Store.Entities(ctx, ids)
}

func (c *Counting) Sources(ctx context.Context, ids []string) ([]*kg.Source, error) {
	c.n.Add(1)
	return c.Store.Sources(ctx, ids)
}

func (c *Counting) Relations(ctx context.Context, ids []string) ([]*kg.Relation, error) {
	c.n.Add(1)
	return c.Store.Relations(ctx, ids)
}

func (c *Counting) Redirects(ctx context.Context, ids []string) ([]kg.Redirect, error) {
	c.n.Add(1)
	return c.Store.Redirects(ctx, ids)
}

func (c *Counting) ListEntities(ctx context.Context, f kg.EntityFilter, p kg.PageRequest) (*kg.EntityPage, error) {
	c.n.Add(1)
	return c.Store.ListEntities(ctx, f, p)
}

func (c *Counting) ListEvents(ctx context.Context, f kg.EventFilter, p kg.PageRequest) (*kg.EntityPage, error) {
	c.n.Add(1)
	return c.Store.ListEvents(ctx, f, p)
}

func (c *Counting) ListSources(ctx context.Context, p kg.PageRequest) (*kg.SourcePage, error) {
	c.n.Add(1)
	return c.Store.ListSources(ctx, p)
}

func (c *Counting) WhoMet(ctx context.Context, q kg.WhoMetQuery) ([]kg.Contact, error) {
	c.n.Add(1)
	return c.Store.WhoMet(ctx, q)
}

func (c *Counting) Investments(ctx context.Context, q kg.InvestmentQuery) ([]kg.Investment, error) {
	c.n.Add(1)
	return c.Store.Investments(ctx, q)
}

func (c *Counting) Search(ctx context.Context, q kg.SearchQuery) ([]kg.SearchHit, error) {
	c.n.Add(1)
	return c.Store.Search(ctx, q)
}
