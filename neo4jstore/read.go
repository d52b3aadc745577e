package neo4jstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/puente-kg/puente/kg"
)

// Entities returns the entities with the given IDs.
func (s *Store) Entities(ctx context.Context, ids []string) ([]*kg.Entity, error) {
	recs, err := s.read(ctx, cypherEntities, map[string]any{"ids": ids})
	if err != nil {
		return nil, fmt.Errorf("entities: %w", err)
	}
	out := make([]*kg.Entity, 0, len(recs))
	for _, r := range recs {
		out = append(out, entityFrom(mapOf(r, "e")))
	}
	return out, nil
}

// Sources returns the sources with the given IDs.
func (s *Store) Sources(ctx context.Context, ids []string) ([]*kg.Source, error) {
	recs, err := s.read(ctx, cypherSources, map[string]any{"ids": ids})
	if err != nil {
		return nil, fmt.Errorf("sources: %w", err)
	}
	out := make([]*kg.Source, 0, len(recs))
	for _, r := range recs {
		out = append(out, sourceFrom(mapOf(r, "s")))
	}
	return out, nil
}

// Relations returns every relation touching one of the entities, by ID.
func (s *Store) Relations(ctx context.Context, ids []string) ([]*kg.Relation, error) {
	recs, err := s.read(ctx, cypherRelations, map[string]any{"ids": ids})
	if err != nil {
		return nil, fmt.Errorf("relations: %w", err)
	}
	out := make([]*kg.Relation, 0, len(recs))
	for _, r := range recs {
		out = append(out, relationFrom(mapOf(r, "r")))
	}
	return out, nil
}

// cursorParams adds the page parameters shared by the list statements.
func cursorParams(params map[string]any, p kg.PageRequest) error {
	if err := kg.CheckPage(p); err != nil {
		return err
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
	return nil
}

func (s *Store) entityPage(ctx context.Context, cypher string, params map[string]any, first int, key func(*kg.Entity) string) (*kg.EntityPage, error) {
	recs, err := s.read(ctx, cypher, params)
	if err != nil {
		return nil, err
	}
	out := &kg.EntityPage{}
	if len(recs) == 0 {
		return out, nil
	}
	total, _ := recs[0].Get("total")
	out.TotalCount = int(total.(int64))
	page, _ := recs[0].Get("page")
	for _, v := range page.([]any) {
		if len(out.Entities) == first {
			out.HasNext = true
			break
		}
		e := entityFrom(v.(map[string]any))
		out.Entities = append(out.Entities, e)
		out.Cursors = append(out.Cursors, kg.EncodeCursor(key(e), e.ID))
	}
	return out, nil
}

// ListEntities returns a page of matching entities by folded name and ID.
func (s *Store) ListEntities(ctx context.Context, f kg.EntityFilter, p kg.PageRequest) (*kg.EntityPage, error) {
	params := map[string]any{"kinds": kindStrings(f.Kinds), "country": f.Country}
	if err := cursorParams(params, p); err != nil {
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
	if err := cursorParams(params, p); err != nil {
		return nil, err
	}
	cypher := cypherListEvents
	if f.Descending {
		cypher = cypherListEventsDesc
	}
	if f.Participant == "" && f.Country == "" && !params["amounts"].(bool) {
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
	if err := cursorParams(params, p); err != nil {
		return nil, err
	}
	recs, err := s.read(ctx, cypherListSources, params)
	if err != nil {
		return nil, fmt.Errorf("list sources: %w", err)
	}
	out := &kg.SourcePage{}
	total, _ := recs[0].Get("total")
	out.TotalCount = int(total.(int64))
	page, _ := recs[0].Get("page")
	for _, v := range page.([]any) {
		if len(out.Sources) == p.First {
			out.HasNext = true
			break
		}
		src := sourceFrom(v.(map[string]any))
		out.Sources = append(out.Sources, src)
		out.Cursors = append(out.Cursors, kg.EncodeCursor(src.ID, src.ID))
	}
	return out, nil
}

func addWindow(params map[string]any, from, to kg.Date) {
	lo, hi, active := kg.DateWindow(from, to)
	params["lo"], params["hi"], params["dated"] = lo, hi, active
}

// WhoMet returns who met the entity, with the meetings as evidence.
func (s *Store) WhoMet(ctx context.Context, q kg.WhoMetQuery) ([]kg.Contact, error) {
	cats := make([]string, len(kg.MeetingCategories))
	for i, c := range kg.MeetingCategories {
		cats[i] = string(c)
	}
	passive := make([]string, len(kg.PassiveRoles))
	for i, r := range kg.PassiveRoles {
		passive[i] = string(r)
	}
	params := map[string]any{"id": q.ID, "categories": cats, "passive": passive}
	addWindow(params, q.From, q.To)
	recs, err := s.read(ctx, cypherWhoMet, params)
	if err != nil {
		return nil, fmt.Errorf("who met: %w", err)
	}
	out := make([]kg.Contact, 0, len(recs))
	for _, r := range recs {
		id, _ := r.Get("id")
		meetings, _ := r.Get("meetings")
		c := kg.Contact{EntityID: id.(string)}
		for _, m := range meetings.([]any) {
			c.Meetings = append(c.Meetings, m.(string))
		}
		out = append(out, c)
	}
	return out, nil
}

// Investments returns the investments that match the query.
func (s *Store) Investments(ctx context.Context, q kg.InvestmentQuery) ([]kg.Investment, error) {
	params := map[string]any{"investor": q.InvestorID, "target": q.TargetID}
	addWindow(params, q.From, q.To)
	cypher := cypherInvestments
	if q.TargetID != "" {
		cypher = cypherInvestmentsInto
	}
	recs, err := s.read(ctx, cypher, params)
	if err != nil {
		return nil, fmt.Errorf("investments: %w", err)
	}
	out := make([]kg.Investment, 0, len(recs))
	for _, r := range recs {
		m := r.AsMap()
		out = append(out, kg.Investment{
			InvestorID: m["investor"].(string),
			TargetID:   m["target"].(string),
			EventID:    m["event"].(string),
		})
	}
	return out, nil
}

// Search fetches full-text candidates whose tokens start with every query
// token, then ranks them with kg.Rank like every backend.
func (s *Store) Search(ctx context.Context, q kg.SearchQuery) ([]kg.SearchHit, error) {
	tokens, err := kg.CheckSearch(q)
	if err != nil || len(tokens) == 0 {
		return nil, err
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
		return nil, fmt.Errorf("search: %w", err)
	}
	candidates := make([]*kg.Entity, 0, len(recs))
	for _, r := range recs {
		candidates = append(candidates, entityFrom(mapOf(r, "e")))
	}
	return kg.Rank(tokens, candidates, q.Kinds, q.First), nil
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

// Edges returns each entity's first max+1 relations by ID.
func (s *Store) Edges(ctx context.Context, ids []string, max int) ([]*kg.Relation, error) {
	recs, err := s.read(ctx, cypherEdges, map[string]any{"ids": ids, "max": max + 1})
	if err != nil {
		return nil, fmt.Errorf("edges: %w", err)
	}
	out := make([]*kg.Relation, 0, len(recs))
	for _, r := range recs {
		out = append(out, relationFrom(mapOf(r, "r")))
	}
	return out, nil
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
		"from": q.From, "to": q.To, "kinds": kindStrings(q.Kinds), "cap": kg.MaxPathCandidates + 1,
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

// Timeline returns the events around the entity in date order.
func (s *Store) Timeline(ctx context.Context, q kg.TimelineQuery) ([]string, error) {
	cats := make([]string, len(q.Categories))
	for i, c := range q.Categories {
		cats[i] = string(c)
	}
	params := map[string]any{"id": q.ID, "categories": cats}
	addWindow(params, q.From, q.To)
	recs, err := s.read(ctx, cypherTimeline, params)
	if err != nil {
		return nil, fmt.Errorf("timeline: %w", err)
	}
	out := make([]string, 0, len(recs))
	for _, r := range recs {
		id, _ := r.Get("id")
		out = append(out, id.(string))
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
