package graph

import (
	"context"

	"github.com/puente-kg/puente/graph/model"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/loaders"
)

// The root list and analysis queries: each checks its arguments, asks the
// store once, and primes the loaders with what came back.

func page(first *int, after *string) kg.PageRequest {
	p := kg.PageRequest{First: kg.DefaultPageSize}
	if first != nil {
		p.First = *first
	}
	if after != nil {
		p.After = *after
	}
	return p
}

func date(d *kg.Date) kg.Date {
	if d == nil {
		return kg.Date{}
	}
	return *d
}

func optionalID(arg string, id *string) (string, error) {
	if id == nil {
		return "", nil
	}
	return *id, checkID(arg, *id)
}

func pageInfo(cursors []string, hasNext bool) *model.PageInfo {
	info := &model.PageInfo{HasNextPage: hasNext}
	if len(cursors) > 0 {
		info.EndCursor = &cursors[len(cursors)-1]
	}
	return info
}

func (r *queryResolver) entities(ctx context.Context, filter *model.EntityFilter, first *int, after *string) (*model.EntityConnection, error) {
	var f kg.EntityFilter
	if filter != nil {
		f.Kinds = filter.Kinds
		var err error
		if f.Country, err = optionalID("filter.country", filter.Country); err != nil {
			return nil, err
		}
	}
	res, err := r.Store.ListEntities(ctx, f, page(first, after))
	if err != nil {
		return nil, err
	}
	loaders.For(ctx).Prime(res.Entities...)
	conn := &model.EntityConnection{TotalCount: res.TotalCount, PageInfo: pageInfo(res.Cursors, res.HasNext)}
	for i, e := range res.Entities {
		conn.Edges = append(conn.Edges, &model.EntityEdge{Cursor: res.Cursors[i], Node: model.ToEntity(e)})
	}
	return conn, nil
}

func (r *queryResolver) events(ctx context.Context, filter *model.EventFilter, first *int, after *string) (*model.EventConnection, error) {
	var f kg.EventFilter
	if filter != nil {
		f.Categories = filter.Categories
		f.From, f.To = date(filter.From), date(filter.To)
		var err error
		if f.Participant, err = optionalID("filter.participant", filter.Participant); err != nil {
			return nil, err
		}
		if filter.Role != nil {
			f.Role = *filter.Role
		}
	}
	res, err := r.Store.ListEvents(ctx, f, page(first, after))
	if err != nil {
		return nil, err
	}
	loaders.For(ctx).Prime(res.Entities...)
	conn := &model.EventConnection{TotalCount: res.TotalCount, PageInfo: pageInfo(res.Cursors, res.HasNext)}
	for i, e := range res.Entities {
		ev, _ := model.ToEntity(e).(*model.Event)
		conn.Edges = append(conn.Edges, &model.EventEdge{Cursor: res.Cursors[i], Node: ev})
	}
	return conn, nil
}

func (r *queryResolver) sources(ctx context.Context, first *int, after *string) (*model.SourceConnection, error) {
	res, err := r.Store.ListSources(ctx, page(first, after))
	if err != nil {
		return nil, err
	}
	conn := &model.SourceConnection{TotalCount: res.TotalCount, PageInfo: pageInfo(res.Cursors, res.HasNext)}
	for i, s := range res.Sources {
		loaders.For(ctx).Source.Prime(s.ID, s)
		conn.Edges = append(conn.Edges, &model.SourceEdge{Cursor: res.Cursors[i], Node: &model.Source{Source: s}})
	}
	return conn, nil
}

func (r *queryResolver) whoMet(ctx context.Context, id string, from, to *kg.Date) ([]*kg.Contact, error) {
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	contacts, err := r.Store.WhoMet(ctx, kg.WhoMetQuery{ID: id, From: date(from), To: date(to)})
	if err != nil {
		return nil, err
	}
	out := make([]*kg.Contact, len(contacts))
	for i := range contacts {
		out[i] = &contacts[i]
	}
	return out, nil
}

func (r *queryResolver) investments(ctx context.Context, investorID, targetID *string, from, to *kg.Date) ([]*kg.Investment, error) {
	q := kg.InvestmentQuery{From: date(from), To: date(to)}
	var err error
	if q.InvestorID, err = optionalID("investorId", investorID); err != nil {
		return nil, err
	}
	if q.TargetID, err = optionalID("targetId", targetID); err != nil {
		return nil, err
	}
	invs, err := r.Store.Investments(ctx, q)
	if err != nil {
		return nil, err
	}
	out := make([]*kg.Investment, len(invs))
	for i := range invs {
		out[i] = &invs[i]
	}
	return out, nil
}

func (r *queryResolver) search(ctx context.Context, query string, kinds []kg.Kind, first *int) ([]*kg.SearchHit, error) {
	q := kg.SearchQuery{Text: query, Kinds: kinds, First: kg.DefaultSearchResults}
	if first != nil {
		q.First = *first
	}
	hits, err := r.Store.Search(ctx, q)
	if err != nil {
		return nil, err
	}
	out := make([]*kg.SearchHit, len(hits))
	for i := range hits {
		out[i] = &hits[i]
	}
	return out, nil
}

// entity looks a root entity up at once: a root field has nothing to batch
// with, so it need not wait for the loader.
func (r *queryResolver) entity(ctx context.Context, id string) (model.Entity, error) {
	es, err := r.Store.Entities(ctx, []string{id})
	if err != nil || len(es) == 0 {
		return nil, err
	}
	loaders.For(ctx).Prime(es[0])
	return model.ToEntity(es[0]), nil
}
