package kg

import (
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
	// StatedOnly expands through STATED relations only.
	StatedOnly bool
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
	// Entities holds entities of Nodes (some, all or none) that the walk
	// fetched with it, so that its caller need not fetch them again. It is
	// not part of the answer.
	Entities []*Entity `json:"-"`
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
	// StatedOnly makes paths of STATED relations only.
	StatedOnly bool
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

// ErrTooManyWalks is what Walks returns when more than MaxPathCandidates
// walks match.
var ErrTooManyWalks = Invalid("maxLength", "more than %d paths connect these entities; lower maxLength or restrict kinds", MaxPathCandidates)
