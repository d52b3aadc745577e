package memstore

import (
	"slices"
	"strings"

	"github.com/puente-kg/puente/kg"
)

// rel is a stored relation, made small: a million-entity graph holds a few
// million. It keeps what reads filter on, its strings shared with the rest
// of the store (entity and source IDs, types, roles), and the relation
// whole in full when it has any other field (a title, dates, a quote,
// evidence other than STATED, provenance). A plain STATED relation, most
// of them, has full nil and is made whole again when read (see relation).
type rel struct {
	ID      string
	Type    kg.RelationType
	From    string
	To      string
	Role    kg.Role
	Sources []string
	full    *kg.Relation
}

// stated is the relation every rel without full stands for, for its basis.
var stated = &kg.Relation{Basis: kg.BasisStated}

// Other returns the endpoint of r that is not id.
func (r *rel) Other(id string) string {
	if r.From == id {
		return r.To
	}
	return r.From
}

// HasBasis reports whether the relation's basis is one of bases; every
// relation has one of an empty list.
func (r *rel) HasBasis(bases []kg.Basis) bool {
	if r.full != nil {
		return r.full.HasBasis(bases)
	}
	return stated.HasBasis(bases)
}

// relation returns the relation whole. A reader may keep it: the store
// never changes it, and makes a new one on each read of a plain relation.
func (r *rel) relation() *kg.Relation {
	if r == nil {
		return nil
	}
	if r.full != nil {
		return r.full
	}
	return &kg.Relation{ID: r.ID, Type: r.Type, From: r.From, To: r.To, Role: r.Role, Sources: r.Sources, Basis: kg.BasisStated}
}

// relations returns the relations whole.
func relations(rs []*rel) []*kg.Relation {
	out := make([]*kg.Relation, len(rs))
	for i, r := range rs {
		out[i] = r.relation()
	}
	return out
}

// plain reports whether the relation has no field but its type, ends,
// role, sources and the STATED basis.
func plain(r *kg.Relation) bool {
	return r.Title == "" && r.StartDate.IsZero() && r.EndDate.IsZero() && r.Quote == "" &&
		r.EffectiveBasis() == kg.BasisStated && r.Rule == "" && len(r.RestsOn) == 0 && r.Note == "" &&
		r.UpdatedAt == "" && r.UpdatedBy == ""
}

// newRel makes the stored form of a relation the store owns (see
// ownRelation), whose ends are the IDs the store holds, sharing its other
// strings with the store's. The caller holds the write lock.
func (s *Store) newRel(c *kg.Relation) *rel {
	c.Type = kg.RelationType(intern(string(c.Type)))
	c.Role = kg.Role(intern(string(c.Role)))
	c.Basis = kg.Basis(intern(string(c.Basis)))
	c.Sources = s.sourceIDs(c.Sources)
	r := &rel{ID: c.ID, Type: c.Type, From: c.From, To: c.To, Role: c.Role, Sources: c.Sources}
	if !plain(c) {
		r.full = c
	}
	return r
}

// entityID returns id as the stored entity of that ID holds it, so that
// the relations of an entity share its ID rather than copy it.
func (s *Store) entityID(id string) string {
	if e := s.entities[id]; e != nil {
		return e.ID
	}
	return id
}

// sourceIDs returns ids with each ID as the stored source holds it; a
// single source, the common case, is a slice shared by every record that
// cites only it. Readers never change a stored slice.
func (s *Store) sourceIDs(ids []string) []string {
	if len(ids) == 1 {
		if one, ok := s.single[ids[0]]; ok {
			return one
		}
		if src := s.sources[ids[0]]; src != nil {
			one := []string{src.ID}
			s.single[src.ID] = one
			return one
		}
		return ids
	}
	for i, id := range ids {
		if src := s.sources[id]; src != nil {
			ids[i] = src.ID
		}
	}
	return ids
}

// enums holds one copy of each value of the enumerations records carry,
// so that a million decoded records share them instead of holding one
// string each.
var enums = func() map[string]string {
	m := map[string]string{}
	add := func(vs ...string) {
		for _, v := range vs {
			m[v] = v
		}
	}
	for _, k := range kg.Kinds {
		add(string(k))
	}
	for _, c := range kg.Categories {
		add(string(c))
	}
	for _, t := range kg.RelationTypes {
		add(string(t))
	}
	for _, r := range kg.Roles {
		add(string(r))
	}
	for _, v := range kg.Statuses {
		add(string(v))
	}
	for _, v := range kg.Channels {
		add(string(v))
	}
	for _, v := range kg.OrgTypes {
		add(string(v))
	}
	for _, v := range kg.PlaceTypes {
		add(string(v))
	}
	for _, v := range kg.Qualifiers {
		add(string(v))
	}
	add(string(kg.BasisStated), string(kg.BasisInferred), string(kg.BasisBackground))
	return m
}()

// intern returns the shared copy of an enumeration value, or v.
func intern(v string) string {
	if c, ok := enums[v]; ok {
		return c
	}
	return v
}

// internEntity makes a stored entity (a clone) share strings with the
// store: its enumerations and the IDs of its sources.
func (s *Store) internEntity(e *kg.Entity) {
	e.Kind = kg.Kind(intern(string(e.Kind)))
	e.Category = kg.Category(intern(string(e.Category)))
	e.Status = kg.Status(intern(string(e.Status)))
	e.Channel = kg.Channel(intern(string(e.Channel)))
	e.OrgType = kg.OrgType(intern(string(e.OrgType)))
	e.PlaceType = kg.PlaceType(intern(string(e.PlaceType)))
	e.Sources = s.sourceIDs(e.Sources)
}

// pending records, during a write, the entities whose relation lists got
// relations appended out of order: for each, how long the list was sorted
// before. The write sorts them once at its end (see settle), instead of
// inserting each relation in the middle of a hub's list.
type pending map[string]int

// findRel returns the stored relation of that ID between the entities
// from and to, or nil, looking in the shorter of their lists (an event's
// rather than a hub's); p is the write's pending lists (nil outside one).
func (s *Store) findRel(from, to, id string, p pending) *rel {
	end, l := from, s.byEntity[from]
	if lt := s.byEntity[to]; len(lt) < len(l) {
		end, l = to, lt
	}
	n, dirty := p[end]
	if !dirty {
		n = len(l)
	}
	if i, ok := slices.BinarySearchFunc(l[:n], id, func(r *rel, id string) int { return strings.Compare(r.ID, id) }); ok {
		return l[i]
	}
	for _, r := range l[n:] {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// relationByID returns the stored relation of that ID, or nil.
func (s *Store) relationByID(id string, p pending) *rel {
	_, from, to, _, ok := kg.ParseRelationID(id)
	if !ok {
		return nil
	}
	return s.findRel(from, to, id, p)
}

// allRelations yields every stored relation once, from the list of the
// entity it starts from, in no order.
func (s *Store) allRelations(yield func(*rel) bool) {
	for id, l := range s.byEntity {
		for _, r := range l {
			if r.From == id && !yield(r) {
				return
			}
		}
	}
}

// compareRel orders relations by ID.
func compareRel(a, b *rel) int { return strings.Compare(a.ID, b.ID) }

// addRel appends r to the list of the entity id, noting in p where the
// list stops being sorted.
func (s *Store) addRel(id string, r *rel, p pending) {
	l := s.byEntity[id]
	if n := len(l); n > 0 && l[n-1].ID > r.ID {
		if _, ok := p[id]; !ok {
			p[id] = n
		}
	}
	s.byEntity[id] = append(l, r)
}

// removeRel takes r out of the list of the entity id.
func (s *Store) removeRel(id string, r *rel, p pending) {
	l := s.byEntity[id]
	n, dirty := p[id]
	if !dirty {
		n = len(l)
	}
	i, found := slices.BinarySearchFunc(l[:n], r, compareRel)
	if found {
		if dirty {
			p[id]--
		}
	} else if i = slices.Index(l[n:], r); i >= 0 {
		i += n
	} else {
		return
	}
	l = slices.Delete(l, i, i+1)
	if len(l) == 0 {
		delete(s.byEntity, id)
		delete(p, id)
		return
	}
	s.byEntity[id] = l
}

// settle sorts the lists a write appended to: it sorts what was appended
// and merges it into the sorted part from the back, in place.
func (s *Store) settle(p pending) {
	for id, n := range p {
		l := s.byEntity[id]
		if n >= len(l) {
			continue
		}
		tail := l[n:]
		slices.SortFunc(tail, compareRel)
		if n == 0 || l[n-1].ID < tail[0].ID {
			continue // appended in order: the usual case of an import
		}
		tail = slices.Clone(tail)
		i, j := n-1, len(tail)-1
		for k := len(l) - 1; j >= 0; k-- {
			if i >= 0 && l[i].ID > tail[j].ID {
				l[k] = l[i]
				i--
			} else {
				l[k] = tail[j]
				j--
			}
		}
	}
	clear(p)
}
