package testenv

import (
	"context"

	"github.com/puente-kg/puente/kg"
)

// Expand counts one call and passes it on.
func (c *Counting) Expand(ctx context.Context, id string, x *kg.Expansion) (*kg.Tree, error) {
	c.count()
	return c.Store.Expand(ctx, id, x)
}

// WhoMetWith counts one call (its count is part of the same statement)
// and passes it on.
func (c *Counting) WhoMetWith(ctx context.Context, q kg.WhoMetQuery, p kg.PageRequest, meetings int) (*kg.ContactPage, []*kg.Entity, error) {
	c.count()
	return c.Store.WhoMetWith(ctx, q, p, meetings)
}

// InvestmentsWith counts one call (its count is part of the same
// statement) and passes it on.
func (c *Counting) InvestmentsWith(ctx context.Context, q kg.InvestmentQuery, p kg.PageRequest) (*kg.InvestmentPage, []*kg.Entity, error) {
	c.count()
	return c.Store.InvestmentsWith(ctx, q, p)
}

// SearchWith counts one call and passes it on.
func (c *Counting) SearchWith(ctx context.Context, q kg.SearchQuery) ([]kg.SearchHit, []*kg.Entity, error) {
	c.count()
	return c.Store.SearchWith(ctx, q)
}

// Lookup counts one call and passes it on.
func (c *Counting) Lookup(ctx context.Context, entityIDs, relationIDs []string) ([]*kg.Entity, []*kg.Relation, error) {
	c.count()
	return c.Store.Lookup(ctx, entityIDs, relationIDs)
}

// Neighborhood counts one call and passes it on.
func (c *Counting) Neighborhood(ctx context.Context, q kg.NeighborhoodQuery) (*kg.Subgraph, error) {
	c.count()
	return c.Store.Neighborhood(ctx, q)
}

// Paths counts one call and passes it on.
func (c *Counting) Paths(ctx context.Context, q kg.PathQuery) (*kg.PathSet, error) {
	c.count()
	return c.Store.Paths(ctx, q)
}
