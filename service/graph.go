package service

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/puente-kg/puente/kg"
)

// Neighborhood expands breadth-first from the center, one Relations round
// trip per level (through STATED relations only when q.StatedOnly), and
// returns the subgraph: nodes by distance then ID, cut at the limit, and the
// relations among them. A node of another kind than
// asked is left out and not crossed. A node (other than the center) with
// more than HubDegree relations is kept but not expanded, and listed in
// Hubs, so that a country touching everything does not flood the answer.
// An unknown center gives an empty subgraph.
func Neighborhood(ctx context.Context, r kg.RelationReader, q kg.NeighborhoodQuery) (*kg.Subgraph, error) {
	if err := kg.CheckNeighborhood(q); err != nil {
		return nil, err
	}
	keep := func(id string) bool { return len(q.Kinds) == 0 || slices.Contains(q.Kinds, kg.KindOfID(id)) }
	dist := map[string]int{q.ID: 0}
	edges := map[string]*kg.Relation{}
	sub := &kg.Subgraph{}
	frontier := []string{q.ID}
	exists := false
	for depth := 0; depth < q.Depth && len(frontier) > 0; depth++ {
		max := kg.HubDegree
		if depth == 0 {
			max = kg.MaxSubgraphLimit
		}
		rels, err := levelRelations(ctx, r, q, sub, frontier, max, depth, dist)
		if err != nil {
			return nil, err
		}
		byNode := map[string][]*kg.Relation{}
		for _, rel := range rels {
			for _, end := range []string{rel.From, rel.To} {
				if slices.Contains(frontier, end) {
					byNode[end] = append(byNode[end], rel)
				}
			}
		}
		var next []string
		for _, id := range frontier {
			if err := kg.Live(ctx); err != nil {
				return nil, err
			}
			own := byNode[id]
			// A hub keeps the relations of lowest ID, whatever order the
			// store returned them in.
			slices.SortFunc(own, func(a, b *kg.Relation) int { return cmp.Compare(a.ID, b.ID) })
			if len(own) > 0 || depth > 0 {
				exists = true
			}
			if depth > 0 && len(own) > kg.HubDegree {
				sub.Hubs = append(sub.Hubs, id)
				own = own[:kg.HubDegree]
			}
			for _, rel := range own {
				edges[rel.ID] = rel
				o := rel.Other(id)
				if _, seen := dist[o]; seen || !keep(o) {
					continue
				}
				if depth > 0 && slices.Contains(sub.Hubs, id) {
					continue // a hub's neighbours are not reached through it
				}
				dist[o] = depth + 1
				next = append(next, o)
			}
		}
		slices.Sort(next)
		frontier = next
	}
	if !exists {
		// The center has no relations; it may still exist on its own.
		sub.Nodes = []string{q.ID}
		return sub, nil
	}
	nodes := make([]string, 0, len(dist))
	for id := range dist {
		nodes = append(nodes, id)
	}
	slices.SortFunc(nodes, func(a, b string) int { return cmp.Or(cmp.Compare(dist[a], dist[b]), cmp.Compare(a, b)) })
	if len(nodes) > q.Limit {
		nodes, sub.Truncated = nodes[:q.Limit], true
	}
	sub.Nodes = nodes
	in := map[string]bool{}
	for _, n := range nodes {
		in[n] = true
	}
	for _, rel := range edges {
		if in[rel.From] && in[rel.To] {
			sub.Edges = append(sub.Edges, rel)
		}
	}
	slices.SortFunc(sub.Edges, func(a, b *kg.Relation) int { return cmp.Compare(a.ID, b.ID) })
	slices.Sort(sub.Hubs)
	return sub, nil
}

// levelRelations reads the relations of one level of Neighborhood's walk.
// For the last level, a store that can (a kg.Fetcher) also returns the
// entities of the nodes the subgraph will keep, in the same round trip,
// into sub.Entities.
func levelRelations(ctx context.Context, r kg.RelationReader, q kg.NeighborhoodQuery, sub *kg.Subgraph,
	frontier []string, max, depth int, dist map[string]int) ([]*kg.Relation, error) {
	bases := kg.StatedOnly(q.StatedOnly)
	f, ok := r.(kg.Fetcher)
	if !ok || depth < q.Depth-1 {
		return r.Relations(ctx, frontier, max, bases...)
	}
	// The nodes found before the last level come first in the answer;
	// only the first q.Limit of them can be kept.
	known := make([]string, 0, len(dist))
	for id := range dist {
		known = append(known, id)
	}
	slices.SortFunc(known, func(a, b string) int { return cmp.Or(cmp.Compare(dist[a], dist[b]), cmp.Compare(a, b)) })
	known = known[:min(len(known), q.Limit)]
	hub := 0
	if depth > 0 {
		hub = kg.HubDegree
	}
	rels, es, err := f.LastLevel(ctx, kg.LevelQuery{IDs: frontier, Max: max, Bases: bases, Hub: hub, Known: known, Kinds: q.Kinds, Reach: q.Limit})
	sub.Entities = es
	return rels, err
}

// FinishPaths turns the walks a backend found into the answer: it keeps
// simple walks (no node twice) whose inner nodes are of the asked kinds,
// merges walks over the same nodes into one path that uses, at each hop,
// the relation with the smallest ID, and returns the first limit paths by
// length and then by their node IDs. Every backend finds its walks its own
// way and finishes them here, so all give the same paths.
func FinishPaths(q kg.PathQuery, walks []kg.Walk) ([]kg.Path, error) {
	byNodes := map[string]*kg.Path{}
	for _, w := range walks {
		if len(w.Nodes) < 2 || len(w.Edges) != len(w.Nodes)-1 {
			continue
		}
		simple := true
		seen := map[string]bool{}
		for i, n := range w.Nodes {
			if seen[n] || i > 0 && i < len(w.Nodes)-1 && len(q.Kinds) > 0 && !slices.Contains(q.Kinds, kg.KindOfID(n)) {
				simple = false
				break
			}
			seen[n] = true
		}
		if !simple {
			continue
		}
		key := strings.Join(w.Nodes, "\x00")
		p := byNodes[key]
		if p == nil {
			if len(byNodes) >= kg.MaxPathCandidates {
				return nil, kg.Invalid("maxLength", "more than %d paths connect these entities; lower maxLength or restrict kinds", kg.MaxPathCandidates)
			}
			byNodes[key] = &kg.Path{Nodes: w.Nodes, Edges: slices.Clone(w.Edges)}
			continue
		}
		for i, e := range w.Edges {
			if e < p.Edges[i] {
				p.Edges[i] = e
			}
		}
	}
	paths := make([]kg.Path, 0, len(byNodes))
	for _, p := range byNodes {
		paths = append(paths, *p)
	}
	slices.SortFunc(paths, func(a, b kg.Path) int {
		return cmp.Or(cmp.Compare(len(a.Nodes), len(b.Nodes)), slices.Compare(a.Nodes, b.Nodes))
	})
	if len(paths) > q.Limit {
		paths = paths[:q.Limit]
	}
	return paths, nil
}

// Paths returns the first q.Limit paths (see FinishPaths). It first asks
// the store for every walk up to q.MaxLength at once (one round trip);
// when there are too many, as through hubs on a large graph, it asks again
// one length at a time, shortest first, and stops at the first length by
// which enough paths are found: every path of that length or shorter is
// then known, so the answer is the same.
func Paths(ctx context.Context, r kg.Traverser, q kg.PathQuery) ([]kg.Path, error) {
	if err := kg.CheckPaths(q); err != nil {
		return nil, err
	}
	all := q
	all.MinLength = 0
	walks, err := r.Walks(ctx, all)
	if err == nil {
		return FinishPaths(q, walks)
	}
	if !errors.Is(err, kg.ErrTooManyWalks) {
		return nil, err
	}
	walks = nil
	for length := 1; ; length++ {
		if err := kg.Live(ctx); err != nil {
			return nil, err
		}
		step := q
		step.MinLength, step.MaxLength = length, length
		w, err := r.Walks(ctx, step)
		if err != nil {
			return nil, err
		}
		walks = append(walks, w...)
		paths, err := FinishPaths(q, walks)
		if err != nil {
			return nil, err
		}
		if len(paths) >= q.Limit || length == q.MaxLength {
			return paths, nil
		}
	}
}
