// Package kg holds Puente's domain: the entities, events, relations and
// sources of the knowledge graph, the Store interface through which every
// backend serves them, and the error codes shared by all layers.
//
// The package depends on nothing but the standard library. Backends (the
// Neo4j store and the embedded in-memory store) implement Store; the GraphQL
// layer consumes it. Neither knows about the other.
package kg

// Kind is the kind of an entity. Events are entities too, so that an event
// can be a node of a path or a neighborhood like any other.
type Kind string

// The kinds of entity.
const (
	KindCountry      Kind = "COUNTRY"
	KindPerson       Kind = "PERSON"
	KindOrganization Kind = "ORGANIZATION"
	KindPlace        Kind = "PLACE"
	KindEvent        Kind = "EVENT"
)

// Kinds lists every kind in a stable order.
var Kinds = []Kind{KindCountry, KindPerson, KindOrganization, KindPlace, KindEvent}

// Label returns the node label a graph database uses for the kind, such as
// "Country" for KindCountry.
func (k Kind) Label() string {
	switch k {
	case KindCountry:
		return "Country"
	case KindPerson:
		return "Person"
	case KindOrganization:
		return "Organization"
	case KindPlace:
		return "Place"
	case KindEvent:
		return "Event"
	}
	return ""
}

// IDPrefix returns the prefix that IDs of entities of this kind carry, such
// as "person:".
func (k Kind) IDPrefix() string {
	switch k {
	case KindCountry:
		return "country:"
	case KindPerson:
		return "person:"
	case KindOrganization:
		return "org:"
	case KindPlace:
		return "place:"
	case KindEvent:
		return "event:"
	}
	return ""
}

// Category classifies an event.
type Category string

// The event categories.
const (
	CategoryMeeting           Category = "MEETING"
	CategoryPartnershipTalks  Category = "PARTNERSHIP_TALKS"
	CategoryDonation          Category = "DONATION"
	CategoryInvestment        Category = "INVESTMENT"
	CategoryStoreOpening      Category = "STORE_OPENING"
	CategoryExpo              Category = "EXPO"
	CategorySummit            Category = "SUMMIT"
	CategoryLecture           Category = "LECTURE"
	CategoryTender            Category = "TENDER"
	CategoryTenderAnnulment   Category = "TENDER_ANNULMENT"
	CategoryConversation      Category = "CONVERSATION"
	CategoryPromotionCampaign Category = "PROMOTION_CAMPAIGN"
	CategoryMarketReport      Category = "MARKET_REPORT"
	CategoryStatement         Category = "STATEMENT"
	CategoryOther             Category = "OTHER"
)

// Categories lists every event category.
var Categories = []Category{
	CategoryMeeting, CategoryPartnershipTalks, CategoryDonation, CategoryInvestment,
	CategoryStoreOpening, CategoryExpo, CategorySummit, CategoryLecture, CategoryTender,
	CategoryTenderAnnulment, CategoryConversation, CategoryPromotionCampaign,
	CategoryMarketReport, CategoryStatement, CategoryOther,
}

// MeetingCategories are the categories whose participants "met": whoMet
// answers from events of these categories only.
var MeetingCategories = []Category{CategoryMeeting, CategoryPartnershipTalks}

// Status is the state of an event as the source reports it.
type Status string

// The event statuses.
var Statuses = []Status{"ANNOUNCED", "PLANNED", "ONGOING", "HELD", "COMPLETED", "ANNULLED", "CANCELLED"}

// Channel says how participants took part in an event.
type Channel string

// The channels.
var Channels = []Channel{"IN_PERSON", "VIDEO_CALL", "ONLINE", "PHONE"}

// Role is the part an entity played in an event.
type Role string

// Roles with a meaning the queries rely on.
const (
	RoleInvestor Role = "INVESTOR"
	RoleTarget   Role = "TARGET"
)

// PassiveRoles are the roles of entities an event is about rather than
// entities that took part in it; whoMet ignores them.
var PassiveRoles = []Role{"SUBJECT", RoleTarget}

// Roles lists every participation role.
var Roles = []Role{
	"HOST", "GUEST", "PARTICIPANT", "ATTENDEE", "ORGANIZER", "DONOR", "RECIPIENT",
	RoleInvestor, RoleTarget, "EXHIBITOR", "SPEAKER", "AWARDEE", "ISSUER",
	"SPOKESPERSON", "REPORTER", "SUBJECT", "INTERVIEWEE",
}

// OrgType classifies an organization.
type OrgType string

// The organization types.
var OrgTypes = []OrgType{
	"COMPANY", "GOVERNMENT", "GOVERNMENT_BODY", "LEGISLATURE", "UNIVERSITY",
	"ACADEMIC_UNIT", "ASSOCIATION", "CONSORTIUM", "INTERGOVERNMENTAL_FORUM", "OTHER",
}

// PlaceType classifies a place.
type PlaceType string

// The place types.
var PlaceTypes = []PlaceType{"CITY", "PORT", "VENUE", "DISTRICT", "REGION"}

// Qualifier qualifies an amount or quantity as the source words it
// ("more than US$1 million").
type Qualifier string

// The qualifiers.
var Qualifiers = []Qualifier{"EXACT", "APPROXIMATE", "MORE_THAN", "LESS_THAN", "AT_LEAST", "UP_TO"}

// RelationType is the type of a relation between two entities.
type RelationType string

// The relation types.
const (
	RelParticipatedIn RelationType = "PARTICIPATED_IN"
	RelHoldsPosition  RelationType = "HOLDS_POSITION"
	RelBasedIn        RelationType = "BASED_IN"
	RelLocatedIn      RelationType = "LOCATED_IN"
	RelHeldAt         RelationType = "HELD_AT"
	RelCitizenOf      RelationType = "CITIZEN_OF"
	RelMemberOf       RelationType = "MEMBER_OF"
	RelPartOf         RelationType = "PART_OF"
	RelOwns           RelationType = "OWNS"
)

// RelationTypes lists every relation type.
var RelationTypes = []RelationType{
	RelParticipatedIn, RelHoldsPosition, RelBasedIn, RelLocatedIn, RelHeldAt,
	RelCitizenOf, RelMemberOf, RelPartOf, RelOwns,
}

// valid reports whether v is one of values.
func valid[T ~string](v T, values []T) bool {
	for _, x := range values {
		if x == v {
			return true
		}
	}
	return false
}
