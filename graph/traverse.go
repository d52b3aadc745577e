package graph

import (
	"context"

	"github.com/puente-kg/puente/graph/model"
	"github.com/puente-kg/puente/loaders"
)

// The helpers below load what a field points to through the request's
// loaders, so that one level of a query costs one round trip per kind of
// lookup, however many entities it touches.

func loadEntity(ctx context.Context, id string) (model.Entity, error) {
	return model.LoadEntity(ctx, id)
}

func loadEvent(ctx context.Context, id string) (*model.Event, error) {
	e, err := loadEntity(ctx, id)
	ev, _ := e.(*model.Event)
	return ev, err
}

// loadEvents loads the events with the given IDs, in order, at most first
// of them.
func loadEvents(ctx context.Context, ids []string, first *int) ([]*model.Event, error) {
	n, err := model.ListSize(first)
	if err != nil {
		return nil, err
	}
	es, err := model.LoadEntities(ctx, ids[:min(n, len(ids))])
	if err != nil {
		return nil, err
	}
	out := make([]*model.Event, 0, len(es))
	for _, e := range es {
		if ev, ok := e.(*model.Event); ok {
			out = append(out, ev)
		}
	}
	return out, nil
}

// graphEdges loads relations by ID, in order, for the edges of a path.
func graphEdges(ctx context.Context, ids []string) ([]*model.GraphEdge, error) {
	rels, err := loaders.For(ctx).Relation.LoadAll(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*model.GraphEdge, 0, len(rels))
	for _, r := range rels {
		if r != nil {
			out = append(out, &model.GraphEdge{Relation: r})
		}
	}
	return out, nil
}
