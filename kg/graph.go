package kg

import (
	"cmp"
	"context"
	"slices"
	"strings"
)

// Limits of the graph queries.
const (
	MaxDepth             = 3
	DefaultSubgraphLimit = 200
	MaxSubgraphLimit     = 1000
	// HubDegree is the degree past which a node of a neighborhood is a hub:
	// it is shown, but not expanded further.
	HubDegree         = 50
	MaxPathLength     = 6
	DefaultPathLength = 4
	MaxPaths          = 50
	// MaxPathCandidates caps the simple paths a backend enumerates for one
	// paths query; past it the query is refused as too broad.
	MaxPathCandidates = 20000
)

// KindOfID returns the kind an entity ID's prefix names, or "" for none.
func KindOfID(id string) Kind {
	for _, k := range Kinds {
		if strings.HasPrefix(id, k.IDPrefix()) {
			return k
		}
	}
	return ""
}

// NeighborhoodQuery asks for the subgraph around an entity.
type NeighborhoodQuery struct {
	ID    string
	Depth int
	// Kinds keeps nodes of these kinds (the center always stays); empty
	// keeps every kind.
	Kinds []Kind
	Limit int
}

// Subgraph is a set of nodes (entity IDs) and the relations among them.
type Subgraph struct {
	// Nodes are entity IDs, by distance from the center and then by ID.
	Nodes []string
	// Edges are relations whose both ends are nodes, by ID.
	Edges []*Relation
	// Truncated says that the limit cut nodes off.
	Truncated bool
	// Hubs are nodes that were not expanded because their degree passes
	// HubDegree.
	Hubs []string
}

// EdgeReader is what Neighborhood needs of a store.
type EdgeReader interface {
	// Edges returns, for each entity, its relations in ID order, at most
	// max+1 of them (so that the caller can tell a node with more than max).
	Edges(ctx context.Context, ids []string, max int) ([]*Relation, error)
}

// CheckNeighborhood validates a neighborhood query.
func CheckNeighborhood(q NeighborhoodQuery) error {
	if err := CheckEntityID("id", q.ID); err != nil {
		return err
	}
	if q.Depth < 1 || q.Depth > MaxDepth {
		return Invalid("depth", "must be between 1 and %d, got %d", MaxDepth, q.Depth)
	}
	if q.Limit < 1 || q.Limit > MaxSubgraphLimit {
		return Invalid("limit", "must be between 1 and %d, got %d", MaxSubgraphLimit, q.Limit)
	}
	return nil
}

// CheckEntityID rejects an ID that is not of the form kind:slug.
func CheckEntityID(arg, id string) error {
	if !ValidID(id) {
		return Invalid(arg, "%q is not an ID of the form kind:slug, such as person:li-zhanshu", id)
	}
	return nil
}

// Neighborhood expands breadth-first from the center, one Edges round
// trip per level, and returns the subgraph: nodes by distance then ID, cut at
// the limit, and the relations among them. A node of another kind than
// asked is left out and not crossed. A node (other than the center) with
// more than HubDegree relations is kept but not expanded, and listed in
// Hubs, so that a country touching everything does not flood the answer.
// An unknown center gives an empty subgraph.
func Neighborhood(ctx context.Context, r EdgeReader, q NeighborhoodQuery) (*Subgraph, error) {
	if err := CheckNeighborhood(q); err != nil {
		return nil, err
	}
	keep := func(id string) bool { return len(q.Kinds) == 0 || slices.Contains(q.Kinds, KindOfID(id)) }
	dist := map[string]int{q.ID: 0}
	edges := map[string]*Relation{}
	sub := &Subgraph{}
	frontier := []string{q.ID}
	exists := false
	for depth := 0; depth < q.Depth && len(frontier) > 0; depth++ {
		max := HubDegree
		if depth == 0 {
			max = MaxSubgraphLimit
		}
		rels, err := r.Edges(ctx, frontier, max)
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
			own := byNode[id]
			if len(own) > 0 || depth > 0 {
				exists = true
			}
			if depth > 0 && len(own) > HubDegree {
				sub.Hubs = append(sub.Hubs, id)
				own = own[:HubDegree]
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
	slices.SortFunc(sub.Edges, func(a, b *Relation) int { return cmp.Compare(a.ID, b.ID) })
	slices.Sort(sub.Hubs)
	return sub, nil
}

// PathQuery asks how two entities are connected.
type PathQuery struct {
	From, To string
	// MinLength, when set, keeps only walks of at least that many
	// relations (Paths asks for one length at a time).
	MinLength int
	MaxLength int
	Limit     int
	// Kinds restricts the nodes a path may pass through (its ends are
	// exempt); empty allows every kind.
	Kinds []Kind
}

// Path is a chain of relations from one entity to another.
type Path struct {
	// Nodes are entity IDs from the start to the end.
	Nodes []string
	// Edges are the IDs of the relations between consecutive nodes.
	Edges []string
}

// CheckPaths validates a path query.
func CheckPaths(q PathQuery) error {
	if err := CheckEntityID("from", q.From); err != nil {
		return err
	}
	if err := CheckEntityID("to", q.To); err != nil {
		return err
	}
	if q.MaxLength < 1 || q.MaxLength > MaxPathLength {
		return Invalid("maxLength", "must be between 1 and %d, got %d", MaxPathLength, q.MaxLength)
	}
	if q.Limit < 1 || q.Limit > MaxPaths {
		return Invalid("limit", "must be between 1 and %d, got %d", MaxPaths, q.Limit)
	}
	return nil
}

// Walk is one way from the start to the end: the node IDs and the IDs of
// the relations between them. Walks may repeat nodes and run over parallel
// relations; FinishPaths makes paths of them.
type Walk struct {
	Nodes []string
	Edges []string
}

// FinishPaths turns the walks a backend found into the answer: it keeps
// simple walks (no node twice) whose inner nodes are of the asked kinds,
// merges walks over the same nodes into one path that uses, at each hop,
// the relation with the smallest ID, and returns the first limit paths by
// length and then by their node IDs. Every backend finds its walks its own
// way and finishes them here, so all give the same paths.
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
				return nil, Invalid("maxLength", "more than %d paths connect these entities; lower maxLength or restrict kinds", MaxPathCandidates)
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
	slices.SortFunc(paths, func(a, b Path) int {
		return cmp.Or(cmp.Compare(len(a.Nodes), len(b.Nodes)), slices.Compare(a.Nodes, b.Nodes))
	})
	if len(paths) > q.Limit {
		paths = paths[:q.Limit]
	}
	return paths, nil
}

// ErrTooManyWalks is what Walks returns when more than MaxPathCandidates
// walks match.
var ErrTooManyWalks = Invalid("maxLength", "more than %d paths connect these entities; lower maxLength or restrict kinds", MaxPathCandidates)

// Paths returns the first q.Limit paths (see FinishPaths). It first asks
// the store for every walk up to q.MaxLength at once (one round trip);
// when there are too many, as through hubs on a large graph, it asks again
// one length at a time, shortest first, and stops at the first length by
// which enough paths are found: every path of that length or shorter is
// then known, so the answer is the same.
func Paths(ctx context.Context, r Reader, q PathQuery) ([]Path, error) {
	if err := CheckPaths(q); err != nil {
		return nil, err
	}
	all := q
	all.MinLength = 0
	walks, err := r.Walks(ctx, all)
	if err == nil {
		return FinishPaths(q, walks)
	}
	if err != ErrTooManyWalks {
		return nil, err
	}
	walks = nil
	for length := 1; length <= q.MaxLength; length++ {
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
	return nil, nil
}
