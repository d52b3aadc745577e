package neo4jstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/puente-kg/puente/kg"
)

// Neighborhood returns the subgraph around the center that
// kg.WalkNeighborhood describes, with the entities of its nodes, in one
// statement.
func (s *Store) Neighborhood(ctx context.Context, q kg.NeighborhoodQuery) (*kg.Subgraph, error) {
	if err := kg.CheckNeighborhood(q); err != nil {
		return nil, err
	}
	bases := make([]string, 0, 1)
	for _, b := range kg.StatedOnly(q.StatedOnly) {
		bases = append(bases, string(b))
	}
	recs, err := s.read(ctx, cypherNeighborhood[q.Depth-1], map[string]any{
		"id": q.ID, "bases": bases, "kinds": kindStrings(q.Kinds), "limit": q.Limit,
		"center": kg.MaxSubgraphLimit + 1, "hub": kg.HubDegree,
	})
	if err != nil {
		return nil, fmt.Errorf("neighborhood: %w", err)
	}
	if len(recs) != 1 {
		return nil, fmt.Errorf("neighborhood: %d rows, want 1", len(recs))
	}
	sub := &kg.Subgraph{}
	m := recs[0].AsMap()
	for _, v := range m["nodes"].([]any) {
		e := entityFrom(v.(map[string]any))
		sub.Nodes = append(sub.Nodes, e.ID)
		sub.Entities = append(sub.Entities, e)
	}
	if len(sub.Nodes) == 0 {
		// An unknown center, alone (see kg.WalkNeighborhood).
		sub.Nodes = []string{q.ID}
	}
	for _, v := range m["edges"].([]any) {
		sub.Edges = append(sub.Edges, relationFrom(v.(map[string]any)))
	}
	slices.SortFunc(sub.Edges, func(a, b *kg.Relation) int { return cmp.Compare(a.ID, b.ID) })
	sub.Truncated, _ = m["truncated"].(bool)
	sub.Hubs = anyStrings(m["hubs"])
	if len(sub.Hubs) == 0 {
		sub.Hubs = nil
	}
	slices.Sort(sub.Hubs)
	return sub, nil
}

// Paths returns the paths that kg.FindPaths describes, with their
// entities and relations, in one statement that asks for every length at
// once and, only when that finds more than kg.MaxPathCandidates walks,
// asks one length at a time, shortest first, and stops at the first
// length by which q.Limit paths are found.
func (s *Store) Paths(ctx context.Context, q kg.PathQuery) (*kg.PathSet, error) {
	if err := kg.CheckPaths(q); err != nil {
		return nil, err
	}
	if q.From == q.To {
		return &kg.PathSet{}, nil
	}
	recs, err := s.read(ctx, cypherPaths[q.MaxLength-1], map[string]any{
		"from": q.From, "to": q.To, "kinds": kindStrings(q.Kinds), "stated": q.StatedOnly, "limit": q.Limit,
		"cap": kg.MaxPathCandidates + 1, "most": kg.MaxPathCandidates,
	})
	if err != nil {
		return nil, fmt.Errorf("paths: %w", err)
	}
	if len(recs) != 1 {
		return nil, fmt.Errorf("paths: %d rows, want 1", len(recs))
	}
	m := recs[0].AsMap()
	if over, _ := m["over"].(bool); over || m["found"].(int64) > kg.MaxPathCandidates {
		return nil, kg.ErrTooManyWalks
	}
	out := &kg.PathSet{}
	seen := map[string]bool{}
	for _, v := range m["paths"].([]any) {
		p := v.(map[string]any)
		var path kg.Path
		for _, n := range p["nodes"].([]any) {
			e := entityFrom(n.(map[string]any))
			path.Nodes = append(path.Nodes, e.ID)
			if !seen[e.ID] {
				seen[e.ID] = true
				out.Entities = append(out.Entities, e)
			}
		}
		for _, r := range p["edges"].([]any) {
			rel := relationFrom(r.(map[string]any))
			path.Edges = append(path.Edges, rel.ID)
			if !seen[rel.ID] {
				seen[rel.ID] = true
				out.Relations = append(out.Relations, rel)
			}
		}
		out.Paths = append(out.Paths, path)
	}
	kg.SortPaths(out.Paths)
	return out, nil
}
