package kg

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
)

// The graph walks every backend answers alike. A backend without round
// trips runs them over its own readers; Neo4j answers each in one
// statement of its own, and the conformance suite checks that its answers
// are these.

// WalkNeighborhood expands breadth-first from the center, one Relations
// call per level (through STATED relations only when q.StatedOnly), and
// returns the subgraph: nodes by distance then ID, cut at the limit, and
// the relations among them. The center keeps its first MaxSubgraphLimit+1
// relations by ID. A node of another kind than asked is left out and not
// crossed. A node other than the center with more than HubDegree
// relations is kept with its first HubDegree relations by ID, but not
// expanded, and listed in Hubs (wherever the limit cuts), so that a
// country touching everything does not flood the answer. A center without
// relations, known or not, gives the center alone; Entities stays empty.
func WalkNeighborhood(ctx context.Context, r RelationReader, q NeighborhoodQuery) (*Subgraph, error) {
	if err := CheckNeighborhood(q); err != nil {
		return nil, err
	}
	keep := func(id string) bool { return len(q.Kinds) == 0 || slices.Contains(q.Kinds, KindOfID(id)) }
	dist := map[string]int{q.ID: 0}
	edges := map[string]*Relation{}
	sub := &Subgraph{}
	frontier := []string{q.ID}
	exists := false
	bases := StatedOnly(q.StatedOnly)
	for depth := 0; depth < q.Depth && len(frontier) > 0; depth++ {
		max := HubDegree
		if depth == 0 {
			max = MaxSubgraphLimit
		}
		rels, err := r.Relations(ctx, frontier, max, bases...)
		if err != nil {
			return nil, err
		}
		byNode := map[string][]*Relation{}
		for _, rel := range rels {
			for _, end := range []string{rel.From, rel.To} {
				if slices.Contains(frontier, end) {
					byNode[end] = append(byNode[end], rel)
				}
			}
		}
		var next []string
		for _, id := range frontier {
			if err := Live(ctx); err != nil {
				return nil, err
			}
			own := byNode[id]
			// A hub keeps the relations of lowest ID, whatever order the
			// store returned them in.
			slices.SortFunc(own, func(a, b *Relation) int { return cmp.Compare(a.ID, b.ID) })
			if len(own) > 0 || depth > 0 {
				exists = true
			}
			hub := depth > 0 && len(own) > HubDegree
			if hub {
				sub.Hubs = append(sub.Hubs, id)
				own = own[:HubDegree]
			}
			for _, rel := range own {
				edges[rel.ID] = rel
				o := rel.Other(id)
				if _, seen := dist[o]; seen || !keep(o) || hub {
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
	slices.SortFunc(sub.Edges, func(a, b *Relation) int { return cmp.Compare(a.ID, b.ID) })
	slices.Sort(sub.Hubs)
	return sub, nil
}

// FinishPaths turns the walks a backend found into the answer: it keeps
// simple walks (no node twice) whose inner nodes are of the asked kinds,
// merges walks over the same nodes into one path that uses, at each hop,
// the relation with the smallest ID, and returns the first limit paths by
// length and then by their node IDs. Past MaxPathCandidates paths it
// returns ErrTooManyWalks.
func FinishPaths(q PathQuery, walks []Walk) ([]Path, error) {
	byNodes := map[string]*Path{}
	for _, w := range walks {
		if len(w.Nodes) < 2 || len(w.Edges) != len(w.Nodes)-1 {
			continue
		}
		simple := true
		seen := map[string]bool{}
		for i, n := range w.Nodes {
			if seen[n] || i > 0 && i < len(w.Nodes)-1 && len(q.Kinds) > 0 && !slices.Contains(q.Kinds, KindOfID(n)) {
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
			if len(byNodes) >= MaxPathCandidates {
				return nil, ErrTooManyWalks
			}
			byNodes[key] = &Path{Nodes: w.Nodes, Edges: slices.Clone(w.Edges)}
			continue
		}
		for i, e := range w.Edges {
			if e < p.Edges[i] {
				p.Edges[i] = e
			}
		}
	}
	paths := make([]Path, 0, len(byNodes))
	for _, p := range byNodes {
		paths = append(paths, *p)
	}
	SortPaths(paths)
	if len(paths) > q.Limit {
		paths = paths[:q.Limit]
	}
	return paths, nil
}

// SortPaths orders paths by length and then by their node IDs.
func SortPaths(paths []Path) {
	slices.SortFunc(paths, func(a, b Path) int {
		return cmp.Or(cmp.Compare(len(a.Nodes), len(b.Nodes)), slices.Compare(a.Nodes, b.Nodes))
	})
}

// FindPaths returns the first q.Limit paths (see FinishPaths) of the walks
// that r finds. It first asks for every walk up to q.MaxLength at once;
// when there are too many, as through hubs on a large graph, it asks again
// one length at a time, shortest first, and stops at the first length by
// which q.Limit paths are found: every path of that length or shorter is
// then known, so the answer is the same. A length with more than
// MaxPathCandidates walks is ErrTooManyWalks.
func FindPaths(ctx context.Context, r Traverser, q PathQuery) ([]Path, error) {
	if err := CheckPaths(q); err != nil {
		return nil, err
	}
	all := q
	all.MinLength = 0
	walks, err := r.Walks(ctx, all)
	if err == nil {
		return FinishPaths(q, walks)
	}
	if !errors.Is(err, ErrTooManyWalks) {
		return nil, err
	}
	walks = nil
	for length := 1; ; length++ {
		if err := Live(ctx); err != nil {
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
