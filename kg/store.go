package kg

import "context"

// Store is the only way to the data. Every backend implements it with the
// same semantics, which the conformance suite in package kgtest checks. It
// is made of small interfaces, one per concern, so that a use case asks
// for just what it needs and a wrapper (metrics, tracing, counting)
// implements each method explicitly.
//
// Lookups by ID return what exists and silently skip unknown IDs. Every
// method that returns many things takes a bound, which the backend
// enforces where it reads (LIMIT in Cypher). Methods return an *Error with
// code EINVALID for bad arguments and EUNAVAILABLE when the backing
// database cannot be reached; other errors are internal.
type Store interface {
	Reader
	Writer
	ChangeLog
	// Migrate brings the database schema (constraints and indexes) up to
	// date. It is idempotent.
	Migrate(ctx context.Context) error
	// Close releases the store's resources.
	Close(ctx context.Context) error
}

// Reader is the read side of a Store. Each method is one round trip to the
// database.
type Reader interface {
	EntityReader
	SourceReader
	RelationReader
	LinkReader
	Lister
	Analyst
	Traverser
	Fetcher
	// Stats counts what the store holds.
	Stats(ctx context.Context) (Stats, error)
}

// EntityReader looks entities up by ID.
type EntityReader interface {
	// Entities returns the entities with the given IDs, in no order.
	Entities(ctx context.Context, ids []string) ([]*Entity, error)
	// Redirects returns the redirects of the given IDs that were merged
	// away, in no order; IDs that were not merged are skipped.
	Redirects(ctx context.Context, ids []string) ([]Redirect, error)
}

// SourceReader looks sources up.
type SourceReader interface {
	// Sources returns the sources with the given IDs, in no order.
	Sources(ctx context.Context, ids []string) ([]*Source, error)
	// ListSources returns a page of sources ordered by ID.
	ListSources(ctx context.Context, p PageRequest) (*SourcePage, error)
	// Quoting returns the relations that cite the source and have a quote,
	// and the entities with a discrepancy that cites it, at most max+1 of
	// each, in no order: the facts whose evidence an edit of the source's
	// text could take away.
	Quoting(ctx context.Context, id string, max int) ([]*Relation, []*Entity, error)
}

// RelationReader reads the relations of entities whole, for the planners
// of writes and for walks that need an entity's every relation up to a
// bound.
type RelationReader interface {
	// Relations returns, for each of the given entities, its relations in
	// ID order, at most max+1 of them (so that the caller can tell an
	// entity with more than max); a relation between two of them comes
	// once. Given bases, it keeps only relations of those bases (see
	// Relation.EffectiveBasis), before the bound: a neighborhood of stated
	// facts asks for BasisStated.
	Relations(ctx context.Context, ids []string, max int, bases ...Basis) ([]*Relation, error)
	// RelationsByID returns the relations with the given IDs (see
	// RelationID), in no order, skipping unknown ones.
	RelationsByID(ctx context.Context, ids []string) ([]*Relation, error)
}

// LinkReader pages through the relations of entities, the lists under an
// entity (participations, relationships, related entities, positions,
// members, participants).
type LinkReader interface {
	// Links returns, for each of ids in that order, one page of the
	// entity's links that match q, in q.Order: at most p.First links after
	// the cursor p.After. It computes the pages' totals only when p.Count
	// is set.
	Links(ctx context.Context, ids []string, q LinkQuery, p PageRequest) ([]LinkPage, error)
}

// Lister pages through entities and events.
type Lister interface {
	// ListEntities returns a page of the entities that match the filter,
	// ordered by folded name and then ID.
	ListEntities(ctx context.Context, f EntityFilter, p PageRequest) (*EntityPage, error)
	// ListEvents returns a page of the events that match the filter, in
	// date order (see Date.SortKey) and then by ID.
	ListEvents(ctx context.Context, f EventFilter, p PageRequest) (*EntityPage, error)
}

// Analyst answers the analysts' questions that the database answers best.
type Analyst interface {
	// WhoMet returns a page of everyone who took part in a meeting (an
	// event of one of MeetingCategories) with the entity, other than the
	// organizations it belongs to (see OwnOrganizations), by folded name
	// and ID, each with at most MaxListSize meetings as evidence.
	WhoMet(ctx context.Context, q WhoMetQuery, p PageRequest) (*ContactPage, error)
	// Investments returns a page of the investments that match the query,
	// in the date order of their events, then by event, investor and
	// target.
	Investments(ctx context.Context, q InvestmentQuery, p PageRequest) (*InvestmentPage, error)
	// Search returns the entities whose name or an alias matches the text,
	// best first (see Score), at most q.First of them.
	Search(ctx context.Context, q SearchQuery) ([]SearchHit, error)
	// Timeline returns a page of the IDs of the events of the entity's
	// timeline (see TimelineQuery) in date order (see Date.SortKey), then
	// by ID.
	Timeline(ctx context.Context, q TimelineQuery, p PageRequest) (*IDPage, error)
}

// Traverser walks the graph for neighborhoods and paths.
type Traverser interface {
	// Walks returns ways from q.From to q.To of at most q.MaxLength
	// relations, in any order, for FinishPaths to make paths of. Among them
	// must be every simple path whose inner nodes are of q.Kinds, with, at
	// each hop, the relation of smallest ID between its two nodes. It
	// returns ErrTooManyWalks past MaxPathCandidates.
	Walks(ctx context.Context, q PathQuery) ([]Walk, error)
}

// LinkOrder is the order of a page of links.
type LinkOrder int

// The orders of links.
const (
	// LinksByID orders links by relation ID.
	LinksByID LinkOrder = iota
	// LinksByDate orders links by the date of the entity at the other end
	// (an event: see Date.SortKey), then by relation ID: participations.
	LinksByDate
	// LinksByName gives each entity at the other end once, by folded name
	// and ID, with no relation: related entities.
	LinksByName
)

// Direction says which way a link runs from the entity it is listed for.
type Direction string

// The directions of links.
const (
	// DirBoth takes relations in either direction.
	DirBoth Direction = ""
	// DirOut takes relations that start at the entity.
	DirOut Direction = "OUT"
	// DirIn takes relations that end at the entity.
	DirIn Direction = "IN"
)

// LinkQuery selects an entity's links. Empty fields select everything.
type LinkQuery struct {
	Types     []RelationType
	Direction Direction
	// Role keeps participations with this role.
	Role Role
	// Category keeps links whose other end is an event of this category.
	Category Category
	Order    LinkOrder
}

// Link is one item of an entity's list: a relation and the entity at its
// other end (for LinksByName, the entity only).
type Link struct {
	Relation *Relation
	Other    string
}

// LinkPage is one page of an entity's links.
type LinkPage struct {
	Links   []Link
	Cursors []string
	HasNext bool
	// TotalCount counts every matching link, when the request asked.
	TotalCount int
}

// IDPage is one page of entity IDs.
type IDPage struct {
	IDs        []string
	Cursors    []string
	HasNext    bool
	TotalCount int
}

// ContactPage is one page of WhoMet's answer.
type ContactPage struct {
	Contacts   []Contact
	Cursors    []string
	HasNext    bool
	TotalCount int
}

// InvestmentPage is one page of Investments' answer.
type InvestmentPage struct {
	Investments []Investment
	Cursors     []string
	HasNext     bool
	TotalCount  int
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
	// StatedOnly follows STATED relations only: memberships,
	// participations and places that a source states.
	StatedOnly bool
}

// Stats counts the nodes and relationships of a store.
type Stats struct {
	Entities  int `json:"entities"`
	Sources   int `json:"sources"`
	Relations int `json:"relations"`
}

// Page sizes of the root lists (entities, events, sources).
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// Sizes of every other list: the lists under an entity, who met whom,
// investments and timelines.
const (
	DefaultListSize = 100
	MaxListSize     = 1000
)

// PageRequest asks for First items after the opaque cursor After, and for
// the total count of the list when Count is set (a backend counts with a
// statement of its own, so a page that does not ask does not pay).
type PageRequest struct {
	First int
	After string
	Count bool
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
	// ReportedFrom and ReportedTo keep events reported in the window: one
	// of the event's sources has a publication date (a period, like any
	// date) overlapping [ReportedFrom, ReportedTo]. They match an undated
	// event by its sources, so an analyst finds what was reported in a
	// period without the event being given a date no source gives. Events
	// whose sources have no publication date are dropped when either is
	// set.
	ReportedFrom, ReportedTo Date
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
	// StatedOnly keeps meetings where a source states both the entity's
	// participation and the other's.
	StatedOnly bool
}

// OwnRelations are the relations that make an organization the entity's
// own for WhoMet, followed from the entity at most MemberDepth times: a
// person's positions, and an organization's memberships and parents.
var OwnRelations = []RelationType{RelHoldsPosition, RelMemberOf, RelPartOf}

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
	// StatedOnly follows STATED relations only: the investor's
	// participation, the target's (or the place's) and the LOCATED_IN hops.
	StatedOnly bool
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

// InvestmentTotal sums the amounts of investments into one country in one
// currency.
type InvestmentTotal struct {
	// CountryID is the country of the investments' targets.
	CountryID string
	Currency  string
	// Total adds each event's amount once per country.
	Total float64
	// Count is the number of events summed.
	Count int
	// Approximate says that some amounts were qualified ("more than"), or
	// that the total reached the largest number a float64 holds.
	Approximate bool
}

// EventCount counts an entity's events of one category in one period.
type EventCount struct {
	// Period is the month ("2021-11") of the events, or the year ("2021")
	// for events dated to the year only, or "" for undated events.
	Period   string
	Category Category
	Count    int
}
