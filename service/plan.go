package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/puente-kg/puente/kg"
)

// structural reports whether a relation type belongs to the entity it
// starts from (as opposed to an event's participations and places).
func structural(t kg.RelationType) bool { return t != kg.RelParticipatedIn && t != kg.RelHeldAt }

// state is what a planner read of the store: entities by ID (nil for
// absent ones), the relations of the entities it was asked about, the
// sources that exist, and where merged-away IDs lead.
type state struct {
	entities  map[string]*kg.Entity
	relations map[string][]*kg.Relation
	sources   map[string]*kg.Source
	redirects map[string]string
}

// planReader is what the planners read of a store.
type planReader interface {
	kg.EntityReader
	kg.SourceReader
	kg.RelationReader
}

// MaxEditRelations is the most relations an entity that a write replaces,
// deletes or merges may have: the plan lists each of them.
const MaxEditRelations = 100_000

// relationsToEdit returns every relation of the entities, or EINVALID when
// one has more than MaxEditRelations.
func relationsToEdit(ctx context.Context, r kg.RelationReader, ids []string) ([]*kg.Relation, error) {
	rels, err := r.Relations(ctx, ids, MaxEditRelations)
	if err != nil {
		return nil, err
	}
	count := map[string]int{}
	for _, rel := range rels {
		count[rel.From]++
		if rel.To != rel.From {
			count[rel.To]++
		}
	}
	for _, id := range ids {
		if count[id] > MaxEditRelations {
			return nil, kg.Invalid("id", "%s has more than %d relations: too many to edit in one write", id, MaxEditRelations)
		}
	}
	return rels, nil
}

func (st *state) version(id string) int {
	if e := st.entities[id]; e != nil {
		return e.Version
	}
	return -1
}

// readQuery says what a planner needs to read.
type readQuery struct {
	// owners are the entities whose relations are read; every entity at
	// an end of those relations is read too.
	owners []string
	// ids are further entities to read, and to look up among the redirects.
	ids []string
	// sources are source IDs to look up.
	sources []string
}

// read loads what a plan needs with one round trip per kind, however many
// entities, relations and sources the write names: the owners' relations
// first, then the entities (those asked for and every end of those
// relations), the sources and the redirects.
func read(ctx context.Context, r planReader, q readQuery) (*state, error) {
	st := &state{entities: map[string]*kg.Entity{}, relations: map[string][]*kg.Relation{},
		sources: map[string]*kg.Source{}, redirects: map[string]string{}}
	var ids []string
	seen := map[string]bool{}
	add := func(id string) {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for _, id := range q.owners {
		add(id)
	}
	for _, id := range q.ids {
		add(id)
	}
	if len(q.owners) > 0 {
		all, err := relationsToEdit(ctx, r, q.owners)
		if err != nil {
			return nil, err
		}
		for _, rel := range all {
			for _, end := range []string{rel.From, rel.To} {
				if slices.Contains(q.owners, end) && !slices.Contains(st.relations[end], rel) {
					st.relations[end] = append(st.relations[end], rel)
				}
				add(end)
			}
		}
	}
	if len(ids) > 0 {
		es, err := r.Entities(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			st.entities[id] = nil
		}
		for _, e := range es {
			st.entities[e.ID] = e
		}
		var absent []string
		for _, id := range ids {
			if st.entities[id] == nil {
				absent = append(absent, id)
			}
		}
		if len(absent) > 0 {
			rs, err := r.Redirects(ctx, absent)
			if err != nil {
				return nil, err
			}
			for _, rd := range rs {
				st.redirects[rd.From] = rd.To
			}
		}
	}
	if len(q.sources) > 0 {
		srcs, err := r.Sources(ctx, q.sources)
		if err != nil {
			return nil, err
		}
		for _, s := range srcs {
			st.sources[s.ID] = s
		}
	}
	return st, nil
}

// checkSources fails unless ids is not empty and every ID names a source
// the plan's read found.
func (st *state) checkSources(field string, ids []string) error {
	if len(ids) == 0 {
		return kg.Invalid(field, "at least one source is required: every fact cites one")
	}
	if unknown := kg.UnknownSources(ids, st.sources); len(unknown) > 0 {
		return kg.Invalid(field, "unknown source %q (add it with upsertSource first)", unknown[0])
	}
	return nil
}

// source returns the source the plan's read found with the ID, or nil.
func (st *state) source(id string) *kg.Source { return st.sources[id] }

// checkRelation checks a relation against the sources the plan's read
// found: each it cites exists, and its quote is found verbatim in the text
// of one of them (see kg.CheckEvidence). That a STATED relation cites a
// source at all is checked with its other fields (kg.Relation.Validate).
func (st *state) checkRelation(field string, rel *kg.Relation) error {
	if unknown := kg.UnknownSources(rel.Sources, st.sources); len(unknown) > 0 {
		return kg.Invalid(field+".sources", "unknown source %q (add it with upsertSource first)", unknown[0])
	}
	return kg.CheckEvidence(field, rel, st.source)
}

// checkEntity checks what an entity cites: its sources exist, and so do
// those of its discrepancies, whose text holds what each says.
func (st *state) checkEntity(e *kg.Entity) error {
	if err := st.checkSources("sources", e.Sources); err != nil {
		return err
	}
	return kg.CheckDiscrepancies(e, st.source)
}

// input is a relation of a write's input and the field it came from.
type input struct {
	field string
	rel   *kg.Relation
}

// checkRestsOn checks that every fact an INFERRED relation of the input
// rests on is a STATED relation of the graph as the write leaves it: one
// the change set puts, or one of the store that it does not delete. It
// reads the store's with one RelationsByID.
func checkRestsOn(ctx context.Context, r kg.RelationReader, in []input, c *kg.ChangeSet) error {
	put := map[string]*kg.Relation{}
	for _, rel := range c.PutRelations {
		put[rel.ID] = rel
	}
	deleted := map[string]bool{}
	for _, rel := range c.DeleteRelations {
		deleted[rel.ID] = true
	}
	var ask []string
	for _, f := range in {
		for _, id := range f.rel.RestsOn {
			if put[id] == nil && !deleted[id] && !slices.Contains(ask, id) {
				ask = append(ask, id)
			}
		}
	}
	stored := map[string]*kg.Relation{}
	if len(ask) > 0 {
		rels, err := r.RelationsByID(ctx, ask)
		if err != nil {
			return err
		}
		for _, rel := range rels {
			stored[rel.ID] = rel
		}
	}
	for _, f := range in {
		for _, id := range f.rel.RestsOn {
			got := put[id]
			if got == nil && !deleted[id] {
				got = stored[id]
			}
			switch {
			case got == nil:
				return kg.Invalid(f.field+".restsOn", "%s is not a relation of the graph as this write leaves it", id)
			case !got.IsStated():
				return kg.Invalid(f.field+".restsOn", "%s is %s, not STATED: an inferred fact rests on stated facts", id, got.EffectiveBasis())
			}
		}
	}
	return nil
}

// unknown returns the error for a reference to an entity that does not
// exist, naming the entity it was merged into when it was.
func (st *state) unknown(field, id string) error {
	if to := st.redirects[id]; to != "" {
		return kg.Invalid(field, "unknown entity %q: it was merged into %q", id, to)
	}
	return kg.Invalid(field, "unknown entity %q", id)
}

// checkNotMerged refuses to write an entity under an ID that was merged
// away: the export would then hold both the entity and a redirect from its
// ID, and lookups of the ID would lead elsewhere.
func (st *state) checkNotMerged(field, id string) error {
	if to := st.redirects[id]; to != "" {
		return kg.Invalid(field, "%q was merged into %q; edit that entity instead", id, to)
	}
	return nil
}

// citedSources lists the sources that an entity, its discrepancies and its
// relations cite, each once.
func citedSources(e *kg.Entity, rels []*kg.Relation) []string {
	out := slices.Clone(e.Sources)
	for _, id := range e.DiscrepancySources() {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	for _, rel := range rels {
		for _, s := range rel.Sources {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// PlanSource plans the upsert of a source. A source's text is the evidence
// of the facts that quote it: a new text (title and excerpt) must still hold
// the quote of every relation that cites it (or the quote must be in
// another source the relation cites), and what each discrepancy citing it
// says; otherwise the edit is refused, naming the first fact it would leave
// without its words.
func PlanSource(ctx context.Context, r kg.SourceReader, s *kg.Source) (*kg.ChangeSet, error) {
	if err := kg.ValidateSource(s); err != nil {
		return nil, err
	}
	c := &kg.ChangeSet{Expect: map[string]int{}, PutSources: []*kg.Source{ptr(*s)}}
	old, err := r.Sources(ctx, []string{s.ID})
	if err != nil {
		return nil, err
	}
	if len(old) == 0 || old[0].Title == s.Title && old[0].Excerpt == s.Excerpt {
		// No fact cites a new source, and the same text holds the same
		// quotes: nothing to read (the scan below reads every relation on
		// Neo4j, which has no index on a list property).
		return c, nil
	}
	rels, es, err := r.Quoting(ctx, s.ID, MaxEditRelations)
	if err != nil {
		return nil, err
	}
	if len(rels) > MaxEditRelations || len(es) > MaxEditRelations {
		return nil, kg.Invalid("id", "more than %d facts quote %s: too many to check in one write", MaxEditRelations, s.ID)
	}
	var others []string
	for _, rel := range rels {
		for _, id := range rel.Sources {
			if id != s.ID && !slices.Contains(others, id) {
				others = append(others, id)
			}
		}
	}
	found := map[string]*kg.Source{s.ID: s}
	if len(others) > 0 {
		srcs, err := r.Sources(ctx, others)
		if err != nil {
			return nil, err
		}
		for _, src := range srcs {
			found[src.ID] = src
		}
	}
	lookup := func(id string) *kg.Source { return found[id] }
	slices.SortFunc(rels, func(a, b *kg.Relation) int { return strings.Compare(a.ID, b.ID) })
	for _, rel := range rels {
		if kg.CheckEvidence("", rel, lookup) != nil {
			return nil, kg.Invalid("excerpt", "the new text of %s no longer holds %q, the quote of %s", s.ID, rel.Quote, rel.ID)
		}
	}
	slices.SortFunc(es, func(a, b *kg.Entity) int { return strings.Compare(a.ID, b.ID) })
	for _, e := range es {
		if kg.CheckDiscrepancies(e, lookup) != nil {
			return nil, kg.Invalid("excerpt", "the new text of %s no longer holds what a discrepancy of %s says it says", s.ID, e.ID)
		}
	}
	return c, nil
}

func ptr[T any](v T) *T { return &v }

// EntityInput is an entity to create or replace, other than an event.
type EntityInput struct {
	Entity *kg.Entity
	// Relations, when ReplaceRelations is set, replace every relation the
	// entity starts (BASED_IN, HOLDS_POSITION...); their From is the entity.
	Relations        []*kg.Relation
	ReplaceRelations bool
}

// PlanEntity plans the upsert of an entity that is not an event.
func PlanEntity(ctx context.Context, r planReader, in EntityInput, stamp kg.Stamp) (*kg.ChangeSet, error) {
	e := in.Entity
	if err := e.Validate(); err != nil {
		return nil, err
	}
	if e.Kind == kg.KindEvent {
		return nil, kg.Invalid("kind", "use upsertEvent for events")
	}
	ids := []string{e.ID}
	for i, rel := range in.Relations {
		rel.From = e.ID
		field := fmt.Sprintf("relations[%d]", i)
		if err := validateRelation(field, rel); err != nil {
			return nil, err
		}
		if !structural(rel.Type) {
			return nil, kg.Invalid(field+".type", "%s is written with upsertEvent", rel.Type)
		}
		ids = append(ids, rel.To)
	}
	q := readQuery{ids: ids, sources: citedSources(e, in.Relations)}
	if in.ReplaceRelations {
		q.owners = []string{e.ID} // only a write that replaces relations needs the old ones
	}
	st, err := read(ctx, r, q)
	if err != nil {
		return nil, err
	}
	if err := st.checkNotMerged("id", e.ID); err != nil {
		return nil, err
	}
	if err := st.checkEntity(e); err != nil {
		return nil, err
	}
	var inputs []input
	for i, rel := range in.Relations {
		field := fmt.Sprintf("relations[%d]", i)
		if err := st.checkRelation(field, rel); err != nil {
			return nil, err
		}
		inputs = append(inputs, input{field, rel})
		if st.entities[rel.To] == nil && rel.To != e.ID {
			return nil, st.unknown(field+".to", rel.To)
		}
		if err := rel.CheckKinds(e.Kind, kg.KindOfID(rel.To)); err != nil {
			return nil, kg.Invalid(field+".type", "%v", err)
		}
	}
	old := st.entities[e.ID]
	if old != nil && old.Kind != e.Kind {
		return nil, kg.Invalid("kind", "%s is a %s; the kind of an entity cannot change", e.ID, old.Kind)
	}
	c := &kg.ChangeSet{Expect: map[string]int{e.ID: st.version(e.ID)}}
	c.PutEntities = []*kg.Entity{stamped(e, old, stamp)}
	if in.ReplaceRelations {
		var keep []*kg.Relation
		for _, rel := range st.relations[e.ID] {
			if rel.From == e.ID && structural(rel.Type) {
				keep = append(keep, rel)
			}
		}
		replaceRelations(c, keep, in.Relations, stamp, st)
	}
	if err := checkRestsOn(ctx, r, inputs, c); err != nil {
		return nil, err
	}
	return c, nil
}

// EventInput is an event to create or replace, with its participants and
// places, which replace the ones it had.
type EventInput struct {
	Event *kg.Entity
	// Participants have From set to the participating entity; their To is
	// the event. STATED participants without sources cite the event's.
	Participants []*kg.Relation
	// Places are where the event was held (HELD_AT).
	Places []string
}

// PlanEvent plans the upsert of an event with its participants and places.
func PlanEvent(ctx context.Context, r planReader, in EventInput, stamp kg.Stamp) (*kg.ChangeSet, error) {
	ev := in.Event
	if err := ev.Validate(); err != nil {
		return nil, err
	}
	if ev.Kind != kg.KindEvent {
		return nil, kg.Invalid("kind", "upsertEvent writes events only")
	}
	if len(ev.Sources) == 0 {
		// Before the participants, which cite the event's sources by default.
		return nil, kg.Invalid("sources", "at least one source is required: every fact cites one")
	}
	ids := []string{ev.ID}
	var rels []*kg.Relation
	seen := map[string]bool{}
	for i, p := range in.Participants {
		field := fmt.Sprintf("participants[%d]", i)
		rel := &kg.Relation{Type: kg.RelParticipatedIn, From: p.From, To: ev.ID, Role: p.Role, Quote: p.Quote, Sources: p.Sources,
			Basis: p.Basis, Rule: p.Rule, RestsOn: p.RestsOn, Note: p.Note}
		if len(rel.Sources) == 0 && rel.IsStated() {
			rel.Sources = ev.Sources
		}
		if err := kg.CheckEntityID(field+".entity", rel.From); err != nil {
			return nil, err
		}
		if err := validateRelation(field, rel); err != nil {
			return nil, err
		}
		if id := kg.RelationID(rel.Type, rel.From, rel.To, rel.Role); seen[id] {
			return nil, kg.Invalid(field, "%s takes part twice as %s", rel.From, rel.Role)
		} else {
			seen[id] = true
		}
		rels = append(rels, rel)
		ids = append(ids, rel.From)
	}
	for i, place := range in.Places {
		if err := kg.CheckEntityID(fmt.Sprintf("places[%d]", i), place); err != nil {
			return nil, err
		}
		rels = append(rels, &kg.Relation{Type: kg.RelHeldAt, From: ev.ID, To: place, Sources: ev.Sources})
		ids = append(ids, place)
	}
	st, err := read(ctx, r, readQuery{owners: []string{ev.ID}, ids: ids, sources: citedSources(ev, rels)})
	if err != nil {
		return nil, err
	}
	if err := st.checkNotMerged("id", ev.ID); err != nil {
		return nil, err
	}
	if err := st.checkEntity(ev); err != nil {
		return nil, err
	}
	var inputs []input
	for i, rel := range rels {
		other, field := rel.From, fmt.Sprintf("participants[%d].entity", i)
		if rel.Type == kg.RelHeldAt {
			other, field = rel.To, fmt.Sprintf("places[%d]", i-len(in.Participants))
		} else {
			if err := st.checkRelation(fmt.Sprintf("participants[%d]", i), rel); err != nil {
				return nil, err
			}
			inputs = append(inputs, input{fmt.Sprintf("participants[%d]", i), rel})
		}
		e := st.entities[other]
		if e == nil {
			return nil, st.unknown(field, other)
		}
		from, to := e.Kind, kg.KindEvent
		if rel.Type == kg.RelHeldAt {
			from, to = kg.KindEvent, e.Kind
		}
		if err := rel.CheckKinds(from, to); err != nil {
			return nil, kg.Invalid(field, "%v", err)
		}
	}
	old := st.entities[ev.ID]
	if old != nil && old.Kind != kg.KindEvent {
		return nil, kg.Invalid("id", "%s is a %s, not an event", ev.ID, old.Kind)
	}
	c := &kg.ChangeSet{Expect: map[string]int{ev.ID: st.version(ev.ID)}}
	c.PutEntities = []*kg.Entity{stamped(ev, old, stamp)}
	var keep []*kg.Relation
	for _, rel := range st.relations[ev.ID] {
		if rel.Type == kg.RelParticipatedIn && rel.To == ev.ID || rel.Type == kg.RelHeldAt && rel.From == ev.ID {
			keep = append(keep, rel)
		}
	}
	replaceRelations(c, keep, rels, stamp, st)
	if err := checkRestsOn(ctx, r, inputs, c); err != nil {
		return nil, err
	}
	return c, nil
}

// validateRelation checks a relation on its own: its fields and the form
// of the ID it points to. Its sources are checked against the store with
// the rest of the plan's reads.
func validateRelation(field string, rel *kg.Relation) error {
	if err := rel.Validate(); err != nil {
		var ke *kg.Error
		if errors.As(err, &ke) {
			ke.Field = field + "." + ke.Field
		}
		return err
	}
	return kg.CheckEntityID(field+".to", rel.To)
}

// replaceRelations deletes the old relations that are not among the new
// ones, writes the new ones stamped, and expects the versions of every
// entity at their ends.
func replaceRelations(c *kg.ChangeSet, old, new []*kg.Relation, stamp kg.Stamp, st *state) {
	newIDs := map[string]bool{}
	for _, rel := range new {
		rel.ID = kg.RelationID(rel.Type, rel.From, rel.To, rel.Role)
		newIDs[rel.ID] = true
	}
	for _, rel := range old {
		if !newIDs[rel.ID] {
			c.DeleteRelations = append(c.DeleteRelations, rel)
			expect(c, st, rel.From, rel.To)
		}
	}
	for _, rel := range new {
		cp := *rel
		cp.UpdatedAt, cp.UpdatedBy = stamp.Time(), stamp.By
		c.PutRelations = append(c.PutRelations, &cp)
		expect(c, st, rel.From, rel.To)
	}
}

func expect(c *kg.ChangeSet, st *state, ids ...string) {
	for _, id := range ids {
		if _, ok := c.Expect[id]; !ok {
			v := -1
			if st != nil {
				v = st.version(id)
			}
			c.Expect[id] = v
		}
	}
}

// stamped returns a copy of e with its provenance set: created as before
// (or now), updated now.
func stamped(e, old *kg.Entity, stamp kg.Stamp) *kg.Entity {
	cp := *e
	cp.CreatedAt, cp.CreatedBy = stamp.Time(), stamp.By
	if old != nil && old.CreatedAt != "" {
		cp.CreatedAt, cp.CreatedBy = old.CreatedAt, old.CreatedBy
	}
	cp.UpdatedAt, cp.UpdatedBy = stamp.Time(), stamp.By
	return &cp
}

// DeletePlan is a planned deletion and what it leaves behind.
type DeletePlan struct {
	Changes *kg.ChangeSet
	// Orphaned are the events the entity took part in that are left with
	// no participant.
	Orphaned []string
}

// PlanDelete plans the deletion of an entity with all its relations
// (participations included). It fails with ENOTFOUND for an unknown ID.
func PlanDelete(ctx context.Context, r planReader, id string) (*DeletePlan, error) {
	if err := kg.CheckEntityID("id", id); err != nil {
		return nil, err
	}
	st, err := read(ctx, r, readQuery{owners: []string{id}})
	if err != nil {
		return nil, err
	}
	if st.entities[id] == nil {
		return nil, &kg.Error{Code: kg.ENOTFOUND, Field: "id", Message: fmt.Sprintf("no entity %q", kg.Clip(id))}
	}
	c := &kg.ChangeSet{Expect: map[string]int{}, DeleteEntities: []string{id}}
	var events []string
	for _, rel := range st.relations[id] {
		c.DeleteRelations = append(c.DeleteRelations, rel)
		expect(c, st, rel.From, rel.To)
		if rel.Type == kg.RelParticipatedIn && rel.From == id && !slices.Contains(events, rel.To) {
			events = append(events, rel.To)
		}
	}
	expect(c, st, id)
	plan := &DeletePlan{Changes: c}
	if len(events) == 0 {
		return plan, nil
	}
	left := map[string]bool{}
	rels, err := relationsToEdit(ctx, r, events)
	if err != nil {
		return nil, err
	}
	for _, rel := range rels {
		if rel.Type == kg.RelParticipatedIn && rel.From != id && slices.Contains(events, rel.To) {
			left[rel.To] = true
		}
	}
	for _, ev := range events {
		if !left[ev] {
			plan.Orphaned = append(plan.Orphaned, ev)
		}
	}
	slices.Sort(plan.Orphaned)
	return plan, nil
}

// join makes one of two relations that a merge makes equal, in cur: a
// STATED relation wins over one of another basis, taking its evidence
// (basis, sources, quote, rule, restsOn, note) along; two STATED ones unite
// their sources, and the other's quote fills an empty one; otherwise cur
// stays as it is.
func join(cur, other *kg.Relation) {
	switch {
	case cur.IsStated() && other.IsStated():
		for _, s := range other.Sources {
			if !slices.Contains(cur.Sources, s) {
				cur.Sources = append(cur.Sources, s)
			}
		}
		if cur.Quote == "" {
			cur.Quote = other.Quote
		}
	case other.IsStated():
		cur.Basis, cur.Rule, cur.RestsOn, cur.Note = other.EffectiveBasis(), "", nil, other.Note
		cur.Sources, cur.Quote = slices.Clone(other.Sources), other.Quote
	}
}

// PlanMerge plans merging entities into one: every relation of the merged
// entities moves onto the kept one (relations that become equal are joined,
// see join; relations between them vanish), their names and aliases become
// aliases of the kept one, their sources, notes and discrepancies join its
// own, and each merged ID redirects to the kept one.
func PlanMerge(ctx context.Context, r planReader, keepID string, mergeIDs []string, stamp kg.Stamp) (*kg.ChangeSet, error) {
	if err := kg.CheckEntityID("keepId", keepID); err != nil {
		return nil, err
	}
	if len(mergeIDs) == 0 {
		return nil, kg.Invalid("mergeIds", "name at least one entity to merge")
	}
	for i, id := range mergeIDs {
		field := fmt.Sprintf("mergeIds[%d]", i)
		if err := kg.CheckEntityID(field, id); err != nil {
			return nil, err
		}
		if id == keepID || slices.Contains(mergeIDs[:i], id) {
			return nil, kg.Invalid(field, "%q is named twice", id)
		}
	}
	all := append([]string{keepID}, mergeIDs...)
	st, err := read(ctx, r, readQuery{owners: all})
	if err != nil {
		return nil, err
	}
	keep := st.entities[keepID]
	if keep == nil {
		if to := st.redirects[keepID]; to != "" {
			return nil, &kg.Error{Code: kg.ENOTFOUND, Field: "keepId", Message: fmt.Sprintf("no entity %q: it was merged into %q", kg.Clip(keepID), kg.Clip(to))}
		}
		return nil, &kg.Error{Code: kg.ENOTFOUND, Field: "keepId", Message: fmt.Sprintf("no entity %q", kg.Clip(keepID))}
	}
	merged := *keep
	merged.Aliases = slices.Clone(keep.Aliases)
	merged.Sources = slices.Clone(keep.Sources)
	merged.Notes = slices.Clone(keep.Notes)
	merged.Discrepancies = slices.Clone(keep.Discrepancies)
	addAll := func(dst *[]string, vals ...string) {
		for _, v := range vals {
			if v != "" && v != merged.Name && !slices.Contains(*dst, v) {
				*dst = append(*dst, v)
			}
		}
	}
	c := &kg.ChangeSet{Expect: map[string]int{}}
	for i, id := range mergeIDs {
		m := st.entities[id]
		if m == nil {
			return nil, &kg.Error{Code: kg.ENOTFOUND, Field: fmt.Sprintf("mergeIds[%d]", i), Message: fmt.Sprintf("no entity %q", kg.Clip(id))}
		}
		if m.Kind != keep.Kind {
			return nil, kg.Invalid(fmt.Sprintf("mergeIds[%d]", i), "%s is a %s and %s a %s: only entities of one kind merge", id, m.Kind, keepID, keep.Kind)
		}
		addAll(&merged.Aliases, m.Name)
		addAll(&merged.Aliases, m.Aliases...)
		addAll(&merged.Sources, m.Sources...)
		addAll(&merged.Notes, m.Notes...)
		for _, d := range m.Discrepancies {
			if !slices.Contains(merged.Discrepancies, d) {
				merged.Discrepancies = append(merged.Discrepancies, d)
			}
		}
		if merged.Description == "" {
			merged.Description = m.Description
		}
		c.DeleteEntities = append(c.DeleteEntities, id)
		c.PutRedirects = append(c.PutRedirects, kg.Redirect{From: id, To: keepID})
	}
	moveEnd := func(id string) string {
		if slices.Contains(mergeIDs, id) {
			return keepID
		}
		return id
	}
	// Relations keyed by their ID after the move, starting with the kept
	// entity's own.
	moved := map[string]*kg.Relation{}
	for _, rel := range st.relations[keepID] {
		cp := *rel
		cp.Sources = slices.Clone(rel.Sources)
		moved[rel.ID] = &cp
	}
	changed := map[string]bool{}
	seenOld := map[string]bool{}
	for _, id := range mergeIDs {
		for _, rel := range st.relations[id] {
			if seenOld[rel.ID] {
				continue
			}
			seenOld[rel.ID] = true
			c.DeleteRelations = append(c.DeleteRelations, rel)
			from, to := moveEnd(rel.From), moveEnd(rel.To)
			if from == to {
				continue // a relation between merged entities vanishes
			}
			nid := kg.RelationID(rel.Type, from, to, rel.Role)
			if cur := moved[nid]; cur != nil {
				join(cur, rel)
			} else {
				cp := *rel
				cp.ID, cp.From, cp.To = nid, from, to
				cp.Sources = slices.Clone(rel.Sources)
				cp.RestsOn = slices.Clone(rel.RestsOn)
				moved[nid] = &cp
			}
			changed[nid] = true
		}
	}
	for nid := range changed {
		rel := moved[nid]
		rel.UpdatedAt, rel.UpdatedBy = stamp.Time(), stamp.By
		c.PutRelations = append(c.PutRelations, rel)
		expect(c, st, rel.From, rel.To)
	}
	for _, rel := range c.DeleteRelations {
		expect(c, st, rel.From, rel.To)
	}
	slices.SortFunc(c.PutRelations, func(a, b *kg.Relation) int { return strings.Compare(a.ID, b.ID) })
	expect(c, st, all...)
	c.PutEntities = []*kg.Entity{stamped(&merged, keep, stamp)}
	return c, nil
}
