package neo4jstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/puente-kg/puente/kg"
)

// Expand returns the entity (or the one it was merged into) with the
// links x asks for under it, in one statement of nested subqueries.
func (s *Store) Expand(ctx context.Context, id string, x *kg.Expansion) (*kg.Tree, error) {
	if err := kg.CheckExpansion(x); err != nil {
		return nil, err
	}
	params := map[string]any{"id": id}
	var orders []kg.LinkOrder
	for n, e := 1, x; e != nil; n, e = n+1, e.Next {
		orders = append(orders, e.Query.Order)
		types := make([]string, len(e.Query.Types))
		for i, t := range e.Query.Types {
			types[i] = string(t)
		}
		suffix := fmt.Sprint(n)
		params["types"+suffix] = types
		params["dir"+suffix] = string(e.Query.Direction)
		params["role"+suffix] = string(e.Query.Role)
		params["category"+suffix] = string(e.Query.Category)
		params["limit"+suffix] = e.First + 1
	}
	recs, err := s.read(ctx, cypherExpand[orderKey(orders)], params)
	if err != nil {
		return nil, fmt.Errorf("expand: %w", err)
	}
	t := &kg.Tree{}
	if len(recs) == 0 {
		return t, nil
	}
	m := recs[0].AsMap()
	t.Root = entityFrom(m["e"].(map[string]any))
	if x != nil {
		t.Pages = make([]map[string]kg.LinkPage, x.Depth())
		for i := range t.Pages {
			t.Pages[i] = map[string]kg.LinkPage{}
		}
		expandPages(t, 0, t.Root.ID, m["links1"], x)
	}
	return t, nil
}

// expandPages reads the page of links of the entity owner at the given
// level of the tree, and the levels under its links.
func expandPages(t *kg.Tree, level int, owner string, links any, x *kg.Expansion) {
	type item struct {
		link  kg.Link
		key   string
		id    string
		under any
	}
	var items []item
	for _, v := range links.([]any) {
		l := v.(map[string]any)
		o := entityFrom(l["o"].(map[string]any))
		t.Entities = append(t.Entities, o)
		it := item{link: kg.Link{Other: o.ID}, id: o.ID, under: l["links"]}
		it.key, _ = l["key"].(string)
		if rel, ok := l["r"].(map[string]any); ok {
			it.link.Relation = relationFrom(rel)
			it.id = it.link.Relation.ID
		}
		items = append(items, it)
	}
	// The statement cuts each page in order; its rows are sorted again
	// here, as a collect across subqueries promises no order.
	slices.SortFunc(items, func(a, b item) int { return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.id, b.id)) })
	page := kg.LinkPage{}
	for _, it := range items {
		if len(page.Links) == x.First {
			page.HasNext = true
			break
		}
		page.Links = append(page.Links, it.link)
		page.Cursors = append(page.Cursors, kg.EncodeCursor(it.key, it.id))
		if x.Next != nil {
			expandPages(t, level+1, it.link.Other, it.under, x.Next)
		}
	}
	t.Pages[level][owner] = page
}

// WhoMetWith is WhoMet with the count, the contacts and their first
// meetings, in one statement.
func (s *Store) WhoMetWith(ctx context.Context, q kg.WhoMetQuery, p kg.PageRequest, meetings int) (*kg.ContactPage, []*kg.Entity, error) {
	params, err := whoMetParams(q, p)
	if err != nil {
		return nil, nil, err
	}
	params["events"] = max(meetings, 0)
	page, total, err := s.pageRows(ctx, cypherWhoMetWith, p.Count, params)
	if err != nil {
		return nil, nil, fmt.Errorf("who met: %w", err)
	}
	slices.SortFunc(page, func(a, b map[string]any) int {
		return cmp.Or(cmp.Compare(a["key"].(string), b["key"].(string)), cmp.Compare(entityID(a["e"]), entityID(b["e"])))
	})
	out := &kg.ContactPage{TotalCount: total}
	var es []*kg.Entity
	out.Contacts, out.Cursors, out.HasNext = cut(page, p.First, func(m map[string]any) (kg.Contact, string, string) {
		e := entityFrom(m["e"].(map[string]any))
		es = append(es, e)
		for _, ev := range m["events"].([]any) {
			es = append(es, entityFrom(ev.(map[string]any)))
		}
		return kg.Contact{EntityID: e.ID, Meetings: anyStrings(m["meetings"])}, m["key"].(string), e.ID
	})
	return out, es, nil
}

func entityID(m any) string {
	id, _ := m.(map[string]any)["id"].(string)
	return id
}

// InvestmentsWith is Investments with the count and the investors,
// targets and events, in one statement.
func (s *Store) InvestmentsWith(ctx context.Context, q kg.InvestmentQuery, p kg.PageRequest) (*kg.InvestmentPage, []*kg.Entity, error) {
	params := map[string]any{"investor": q.InvestorID, "target": q.TargetID, "stated": q.StatedOnly}
	addWindow(params, q.From, q.To)
	if err := pageParams(params, p, kg.MaxListSize); err != nil {
		return nil, nil, err
	}
	page, total, err := s.pageRows(ctx, cypherInvestmentsWith[b2i(q.TargetID != "")], p.Count, params)
	if err != nil {
		return nil, nil, fmt.Errorf("investments: %w", err)
	}
	slices.SortFunc(page, func(a, b map[string]any) int {
		return cmp.Or(cmp.Compare(a["sortKey"].(string), b["sortKey"].(string)), cmp.Compare(a["k"].(string), b["k"].(string)))
	})
	out := &kg.InvestmentPage{TotalCount: total}
	var es []*kg.Entity
	out.Investments, out.Cursors, out.HasNext = cut(page, p.First, func(m map[string]any) (kg.Investment, string, string) {
		inv, tgt, ev := entityFrom(m["investor"].(map[string]any)), entityFrom(m["target"].(map[string]any)), entityFrom(m["event"].(map[string]any))
		es = append(es, inv, tgt, ev)
		return kg.Investment{InvestorID: inv.ID, TargetID: tgt.ID, EventID: ev.ID}, m["sortKey"].(string), m["k"].(string)
	})
	return out, es, nil
}

// SearchWith is Search with the hits' entities, which the candidates
// hold already.
func (s *Store) SearchWith(ctx context.Context, q kg.SearchQuery) ([]kg.SearchHit, []*kg.Entity, error) {
	tokens, candidates, err := s.searchCandidates(ctx, q)
	if err != nil || len(tokens) == 0 {
		return nil, nil, err
	}
	hits := kg.Rank(tokens, candidates, q.Kinds, q.First)
	byID := make(map[string]*kg.Entity, len(candidates))
	for _, e := range candidates {
		byID[e.ID] = e
	}
	es := make([]*kg.Entity, 0, len(hits))
	for _, h := range hits {
		es = append(es, byID[h.EntityID])
	}
	return hits, es, nil
}

// Lookup returns the entities and the relations with the given IDs.
func (s *Store) Lookup(ctx context.Context, entityIDs, relationIDs []string) ([]*kg.Entity, []*kg.Relation, error) {
	recs, err := s.read(ctx, cypherLookup, map[string]any{"ids": entityIDs, "rels": relationEnds(relationIDs)})
	if err != nil {
		return nil, nil, fmt.Errorf("lookup: %w", err)
	}
	m := recs[0].AsMap()
	var es []*kg.Entity
	for _, v := range m["entities"].([]any) {
		es = append(es, entityFrom(v.(map[string]any)))
	}
	var rels []*kg.Relation
	for _, v := range m["relations"].([]any) {
		rels = append(rels, relationFrom(v.(map[string]any)))
	}
	return es, rels, nil
}

// pageRows runs the statement of a page that counts when asked (see
// withCount) and returns the page's rows and the total.
func (s *Store) pageRows(ctx context.Context, cypher [2]string, count bool, params map[string]any) ([]map[string]any, int, error) {
	if count {
		return s.listPage(ctx, cypher[1], params)
	}
	recs, err := s.read(ctx, cypher[0], params)
	if err != nil {
		return nil, 0, err
	}
	out := make([]map[string]any, len(recs))
	for i, r := range recs {
		out[i] = mapOf(r, "row")
	}
	return out, 0, nil
}
