package kg

import (
	"strings"
	"time"
)

// Entity is a node of the graph: a country, person, organization, place or
// event. Fields that belong to one kind only are empty for the others.
type Entity struct {
	ID          string   `json:"id"`
	Kind        Kind     `json:"kind"`
	Name        string   `json:"name"`
	Aliases     []string `json:"aliases,omitempty"`
	Description string   `json:"description,omitempty"`
	// Sources are the IDs of the sources that attest the entity.
	Sources []string `json:"sources,omitempty"`
	// Notes are remarks for analysts.
	Notes []string `json:"notes,omitempty"`
	// Discrepancies are the points where a source disagrees with what is
	// known from elsewhere.
	Discrepancies []Discrepancy `json:"discrepancies,omitempty"`

	// CountryCode is the ISO 3166-1 alpha-2 code of a country.
	CountryCode string `json:"countryCode,omitempty"`
	// OrgType classifies an organization.
	OrgType OrgType `json:"orgType,omitempty"`
	// PlaceType classifies a place.
	PlaceType PlaceType `json:"placeType,omitempty"`

	// The fields below belong to events.
	Category Category  `json:"category,omitempty"`
	Date     Date      `json:"date,omitzero"`
	EndDate  Date      `json:"endDate,omitzero"`
	Status   Status    `json:"status,omitempty"`
	Channel  Channel   `json:"channel,omitempty"`
	Amount   *Money    `json:"amount,omitempty"`
	Quantity *Quantity `json:"quantity,omitempty"`

	// Provenance of the record itself: who wrote it and when (RFC 3339),
	// empty for data loaded from a dataset file.
	CreatedAt string `json:"createdAt,omitempty"`
	CreatedBy string `json:"createdBy,omitempty"`
	UpdatedAt string `json:"updatedAt,omitempty"`
	UpdatedBy string `json:"updatedBy,omitempty"`
	// Version counts the writes to the entity and its relations; writes
	// check it to detect concurrent changes. 0 for loaded data.
	Version int `json:"version,omitempty"`
}

// SortName returns the key entities are listed by: the folded name.
func (e *Entity) SortName() string { return Fold(e.Name) }

// DateRange returns the first and last day ("YYYY-MM-DD") of the period an
// event covers, from the start of Date to the end of EndDate (or of Date when
// there is no EndDate). Both are "" when the event has no date.
func (e *Entity) DateRange() (first, last string) {
	if e.Date.IsZero() {
		return "", ""
	}
	end := e.Date
	if !e.EndDate.IsZero() {
		end = e.EndDate
	}
	return e.Date.Start(), end.End()
}

// SearchText returns the folded tokens of the name and aliases, separated
// by single spaces: the text that search indexes.
func (e *Entity) SearchText() string {
	var b strings.Builder
	for _, n := range e.Names() {
		for _, t := range Tokens(n) {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(t)
		}
	}
	return b.String()
}

// Names returns the name followed by the aliases.
func (e *Entity) Names() []string {
	return append([]string{e.Name}, e.Aliases...)
}

// Money is an amount of money as a source states it.
type Money struct {
	Amount    float64   `json:"amount"`
	Currency  string    `json:"currency"`
	Qualifier Qualifier `json:"qualifier,omitempty"`
	// Per is the unit a price is given for, such as "container".
	Per string `json:"per,omitempty"`
	// Baseline is the earlier amount the source compares with, if any.
	Baseline *float64 `json:"baseline,omitempty"`
}

// Quantity is a counted or measured amount with its unit.
type Quantity struct {
	Amount    float64   `json:"amount"`
	Unit      string    `json:"unit"`
	Qualifier Qualifier `json:"qualifier,omitempty"`
}

// Source is a document that facts in the graph rest on, such as one item of
// a news digest.
type Source struct {
	ID          string  `json:"id"`
	Title       string  `json:"title"`
	URL         *string `json:"url"`
	Publisher   string  `json:"publisher,omitempty"`
	PublishedAt Date    `json:"publishedAt,omitzero"`
	// Excerpt is the text of the source the facts are taken from.
	Excerpt string `json:"excerpt,omitempty"`
}

// Relation is a directed, typed edge between two entities: a participation
// in an event (with a role), a position held (with a title), or a
// structural relation such as BASED_IN.
type Relation struct {
	ID   string       `json:"-"`
	Type RelationType `json:"type"`
	From string       `json:"from"`
	To   string       `json:"to"`
	// Role is the role of a PARTICIPATED_IN relation.
	Role Role `json:"role,omitempty"`
	// Title is the title of a HOLDS_POSITION relation.
	Title     string `json:"title,omitempty"`
	StartDate Date   `json:"startDate,omitzero"`
	EndDate   Date   `json:"endDate,omitzero"`
	// Quote is the sentence of the source the relation rests on.
	Quote string `json:"quote,omitempty"`
	// Sources are the IDs of the sources that attest the relation.
	Sources []string `json:"sources,omitempty"`
	// Basis says how the relation is known (see Basis); empty means
	// STATED, as in data written before bases existed.
	Basis Basis `json:"basis,omitempty"`
	// Rule names the rule an INFERRED relation was derived by.
	Rule Rule `json:"rule,omitempty"`
	// RestsOn are the IDs of the stated relations an INFERRED relation was
	// derived from.
	RestsOn []string `json:"restsOn,omitempty"`
	// Note says what is known and how, for a BACKGROUND relation; any
	// relation may carry one.
	Note string `json:"note,omitempty"`
	// UpdatedAt and UpdatedBy say who wrote the relation last, and when.
	UpdatedAt string `json:"updatedAt,omitempty"`
	UpdatedBy string `json:"updatedBy,omitempty"`
}

// Redirect sends lookups of an ID that was merged away to the entity it
// was merged into.
type Redirect struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// RelationID returns the stable ID of a relation, derived from its type,
// endpoints and role, such as
// "PARTICIPATED_IN:person:li-zhanshu>event:2021-11-10-call:HOST".
func RelationID(t RelationType, from, to string, role Role) string {
	id := string(t) + ":" + from + ">" + to
	if role != "" {
		id += ":" + string(role)
	}
	return id
}

// ParseRelationID returns the parts of a relation ID made by RelationID;
// ok is false when id is not of that form.
func ParseRelationID(id string) (t RelationType, from, to string, role Role, ok bool) {
	head, rest, found := strings.Cut(id, ">")
	if !found {
		return "", "", "", "", false
	}
	typ, from, found := strings.Cut(head, ":")
	if !found {
		return "", "", "", "", false
	}
	parts := strings.Split(rest, ":")
	switch len(parts) {
	case 3:
		role = Role(parts[2])
	case 2:
	default:
		return "", "", "", "", false
	}
	return RelationType(typ), from, parts[0] + ":" + parts[1], role, true
}

// Other returns the endpoint of r that is not id.
func (r *Relation) Other(id string) string {
	if r.From == id {
		return r.To
	}
	return r.From
}

// Stamp says who writes and when.
type Stamp struct {
	By string
	At time.Time
}

// Time returns the time of the stamp as RFC 3339 in UTC, as records keep it.
func (s Stamp) Time() string { return s.At.UTC().Format(time.RFC3339) }
