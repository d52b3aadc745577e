package neo4jstore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/puente-kg/puente/kg"
)

// Entities returns the entities with the given IDs.
func (s *Store) Entities(ctx context.Context, ids []string) ([]*kg.Entity, error) {
	return readAll(ctx, s, "entities", cypherEntities, map[string]any{"ids": ids}, "e", entityFrom)
}

// Sources returns the sources with the given IDs.
func (s *Store) Sources(ctx context.Context, ids []string) ([]*kg.Source, error) {
	return readAll(ctx, s, "sources", cypherSources, map[string]any{"ids": ids}, "s", sourceFrom)
}

// Quoting returns the relations that cite the source with a quote, and the
// entities whose discrepancies cite it, at most max+1 of each.
func (s *Store) Quoting(ctx context.Context, id string, max int) ([]*kg.Relation, []*kg.Entity, error) {
	rels, err := readAll(ctx, s, "quoting relations", cypherQuotingRelations, map[string]any{"id": id, "max": max + 1}, "r", relationFrom)
	if err != nil {
		return nil, nil, err
	}
	needle, _ := json.Marshal(map[string]string{"source": id}) // {"source":"…"}, as entityProps writes it
	es, err := readAll(ctx, s, "quoting entities", cypherQuotingEntities,
		map[string]any{"needle": strings.TrimSuffix(string(needle), "}"), "max": max + 1}, "e", entityFrom)
	if err != nil {
		return nil, nil, err
	}
	// The needle may match a discrepancy's text rather than its source.
	es = slices.DeleteFunc(es, func(e *kg.Entity) bool { return !slices.Contains(e.DiscrepancySources(), id) })
	return rels, es, nil
}

// Relations returns each entity's first max+1 relations of the bases (any
// basis when none is given) by ID.
func (s *Store) Relations(ctx context.Context, ids []string, max int, bases ...kg.Basis) ([]*kg.Relation, error) {
	bs := make([]string, len(bases))
	for i, b := range bases {
		bs[i] = string(b)
	}
	return readAll(ctx, s, "relations", cypherRelations, map[string]any{"ids": ids, "max": max + 1, "bases": bs}, "r", relationFrom)
}

// readAll runs one statement and converts the map in the column col of
// every record it returns.
func readAll[T any](ctx context.Context, s *Store, what, cypher string, params map[string]any, col string, conv func(map[string]any) T) ([]T, error) {
	recs, err := s.read(ctx, cypher, params)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	out := make([]T, 0, len(recs))
	for _, r := range recs {
		out = append(out, conv(mapOf(r, col)))
	}
	return out, nil
}

// cut keeps the first rows of a page (each statement fetches one row more
// than the page holds, to tell whether another page follows), converting
// each into an item and the key and ID of its cursor.
func cut[T any](rows []map[string]any, first int, conv func(m map[string]any) (item T, key, id string)) (items []T, cursors []string, hasNext bool) {
	for _, m := range rows {
		if len(items) == first {
			return items, cursors, true
		}
		item, key, id := conv(m)
		items = append(items, item)
		cursors = append(cursors, kg.EncodeCursor(key, id))
	}
	return items, cursors, false
}

// rows returns the records' values as maps.
func rows(recs []*neo4j.Record) []map[string]any {
	out := make([]map[string]any, len(recs))
	for i, r := range recs {
		out[i] = r.AsMap()
	}
	return out
}

// listPage reads a statement that returns one row with the total and the
// page's nodes (see listStatement).
func (s *Store) listPage(ctx context.Context, cypher string, params map[string]any) (page []map[string]any, total int, err error) {
	recs, err := s.read(ctx, cypher, params)
	if err != nil || len(recs) == 0 {
		return nil, 0, err
	}
	m := recs[0].AsMap()
	for _, v := range m["page"].([]any) {
		page = append(page, v.(map[string]any))
	}
	return page, int(m["total"].(int64)), nil
}

// RelationsByID returns the relations with the given IDs.
func (s *Store) RelationsByID(ctx context.Context, ids []string) ([]*kg.Relation, error) {
	return readAll(ctx, s, "relations by ID", cypherRelationsByID, map[string]any{"rows": relationEnds(ids)}, "r", relationFrom)
}

// relationEnds returns the ID and ends of each relation ID (see
// kg.RelationID), skipping what is not one.
func relationEnds(ids []string) []map[string]any {
	ends := make([]map[string]any, 0, len(ids))
	for _, id := range ids {
		if _, from, to, _, ok := kg.ParseRelationID(id); ok {
			ends = append(ends, map[string]any{"id": id, "from": from, "to": to})
		}
	}
	return ends
}

// Links returns a page of each entity's links that match q, and counts
// them with a statement of its own when p.Count is set.
func (s *Store) Links(ctx context.Context, ids []string, q kg.LinkQuery, p kg.PageRequest) ([]kg.LinkPage, error) {
	types := make([]string, len(q.Types))
	for i, t := range q.Types {
		types[i] = string(t)
	}
	params := map[string]any{"ids": ids, "types": types, "dir": string(q.Direction), "role": string(q.Role), "category": string(q.Category)}
	if err := pageParams(params, p, kg.MaxListSize); err != nil {
		return nil, err
	}
	if q.Order < 0 || int(q.Order) >= len(cypherLinks) {
		return nil, fmt.Errorf("links: unknown order %d", q.Order)
	}
	recs, err := s.read(ctx, cypherLinks[q.Order], params)
	if err != nil {
		return nil, fmt.Errorf("links: %w", err)
	}
	out := make([]kg.LinkPage, len(ids))
	for _, r := range recs {
		m := r.AsMap()
		page := &out[m["i"].(int64)]
		for _, v := range m["links"].([]any) {
			l := v.(map[string]any)
			if len(page.Links) == p.First {
				page.HasNext = true
				break
			}
			link := kg.Link{Other: l["o"].(string)}
			key, _ := l["key"].(string)
			id := link.Other
			if rel, ok := l["r"].(map[string]any); ok {
				link.Relation = relationFrom(rel)
				id = link.Relation.ID
			}
			page.Links = append(page.Links, link)
			page.Cursors = append(page.Cursors, kg.EncodeCursor(key, id))
		}
	}
	if p.Count {
		params["byName"] = q.Order == kg.LinksByName
		recs, err := s.read(ctx, cypherCountLinks, params)
		if err != nil {
			return nil, fmt.Errorf("count links: %w", err)
		}
		for _, r := range recs {
			m := r.AsMap()
			out[m["i"].(int64)].TotalCount = int(m["total"].(int64))
		}
	}
	return out, nil
}

// pageParams adds the page parameters shared by the list statements: the
// cursor's key and ID, one more item than the page holds (to tell whether
// there is a next page), and whether to count.
func pageParams(params map[string]any, p kg.PageRequest, max int) error {
	if p.First < 1 || p.First > max {
		return kg.Invalid("first", "must be between 1 and %d, got %d", max, p.First)
	}
	params["after"] = p.After != ""
	params["afterKey"], params["afterId"] = "", ""
	if p.After != "" {
		k, id, err := kg.DecodeCursor(p.After)
		if err != nil {
			return err
		}
		params["afterKey"], params["afterId"] = k, id
	}
	params["limit"] = p.First + 1
	params["count"] = p.Count
	return nil
}

func (s *Store) entityPage(ctx context.Context, cypher string, params map[string]any, first int, key func(*kg.Entity) string) (*kg.EntityPage, error) {
	page, total, err := s.listPage(ctx, cypher, params)
	if err != nil {
		return nil, err
	}
	out := &kg.EntityPage{TotalCount: total}
	out.Entities, out.Cursors, out.HasNext = cut(page, first, func(m map[string]any) (*kg.Entity, string, string) {
		e := entityFrom(m)
		return e, key(e), e.ID
	})
	return out, nil
}

// ListEntities returns a page of matching entities by folded name and ID.
func (s *Store) ListEntities(ctx context.Context, f kg.EntityFilter, p kg.PageRequest) (*kg.EntityPage, error) {
	params := map[string]any{"kinds": kindStrings(f.Kinds), "country": f.Country}
	if err := pageParams(params, p, kg.MaxPageSize); err != nil {
		return nil, err
	}
	page, err := s.entityPage(ctx, cypherListEntities, params, p.First, (*kg.Entity).SortName)
	if err != nil {
		return nil, fmt.Errorf("list entities: %w", err)
	}
	return page, nil
}

// ListEvents returns a page of matching events in date order.
func (s *Store) ListEvents(ctx context.Context, f kg.EventFilter, p kg.PageRequest) (*kg.EntityPage, error) {
	cats := make([]string, len(f.Categories))
	for i, c := range f.Categories {
		cats[i] = string(c)
	}
	params := map[string]any{
		"categories": cats, "participant": f.Participant, "role": string(f.Role), "country": f.Country,
		"amounts":   f.MinAmount != nil || f.MaxAmount != nil || f.Currency != "",
		"minAmount": f.MinAmount, "maxAmount": f.MaxAmount, "currency": f.Currency,
	}
	addWindow(params, f.From, f.To)
	lo, hi, reported := kg.DateWindow(f.ReportedFrom, f.ReportedTo)
	params["reportedLo"], params["reportedHi"], params["reported"] = lo, hi, reported
	if err := pageParams(params, p, kg.MaxPageSize); err != nil {
		return nil, err
	}
	cypher := cypherListEvents
	if f.Descending {
		cypher = cypherListEventsDesc
	}
	if f.Participant == "" && f.Country == "" && !params["amounts"].(bool) && !reported {
		cypher = cypherListEventsPlain[b2i(len(cats) > 0)][b2i(params["dated"].(bool))][b2i(f.Descending)]
	}
	page, err := s.entityPage(ctx, cypher, params, p.First, func(e *kg.Entity) string { return e.Date.SortKey() })
	if err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	return page, nil
}

// ListSources returns a page of sources by ID.
func (s *Store) ListSources(ctx context.Context, p kg.PageRequest) (*kg.SourcePage, error) {
	params := map[string]any{}
	if err := pageParams(params, p, kg.MaxPageSize); err != nil {
		return nil, err
	}
	page, total, err := s.listPage(ctx, cypherListSources, params)
	if err != nil {
		return nil, fmt.Errorf("list sources: %w", err)
	}
	out := &kg.SourcePage{TotalCount: total}
	out.Sources, out.Cursors, out.HasNext = cut(page, p.First, func(m map[string]any) (*kg.Source, string, string) {
		src := sourceFrom(m)
		return src, src.ID, src.ID
	})
	return out, nil
}

func addWindow(params map[string]any, from, to kg.Date) {
	lo, hi, active := kg.DateWindow(from, to)
	params["lo"], params["hi"], params["dated"] = lo, hi, active
}

// WhoMet returns a page of who met the entity, with the meetings as
// evidence.
func (s *Store) WhoMet(ctx context.Context, q kg.WhoMetQuery, p kg.PageRequest) (*kg.ContactPage, error) {
	params, err := whoMetParams(q, p)
	if err != nil {
		return nil, err
	}
	recs, err := s.read(ctx, cypherWhoMet, params)
	if err != nil {
		return nil, fmt.Errorf("who met: %w", err)
	}
	out := &kg.ContactPage{}
	out.Contacts, out.Cursors, out.HasNext = cut(rows(recs), p.First, func(m map[string]any) (kg.Contact, string, string) {
		c := kg.Contact{EntityID: m["id"].(string), Meetings: anyStrings(m["meetings"])}
		return c, m["key"].(string), c.EntityID
	})
	if p.Count {
		if out.TotalCount, err = s.count(ctx, cypherCountWhoMet, params); err != nil {
			return nil, fmt.Errorf("count who met: %w", err)
		}
	}
	return out, nil
}

// whoMetParams returns the parameters of the statements of WhoMet.
func whoMetParams(q kg.WhoMetQuery, p kg.PageRequest) (map[string]any, error) {
	cats := make([]string, len(kg.MeetingCategories))
	for i, c := range kg.MeetingCategories {
		cats[i] = string(c)
	}
	passive := make([]string, len(kg.PassiveRoles))
	for i, r := range kg.PassiveRoles {
		passive[i] = string(r)
	}
	params := map[string]any{"id": q.ID, "categories": cats, "passive": passive, "maxMeetings": kg.MaxListSize, "stated": q.StatedOnly}
	addWindow(params, q.From, q.To)
	return params, pageParams(params, p, kg.MaxListSize)
}

// count runs a statement that returns one row with a total.
func (s *Store) count(ctx context.Context, cypher string, params map[string]any) (int, error) {
	recs, err := s.read(ctx, cypher, params)
	if err != nil || len(recs) == 0 {
		return 0, err
	}
	total, _ := recs[0].Get("total")
	n, _ := total.(int64)
	return int(n), nil
}

// Investments returns a page of the investments that match the query.
func (s *Store) Investments(ctx context.Context, q kg.InvestmentQuery, p kg.PageRequest) (*kg.InvestmentPage, error) {
	params := map[string]any{"investor": q.InvestorID, "target": q.TargetID, "stated": q.StatedOnly}
	addWindow(params, q.From, q.To)
	if err := pageParams(params, p, kg.MaxListSize); err != nil {
		return nil, err
	}
	cypher := cypherInvestments[b2i(q.TargetID != "")]
	recs, err := s.read(ctx, cypher[0], params)
	if err != nil {
		return nil, fmt.Errorf("investments: %w", err)
	}
	out := &kg.InvestmentPage{}
	out.Investments, out.Cursors, out.HasNext = cut(rows(recs), p.First, func(m map[string]any) (kg.Investment, string, string) {
		inv := kg.Investment{InvestorID: m["investor"].(string), TargetID: m["target"].(string), EventID: m["event"].(string)}
		return inv, m["sortKey"].(string), m["k"].(string)
	})
	if p.Count {
		if out.TotalCount, err = s.count(ctx, cypher[1], params); err != nil {
			return nil, fmt.Errorf("count investments: %w", err)
		}
	}
	return out, nil
}

// Search fetches full-text candidates whose tokens start with every query
// token, then ranks them with kg.Rank like every backend.
func (s *Store) Search(ctx context.Context, q kg.SearchQuery) ([]kg.SearchHit, error) {
	tokens, candidates, err := s.searchCandidates(ctx, q)
	if err != nil || len(tokens) == 0 {
		return nil, err
	}
	return kg.Rank(tokens, candidates, q.Kinds, q.First), nil
}

// searchCandidates returns the query's tokens and the full-text
// candidates for them.
func (s *Store) searchCandidates(ctx context.Context, q kg.SearchQuery) ([]string, []*kg.Entity, error) {
	tokens, err := kg.CheckSearch(q)
	if err != nil || len(tokens) == 0 {
		return nil, nil, err
	}
	clauses := make([]string, len(tokens))
	for i, t := range tokens {
		clauses[i] = "+" + escapeLucene(t) + "*"
	}
	recs, err := s.read(ctx, cypherSearch, map[string]any{
		"query": strings.Join(clauses, " "),
		"limit": kg.MaxSearchCandidates,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("search: %w", err)
	}
	candidates := make([]*kg.Entity, 0, len(recs))
	for _, r := range recs {
		candidates = append(candidates, entityFrom(mapOf(r, "e")))
	}
	return tokens, candidates, nil
}

// escapeLucene escapes every character of Lucene's query syntax, so that
// user input is always data.
func escapeLucene(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`+-&|!(){}[]^"~*?:\/ `, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Stats counts what the store holds.
func (s *Store) Stats(ctx context.Context) (kg.Stats, error) {
	recs, err := s.read(ctx, cypherStats, nil)
	if err != nil {
		return kg.Stats{}, fmt.Errorf("stats: %w", err)
	}
	m := recs[0].AsMap()
	return kg.Stats{
		Entities:  int(m["entities"].(int64)),
		Sources:   int(m["sources"].(int64)),
		Relations: int(m["relations"].(int64)),
	}, nil
}

func mapOf(r *neo4j.Record, key string) map[string]any {
	v, _ := r.Get(key)
	m, _ := v.(map[string]any)
	return m
}

func kindStrings(ks []kg.Kind) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}

// Walks finds the walks between two entities with Cypher's SHORTEST GROUPS.
func (s *Store) Walks(ctx context.Context, q kg.PathQuery) ([]kg.Walk, error) {
	if err := kg.CheckPaths(q); err != nil {
		return nil, err
	}
	if q.From == q.To {
		return nil, nil
	}
	cypher := cypherWalks[q.MaxLength-1]
	if q.MinLength == q.MaxLength {
		cypher = cypherWalksExactly[q.MaxLength-1]
	} else if q.MinLength > 1 {
		return nil, kg.Invalid("minLength", "walks from a minimum length are asked one length at a time")
	}
	recs, err := s.read(ctx, cypher, map[string]any{
		"from": q.From, "to": q.To, "kinds": kindStrings(q.Kinds), "cap": kg.MaxPathCandidates + 1, "stated": q.StatedOnly,
	})
	if err != nil {
		return nil, fmt.Errorf("walks: %w", err)
	}
	if len(recs) > kg.MaxPathCandidates {
		return nil, kg.ErrTooManyWalks
	}
	out := make([]kg.Walk, 0, len(recs))
	for _, r := range recs {
		m := r.AsMap()
		out = append(out, kg.Walk{Nodes: anyStrings(m["nodes"]), Edges: anyStrings(m["edges"])})
	}
	return out, nil
}

// Timeline returns a page of the events around the entity in date order.
func (s *Store) Timeline(ctx context.Context, q kg.TimelineQuery, p kg.PageRequest) (*kg.IDPage, error) {
	cats := make([]string, len(q.Categories))
	for i, c := range q.Categories {
		cats[i] = string(c)
	}
	params := map[string]any{"id": q.ID, "categories": cats, "stated": q.StatedOnly}
	addWindow(params, q.From, q.To)
	if err := pageParams(params, p, kg.MaxListSize); err != nil {
		return nil, err
	}
	recs, err := s.read(ctx, cypherTimeline, params)
	if err != nil {
		return nil, fmt.Errorf("timeline: %w", err)
	}
	out := &kg.IDPage{}
	out.IDs, out.Cursors, out.HasNext = cut(rows(recs), p.First, func(m map[string]any) (string, string, string) {
		return m["id"].(string), m["key"].(string), m["id"].(string)
	})
	if p.Count {
		if out.TotalCount, err = s.count(ctx, cypherCountTimeline, params); err != nil {
			return nil, fmt.Errorf("count timeline: %w", err)
		}
	}
	return out, nil
}

func anyStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
