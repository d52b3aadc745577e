package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/puente-kg/puente/graph/model"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/loaders"
)

// The root queries: each translates its GraphQL arguments into one service
// call, primes the loaders with the entities that came back, and turns
// the answer into the GraphQL types.

func date(d *kg.Date) kg.Date {
	if d == nil {
		return kg.Date{}
	}
	return *d
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

// orNil returns a pointer to s, or nil for the empty string: an absent
// value is null, not "".
func orNil[T ~string](s T) *T {
	if s == "" {
		return nil
	}
	return &s
}

func boolOf(p *bool) bool { return p != nil && *p }

func intOr(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

// rootPage is the page request of a root connection (entities, events,
// sources): 20 items by default, at most kg.MaxPageSize.
func rootPage(ctx context.Context, first *int, after *string) kg.PageRequest {
	return kg.PageRequest{First: intOr(first, kg.DefaultPageSize), After: str(after), Count: model.Wants(ctx, "totalCount")}
}

// listPage is the page request of any other list: kg.DefaultListSize
// items by default, at most kg.MaxListSize.
func listPage(ctx context.Context, first *int, after *string, connection bool) (kg.PageRequest, error) {
	n, err := model.ListSize(first)
	return kg.PageRequest{First: n, After: str(after), Count: connection && model.Wants(ctx, "totalCount")}, err
}

func (r *queryResolver) entities(ctx context.Context, filter *model.EntityFilter, first *int, after *string) (*model.EntityConnection, error) {
	var f kg.EntityFilter
	if filter != nil {
		f.Kinds, f.Country = filter.Kinds, str(filter.Country)
	}
	res, err := r.Service.Entities(ctx, f, rootPage(ctx, first, after))
	if err != nil {
		return nil, err
	}
	loaders.For(ctx).Prime(res.Entities...)
	conn := &model.EntityConnection{TotalCount: res.TotalCount, PageInfo: model.NewPageInfo(res.Cursors, res.HasNext, after)}
	for i, e := range res.Entities {
		node := model.ToEntity(e)
		conn.Edges = append(conn.Edges, &model.EntityEdge{Cursor: res.Cursors[i], Node: node})
		conn.Nodes = append(conn.Nodes, node)
	}
	return conn, nil
}

func (r *queryResolver) events(ctx context.Context, filter *model.EventFilter, order *model.EventOrder, first *int, after *string) (*model.EventConnection, error) {
	var f kg.EventFilter
	f.Descending = order != nil && *order == model.EventOrderDateDesc
	if filter != nil {
		f.Categories = filter.Categories
		f.From, f.To = date(filter.From), date(filter.To)
		f.ReportedFrom, f.ReportedTo = date(filter.ReportedFrom), date(filter.ReportedTo)
		f.Participant, f.Role, f.Country = str(filter.Participant), orEmpty(filter.Role), str(filter.Country)
		f.MinAmount, f.MaxAmount, f.Currency = filter.MinAmount, filter.MaxAmount, str(filter.Currency)
	}
	res, err := r.Service.Events(ctx, f, rootPage(ctx, first, after))
	if err != nil {
		return nil, err
	}
	loaders.For(ctx).Prime(res.Entities...)
	return eventConnection(res.Entities, res.Cursors, res.HasNext, res.TotalCount, after), nil
}

func eventConnection(es []*kg.Entity, cursors []string, hasNext bool, total int, after *string) *model.EventConnection {
	conn := &model.EventConnection{TotalCount: total, PageInfo: model.NewPageInfo(cursors, hasNext, after)}
	for i, e := range es {
		if ev, ok := model.ToEntity(e).(*model.Event); ok {
			conn.Edges = append(conn.Edges, &model.EventEdge{Cursor: cursors[i], Node: ev})
			conn.Nodes = append(conn.Nodes, ev)
		}
	}
	return conn
}

func (r *queryResolver) sources(ctx context.Context, first *int, after *string) (*model.SourceConnection, error) {
	res, err := r.Service.Sources(ctx, rootPage(ctx, first, after))
	if err != nil {
		return nil, err
	}
	conn := &model.SourceConnection{TotalCount: res.TotalCount, PageInfo: model.NewPageInfo(res.Cursors, res.HasNext, after)}
	for i, s := range res.Sources {
		loaders.For(ctx).Source.Prime(s.ID, s)
		node := &model.Source{Source: s}
		conn.Edges = append(conn.Edges, &model.SourceEdge{Cursor: res.Cursors[i], Node: node})
		conn.Nodes = append(conn.Nodes, node)
	}
	return conn, nil
}

func whoMetQuery(id string, from, to *kg.Date, statedOnly *bool) kg.WhoMetQuery {
	return kg.WhoMetQuery{ID: id, From: date(from), To: date(to), StatedOnly: boolOf(statedOnly)}
}

func (r *queryResolver) whoMet(ctx context.Context, q kg.WhoMetQuery, first *int, after *string, connection bool) (*kg.ContactPage, error) {
	p, err := listPage(ctx, first, after, connection)
	if err != nil {
		return nil, err
	}
	fields := itemFields(ctx, connection)
	meetings := meetingsWanted(ctx, fields)
	if meetings == 0 && !selects(fields, "entity") {
		return r.Service.WhoMet(ctx, q, p)
	}
	res, es, err := r.Service.WhoMetWith(ctx, q, p, meetings)
	if err != nil {
		return nil, err
	}
	loaders.For(ctx).Prime(es...)
	return res, nil
}

func (r *queryResolver) whoMetConnection(ctx context.Context, q kg.WhoMetQuery, first *int, after *string) (*model.ContactConnection, error) {
	res, err := r.whoMet(ctx, q, first, after, true)
	if err != nil {
		return nil, err
	}
	conn := &model.ContactConnection{TotalCount: res.TotalCount, Nodes: pointers(res.Contacts), PageInfo: model.NewPageInfo(res.Cursors, res.HasNext, after)}
	for i, c := range conn.Nodes {
		conn.Edges = append(conn.Edges, &model.ContactEdge{Cursor: res.Cursors[i], Node: c})
	}
	return conn, nil
}

func investmentQuery(investorID, targetID *string, from, to *kg.Date, statedOnly *bool) kg.InvestmentQuery {
	return kg.InvestmentQuery{InvestorID: str(investorID), TargetID: str(targetID), From: date(from), To: date(to),
		StatedOnly: boolOf(statedOnly)}
}

func (r *queryResolver) investments(ctx context.Context, q kg.InvestmentQuery, first *int, after *string, connection bool) (*kg.InvestmentPage, error) {
	p, err := listPage(ctx, first, after, connection)
	if err != nil {
		return nil, err
	}
	if !selects(itemFields(ctx, connection), "investor", "target", "event", "amount") {
		return r.Service.Investments(ctx, q, p)
	}
	res, es, err := r.Service.InvestmentsWith(ctx, q, p)
	if err != nil {
		return nil, err
	}
	loaders.For(ctx).Prime(es...)
	return res, nil
}

func (r *queryResolver) investmentsConnection(ctx context.Context, q kg.InvestmentQuery, first *int, after *string) (*model.InvestmentConnection, error) {
	res, err := r.investments(ctx, q, first, after, true)
	if err != nil {
		return nil, err
	}
	conn := &model.InvestmentConnection{TotalCount: res.TotalCount, Nodes: pointers(res.Investments), PageInfo: model.NewPageInfo(res.Cursors, res.HasNext, after)}
	for i, inv := range conn.Nodes {
		conn.Edges = append(conn.Edges, &model.InvestmentEdge{Cursor: res.Cursors[i], Node: inv})
	}
	return conn, nil
}

func (r *queryResolver) search(ctx context.Context, query string, kinds []kg.Kind, first *int) ([]*kg.SearchHit, error) {
	q := kg.SearchQuery{Text: query, Kinds: kinds, First: intOr(first, kg.DefaultSearchResults)}
	if !selects(itemFields(ctx, false), "entity") {
		hits, err := r.Service.Search(ctx, q)
		return pointers(hits), err
	}
	hits, es, err := r.Service.SearchWith(ctx, q)
	if err != nil {
		return nil, err
	}
	loaders.For(ctx).Prime(es...)
	return pointers(hits), nil
}

// entity looks a root entity up at once: a root field has nothing to batch
// with, so it need not wait for the loader. An ID merged away resolves to
// the entity it was merged into.
func (r *queryResolver) entity(ctx context.Context, id string) (model.Entity, error) {
	if x := model.Expansion(ctx, graphql.CollectFieldsCtx(ctx, implementors[kg.KindOfID(id)])); x != nil {
		t, err := r.Service.EntityTree(ctx, id, x)
		if err != nil || t.Root == nil {
			return nil, err
		}
		model.PrimeTree(ctx, t, x)
		return model.ToEntity(t.Root), nil
	}
	e, err := r.Service.Entity(ctx, id)
	if err != nil || e == nil {
		return nil, err
	}
	loaders.For(ctx).Prime(e)
	return model.ToEntity(e), nil
}

func (r *queryResolver) neighborhood(ctx context.Context, id string, depth *int, kinds []kg.Kind, limit *int, statedOnly *bool) (*kg.Subgraph, error) {
	sub, err := r.Service.Neighborhood(ctx, kg.NeighborhoodQuery{
		ID: id, Depth: intOr(depth, 1), Kinds: kinds, Limit: intOr(limit, kg.DefaultSubgraphLimit), StatedOnly: boolOf(statedOnly),
	})
	if err != nil {
		return nil, err
	}
	// The edges come whole with the subgraph; the nodes' entities do not.
	loaders.For(ctx).Prime(sub.Entities...)
	return sub, r.primeGraph(ctx, graphql.CollectFieldsCtx(ctx, nil), missing(sub.Nodes, sub.Entities), nil)
}

func (r *queryResolver) paths(ctx context.Context, from, to string, maxLength, limit *int, kinds []kg.Kind, statedOnly *bool) ([]*kg.Path, error) {
	set, err := r.Service.Paths(ctx, kg.PathQuery{From: from, To: to, MaxLength: intOr(maxLength, kg.DefaultPathLength), Limit: intOr(limit, 5),
		Kinds: kinds, StatedOnly: boolOf(statedOnly)})
	if err != nil {
		return nil, err
	}
	// The nodes' entities and the edges come with the paths.
	l := loaders.For(ctx)
	l.Prime(set.Entities...)
	for _, rel := range set.Relations {
		l.Relation.Prime(rel.ID, rel)
	}
	var nodes, edges []string
	for _, p := range set.Paths {
		nodes = append(nodes, p.Nodes...)
		edges = append(edges, p.Edges...)
	}
	return pointers(set.Paths), r.primeGraph(ctx, graphql.CollectFieldsCtx(ctx, nil), missing(nodes, set.Entities), missingRelations(edges, set.Relations))
}

func timelineQuery(id string, from, to *kg.Date, categories []kg.Category, statedOnly *bool) kg.TimelineQuery {
	return kg.TimelineQuery{ID: id, From: date(from), To: date(to), Categories: categories, StatedOnly: boolOf(statedOnly)}
}

func (r *queryResolver) timeline(ctx context.Context, q kg.TimelineQuery, first *int, after *string, connection bool) (*model.EventConnection, error) {
	p, err := listPage(ctx, first, after, connection)
	if err != nil {
		return nil, err
	}
	res, err := r.Service.Timeline(ctx, q, p)
	if err != nil {
		return nil, err
	}
	es, err := loaders.For(ctx).Entities(ctx, res.IDs)
	if err != nil {
		return nil, err
	}
	return eventConnection(es, res.Cursors, res.HasNext, res.TotalCount, after), nil
}

func (r *queryResolver) investmentTotals(ctx context.Context, q kg.InvestmentQuery, first *int) ([]*kg.InvestmentTotal, error) {
	n, err := model.ListSize(first)
	if err != nil {
		return nil, err
	}
	totals, err := r.Service.InvestmentTotals(ctx, q, n)
	return pointers(totals), err
}

func (r *queryResolver) eventCounts(ctx context.Context, q kg.TimelineQuery, first *int) ([]*kg.EventCount, error) {
	n, err := model.ListSize(first)
	if err != nil {
		return nil, err
	}
	counts, err := r.Service.EventCounts(ctx, q, n)
	return pointers(counts), err
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

func graphNodes(ids []string) []*model.GraphNode {
	out := make([]*model.GraphNode, len(ids))
	for i, id := range ids {
		out[i] = &model.GraphNode{ID: id}
	}
	return out
}
