// Package model holds the Go types the GraphQL schema binds to: thin views
// over the domain types of package kg, plus the types gqlgen generates into
// models_gen.go.
package model

import (
	"github.com/puente-kg/puente/kg"
)

// base carries what every entity view shares. Its methods turn empty
// strings into GraphQL nulls.
type base struct{ *kg.Entity }

// IsNode marks the view as a Node.
func (base) IsNode() {}

// IsEntity marks the view as an Entity.
func (base) IsEntity() {}

// Source is the view of a source.
type Source struct{ *kg.Source }

// IsNode marks the source as a Node.
func (Source) IsNode() {}

// Publisher returns the publisher, or nil.
func (s Source) Publisher() *string { return nonEmpty(s.Source.Publisher) }

// Excerpt returns the excerpt, or nil.
func (s Source) Excerpt() *string { return nonEmpty(s.Source.Excerpt) }

// Description returns the description, or nil when there is none.
func (b base) Description() *string { return nonEmpty(b.Entity.Description) }

// Modification says who wrote a record and when.
type Modification struct {
	CreatedAt, CreatedBy *string
	UpdatedAt, UpdatedBy string
}

// Updated returns who last wrote the entity, or nil for loaded data.
func (b base) Updated() *Modification {
	if b.UpdatedAt == "" {
		return nil
	}
	return &Modification{
		CreatedAt: nonEmpty(b.CreatedAt), CreatedBy: nonEmpty(b.CreatedBy),
		UpdatedAt: b.UpdatedAt, UpdatedBy: b.UpdatedBy,
	}
}

// Country is the view of a country.
type Country struct{ base }

// Code returns the ISO 3166-1 alpha-2 code, or nil.
func (c Country) Code() *string { return nonEmpty(c.CountryCode) }

// Person is the view of a person.
type Person struct{ base }

// Organization is the view of an organization.
type Organization struct{ base }

// OrgType returns the organization type, or nil.
func (o Organization) OrgType() *kg.OrgType { return nonEmpty(o.Entity.OrgType) }

// Place is the view of a place.
type Place struct{ base }

// PlaceType returns the place type, or nil.
func (p Place) PlaceType() *kg.PlaceType { return nonEmpty(p.Entity.PlaceType) }

// Event is the view of an event.
type Event struct{ base }

// Status returns the status, or nil.
func (e Event) Status() *kg.Status { return nonEmpty(e.Entity.Status) }

// Channel returns the channel, or nil.
func (e Event) Channel() *kg.Channel { return nonEmpty(e.Entity.Channel) }

// ToEntity returns the view of the entity for its kind, or nil for nil.
func ToEntity(e *kg.Entity) Entity {
	if e == nil {
		return nil
	}
	b := base{e}
	switch e.Kind {
	case kg.KindCountry:
		return &Country{b}
	case kg.KindPerson:
		return &Person{b}
	case kg.KindOrganization:
		return &Organization{b}
	case kg.KindPlace:
		return &Place{b}
	}
	return &Event{b}
}

// Discrepancies returns where a source disagrees with what is known from
// elsewhere.
func (b base) Discrepancies() []*kg.Discrepancy {
	out := make([]*kg.Discrepancy, len(b.Entity.Discrepancies))
	for i := range b.Entity.Discrepancies {
		out[i] = &b.Entity.Discrepancies[i]
	}
	return out
}

// Relationship is the view of any relation.
type Relationship struct{ *kg.Relation }

// Basis returns how the relation is known.
func (r Relationship) Basis() kg.Basis { return r.Relation.EffectiveBasis() }

// Rule returns the rule of an INFERRED relation, or nil.
func (r Relationship) Rule() *kg.Rule { return nonEmpty(r.Relation.Rule) }

// Note returns the note, or nil.
func (r Relationship) Note() *string { return nonEmpty(r.Relation.Note) }

// Role returns the role of a participation, or nil.
func (r Relationship) Role() *kg.Role { return nonEmpty(r.Relation.Role) }

// Title returns the title of a position, or nil.
func (r Relationship) Title() *string { return nonEmpty(r.Relation.Title) }

// Quote returns the quote, or nil.
func (r Relationship) Quote() *string { return nonEmpty(r.Relation.Quote) }

// Participation is the view of a PARTICIPATED_IN relation.
type Participation struct{ *kg.Relation }

// Quote returns the quote, or nil.
func (p Participation) Quote() *string { return nonEmpty(p.Relation.Quote) }

// Basis returns how the participation is known.
func (p Participation) Basis() kg.Basis { return p.Relation.EffectiveBasis() }

// Rule returns the rule of an INFERRED participation, or nil.
func (p Participation) Rule() *kg.Rule { return nonEmpty(p.Relation.Rule) }

// Note returns the note, or nil.
func (p Participation) Note() *string { return nonEmpty(p.Relation.Note) }

// Position is the view of a HOLDS_POSITION relation.
type Position struct{ *kg.Relation }

// Quote returns the quote, or nil.
func (p Position) Quote() *string { return nonEmpty(p.Relation.Quote) }

// Basis returns how the position is known.
func (p Position) Basis() kg.Basis { return p.Relation.EffectiveBasis() }

// Rule returns the rule of an INFERRED position, or nil.
func (p Position) Rule() *kg.Rule { return nonEmpty(p.Relation.Rule) }

// Note returns the note, or nil.
func (p Position) Note() *string { return nonEmpty(p.Relation.Note) }

func nonEmpty[T ~string](s T) *T {
	if s == "" {
		return nil
	}
	return &s
}

// GraphNode is a node of a subgraph or path: an entity ID, with the entity
// loaded on demand.
type GraphNode struct {
	ID string
}

// Kind returns the kind the ID names.
func (n GraphNode) Kind() kg.Kind { return kg.KindOfID(n.ID) }

// GraphEdge is an edge of a subgraph or path.
type GraphEdge struct{ *kg.Relation }

// Source returns the ID of the node the relation starts at.
func (e GraphEdge) Source() string { return e.From }

// Target returns the ID of the node the relation ends at.
func (e GraphEdge) Target() string { return e.To }

// Label returns the role of a participation or the title of a position.
func (e GraphEdge) Label() *string {
	if e.Role != "" {
		s := string(e.Role)
		return &s
	}
	return nonEmpty(e.Title)
}

// Basis returns how the relation is known.
func (e GraphEdge) Basis() kg.Basis { return e.Relation.EffectiveBasis() }

// Relationship returns the relation's full view.
func (e GraphEdge) Relationship() *Relationship { return &Relationship{Relation: e.Relation} }

// DeleteResult says what a deletion did.
type DeleteResult struct {
	// ID is the deleted entity's ID.
	ID string
	// DeletedRelations counts the relations that went with it.
	DeletedRelations int
	// Orphaned are the IDs of the events left without participants.
	Orphaned []string
}
