package graph

import (
	"context"
	"time"

	"github.com/puente-kg/puente/auth"
	"github.com/puente-kg/puente/graph/model"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/loaders"
)

// The mutations: each checks the caller's role, plans its change set with
// the planners of package kg (which validate everything and read what they
// need), applies it in one transaction through kg.Write, and reads the
// result back afresh.

func stamp(ctx context.Context) kg.Stamp {
	return kg.Stamp{By: auth.From(ctx).Name, At: time.Now()}
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func orEmpty[T ~string](p *T) T {
	if p == nil {
		return ""
	}
	return *p
}

// fresh forgets the request's cached lookups and reads the entity again.
func (r *mutationResolver) fresh(ctx context.Context, id string) (model.Entity, error) {
	loaders.For(ctx).Forget()
	es, err := r.Store.Entities(ctx, []string{id})
	if err != nil || len(es) == 0 {
		return nil, err
	}
	return model.ToEntity(es[0]), nil
}

func (r *mutationResolver) upsertSource(ctx context.Context, in model.SourceInput) (*model.Source, error) {
	if err := auth.Require(ctx, auth.Editor); err != nil {
		return nil, err
	}
	src := &kg.Source{ID: in.ID, Title: in.Title, URL: in.URL, Publisher: str(in.Publisher), Excerpt: str(in.Excerpt)}
	if in.PublishedAt != nil {
		src.PublishedAt = *in.PublishedAt
	}
	err := kg.Write(ctx, r.Store, func(ctx context.Context) (*kg.ChangeSet, error) { return kg.PlanSource(src) })
	if err != nil {
		return nil, err
	}
	loaders.For(ctx).Forget()
	return &model.Source{Source: src}, nil
}

func (r *mutationResolver) upsertEntity(ctx context.Context, in model.EntityInput) (model.Entity, error) {
	if err := auth.Require(ctx, auth.Editor); err != nil {
		return nil, err
	}
	input := kg.EntityInput{
		Entity: &kg.Entity{
			ID: in.ID, Kind: in.Kind, Name: in.Name, Aliases: in.Aliases, Description: str(in.Description),
			Notes: in.Notes, Sources: in.Sources, CountryCode: str(in.CountryCode),
			OrgType: orEmpty(in.OrgType), PlaceType: orEmpty(in.PlaceType),
		},
		ReplaceRelations: in.Relations != nil,
	}
	for _, rel := range in.Relations {
		input.Relations = append(input.Relations, &kg.Relation{
			Type: rel.Type, To: rel.To, Title: str(rel.Title), Quote: str(rel.Quote), Sources: rel.Sources,
			StartDate: date(rel.StartDate), EndDate: date(rel.EndDate),
		})
	}
	st := stamp(ctx)
	err := kg.Write(ctx, r.Store, func(ctx context.Context) (*kg.ChangeSet, error) {
		return kg.PlanEntity(ctx, r.Store, input, st)
	})
	if err != nil {
		return nil, err
	}
	return r.fresh(ctx, in.ID)
}

func (r *mutationResolver) upsertEvent(ctx context.Context, in model.EventInput) (*model.Event, error) {
	if err := auth.Require(ctx, auth.Editor); err != nil {
		return nil, err
	}
	ev := &kg.Entity{
		ID: in.ID, Kind: kg.KindEvent, Name: in.Name, Aliases: in.Aliases, Description: str(in.Description),
		Notes: in.Notes, Sources: in.Sources, Category: in.Category, Date: date(in.Date), EndDate: date(in.EndDate),
		Status: orEmpty(in.Status), Channel: orEmpty(in.Channel),
	}
	if m := in.Amount; m != nil {
		ev.Amount = &kg.Money{Amount: m.Amount, Currency: m.Currency, Qualifier: qualifier(m.Qualifier), Per: str(m.Per), Baseline: m.Baseline}
	}
	if q := in.Quantity; q != nil {
		ev.Quantity = &kg.Quantity{Amount: q.Amount, Unit: q.Unit, Qualifier: qualifier(q.Qualifier)}
	}
	input := kg.EventInput{Event: ev, Places: in.Places}
	for _, p := range in.Participants {
		input.Participants = append(input.Participants, &kg.Relation{From: p.Entity, Role: p.Role, Quote: str(p.Quote), Sources: p.Sources})
	}
	st := stamp(ctx)
	err := kg.Write(ctx, r.Store, func(ctx context.Context) (*kg.ChangeSet, error) {
		return kg.PlanEvent(ctx, r.Store, input, st)
	})
	if err != nil {
		return nil, err
	}
	e, err := r.fresh(ctx, in.ID)
	out, _ := e.(*model.Event)
	return out, err
}

func qualifier(q *kg.Qualifier) kg.Qualifier {
	if q == nil {
		return "EXACT"
	}
	return *q
}

func (r *mutationResolver) deleteEntity(ctx context.Context, id string) (*model.DeleteResult, error) {
	if err := auth.Require(ctx, auth.Admin); err != nil {
		return nil, err
	}
	var plan *kg.DeletePlan
	err := kg.Write(ctx, r.Store, func(ctx context.Context) (*kg.ChangeSet, error) {
		var err error
		if plan, err = kg.PlanDelete(ctx, r.Store, id); err != nil {
			return nil, err
		}
		return plan.Changes, nil
	})
	if err != nil {
		return nil, err
	}
	loaders.For(ctx).Forget()
	orphaned, err := loadEvents(ctx, plan.Orphaned)
	if err != nil {
		return nil, err
	}
	return &model.DeleteResult{ID: id, DeletedRelations: len(plan.Changes.DeleteRelations), OrphanedEvents: orphaned}, nil
}

func (r *mutationResolver) mergeEntities(ctx context.Context, keepID string, mergeIDs []string) (model.Entity, error) {
	if err := auth.Require(ctx, auth.Admin); err != nil {
		return nil, err
	}
	st := stamp(ctx)
	err := kg.Write(ctx, r.Store, func(ctx context.Context) (*kg.ChangeSet, error) {
		return kg.PlanMerge(ctx, r.Store, keepID, mergeIDs, st)
	})
	if err != nil {
		return nil, err
	}
	return r.fresh(ctx, keepID)
}
