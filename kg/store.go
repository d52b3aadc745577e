package kg

import "context"

// Store is the only way to the data. Every backend implements it with the
// same semantics, which the conformance suite in package kgtest checks.
//
// Lookups by ID return what exists and silently skip unknown IDs. Methods
// return an *Error with code EINVALID for bad arguments and EUNAVAILABLE when
// the backing database cannot be reached; other errors are internal.
type Store interface {
	Reader
	Writer
	// Migrate brings the database schema (constraints and indexes) up to
	// date. It is idempotent.
	Migrate(ctx context.Context) error
	// Close releases the store's resources.
	Close(ctx context.Context) error
}

// Reader is the read side of a Store. Each method is one round trip to the
// database.
type Reader interface {
	// Entities returns the entities with the given IDs, in no order.
	Entities(ctx context.Context, ids []string) ([]*Entity, error)
	// Sources returns the sources with the given IDs, in no order.
	Sources(ctx context.Context, ids []string) ([]*Source, error)
	// Relations returns every relation that starts or ends at one of the
	// given entities, ordered by ID.
	Relations(ctx context.Context, ids []string) ([]*Relation, error)
	// Redirects returns the redirects of the given IDs that were merged
	// away, in no order; IDs that were not merged are skipped.
	Redirects(ctx context.Context, ids []string) ([]Redirect, error)
	// ListEntities returns a page of the entities that match the filter,
	// ordered by folded name and then ID.
	ListEntities(ctx context.Context, f EntityFilter, p PageRequest) (*EntityPage, error)
	// ListEvents returns a page of the events that match the filter, in
	// date order (see Date.SortKey) and then by ID.
	ListEvents(ctx context.Context, f EventFilter, p PageRequest) (*EntityPage, error)
	// ListSources returns a page of sources ordered by ID.
	ListSources(ctx context.Context, p PageRequest) (*SourcePage, error)
	// WhoMet returns everyone who took part in a meeting (an event of one of
	// MeetingCategories) with the entity, with the meetings as evidence.
	WhoMet(ctx context.Context, q WhoMetQuery) ([]Contact, error)
	// Investments returns the investments that match the query.
	Investments(ctx context.Context, q InvestmentQuery) ([]Investment, error)
	// Search returns the entities whose name or an alias matches the text,
	// best first (see Score).
	Search(ctx context.Context, q SearchQuery) ([]SearchHit, error)
	// Stats counts what the store holds.
	Stats(ctx context.Context) (Stats, error)
	// Edges returns, for each entity, its relations in ID order, at most
	// max+1 of them each. Neighborhood expands through it.
	Edges(ctx context.Context, ids []string, max int) ([]*Relation, error)
	// Walks returns ways from q.From to q.To of at most q.MaxLength
	// relations, in any order, for FinishPaths to make paths of. Among them
	// must be every simple path whose inner nodes are of q.Kinds, with, at
	// each hop, the relation of smallest ID between its two nodes.
	Walks(ctx context.Context, q PathQuery) ([]Walk, error)
	// Timeline returns the IDs of the events of the entity's timeline (see
	// TimelineQuery) in date order (see Date.SortKey), then by ID.
	Timeline(ctx context.Context, q TimelineQuery) ([]string, error)
}

// MemberRelations are the relations that make an entity part of another
// for timelines and country filters: a person's citizenship or position, an
// organization's seat or parent, a place's location.
var MemberRelations = []RelationType{RelBasedIn, RelLocatedIn, RelCitizenOf, RelPartOf, RelHoldsPosition}

// MemberDepth is how many MemberRelations an entity may be away from the
// one it belongs to.
const MemberDepth = 3

// TimelineQuery asks for what happened around an entity: the events the
// entity or its members (entities at most MemberDepth MemberRelations away:
// a country's citizens, organizations, places and the people holding
// positions in those organizations) took part in, with any role, or that
// were held at it or its places; overlapping [From, To] and of the
// categories, when given.
type TimelineQuery struct {
	ID         string
	From, To   Date
	Categories []Category
}

// Stats counts the nodes and relationships of a store.
type Stats struct {
	Entities  int `json:"entities"`
	Sources   int `json:"sources"`
	Relations int `json:"relations"`
}

// Page sizes.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// PageRequest asks for First items after the opaque cursor After.
type PageRequest struct {
	First int
	After string
}

// EntityPage is one page of entities.
type EntityPage struct {
	Entities   []*Entity
	Cursors    []string
	TotalCount int
	HasNext    bool
}

// SourcePage is one page of sources.
type SourcePage struct {
	Sources    []*Source
	Cursors    []string
	TotalCount int
	HasNext    bool
}

// EntityFilter selects entities. Empty fields select everything.
type EntityFilter struct {
	// Kinds keeps entities of these kinds.
	Kinds []Kind
	// Country keeps entities based in, located in or citizens of this
	// country (directly).
	Country string
}

// EventFilter selects events. Empty fields select everything.
type EventFilter struct {
	Categories []Category
	// From and To keep events whose period overlaps [From, To], each taken
	// as the whole period it names: from the first day of From to the last
	// day of To. Events without a date are dropped when either is set.
	From, To Date
	// Participant keeps events this entity took part in, with Role when
	// Role is set.
	Participant string
	Role        Role
	// Country keeps the events of the country's timeline (see
	// TimelineQuery).
	Country string
	// MinAmount and MaxAmount keep events whose amount lies in the range;
	// Currency, when set, keeps amounts in that currency. Events without
	// an amount are dropped when any of the three is set.
	MinAmount, MaxAmount *float64
	Currency             string
	// Descending lists the latest events first.
	Descending bool
}

// WhoMetQuery asks who met an entity, in meetings overlapping [From, To].
type WhoMetQuery struct {
	ID       string
	From, To Date
}

// Contact is someone who met the entity of a WhoMetQuery, with the
// meetings (event IDs, in date order) as evidence.
type Contact struct {
	EntityID string
	Meetings []string
}

// InvestmentQuery selects investments. Empty fields select everything.
type InvestmentQuery struct {
	InvestorID string
	// TargetID matches the target itself and, for a place or country, any
	// place located in it (up to three LOCATED_IN hops).
	TargetID string
	From, To Date
}

// Investment is an investor's stake in an event: an event where the
// investor took part with role INVESTOR, aimed at the target (a participant
// with role TARGET or, when there is none, the place the event was held at).
type Investment struct {
	InvestorID string
	TargetID   string
	EventID    string
}

// SearchQuery asks for entities matching Text.
type SearchQuery struct {
	Text  string
	Kinds []Kind
	First int
}

// SearchHit is an entity that matched a search, with its score.
type SearchHit struct {
	EntityID string
	Score    float64
}

// CheckEventFilter validates the parts of an event filter that have a
// form: the currency and the amount range.
func CheckEventFilter(f EventFilter) error {
	switch {
	case f.Currency != "" && !ValidCurrency(f.Currency):
		return Invalid("filter.currency", "%q is not an ISO 4217 currency code such as USD", f.Currency)
	case f.MinAmount != nil && f.MaxAmount != nil && *f.MinAmount > *f.MaxAmount:
		return Invalid("filter.minAmount", "is more than maxAmount")
	}
	return nil
}
