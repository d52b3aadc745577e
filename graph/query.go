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

func (r *queryResolver) events(ctx context.Context, filter *model.EventFilter, order *model.EventOrder, first *int, after *string) (*model.EventConnection, error) {
	var f kg.EventFilter
	f.Descending = order != nil && *order == model.EventOrderDateDesc
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
		if f.Country, err = optionalID("filter.country", filter.Country); err != nil {
			return nil, err
		}
		f.MinAmount, f.MaxAmount = filter.MinAmount, filter.MaxAmount
		if filter.Currency != nil {
			f.Currency = *filter.Currency
		}
		if err := kg.CheckEventFilter(f); err != nil {
			return nil, err
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
	return pointers(contacts), nil
}

func (r *queryResolver) investments(ctx context.Context, investorID, targetID *string, from, to *kg.Date) ([]*kg.Investment, error) {
	q, err := investmentQuery(investorID, targetID, from, to)
	if err != nil {
		return nil, err
	}
	invs, err := r.Store.Investments(ctx, q)
	if err != nil {
		return nil, err
	}
	return pointers(invs), nil
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
	return pointers(hits), nil
}

// entity looks a root entity up at once: a root field has nothing to batch
// with, so it need not wait for the loader.
// An ID merged away resolves to the entity it was merged into.
func (r *queryResolver) entity(ctx context.Context, id string) (model.Entity, error) {
	es, err := r.Store.Entities(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	if len(es) == 0 {
		to, err := r.Store.Redirect(ctx, id)
		if err != nil || to == "" {
			return nil, err
		}
		if es, err = r.Store.Entities(ctx, []string{to}); err != nil || len(es) == 0 {
			return nil, err
		}
	}
	loaders.For(ctx).Prime(es[0])
	return model.ToEntity(es[0]), nil
}

func intOr(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

func graphNodes(ids []string) []*model.GraphNode {
	out := make([]*model.GraphNode, len(ids))
	for i, id := range ids {
		out[i] = &model.GraphNode{ID: id}
	}
	return out
}

// pathEdges loads the relations of a path by ID through the loaders.
func pathEdges(ctx context.Context, p *kg.Path) ([]*model.GraphEdge, error) {
	all, err := loaders.For(ctx).Relations.LoadAll(ctx, p.Nodes)
	if err != nil {
		return nil, err
	}
	byID := map[string]*kg.Relation{}
	for _, rels := range all {
		for _, r := range rels {
			byID[r.ID] = r
		}
	}
	out := make([]*model.GraphEdge, 0, len(p.Edges))
	for _, id := range p.Edges {
		if r := byID[id]; r != nil {
			out = append(out, &model.GraphEdge{Relation: r})
		}
	}
	return out, nil
}

func (r *queryResolver) neighborhood(ctx context.Context, id string, depth *int, kinds []kg.Kind, limit *int) (*kg.Subgraph, error) {
	leave, err := r.expensive.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer leave()
	sub, err := kg.Neighborhood(ctx, r.Store, kg.NeighborhoodQuery{
		ID: id, Depth: intOr(depth, 1), Kinds: kinds, Limit: intOr(limit, kg.DefaultSubgraphLimit),
	})
	if err != nil {
		return nil, err
	}
	if len(sub.Nodes) == 1 && len(sub.Edges) == 0 {
		// A center without relations: keep it only if it exists.
		if e, err := loaders.For(ctx).Entity.Load(ctx, id); err != nil || e == nil {
			sub.Nodes = nil
			return sub, err
		}
	}
	return sub, nil
}

func (r *queryResolver) paths(ctx context.Context, from, to string, maxLength, limit *int, kinds []kg.Kind) ([]*kg.Path, error) {
	q := kg.PathQuery{From: from, To: to, MaxLength: intOr(maxLength, kg.DefaultPathLength), Limit: intOr(limit, 5), Kinds: kinds}
	if err := kg.CheckPaths(q); err != nil {
		return nil, err
	}
	leave, err := r.expensive.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer leave()
	paths, err := kg.Paths(ctx, r.Store, q)
	if err != nil {
		return nil, err
	}
	return pointers(paths), nil
}

func timelineQuery(id string, from, to *kg.Date, categories []kg.Category) (kg.TimelineQuery, error) {
	return kg.TimelineQuery{ID: id, From: date(from), To: date(to), Categories: categories}, checkID("id", id)
}

func (r *queryResolver) timeline(ctx context.Context, id string, from, to *kg.Date, categories []kg.Category) ([]*model.Event, error) {
	q, err := timelineQuery(id, from, to, categories)
	if err != nil {
		return nil, err
	}
	ids, err := r.Store.Timeline(ctx, q)
	if err != nil {
		return nil, err
	}
	return loadEvents(ctx, ids)
}

func (r *queryResolver) investmentTotals(ctx context.Context, investorID, targetID *string, from, to *kg.Date) ([]*kg.InvestmentTotal, error) {
	q, err := investmentQuery(investorID, targetID, from, to)
	if err != nil {
		return nil, err
	}
	totals, err := kg.InvestmentTotals(ctx, r.Store, q)
	if err != nil {
		return nil, err
	}
	return pointers(totals), nil
}

func (r *queryResolver) eventCounts(ctx context.Context, id string, from, to *kg.Date) ([]*kg.EventCount, error) {
	q, err := timelineQuery(id, from, to, nil)
	if err != nil {
		return nil, err
	}
	counts, err := kg.EventCounts(ctx, r.Store, q)
	if err != nil {
		return nil, err
	}
	return pointers(counts), nil
}

// pointers returns pointers to the elements of s, as gqlgen's list
// results want them.
func pointers[T any](s []T) []*T {
	out := make([]*T, len(s))
	for i := range s {
		out[i] = &s[i]
	}
	return out
}

func investmentQuery(investorID, targetID *string, from, to *kg.Date) (kg.InvestmentQuery, error) {
	q := kg.InvestmentQuery{From: date(from), To: date(to)}
	var err error
	if q.InvestorID, err = optionalID("investorId", investorID); err != nil {
		return q, err
	}
	q.TargetID, err = optionalID("targetId", targetID)
	return q, err
}
