package kg

import (
	"context"
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
	// Neighborhood is the subgraph WalkNeighborhood finds, with the
	// entities of its nodes that exist in Entities.
	Neighborhood(ctx context.Context, q NeighborhoodQuery) (*Subgraph, error)
	// Paths is the paths FindPaths finds, with the entities of their nodes
	// and their relations.
	Paths(ctx context.Context, q PathQuery) (*PathSet, error)
}

// PathSet is the answer of a paths query: the paths, and the entities and
// relations they pass through (each once, in no order).
type PathSet struct {
	Paths     []Path
	Entities  []*Entity
	Relations []*Relation
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
