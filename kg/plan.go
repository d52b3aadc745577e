package kg

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Stamp says who writes and when.
type Stamp struct {
	By string
	At time.Time
}

func (s Stamp) at() string { return s.At.UTC().Format(time.RFC3339) }

// structural reports whether a relation type belongs to the entity it
// starts from (as opposed to an event's participations and places).
func structural(t RelationType) bool { return t != RelParticipatedIn && t != RelHeldAt }

// state is what a planner read of the store: entities by ID (nil for
// absent ones), the relations of the entities it was asked about, the
// sources that exist, and where merged-away IDs lead.
type state struct {
	entities  map[string]*Entity
	relations map[string][]*Relation
	sources   map[string]bool
	redirects map[string]string
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
func read(ctx context.Context, r Reader, q readQuery) (*state, error) {
	st := &state{entities: map[string]*Entity{}, relations: map[string][]*Relation{},
		sources: map[string]bool{}, redirects: map[string]string{}}
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
		all, err := r.Relations(ctx, q.owners)
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
			st.sources[s.ID] = true
		}
	}
	return st, nil
}

// checkSources fails unless ids is not empty and every ID names a source
// the plan's read found.
func (st *state) checkSources(field string, ids []string) error {
	if len(ids) == 0 {
		return Invalid(field, "at least one source is required: every fact cites one")
	}
	for _, id := range ids {
		if !st.sources[id] {
			return Invalid(field, "unknown source %q (add it with upsertSource first)", id)
		}
	}
	return nil
}

// unknown returns the error for a reference to an entity that does not
// exist, naming the entity it was merged into when it was.
func (st *state) unknown(field, id string) error {
	if to := st.redirects[id]; to != "" {
		return Invalid(field, "unknown entity %q: it was merged into %q", id, to)
	}
	return Invalid(field, "unknown entity %q", id)
}

// checkNotMerged refuses to write an entity under an ID that was merged
// away: the export would then hold both the entity and a redirect from its
// ID, and lookups of the ID would lead elsewhere.
func (st *state) checkNotMerged(field, id string) error {
	if to := st.redirects[id]; to != "" {
		return Invalid(field, "%q was merged into %q; edit that entity instead", id, to)
	}
	return nil
}

// citedSources lists the sources that an entity and its relations cite,
// each once.
func citedSources(e *Entity, rels []*Relation) []string {
	out := slices.Clone(e.Sources)
	for _, rel := range rels {
		for _, s := range rel.Sources {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// ValidateSource checks a source on its own.
func ValidateSource(s *Source) error {
	switch {
	case !ValidID(s.ID) || !strings.HasPrefix(s.ID, "source:"):
		return Invalid("id", "%q is not a source ID of the form source:slug", s.ID)
	case strings.TrimSpace(s.Title) == "":
		return Invalid("title", "is required")
	}
	for _, err := range []error{
		checkText("title", s.Title, MaxNameBytes),
		checkText("publisher", s.Publisher, MaxNameBytes),
		checkText("excerpt", s.Excerpt, MaxExcerptBytes),
	} {
		if err != nil {
			return err
		}
	}
	if s.URL != nil {
		if err := checkText("url", *s.URL, MaxURLBytes); err != nil {
			return err
		}
		u, err := url.Parse(*s.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return Invalid("url", "%q is not an absolute http or https URL", *s.URL)
		}
	}
	return nil
}

// PlanSource plans the upsert of a source.
func PlanSource(s *Source) (*ChangeSet, error) {
	if err := ValidateSource(s); err != nil {
		return nil, err
	}
	c := *s
	return &ChangeSet{Expect: map[string]int{}, PutSources: []*Source{&c}}, nil
}

// EntityInput is an entity to create or replace, other than an event.
type EntityInput struct {
	Entity *Entity
	// Relations, when ReplaceRelations is set, replace every relation the
	// entity starts (BASED_IN, HOLDS_POSITION...); their From is the entity.
	Relations        []*Relation
	ReplaceRelations bool
}

// PlanEntity plans the upsert of an entity that is not an event.
func PlanEntity(ctx context.Context, r Reader, in EntityInput, stamp Stamp) (*ChangeSet, error) {
	e := in.Entity
	if err := e.Validate(); err != nil {
		return nil, err
	}
	if e.Kind == KindEvent {
		return nil, Invalid("kind", "use upsertEvent for events")
	}
	ids := []string{e.ID}
	for i, rel := range in.Relations {
		rel.From = e.ID
		field := fmt.Sprintf("relations[%d]", i)
		if err := validateRelation(field, rel); err != nil {
			return nil, err
		}
		if !structural(rel.Type) {
			return nil, Invalid(field+".type", "%s is written with upsertEvent", rel.Type)
		}
		ids = append(ids, rel.To)
	}
	st, err := read(ctx, r, readQuery{owners: []string{e.ID}, ids: ids, sources: citedSources(e, in.Relations)})
	if err != nil {
		return nil, err
	}
	if err := st.checkNotMerged("id", e.ID); err != nil {
		return nil, err
	}
	if err := st.checkSources("sources", e.Sources); err != nil {
		return nil, err
	}
	for i, rel := range in.Relations {
		field := fmt.Sprintf("relations[%d]", i)
		if err := st.checkSources(field+".sources", rel.Sources); err != nil {
			return nil, err
		}
		if st.entities[rel.To] == nil && rel.To != e.ID {
			return nil, st.unknown(field+".to", rel.To)
		}
		if err := rel.checkKinds(e.Kind, KindOfID(rel.To)); err != nil {
			return nil, Invalid(field+".type", "%v", err)
		}
	}
	old := st.entities[e.ID]
	if old != nil && old.Kind != e.Kind {
		return nil, Invalid("kind", "%s is a %s; the kind of an entity cannot change", e.ID, old.Kind)
	}
	c := &ChangeSet{Expect: map[string]int{e.ID: st.version(e.ID)}}
	c.PutEntities = []*Entity{stamped(e, old, stamp)}
	if in.ReplaceRelations {
		var keep []*Relation
		for _, rel := range st.relations[e.ID] {
			if rel.From == e.ID && structural(rel.Type) {
				keep = append(keep, rel)
			}
		}
		c.replaceRelations(keep, in.Relations, stamp, st)
	}
	return c, nil
}

// EventInput is an event to create or replace, with its participants and
// places, which replace the ones it had.
type EventInput struct {
	Event *Entity
	// Participants have From set to the participating entity; their To is
	// the event. Participants without sources cite the event's.
	Participants []*Relation
	// Places are where the event was held (HELD_AT).
	Places []string
}

// PlanEvent plans the upsert of an event with its participants and places.
func PlanEvent(ctx context.Context, r Reader, in EventInput, stamp Stamp) (*ChangeSet, error) {
	ev := in.Event
	if err := ev.Validate(); err != nil {
		return nil, err
	}
	if ev.Kind != KindEvent {
		return nil, Invalid("kind", "upsertEvent writes events only")
	}
	ids := []string{ev.ID}
	var rels []*Relation
	seen := map[string]bool{}
	for i, p := range in.Participants {
		field := fmt.Sprintf("participants[%d]", i)
		rel := &Relation{Type: RelParticipatedIn, From: p.From, To: ev.ID, Role: p.Role, Quote: p.Quote, Sources: p.Sources}
		if len(rel.Sources) == 0 {
			rel.Sources = ev.Sources
		}
		if err := CheckEntityID(field+".entity", rel.From); err != nil {
			return nil, err
		}
		if err := validateRelation(field, rel); err != nil {
			return nil, err
		}
		if id := RelationID(rel.Type, rel.From, rel.To, rel.Role); seen[id] {
			return nil, Invalid(field, "%s takes part twice as %s", rel.From, rel.Role)
		} else {
			seen[id] = true
		}
		rels = append(rels, rel)
		ids = append(ids, rel.From)
	}
	for i, place := range in.Places {
		if err := CheckEntityID(fmt.Sprintf("places[%d]", i), place); err != nil {
			return nil, err
		}
		rels = append(rels, &Relation{Type: RelHeldAt, From: ev.ID, To: place, Sources: ev.Sources})
		ids = append(ids, place)
	}
	st, err := read(ctx, r, readQuery{owners: []string{ev.ID}, ids: ids, sources: citedSources(ev, rels)})
	if err != nil {
		return nil, err
	}
	if err := st.checkNotMerged("id", ev.ID); err != nil {
		return nil, err
	}
	if err := st.checkSources("sources", ev.Sources); err != nil {
		return nil, err
	}
	for i, rel := range rels {
		other, field := rel.From, fmt.Sprintf("participants[%d].entity", i)
		if rel.Type == RelHeldAt {
			other, field = rel.To, fmt.Sprintf("places[%d]", i-len(in.Participants))
		} else if err := st.checkSources(fmt.Sprintf("participants[%d].sources", i), rel.Sources); err != nil {
			return nil, err
		}
		e := st.entities[other]
		if e == nil {
			return nil, st.unknown(field, other)
		}
		from, to := e.Kind, KindEvent
		if rel.Type == RelHeldAt {
			from, to = KindEvent, e.Kind
		}
		if err := rel.checkKinds(from, to); err != nil {
			return nil, Invalid(field, "%v", err)
		}
	}
	old := st.entities[ev.ID]
	if old != nil && old.Kind != KindEvent {
		return nil, Invalid("id", "%s is a %s, not an event", ev.ID, old.Kind)
	}
	c := &ChangeSet{Expect: map[string]int{ev.ID: st.version(ev.ID)}}
	c.PutEntities = []*Entity{stamped(ev, old, stamp)}
	var keep []*Relation
	for _, rel := range st.relations[ev.ID] {
		if rel.Type == RelParticipatedIn && rel.To == ev.ID || rel.Type == RelHeldAt && rel.From == ev.ID {
			keep = append(keep, rel)
		}
	}
	c.replaceRelations(keep, rels, stamp, st)
	return c, nil
}

// validateRelation checks a relation on its own: its fields and the form
// of the ID it points to. Its sources are checked against the store with
// the rest of the plan's reads.
func validateRelation(field string, rel *Relation) error {
	if err := rel.Validate(); err != nil {
		var ke *Error
		if errors.As(err, &ke) {
			ke.Field = field + "." + ke.Field
		}
		return err
	}
	return CheckEntityID(field+".to", rel.To)
}

// replaceRelations deletes the old relations that are not among the new
// ones, writes the new ones stamped, and expects the versions of every
// entity at their ends.
func (c *ChangeSet) replaceRelations(old, new []*Relation, stamp Stamp, st *state) {
	newIDs := map[string]bool{}
	for _, rel := range new {
		rel.ID = RelationID(rel.Type, rel.From, rel.To, rel.Role)
		newIDs[rel.ID] = true
	}
	for _, rel := range old {
		if !newIDs[rel.ID] {
			c.DeleteRelations = append(c.DeleteRelations, rel)
			c.expect(st, rel.From, rel.To)
		}
	}
	for _, rel := range new {
		cp := *rel
		cp.UpdatedAt, cp.UpdatedBy = stamp.at(), stamp.By
		c.PutRelations = append(c.PutRelations, &cp)
		c.expect(st, rel.From, rel.To)
	}
}

func (c *ChangeSet) expect(st *state, ids ...string) {
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
func stamped(e, old *Entity, stamp Stamp) *Entity {
	cp := *e
	cp.CreatedAt, cp.CreatedBy = stamp.at(), stamp.By
	if old != nil && old.CreatedAt != "" {
		cp.CreatedAt, cp.CreatedBy = old.CreatedAt, old.CreatedBy
	}
	cp.UpdatedAt, cp.UpdatedBy = stamp.at(), stamp.By
	return &cp
}

// DeletePlan is a planned deletion and what it leaves behind.
type DeletePlan struct {
	Changes *ChangeSet
	// Orphaned are the events the entity took part in that are left with
	// no participant.
	Orphaned []string
}

// PlanDelete plans the deletion of an entity with all its relations
// (participations included). It fails with ENOTFOUND for an unknown ID.
func PlanDelete(ctx context.Context, r Reader, id string) (*DeletePlan, error) {
	if err := CheckEntityID("id", id); err != nil {
		return nil, err
	}
	st, err := read(ctx, r, readQuery{owners: []string{id}})
	if err != nil {
		return nil, err
	}
	if st.entities[id] == nil {
		return nil, &Error{Code: ENOTFOUND, Field: "id", Message: fmt.Sprintf("no entity %q", Clip(id))}
	}
	c := &ChangeSet{Expect: map[string]int{}, DeleteEntities: []string{id}}
	var events []string
	for _, rel := range st.relations[id] {
		c.DeleteRelations = append(c.DeleteRelations, rel)
		c.expect(st, rel.From, rel.To)
		if rel.Type == RelParticipatedIn && rel.From == id && !slices.Contains(events, rel.To) {
			events = append(events, rel.To)
		}
	}
	c.expect(st, id)
	plan := &DeletePlan{Changes: c}
	if len(events) == 0 {
		return plan, nil
	}
	left := map[string]bool{}
	rels, err := r.Relations(ctx, events)
	if err != nil {
		return nil, err
	}
	for _, rel := range rels {
		if rel.Type == RelParticipatedIn && rel.From != id && slices.Contains(events, rel.To) {
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

// PlanMerge plans merging entities into one: every relation of the merged
// entities moves onto the kept one (relations that become equal are joined,
// their sources united; relations between them vanish), their names and
// aliases become aliases of the kept one, their sources and notes join its
// own, and each merged ID redirects to the kept one.
func PlanMerge(ctx context.Context, r Reader, keepID string, mergeIDs []string, stamp Stamp) (*ChangeSet, error) {
	if err := CheckEntityID("keepId", keepID); err != nil {
		return nil, err
	}
	if len(mergeIDs) == 0 {
		return nil, Invalid("mergeIds", "name at least one entity to merge")
	}
	for i, id := range mergeIDs {
		field := fmt.Sprintf("mergeIds[%d]", i)
		if err := CheckEntityID(field, id); err != nil {
			return nil, err
		}
		if id == keepID || slices.Contains(mergeIDs[:i], id) {
			return nil, Invalid(field, "%q is named twice", id)
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
			return nil, &Error{Code: ENOTFOUND, Field: "keepId", Message: fmt.Sprintf("no entity %q: it was merged into %q", Clip(keepID), Clip(to))}
		}
		return nil, &Error{Code: ENOTFOUND, Field: "keepId", Message: fmt.Sprintf("no entity %q", Clip(keepID))}
	}
	merged := *keep
	merged.Aliases = slices.Clone(keep.Aliases)
	merged.Sources = slices.Clone(keep.Sources)
	merged.Notes = slices.Clone(keep.Notes)
	addAll := func(dst *[]string, vals ...string) {
		for _, v := range vals {
			if v != "" && v != merged.Name && !slices.Contains(*dst, v) {
				*dst = append(*dst, v)
			}
		}
	}
	c := &ChangeSet{Expect: map[string]int{}}
	for i, id := range mergeIDs {
		m := st.entities[id]
		if m == nil {
			return nil, &Error{Code: ENOTFOUND, Field: fmt.Sprintf("mergeIds[%d]", i), Message: fmt.Sprintf("no entity %q", Clip(id))}
		}
		if m.Kind != keep.Kind {
			return nil, Invalid(fmt.Sprintf("mergeIds[%d]", i), "%s is a %s and %s a %s: only entities of one kind merge", id, m.Kind, keepID, keep.Kind)
		}
		addAll(&merged.Aliases, m.Name)
		addAll(&merged.Aliases, m.Aliases...)
		addAll(&merged.Sources, m.Sources...)
		addAll(&merged.Notes, m.Notes...)
		if merged.Description == "" {
			merged.Description = m.Description
		}
		c.DeleteEntities = append(c.DeleteEntities, id)
		c.PutRedirects = append(c.PutRedirects, Redirect{From: id, To: keepID})
	}
	moveEnd := func(id string) string {
		if slices.Contains(mergeIDs, id) {
			return keepID
		}
		return id
	}
	// Relations keyed by their ID after the move, starting with the kept
	// entity's own.
	moved := map[string]*Relation{}
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
			nid := RelationID(rel.Type, from, to, rel.Role)
			if cur := moved[nid]; cur != nil {
				for _, s := range rel.Sources {
					if !slices.Contains(cur.Sources, s) {
						cur.Sources = append(cur.Sources, s)
					}
				}
				if cur.Quote == "" {
					cur.Quote = rel.Quote
				}
			} else {
				cp := *rel
				cp.ID, cp.From, cp.To = nid, from, to
				cp.Sources = slices.Clone(rel.Sources)
				moved[nid] = &cp
			}
			changed[nid] = true
		}
	}
	for nid := range changed {
		rel := moved[nid]
		rel.UpdatedAt, rel.UpdatedBy = stamp.at(), stamp.By
		c.PutRelations = append(c.PutRelations, rel)
		c.expect(st, rel.From, rel.To)
	}
	for _, rel := range c.DeleteRelations {
		c.expect(st, rel.From, rel.To)
	}
	slices.SortFunc(c.PutRelations, func(a, b *Relation) int { return strings.Compare(a.ID, b.ID) })
	c.expect(st, all...)
	c.PutEntities = []*Entity{stamped(&merged, keep, stamp)}
	return c, nil
}
