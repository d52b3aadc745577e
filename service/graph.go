package service

import (
	"context"
	"slices"

	"github.com/puente-kg/puente/kg"
)

// neighborhoods is what a store offers that answers a neighborhood in one
// round trip (kg.Fetcher.Neighborhood).
type neighborhoods interface {
	Neighborhood(ctx context.Context, q kg.NeighborhoodQuery) (*kg.Subgraph, error)
}

// pathSets is what a store offers that answers a paths query in one round
// trip (kg.Fetcher.Paths).
type pathSets interface {
	Paths(ctx context.Context, q kg.PathQuery) (*kg.PathSet, error)
}

// Neighborhood returns the subgraph around an entity that
// kg.WalkNeighborhood describes: from the store in one round trip when it
// offers it (every kg.Store does), else by walking r one level at a time.
// A center without relations gives the center alone; the caller tells
// whether it exists (see Service.Neighborhood).
func Neighborhood(ctx context.Context, r kg.RelationReader, q kg.NeighborhoodQuery) (*kg.Subgraph, error) {
	if err := kg.CheckNeighborhood(q); err != nil {
		return nil, err
	}
	if n, ok := r.(neighborhoods); ok {
		return n.Neighborhood(ctx, q)
	}
	return kg.WalkNeighborhood(ctx, r, q)
}

// Paths returns the first q.Limit paths between two entities that
// kg.FindPaths describes, with the entities and relations they pass
// through: from the store in one round trip when it offers it (every
// kg.Store does), else from r's walks, without them.
func Paths(ctx context.Context, r kg.Traverser, q kg.PathQuery) (*kg.PathSet, error) {
	if err := kg.CheckPaths(q); err != nil {
		return nil, err
	}
	if p, ok := r.(pathSets); ok {
		return p.Paths(ctx, q)
	}
	paths, err := kg.FindPaths(ctx, r, q)
	if err != nil {
		return nil, err
	}
	return &kg.PathSet{Paths: paths}, nil
}

// isolated reports whether a subgraph is its center alone, with the
// center's entity not among those that came with it.
func isolated(sub *kg.Subgraph, center string) bool {
	return len(sub.Nodes) == 1 && len(sub.Edges) == 0 &&
		!slices.ContainsFunc(sub.Entities, func(e *kg.Entity) bool { return e.ID == center })
}
