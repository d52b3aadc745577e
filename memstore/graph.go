package memstore

import (
	"cmp"
	"context"
	"slices"

	"github.com/puente-kg/puente/kg"
)

// sortedRelations returns the entity's relations by ID.
func (s *Store) sortedRelations(id string) []*kg.Relation {
	rels := make([]*kg.Relation, 0, len(s.byEntity[id]))
	for _, r := range s.byEntity[id] {
		rels = append(rels, r)
	}
	slices.SortFunc(rels, func(a, b *kg.Relation) int { return cmp.Compare(a.ID, b.ID) })
	return rels
}

// Edges returns each entity's first max+1 relations by ID.
func (s *Store) Edges(ctx context.Context, ids []string, max int) ([]*kg.Relation, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	seen := map[string]bool{}
	var out []*kg.Relation
	for _, id := range ids {
		rels := s.sortedRelations(id)
		if len(rels) > max+1 {
			rels = rels[:max+1]
		}
		for _, r := range rels {
			if !seen[r.ID] {
				seen[r.ID] = true
				out = append(out, r)
			}
		}
	}
	return out, nil
}

// Walks enumerates the simple paths breadth of at most q.MaxLength hops by
// depth-first search, with the smallest relation ID at each hop.
func (s *Store) Walks(ctx context.Context, q kg.PathQuery) ([]kg.Walk, error) {
	if err := kg.CheckPaths(q); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.entities[q.From] == nil || s.entities[q.To] == nil || q.From == q.To {
		return nil, nil
	}
	// distTo holds how far each node that may lie on a path is from the
	// end; the search below never enters a node that cannot reach the end
	// in the hops left, so its work follows the paths found, not the
	// (hub-sized) neighborhoods passed through.
	distTo := map[string]int{q.To: 0}
	frontier := []string{q.To}
	for d := 1; d < q.MaxLength && len(frontier) > 0; d++ {
		var next []string
		for _, x := range frontier {
			for _, r := range s.byEntity[x] {
				o := r.Other(x)
				if _, seen := distTo[o]; seen || o == q.From {
					continue
				}
				if len(q.Kinds) > 0 && !slices.Contains(q.Kinds, kg.KindOfID(o)) {
					continue
				}
				distTo[o] = d
				next = append(next, o)
			}
		}
		frontier = next
	}
	var walks []kg.Walk
	nodes := []string{q.From}
	var edges []string
	onPath := map[string]bool{q.From: true}
	var visit func(id string) error
	visit = func(id string) error {
		if len(edges) == q.MaxLength {
			return nil
		}
		// The smallest relation ID to each neighbour.
		best := map[string]string{}
		for _, r := range s.byEntity[id] {
			o := r.Other(id)
			if b, ok := best[o]; !ok || r.ID < b {
				best[o] = r.ID
			}
		}
		next := make([]string, 0, len(best))
		for o := range best {
			next = append(next, o)
		}
		slices.Sort(next)
		for _, o := range next {
			if onPath[o] {
				continue
			}
			if o == q.To {
				if len(edges)+1 < q.MinLength {
					continue
				}
				if len(walks) >= kg.MaxPathCandidates {
					return kg.ErrTooManyWalks
				}
				walks = append(walks, kg.Walk{
					Nodes: append(slices.Clone(nodes), o),
					Edges: append(slices.Clone(edges), best[o]),
				})
				continue
			}
			if d, ok := distTo[o]; !ok || len(edges)+1+d > q.MaxLength {
				continue
			}
			onPath[o] = true
			nodes, edges = append(nodes, o), append(edges, best[o])
			err := visit(o)
			nodes, edges = nodes[:len(nodes)-1], edges[:len(edges)-1]
			delete(onPath, o)
			if err != nil {
				return err
			}
		}
		return nil
	}
	if err := visit(q.From); err != nil {
		return nil, err
	}
	return walks, nil
}

// members returns the entity and every entity at most kg.MemberDepth
// member relations away from it (following them backwards).
func (s *Store) members(id string) map[string]bool {
	in := map[string]bool{id: true}
	frontier := []string{id}
	for depth := 0; depth < kg.MemberDepth; depth++ {
		var next []string
		for _, x := range frontier {
			for _, r := range s.byEntity[x] {
				if r.To == x && slices.Contains(kg.MemberRelations, r.Type) && !in[r.From] {
					in[r.From] = true
					next = append(next, r.From)
				}
			}
		}
		frontier = next
	}
	return in
}

// timelineEvents returns the IDs of the events the members took part in or
// that were held at one of them.
func (s *Store) timelineEvents(members map[string]bool) map[string]bool {
	events := map[string]bool{}
	for m := range members {
		for _, r := range s.byEntity[m] {
			switch {
			case r.Type == kg.RelParticipatedIn && r.From == m:
				events[r.To] = true
			case r.Type == kg.RelHeldAt && r.To == m:
				events[r.From] = true
			}
		}
	}
	return events
}

// Timeline returns the events around the entity in date order.
func (s *Store) Timeline(ctx context.Context, q kg.TimelineQuery) ([]string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.entities[q.ID] == nil {
		return nil, nil
	}
	var out []string
	for id := range s.timelineEvents(s.members(q.ID)) {
		ev := s.entities[id]
		if ev == nil || !ev.InWindow(q.From, q.To) || len(q.Categories) > 0 && !slices.Contains(q.Categories, ev.Category) {
			continue
		}
		out = append(out, id)
	}
	s.sortEvents(out)
	return out, nil
}
