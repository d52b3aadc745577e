package kg

import (
	"context"
	"slices"
)

// Fetcher answers a root field together with what its nested fields show,
// in one round trip, so that a GraphQL request whose shape the resolvers
// recognise costs one statement per root field rather than one per level.
// Each method has the semantics of the Reader methods it combines; the
// entities it returns come with no order and may repeat.
type Fetcher interface {
	// Expand returns the entity with the given ID, or the one it was
	// merged into, with the links x asks for under it (see Tree); a nil
	// Tree.Root when there is neither.
	Expand(ctx context.Context, id string, x *Expansion) (*Tree, error)
	// WhoMetWith is WhoMet, with the contacts' entities and, for each
	// contact, the events of its first meetings meetings. It counts in the
	// same round trip when p.Count is set.
	WhoMetWith(ctx context.Context, q WhoMetQuery, p PageRequest, meetings int) (*ContactPage, []*Entity, error)
	// InvestmentsWith is Investments, with the entities of every
	// investment's investor, target and event. It counts in the same round
	// trip when p.Count is set.
	InvestmentsWith(ctx context.Context, q InvestmentQuery, p PageRequest) (*InvestmentPage, []*Entity, error)
	// SearchWith is Search, with the entities of the hits.
	SearchWith(ctx context.Context, q SearchQuery) ([]SearchHit, []*Entity, error)
	// Lookup returns the entities and the relations (see RelationID) with
	// the given IDs, skipping unknown ones: the nodes and edges of paths.
	Lookup(ctx context.Context, entityIDs, relationIDs []string) ([]*Entity, []*Relation, error)
	// LastLevel is Relations(q.IDs, q.Max, q.Bases...) for the last level
	// of a breadth-first walk, with the entities of the nodes the walk
	// keeps (see LevelQuery).
	LastLevel(ctx context.Context, q LevelQuery) ([]*Relation, []*Entity, error)
}

// LevelQuery asks for the relations of the last level of a breadth-first
// walk (a neighborhood's) and the entities of its nodes: the entities of
// Known (the nodes found before the level) and of the first Reach nodes by
// ID that the level reaches. A node of IDs reaches the entities at the
// other ends of its relations that are of Kinds (any kind when empty),
// unless Hub is above zero and it has more than Hub relations: a hub is
// not crossed.
type LevelQuery struct {
	IDs   []string
	Max   int
	Bases []Basis
	Hub   int
	Known []string
	Kinds []Kind
	Reach int
}

// LevelReach returns the nodes the relations of a last level reach (see
// LevelQuery), each once, by ID, at most q.Reach of them; a backend that
// walks in memory uses it.
func LevelReach(q LevelQuery, rels []*Relation) []string {
	own := map[string]int{}
	for _, r := range rels {
		own[r.From]++
		if r.To != r.From {
			own[r.To]++
		}
	}
	frontier := map[string]bool{}
	for _, id := range q.IDs {
		frontier[id] = q.Hub <= 0 || own[id] <= q.Hub
	}
	seen := map[string]bool{}
	var out []string
	for _, r := range rels {
		for _, end := range [2]string{r.From, r.To} {
			o := r.Other(end)
			if !frontier[end] || seen[o] || len(q.Kinds) > 0 && !slices.Contains(q.Kinds, KindOfID(o)) {
				continue
			}
			seen[o] = true
			out = append(out, o)
		}
	}
	slices.Sort(out)
	return out[:min(len(out), q.Reach)]
}

// MaxExpansionDepth is how many levels of links Expand follows.
const MaxExpansionDepth = 2

// Expansion asks for one page of the links of every entity of a level of
// a tree (the root at the first level): the first First links that match
// Query, in Query.Order, as LinkReader.Links returns them without a
// cursor or a count. Next, when set, asks the same of the entities at
// the other ends of those links.
type Expansion struct {
	Query LinkQuery
	First int
	Next  *Expansion
}

// Depth returns the number of levels of the expansion.
func (x *Expansion) Depth() int {
	n := 0
	for ; x != nil; x = x.Next {
		n++
	}
	return n
}

// CheckExpansion validates an expansion: its depth and page sizes.
func CheckExpansion(x *Expansion) error {
	if x.Depth() > MaxExpansionDepth {
		return Invalid("expansion", "follows at most %d levels", MaxExpansionDepth)
	}
	for ; x != nil; x = x.Next {
		if x.First < 1 || x.First > MaxListSize {
			return Invalid("first", "must be between 1 and %d, got %d", MaxListSize, x.First)
		}
		if x.Query.Order < LinksByID || x.Query.Order > LinksByName {
			return Invalid("order", "unknown order %d", x.Query.Order)
		}
	}
	return nil
}

// Tree is an entity with the links an Expansion asked for under it.
type Tree struct {
	// Root is the entity asked for, or the one it was merged into; nil
	// when there is neither.
	Root *Entity
	// Pages holds, for each level of the expansion, the page of links of
	// every entity of that level, by entity ID.
	Pages []map[string]LinkPage
	// Entities are the entities at the other ends of the links.
	Entities []*Entity
}
