package memstore

import (
	"context"
	"slices"

	"github.com/puente-kg/puente/kg"
)

// Walks enumerates, depth first, the simple paths of at most q.MaxLength
// hops from q.From to q.To, taking at each hop the relation of smallest ID
// to each neighbour. A breadth-first pass from the end first marks how far
// each node is from it, so that the search never enters a node that cannot
// reach the end in the hops left.
func (s *Store) Walks(ctx context.Context, q kg.PathQuery) ([]kg.Walk, error) {
	if err := kg.CheckPaths(q); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.entities[q.From] == nil || s.entities[q.To] == nil || q.From == q.To {
		return nil, nil
	}
	bases := kg.StatedOnly(q.StatedOnly)
	// distTo holds how far each node that may lie on a path is from the
	// end; the search below never enters a node that cannot reach the end
	// in the hops left, so its work follows the paths found, not the
	// (hub-sized) neighborhoods passed through.
	distTo := map[string]int{q.To: 0}
	frontier := []string{q.To}
	for d := 1; d < q.MaxLength && len(frontier) > 0; d++ {
		var next []string
		for _, x := range frontier {
			if err := kg.Live(ctx); err != nil {
				return nil, err
			}
			for _, r := range s.byEntity[x] {
				o := r.Other(x)
				if _, seen := distTo[o]; seen || o == q.From || !r.HasBasis(bases) {
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
	visited := 0
	visit = func(id string) error {
		if len(edges) == q.MaxLength {
			return nil
		}
		if visited++; visited%liveEvery == 0 {
			if err := kg.Live(ctx); err != nil {
				return err
			}
		}
		// The smallest relation ID to each neighbour.
		best := map[string]string{}
		for _, r := range s.byEntity[id] {
			if !r.HasBasis(bases) {
				continue
			}
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
// member relations of the bases away from it (following them backwards).
func (s *Store) members(ctx context.Context, id string, bases []kg.Basis) (map[string]bool, error) {
	in := map[string]bool{id: true}
	frontier := []string{id}
	for depth := 0; depth < kg.MemberDepth; depth++ {
		var next []string
		for _, x := range frontier {
			if err := kg.Live(ctx); err != nil {
				return nil, err
			}
			for _, r := range s.byEntity[x] {
				if r.To == x && slices.Contains(kg.MemberRelations, r.Type) && !in[r.From] && r.HasBasis(bases) {
					in[r.From] = true
					next = append(next, r.From)
				}
			}
		}
		frontier = next
	}
	return in, nil
}

// timelineEvents returns the IDs of the events the members took part in or
// that were held at one of them, by relations of the bases.
func (s *Store) timelineEvents(ctx context.Context, members map[string]bool, bases []kg.Basis) (map[string]bool, error) {
	events := map[string]bool{}
	for m := range members {
		if err := kg.Live(ctx); err != nil {
			return nil, err
		}
		for _, r := range s.byEntity[m] {
			switch {
			case !r.HasBasis(bases):
			case r.Type == kg.RelParticipatedIn && r.From == m:
				events[r.To] = true
			case r.Type == kg.RelHeldAt && r.To == m:
				events[r.From] = true
			}
		}
	}
	return events, nil
}

// Timeline returns a page of the events around the entity in date order.
func (s *Store) Timeline(ctx context.Context, q kg.TimelineQuery, p kg.PageRequest) (*kg.IDPage, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var items []keyed[string]
	if s.entities[q.ID] != nil {
		bases := kg.StatedOnly(q.StatedOnly)
		members, err := s.members(ctx, q.ID, bases)
		if err != nil {
			return nil, err
		}
		events, err := s.timelineEvents(ctx, members, bases)
		if err != nil {
			return nil, err
		}
		for id := range events {
			ev := s.entities[id]
			if ev == nil || !ev.InWindow(q.From, q.To) || len(q.Categories) > 0 && !slices.Contains(q.Categories, ev.Category) {
				continue
			}
			items = append(items, keyed[string]{ev.Date.SortKey(), id, id})
		}
	}
	ids, cursors, hasNext, total, err := pageOf(ctx, items, p, kg.MaxListSize, false)
	if err != nil {
		return nil, err
	}
	return &kg.IDPage{IDs: ids, Cursors: cursors, HasNext: hasNext, TotalCount: total}, nil
}
