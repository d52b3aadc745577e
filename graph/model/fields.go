package model

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"

	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/loaders"
)

// The list fields every entity shares are methods of base, so that one
// implementation serves every entity type (gqlgen binds a field to the
// method of its name). They read through the request's loaders: one level
// of a query costs one round trip per kind of list, however many entities
// it touches, and every page is cut by the store (LIMIT in Cypher), so an
// entity's degree never reaches the server's memory.

// ListSize returns the size of a page that first asks for: the default
// for nil, an EINVALID error outside 1 to kg.MaxListSize.
func ListSize(first *int) (int, error) {
	if first == nil {
		return kg.DefaultListSize, nil
	}
	if *first < 1 || *first > kg.MaxListSize {
		return 0, kg.Invalid("first", "must be between 1 and %d, got %d", kg.MaxListSize, *first)
	}
	return *first, nil
}

// Wants reports whether the field being resolved selects the named
// subfield, such as a connection's totalCount, which costs a statement of
// its own.
func Wants(ctx context.Context, name string) bool {
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		if f.Name == name {
			return true
		}
	}
	return false
}

// NewPageInfo returns the page info of a page with the given cursors.
func NewPageInfo(cursors []string, hasNext bool, after *string) *PageInfo {
	info := &PageInfo{HasNextPage: hasNext, HasPreviousPage: after != nil && *after != ""}
	if len(cursors) > 0 {
		info.StartCursor, info.EndCursor = &cursors[0], &cursors[len(cursors)-1]
	}
	return info
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// linkList names a list of links and the query behind it.
type linkList struct {
	name string
	q    kg.LinkQuery
}

func (l linkList) filter() string {
	return kg.Filter(l.name, l.q.Types, l.q.Direction, l.q.Role, l.q.Category, l.q.Order)
}

// load returns one page of the entity's links and the cursors clients see.
func (l linkList) load(ctx context.Context, id string, first *int, after *string, count bool) (kg.LinkPage, []string, error) {
	n, err := ListSize(first)
	if err != nil {
		return kg.LinkPage{}, nil, err
	}
	inner, err := kg.ListAfter(l.name, l.filter(), deref(after))
	if err != nil {
		return kg.LinkPage{}, nil, err
	}
	page, err := loaders.For(ctx).Links.Load(ctx, loaders.NewLinkKey(id, l.q, kg.PageRequest{First: n, After: inner, Count: count}))
	if err != nil {
		return kg.LinkPage{}, nil, err
	}
	return page, kg.ListCursors(l.name, l.filter(), page.Cursors), nil
}

func participationList(role *kg.Role, category *kg.Category) linkList {
	q := kg.LinkQuery{Types: []kg.RelationType{kg.RelParticipatedIn}, Direction: kg.DirOut, Order: kg.LinksByDate}
	if role != nil {
		q.Role = *role
	}
	if category != nil {
		q.Category = *category
	}
	return linkList{"participations", q}
}

func participantList(role *kg.Role) linkList {
	q := kg.LinkQuery{Types: []kg.RelationType{kg.RelParticipatedIn}, Direction: kg.DirIn}
	if role != nil {
		q.Role = *role
	}
	return linkList{"participants", q}
}

func relationshipList(types []kg.RelationType) linkList {
	return linkList{"relationships", kg.LinkQuery{Types: types}}
}

func relatedList(types []kg.RelationType) linkList {
	return linkList{"related", kg.LinkQuery{Types: types, Order: kg.LinksByName}}
}

var memberList = linkList{"members", kg.LinkQuery{Types: []kg.RelationType{kg.RelMemberOf}, Direction: kg.DirIn, Order: kg.LinksByName}}

func relations(page kg.LinkPage) []*kg.Relation {
	out := make([]*kg.Relation, len(page.Links))
	for i, l := range page.Links {
		out[i] = l.Relation
	}
	return out
}

// entitiesOf loads the entities at the other end of the links, in order.
func entitiesOf(ctx context.Context, page kg.LinkPage) ([]Entity, error) {
	ids := make([]string, len(page.Links))
	for i, l := range page.Links {
		ids[i] = l.Other
	}
	return LoadEntities(ctx, ids)
}

// LoadEntities loads the entities with the given IDs through the loaders,
// in the order of ids, skipping unknown ones.
func LoadEntities(ctx context.Context, ids []string) ([]Entity, error) {
	es, err := loaders.For(ctx).Entities(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Entity, len(es))
	for i, e := range es {
		out[i] = ToEntity(e)
	}
	return out, nil
}

// LoadEntity loads one entity through the loaders; nil when unknown.
func LoadEntity(ctx context.Context, id string) (Entity, error) {
	e, err := loaders.For(ctx).Entity.Load(ctx, id)
	if err != nil || e == nil {
		return nil, err
	}
	return ToEntity(e), nil
}

// entityConnection makes a connection of the entities at the other end of
// a page of links.
func entityConnection(ctx context.Context, page kg.LinkPage, cursors []string, after *string) (*EntityConnection, error) {
	es, err := entitiesOf(ctx, page)
	if err != nil {
		return nil, err
	}
	conn := &EntityConnection{TotalCount: page.TotalCount, Nodes: es, PageInfo: NewPageInfo(cursors, page.HasNext, after)}
	for i, e := range es {
		conn.Edges = append(conn.Edges, &EntityEdge{Cursor: cursors[i], Node: e})
	}
	return conn, nil
}

// SourceList returns the sources with the given IDs, at most first of them.
func SourceList(ctx context.Context, ids []string, first *int) ([]*Source, error) {
	n, err := ListSize(first)
	if err != nil {
		return nil, err
	}
	srcs, err := loaders.For(ctx).Sources(ctx, ids[:min(n, len(ids))])
	if err != nil {
		return nil, err
	}
	out := make([]*Source, len(srcs))
	for i, s := range srcs {
		out[i] = &Source{Source: s}
	}
	return out, nil
}

// Sources returns the sources that attest the entity.
func (b base) Sources(ctx context.Context, first *int) ([]*Source, error) {
	return SourceList(ctx, b.Entity.Sources, first)
}

// SourcesConnection returns a page of the sources that attest the entity,
// in the order the entity cites them.
func (b base) SourcesConnection(ctx context.Context, first *int, after *string) (*SourceConnection, error) {
	n, err := ListSize(first)
	if err != nil {
		return nil, err
	}
	const list = "sources"
	filter := kg.Filter(list, b.ID)
	inner, err := kg.ListAfter(list, filter, deref(after))
	if err != nil {
		return nil, err
	}
	start := 0
	if inner != "" {
		key, _, err := kg.DecodeCursor(inner)
		if err != nil {
			return nil, err
		}
		if _, err := fmt.Sscanf(key, "%d", &start); err != nil {
			return nil, kg.Invalid("after", "%q is not a cursor", deref(after))
		}
		start++
	}
	ids := b.Entity.Sources
	start = min(start, len(ids))
	end := min(start+n, len(ids))
	srcs, err := loaders.For(ctx).Source.LoadAll(ctx, ids[start:end])
	if err != nil {
		return nil, err
	}
	conn := &SourceConnection{TotalCount: len(ids)}
	var cursors []string
	for i, s := range srcs {
		if s == nil {
			continue
		}
		c := kg.ListCursor(list, filter, kg.EncodeCursor(fmt.Sprintf("%06d", start+i), s.ID))
		cursors = append(cursors, c)
		conn.Edges = append(conn.Edges, &SourceEdge{Cursor: c, Node: &Source{Source: s}})
		conn.Nodes = append(conn.Nodes, &Source{Source: s})
	}
	conn.PageInfo = NewPageInfo(cursors, end < len(ids), after)
	return conn, nil
}

// Country returns the country the entity belongs to (see
// service.CountriesOf).
func (b base) Country(ctx context.Context) (*Country, error) {
	id, err := loaders.For(ctx).Country.Load(ctx, b.ID)
	if err != nil || id == "" {
		return nil, err
	}
	e, err := LoadEntity(ctx, id)
	c, _ := e.(*Country)
	return c, err
}

// Participations returns the entity's participations in events, in the
// events' date order.
func (b base) Participations(ctx context.Context, role *kg.Role, category *kg.Category, first *int) ([]*Participation, error) {
	page, _, err := participationList(role, category).load(ctx, b.ID, first, nil, false)
	if err != nil {
		return nil, err
	}
	return participations(relations(page)), nil
}

// ParticipationsConnection returns a page of the entity's participations.
func (b base) ParticipationsConnection(ctx context.Context, role *kg.Role, category *kg.Category, first *int, after *string) (*ParticipationConnection, error) {
	page, cursors, err := participationList(role, category).load(ctx, b.ID, first, after, Wants(ctx, "totalCount"))
	if err != nil {
		return nil, err
	}
	ps := participations(relations(page))
	conn := &ParticipationConnection{TotalCount: page.TotalCount, Nodes: ps, PageInfo: NewPageInfo(cursors, page.HasNext, after)}
	for i, p := range ps {
		conn.Edges = append(conn.Edges, &ParticipationEdge{Cursor: cursors[i], Node: p})
	}
	return conn, nil
}

func participations(rels []*kg.Relation) []*Participation {
	out := make([]*Participation, len(rels))
	for i, r := range rels {
		out[i] = &Participation{Relation: r}
	}
	return out
}

// Relationships returns the entity's relations, by ID.
func (b base) Relationships(ctx context.Context, types []kg.RelationType, first *int) ([]*Relationship, error) {
	page, _, err := relationshipList(types).load(ctx, b.ID, first, nil, false)
	if err != nil {
		return nil, err
	}
	return relationships(relations(page)), nil
}

// RelationshipsConnection returns a page of the entity's relations.
func (b base) RelationshipsConnection(ctx context.Context, types []kg.RelationType, first *int, after *string) (*RelationshipConnection, error) {
	page, cursors, err := relationshipList(types).load(ctx, b.ID, first, after, Wants(ctx, "totalCount"))
	if err != nil {
		return nil, err
	}
	rs := relationships(relations(page))
	conn := &RelationshipConnection{TotalCount: page.TotalCount, Nodes: rs, PageInfo: NewPageInfo(cursors, page.HasNext, after)}
	for i, r := range rs {
		conn.Edges = append(conn.Edges, &RelationshipEdge{Cursor: cursors[i], Node: r})
	}
	return conn, nil
}

func relationships(rels []*kg.Relation) []*Relationship {
	out := make([]*Relationship, len(rels))
	for i, r := range rels {
		out[i] = &Relationship{Relation: r}
	}
	return out
}

// Related returns the entities directly related to this one, by name.
func (b base) Related(ctx context.Context, types []kg.RelationType, first *int) ([]Entity, error) {
	page, _, err := relatedList(types).load(ctx, b.ID, first, nil, false)
	if err != nil {
		return nil, err
	}
	return entitiesOf(ctx, page)
}

// RelatedConnection returns a page of the related entities.
func (b base) RelatedConnection(ctx context.Context, types []kg.RelationType, first *int, after *string) (*EntityConnection, error) {
	page, cursors, err := relatedList(types).load(ctx, b.ID, first, after, Wants(ctx, "totalCount"))
	if err != nil {
		return nil, err
	}
	return entityConnection(ctx, page, cursors, after)
}

// Positions returns the positions the person holds or held.
func (p Person) Positions(ctx context.Context, first *int) ([]*Position, error) {
	return positions(ctx, p.ID, kg.DirOut, first)
}

// Positions returns the positions held in the organization.
func (o Organization) Positions(ctx context.Context, first *int) ([]*Position, error) {
	return positions(ctx, o.ID, kg.DirIn, first)
}

func positions(ctx context.Context, id string, dir kg.Direction, first *int) ([]*Position, error) {
	l := linkList{"positions", kg.LinkQuery{Types: []kg.RelationType{kg.RelHoldsPosition}, Direction: dir}}
	page, _, err := l.load(ctx, id, first, nil, false)
	if err != nil {
		return nil, err
	}
	out := make([]*Position, len(page.Links))
	for i, link := range page.Links {
		out[i] = &Position{Relation: link.Relation}
	}
	return out, nil
}

// Members returns the organization's members (MEMBER_OF it), by name.
func (o Organization) Members(ctx context.Context, first *int) ([]Entity, error) {
	page, _, err := memberList.load(ctx, o.ID, first, nil, false)
	if err != nil {
		return nil, err
	}
	return entitiesOf(ctx, page)
}

// MembersConnection returns a page of the organization's members.
func (o Organization) MembersConnection(ctx context.Context, first *int, after *string) (*EntityConnection, error) {
	page, cursors, err := memberList.load(ctx, o.ID, first, after, Wants(ctx, "totalCount"))
	if err != nil {
		return nil, err
	}
	return entityConnection(ctx, page, cursors, after)
}

// Place returns the place the event was held at: the first by ID.
func (e Event) Place(ctx context.Context) (*Place, error) {
	one := 1
	l := linkList{"places", kg.LinkQuery{Types: []kg.RelationType{kg.RelHeldAt}, Direction: kg.DirOut}}
	page, _, err := l.load(ctx, e.ID, &one, nil, false)
	if err != nil || len(page.Links) == 0 {
		return nil, err
	}
	p, err := LoadEntity(ctx, page.Links[0].Other)
	place, _ := p.(*Place)
	return place, err
}

// Participants returns the participations in the event, by relation ID.
func (e Event) Participants(ctx context.Context, role *kg.Role, first *int) ([]*Participation, error) {
	page, _, err := participantList(role).load(ctx, e.ID, first, nil, false)
	if err != nil {
		return nil, err
	}
	return participations(relations(page)), nil
}

// Sources returns the sources that attest the participation.
func (p Participation) Sources(ctx context.Context, first *int) ([]*Source, error) {
	return SourceList(ctx, p.Relation.Sources, first)
}

// Sources returns the sources that attest the position.
func (p Position) Sources(ctx context.Context, first *int) ([]*Source, error) {
	return SourceList(ctx, p.Relation.Sources, first)
}

// Sources returns the sources that attest the relation.
func (r Relationship) Sources(ctx context.Context, first *int) ([]*Source, error) {
	return SourceList(ctx, r.Relation.Sources, first)
}

// RestsOnSize is the default size of restsOn; MaxRestsOnSize bounds it.
const (
	RestsOnSize    = 20
	MaxRestsOnSize = 100
)

// restsOn loads, through the request's loaders, the relations an INFERRED
// relation rests on, in the order it lists them, at most first of them; a
// relation since deleted or moved by a merge is left out.
func restsOn(ctx context.Context, rel *kg.Relation, first *int) ([]*Relationship, error) {
	n := RestsOnSize
	if first != nil {
		if *first < 1 || *first > MaxRestsOnSize {
			return nil, kg.Invalid("first", "must be between 1 and %d, got %d", MaxRestsOnSize, *first)
		}
		n = *first
	}
	ids := rel.RestsOn[:min(n, len(rel.RestsOn))]
	rels, err := loaders.For(ctx).Relation.LoadAll(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*Relationship, 0, len(rels))
	for _, r := range rels {
		if r != nil {
			out = append(out, &Relationship{Relation: r})
		}
	}
	return out, nil
}

// RestsOn returns the stated relations an INFERRED relation rests on.
func (r Relationship) RestsOn(ctx context.Context, first *int) ([]*Relationship, error) {
	return restsOn(ctx, r.Relation, first)
}

// RestsOn returns the stated relations an INFERRED participation rests on.
func (p Participation) RestsOn(ctx context.Context, first *int) ([]*Relationship, error) {
	return restsOn(ctx, p.Relation, first)
}

// RestsOn returns the stated relations an INFERRED position rests on.
func (p Position) RestsOn(ctx context.Context, first *int) ([]*Relationship, error) {
	return restsOn(ctx, p.Relation, first)
}
