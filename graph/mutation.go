package graph

import (
	"context"
	"time"

	"github.com/puente-kg/puente/auth"
	"github.com/puente-kg/puente/graph/model"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/loaders"
	"github.com/puente-kg/puente/service"
)

// The mutations: each checks the caller's role, translates its input into
// one service call (which validates, plans, applies in one transaction and
// retries on conflicts), and reads the result back afresh.

// stamp says who the caller is, for the records the write stamps.
func stamp(ctx context.Context) kg.Stamp {
	return kg.Stamp{By: auth.From(ctx).Name, At: time.Now()}
}

// fresh forgets the request's cached lookups and reads the entity again.
func (r *mutationResolver) fresh(ctx context.Context, id string) (model.Entity, error) {
	loaders.For(ctx).Forget()
	return loadEntity(ctx, id)
}

func (r *mutationResolver) upsertSource(ctx context.Context, in model.SourceInput) (*model.Source, error) {
	if err := auth.Require(ctx, auth.Editor); err != nil {
		return nil, err
	}
	src := &kg.Source{ID: in.ID, Title: in.Title, URL: in.URL, Publisher: str(in.Publisher), Excerpt: str(in.Excerpt), PublishedAt: date(in.PublishedAt)}
	if err := r.Service.UpsertSource(ctx, src, stamp(ctx)); err != nil {
		return nil, err
	}
	loaders.For(ctx).Forget()
	return &model.Source{Source: src}, nil
}

func (r *mutationResolver) upsertEntity(ctx context.Context, in model.EntityInput) (model.Entity, error) {
	if err := auth.Require(ctx, auth.Editor); err != nil {
		return nil, err
	}
	input := service.EntityInput{
		Entity: &kg.Entity{
			ID: in.ID, Kind: in.Kind, Name: in.Name, Aliases: in.Aliases, Description: str(in.Description),
			Notes: in.Notes, Sources: in.Sources, CountryCode: str(in.CountryCode),
			OrgType: orEmpty(in.OrgType), PlaceType: orEmpty(in.PlaceType), Discrepancies: discrepancies(in.Discrepancies),
		},
		ReplaceRelations: in.Relations != nil,
	}
	for _, rel := range in.Relations {
		input.Relations = append(input.Relations, &kg.Relation{
			Type: rel.Type, To: rel.To, Title: str(rel.Title), Quote: str(rel.Quote), Sources: rel.Sources,
			StartDate: date(rel.StartDate), EndDate: date(rel.EndDate),
			Basis: basis(rel.Basis), Rule: orEmpty(rel.Rule), RestsOn: rel.RestsOn, Note: str(rel.Note),
		})
	}
	if err := r.Service.UpsertEntity(ctx, input, stamp(ctx)); err != nil {
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
		Status: orEmpty(in.Status), Channel: orEmpty(in.Channel), Discrepancies: discrepancies(in.Discrepancies),
	}
	if m := in.Amount; m != nil {
		ev.Amount = &kg.Money{Amount: m.Amount, Currency: m.Currency, Qualifier: qualifier(m.Qualifier), Per: str(m.Per), Baseline: m.Baseline}
	}
	if q := in.Quantity; q != nil {
		ev.Quantity = &kg.Quantity{Amount: q.Amount, Unit: q.Unit, Qualifier: qualifier(q.Qualifier)}
	}
	input := service.EventInput{Event: ev, Places: in.Places}
	for _, p := range in.Participants {
		input.Participants = append(input.Participants, &kg.Relation{From: p.Entity, Role: p.Role, Quote: str(p.Quote), Sources: p.Sources,
			Basis: basis(p.Basis), Rule: orEmpty(p.Rule), RestsOn: p.RestsOn, Note: str(p.Note)})
	}
	if err := r.Service.UpsertEvent(ctx, input, stamp(ctx)); err != nil {
		return nil, err
	}
	e, err := r.fresh(ctx, in.ID)
	out, _ := e.(*model.Event)
	return out, err
}

// basis returns the basis of an input: STATED when omitted (the
// schema's default).
func basis(b *kg.Basis) kg.Basis {
	if b == nil {
		return kg.BasisStated
	}
	return *b
}

func discrepancies(in []*model.DiscrepancyInput) []kg.Discrepancy {
	var out []kg.Discrepancy
	for _, d := range in {
		out = append(out, kg.Discrepancy{Source: d.Source, About: str(d.About), Says: d.Says, Known: d.Known})
	}
	return out
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
	plan, err := r.Service.DeleteEntity(ctx, id, stamp(ctx))
	if err != nil {
		return nil, err
	}
	loaders.For(ctx).Forget()
	return &model.DeleteResult{ID: id, DeletedRelations: len(plan.Changes.DeleteRelations), Orphaned: plan.Orphaned}, nil
}

func (r *mutationResolver) mergeEntities(ctx context.Context, keepID string, mergeIDs []string) (model.Entity, error) {
	if err := auth.Require(ctx, auth.Admin); err != nil {
		return nil, err
	}
	if err := r.Service.MergeEntities(ctx, keepID, mergeIDs, stamp(ctx)); err != nil {
		return nil, err
	}
	return r.fresh(ctx, keepID)
}
