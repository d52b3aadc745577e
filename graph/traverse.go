package graph

import (
	"cmp"
	"context"
	"slices"

	"github.com/puente-kg/puente/graph/model"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/loaders"
)

// The helpers below answer the traversal fields every entity type shares.
// They read only through the request's loaders, so that one level of a
// query costs one round trip per kind of lookup, however many entities it
// touches.

// checkID rejects a malformed ID argument.
func checkID(arg, id string) error { return kg.CheckEntityID(arg, id) }

func loadEntity(ctx context.Context, id string) (model.Entity, error) {
	e, err := loaders.For(ctx).Entity.Load(ctx, id)
	if err != nil || e == nil {
		return nil, err
	}
	return model.ToEntity(e), nil
}

func loadEvent(ctx context.Context, id string) (*model.Event, error) {
	e, err := loadEntity(ctx, id)
	ev, _ := e.(*model.Event)
	return ev, err
}

func loadEvents(ctx context.Context, ids []string) ([]*model.Event, error) {
	es, err := loaders.For(ctx).Entities(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*model.Event, 0, len(es))
	for _, e := range es {
		if ev, ok := model.ToEntity(e).(*model.Event); ok {
			out = append(out, ev)
		}
	}
	return out, nil
}

func sourcesOf(ctx context.Context, ids []string) ([]*model.Source, error) {
	srcs, err := loaders.For(ctx).Sources(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*model.Source, len(srcs))
	for i, s := range srcs {
		out[i] = &model.Source{Source: s}
	}
	return out, nil
}

// countryOf follows kg.NextTowardsCountry from the entity, through the
// loaders, until it reaches a country.
func countryOf(ctx context.Context, e *kg.Entity) (*model.Country, error) {
	if c, ok := model.ToEntity(e).(*model.Country); ok {
		return c, nil
	}
	id := e.ID
	for hop := 0; hop < kg.CountryHops; hop++ {
		rels, err := loaders.For(ctx).Relations.Load(ctx, id)
		if err != nil {
			return nil, err
		}
		next := kg.NextTowardsCountry(id, rels)
		switch {
		case next == "":
			return nil, nil
		case kg.KindOfID(next) == kg.KindCountry:
			c, err := loadEntity(ctx, next)
			country, _ := c.(*model.Country)
			return country, err
		}
		id = next
	}
	return nil, nil
}

// relationsOf returns the entity's relations of the given types (all
// types when empty), in ID order.
func relationsOf(ctx context.Context, id string, types ...kg.RelationType) ([]*kg.Relation, error) {
	rels, err := loaders.For(ctx).Relations.Load(ctx, id)
	if err != nil {
		return nil, err
	}
	if len(types) == 0 {
		return rels, nil
	}
	out := rels[:0:0]
	for _, r := range rels {
		if slices.Contains(types, r.Type) {
			out = append(out, r)
		}
	}
	return out, nil
}

// participationsOf returns the entity's participations in events, in the
// events' date order, filtered by role and event category when given.
func participationsOf(ctx context.Context, e *kg.Entity, role *kg.Role, category *kg.Category) ([]*model.Participation, error) {
	rels, err := relationsOf(ctx, e.ID, kg.RelParticipatedIn)
	if err != nil {
		return nil, err
	}
	var mine []*kg.Relation
	var eventIDs []string
	for _, r := range rels {
		if r.From == e.ID && (role == nil || r.Role == *role) {
			mine = append(mine, r)
			eventIDs = append(eventIDs, r.To)
		}
	}
	events, err := loaders.For(ctx).Entities(ctx, eventIDs)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*kg.Entity, len(events))
	for _, ev := range events {
		byID[ev.ID] = ev
	}
	out := make([]*model.Participation, 0, len(mine))
	for _, r := range mine {
		ev := byID[r.To]
		if ev == nil || category != nil && ev.Category != *category {
			continue
		}
		out = append(out, &model.Participation{Relation: r})
	}
	slices.SortStableFunc(out, func(a, b *model.Participation) int {
		return cmp.Or(cmp.Compare(byID[a.To].Date.SortKey(), byID[b.To].Date.SortKey()), cmp.Compare(a.To, b.To))
	})
	return out, nil
}

// participantsOf returns the participations in an event, by relation ID.
func participantsOf(ctx context.Context, ev *kg.Entity, role *kg.Role) ([]*model.Participation, error) {
	rels, err := relationsOf(ctx, ev.ID, kg.RelParticipatedIn)
	if err != nil {
		return nil, err
	}
	var out []*model.Participation
	for _, r := range rels {
		if r.To == ev.ID && (role == nil || r.Role == *role) {
			out = append(out, &model.Participation{Relation: r})
		}
	}
	return out, nil
}

func relationshipsOf(ctx context.Context, e *kg.Entity, types []kg.RelationType) ([]*model.Relationship, error) {
	rels, err := relationsOf(ctx, e.ID, types...)
	if err != nil {
		return nil, err
	}
	out := make([]*model.Relationship, len(rels))
	for i, r := range rels {
		out[i] = &model.Relationship{Relation: r}
	}
	return out, nil
}

// relatedOf returns the distinct entities at the other end of the entity's
// relations, by folded name and ID. keep, when not nil, selects relations.
func relatedOf(ctx context.Context, e *kg.Entity, types []kg.RelationType, keep func(*kg.Relation) bool) ([]model.Entity, error) {
	rels, err := relationsOf(ctx, e.ID, types...)
	if err != nil {
		return nil, err
	}
	var ids []string
	seen := map[string]bool{}
	for _, r := range rels {
		o := r.Other(e.ID)
		if seen[o] || keep != nil && !keep(r) {
			continue
		}
		seen[o] = true
		ids = append(ids, o)
	}
	es, err := loaders.For(ctx).Entities(ctx, ids)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(es, func(a, b *kg.Entity) int {
		return cmp.Or(cmp.Compare(a.SortName(), b.SortName()), cmp.Compare(a.ID, b.ID))
	})
	out := make([]model.Entity, len(es))
	for i, x := range es {
		out[i] = model.ToEntity(x)
	}
	return out, nil
}

// positionsOf returns the HOLDS_POSITION relations starting (for a person)
// or ending (for an organization) at the entity.
func positionsOf(ctx context.Context, e *kg.Entity) ([]*model.Position, error) {
	rels, err := relationsOf(ctx, e.ID, kg.RelHoldsPosition)
	if err != nil {
		return nil, err
	}
	out := make([]*model.Position, len(rels))
	for i, r := range rels {
		out[i] = &model.Position{Relation: r}
	}
	return out, nil
}
