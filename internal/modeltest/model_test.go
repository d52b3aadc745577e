package modeltest_test

import (
	"cmp"
	"slices"
	"strings"

	"github.com/puente-kg/puente/kg"
)

// model is the reference the backends are held to: the graph as plain
// maps, and every write's rules written out once more from their
// documentation (kg/plan.go, kg/seed.go, kg/changes.go, bulk/README.md)
// without calling a planner. It predicts, for each operation, the error
// code a backend must refuse it with ("" when it must succeed), and the
// graph it leaves. Provenance stamps and versions are not modelled: the
// comparison clears them (see normalized).
type model struct {
	sources   map[string]*kg.Source
	entities  map[string]*kg.Entity
	relations map[string]*kg.Relation // by kg.RelationID
	redirects map[string]string       // merged-away ID → entity
	// strict predicts imports as bulk/README.md documents them, where the
	// code does otherwise (see knownBugs in modeltest_test.go).
	strict bool
	// hits counts the cases of interest the sequence went through, to show
	// that the generator reaches them.
	hits map[string]int
}

// Codes of refusals that are not kg errors: an import that bulk.Read or
// bulk.Check rejects, which writes nothing.
const (
	codeRead  = "IMPORT_READ"
	codeCheck = "IMPORT_CHECK"
)

func newModel(strict bool) *model {
	return &model{sources: map[string]*kg.Source{}, entities: map[string]*kg.Entity{},
		relations: map[string]*kg.Relation{}, redirects: map[string]string{}, strict: strict,
		hits: map[string]int{}}
}

// kindOf returns the kind an ID's prefix names.
func kindOf(id string) kg.Kind {
	prefix, _, _ := strings.Cut(id, ":")
	return map[string]kg.Kind{"person": kg.KindPerson, "org": kg.KindOrganization,
		"country": kg.KindCountry, "place": kg.KindPlace, "event": kg.KindEvent}[prefix]
}

// fits reports whether a relation of type t may join an entity of kind from
// to one of kind to (dataset/README.md's table of relation types).
func fits(t kg.RelationType, from, to kg.Kind) bool {
	switch t {
	case kg.RelParticipatedIn:
		return from != kg.KindEvent && to == kg.KindEvent
	case kg.RelHoldsPosition:
		return from == kg.KindPerson && (to == kg.KindOrganization || to == kg.KindCountry)
	case kg.RelHeldAt:
		return from == kg.KindEvent && (to == kg.KindPlace || to == kg.KindCountry)
	case kg.RelLocatedIn:
		return from == kg.KindPlace && (to == kg.KindPlace || to == kg.KindCountry)
	case kg.RelCitizenOf:
		return from == kg.KindPerson && to == kg.KindCountry
	}
	return from != kg.KindEvent && to != kg.KindEvent
}

// structural reports whether a relation belongs to the entity it starts
// from (rather than to an event, as participations and places do).
func structural(t kg.RelationType) bool { return t != kg.RelParticipatedIn && t != kg.RelHeldAt }

// normalized returns a copy of e without provenance and version.
func normalized(e *kg.Entity) *kg.Entity {
	c := *e
	c.Aliases = slices.Clone(e.Aliases)
	c.Sources = slices.Clone(e.Sources)
	c.Notes = slices.Clone(e.Notes)
	if e.Amount != nil {
		a := *e.Amount
		c.Amount = &a
	}
	if e.Quantity != nil {
		q := *e.Quantity
		c.Quantity = &q
	}
	c.CreatedAt, c.CreatedBy, c.UpdatedAt, c.UpdatedBy, c.Version = "", "", "", "", 0
	return &c
}

// normalizedRel returns a copy of r with its ID set and without provenance.
func normalizedRel(r *kg.Relation) *kg.Relation {
	c := *r
	c.Sources = slices.Clone(r.Sources)
	c.ID = kg.RelationID(c.Type, c.From, c.To, c.Role)
	c.UpdatedAt, c.UpdatedBy = "", ""
	return &c
}

// normalizeDataset clears provenance and versions in place.
func normalizeDataset(d *kg.Dataset) {
	for i, e := range d.Entities {
		d.Entities[i] = normalized(e)
	}
	for i, r := range d.Relations {
		d.Relations[i] = normalizedRel(r)
	}
}

// dataset returns the model's graph as a backend's Dump does, normalized.
func (m *model) dataset() *kg.Dataset {
	d := &kg.Dataset{Version: 1}
	for _, s := range m.sources {
		c := *s
		d.Sources = append(d.Sources, &c)
	}
	for _, e := range m.entities {
		d.Entities = append(d.Entities, normalized(e))
	}
	for _, r := range m.relations {
		d.Relations = append(d.Relations, normalizedRel(r))
	}
	for from, to := range m.redirects {
		d.Redirects = append(d.Redirects, kg.Redirect{From: from, To: to})
	}
	slices.SortFunc(d.Redirects, func(a, b kg.Redirect) int { return cmp.Compare(a.From, b.From) })
	d.Sort()
	return d
}

// cites reports whether ids is a non-empty list of known sources.
func (m *model) cites(ids []string, extra map[string]bool) bool {
	if len(ids) == 0 {
		return false
	}
	for _, id := range ids {
		if m.sources[id] == nil && !extra[id] {
			return false
		}
	}
	return true
}

// touching returns the relations with an end at id, by ID.
func (m *model) touching(id string) []*kg.Relation {
	var out []*kg.Relation
	for _, r := range m.relations {
		if r.From == id || r.To == id {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b *kg.Relation) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

func (m *model) putRelation(r *kg.Relation) {
	c := normalizedRel(r)
	m.relations[c.ID] = c
}

// apply predicts the outcome of o and, unless it is refused, applies it.
// It returns the error code the backends must return, "" for success.
func (m *model) apply(o *op) string {
	switch o.Kind {
	case opSource:
		c := *o.Source
		m.sources[c.ID] = &c
		return ""
	case opEntity:
		return m.upsertEntity(o.Entity, o.Relations, o.Replace)
	case opEvent:
		return m.upsertEvent(o.Entity, o.Participants, o.Places)
	case opDelete:
		return m.delete(o.ID)
	case opMerge:
		return m.merge(o.Keep, o.Merge)
	case opImport:
		return m.importFile(o.Import)
	case opSeed:
		return m.seed(o.Dataset)
	}
	panic("unknown operation " + string(o.Kind))
}

// upsertEntity replaces an entity that is not an event and, when replace
// is set, the structural relations it starts. Every refusal is EINVALID:
// an ID that was merged away, a missing or unknown source, a relation to
// an entity that does not exist (other than the entity itself) or of a
// kind the relation type does not join. The relations are checked even
// when they do not replace the old ones.
func (m *model) upsertEntity(e *kg.Entity, rels []*kg.Relation, replace bool) string {
	if e.Kind == kg.KindEvent {
		return kg.EINVALID
	}
	for _, r := range rels {
		if !structural(r.Type) {
			return kg.EINVALID
		}
	}
	if m.redirects[e.ID] != "" {
		m.hits["merged-away entity ID refused"]++
		return kg.EINVALID
	}
	if !m.cites(e.Sources, nil) {
		return kg.EINVALID
	}
	for _, r := range rels {
		if !m.cites(r.Sources, nil) || m.entities[r.To] == nil && r.To != e.ID || !fits(r.Type, e.Kind, kindOf(r.To)) {
			return kg.EINVALID
		}
	}
	m.entities[e.ID] = normalized(e)
	if !replace {
		return ""
	}
	fresh := map[string]*kg.Relation{}
	for _, r := range rels {
		c := normalizedRel(&kg.Relation{Type: r.Type, From: e.ID, To: r.To, Title: r.Title,
			StartDate: r.StartDate, EndDate: r.EndDate, Quote: r.Quote, Sources: r.Sources})
		fresh[c.ID] = c // a relation given twice: the last one wins
	}
	for id, r := range m.relations {
		if r.From == e.ID && structural(r.Type) && fresh[id] == nil {
			m.hits["relation dropped by a replace"]++
			delete(m.relations, id)
		}
	}
	for _, r := range fresh {
		if r.To == e.ID {
			m.hits["self-relation written"]++
		}
		m.relations[r.ID] = r
	}
	return ""
}

// upsertEvent replaces an event with its participants (who take part with
// their own sources, or the event's when they cite none) and places (cited
// by the event's sources), which replace the ones it had. Every refusal is
// EINVALID: a participant named twice with one role, an ID merged away, a
// missing or unknown source, a participant or place that does not exist
// or has the wrong kind.
func (m *model) upsertEvent(ev *kg.Entity, parts []*kg.Relation, places []string) string {
	if ev.Kind != kg.KindEvent {
		return kg.EINVALID
	}
	fresh := map[string]*kg.Relation{}
	for _, p := range parts {
		r := &kg.Relation{Type: kg.RelParticipatedIn, From: p.From, To: ev.ID, Role: p.Role, Quote: p.Quote, Sources: p.Sources}
		if len(r.Sources) == 0 {
			r.Sources = ev.Sources
		}
		r = normalizedRel(r)
		if fresh[r.ID] != nil {
			return kg.EINVALID
		}
		fresh[r.ID] = r
	}
	if m.redirects[ev.ID] != "" {
		m.hits["merged-away event ID refused"]++
		return kg.EINVALID
	}
	if !m.cites(ev.Sources, nil) {
		return kg.EINVALID
	}
	for _, p := range parts {
		sources := p.Sources
		if len(sources) == 0 {
			sources = ev.Sources
		}
		if !m.cites(sources, nil) || m.entities[p.From] == nil || !fits(kg.RelParticipatedIn, kindOf(p.From), kg.KindEvent) {
			return kg.EINVALID
		}
	}
	for _, pl := range places {
		if m.entities[pl] == nil || !fits(kg.RelHeldAt, kg.KindEvent, kindOf(pl)) {
			return kg.EINVALID
		}
		r := normalizedRel(&kg.Relation{Type: kg.RelHeldAt, From: ev.ID, To: pl, Sources: ev.Sources})
		fresh[r.ID] = r
	}
	m.entities[ev.ID] = normalized(ev)
	for id, r := range m.relations {
		ours := r.Type == kg.RelParticipatedIn && r.To == ev.ID || r.Type == kg.RelHeldAt && r.From == ev.ID
		if ours && fresh[id] == nil {
			m.hits["participant or place dropped"]++
			delete(m.relations, id)
		}
	}
	for _, r := range fresh {
		m.relations[r.ID] = r
	}
	return ""
}

// delete removes an entity with every relation at it and the redirects to
// it (the IDs merged into it become free). ENOTFOUND when there is no such
// entity, merged-away IDs included.
func (m *model) delete(id string) string {
	if m.entities[id] == nil {
		return kg.ENOTFOUND
	}
	m.deleteEntity(id)
	return ""
}

func (m *model) deleteEntity(id string) {
	delete(m.entities, id)
	for _, r := range m.touching(id) {
		if r.Type == kg.RelParticipatedIn && r.From == id {
			m.hits["participant deleted"]++
		}
		m.hits["relation deleted with an entity"]++
		delete(m.relations, r.ID)
	}
	for from, to := range m.redirects {
		if to == id {
			m.hits["redirect deleted with its entity"]++
			delete(m.redirects, from)
		}
	}
}

// merge merges entities into keep. Refusals: EINVALID for no merged IDs
// or an ID named twice (keep included), then ENOTFOUND when keep does not
// exist (merged-away included), then, merged ID by merged ID, ENOTFOUND
// for one that does not exist and EINVALID for one of another kind.
//
// The kept entity keeps its fields and gains, merged entity by merged
// entity, the name and aliases (as aliases), sources and notes it lacks
// (empty values and values equal to its name left out), and the first
// description when it has none. The relations of the merged entities
// (each once, merged entity by merged entity, by ID) move their merged
// ends to keep; one that then joins keep to itself vanishes, and one that
// becomes equal to a relation of keep (or to one moved before) joins it:
// the sources it lacks are appended, and its quote fills an empty one.
// Merged IDs redirect to keep, and so do the IDs that redirected to them.
func (m *model) merge(keep string, merged []string) string {
	if len(merged) == 0 {
		return kg.EINVALID
	}
	for i, id := range merged {
		if id == keep || slices.Contains(merged[:i], id) {
			return kg.EINVALID
		}
	}
	k := m.entities[keep]
	if k == nil {
		return kg.ENOTFOUND
	}
	for _, id := range merged {
		switch e := m.entities[id]; {
		case e == nil:
			return kg.ENOTFOUND
		case e.Kind != k.Kind:
			return kg.EINVALID
		}
	}
	out := normalized(k)
	join := func(list *[]string, vals ...string) {
		for _, v := range vals {
			if v == out.Name && list == &out.Notes {
				m.hits["merge dropped a note equal to the kept name"]++
			}
			if v != "" && v != out.Name && !slices.Contains(*list, v) {
				*list = append(*list, v)
			}
		}
	}
	for _, id := range merged {
		e := m.entities[id]
		join(&out.Aliases, e.Name)
		join(&out.Aliases, e.Aliases...)
		join(&out.Sources, e.Sources...)
		join(&out.Notes, e.Notes...)
		if out.Description == "" {
			out.Description = e.Description
		}
	}
	isMerged := func(id string) bool { return slices.Contains(merged, id) }
	moveEnd := func(id string) string {
		if isMerged(id) {
			return keep
		}
		return id
	}
	var moving []*kg.Relation
	seen := map[string]bool{}
	for _, id := range merged {
		for _, r := range m.touching(id) {
			if !seen[r.ID] {
				seen[r.ID] = true
				moving = append(moving, r)
			}
		}
	}
	for _, r := range moving {
		delete(m.relations, r.ID)
	}
	for _, r := range moving {
		from, to := moveEnd(r.From), moveEnd(r.To)
		if from == to {
			m.hits["merge dropped a relation between merged entities"]++
			continue
		}
		moved := normalizedRel(r)
		moved.From, moved.To = from, to
		moved.ID = kg.RelationID(moved.Type, from, to, moved.Role)
		cur := m.relations[moved.ID]
		if cur == nil {
			m.hits["merge moved a relation"]++
			m.relations[moved.ID] = moved
			continue
		}
		m.hits["merge joined two relations"]++
		for _, s := range moved.Sources {
			if !slices.Contains(cur.Sources, s) {
				cur.Sources = append(cur.Sources, s)
			}
		}
		if cur.Quote == "" {
			cur.Quote = moved.Quote
		}
	}
	for _, id := range merged {
		delete(m.entities, id)
	}
	m.entities[keep] = out
	for from, to := range m.redirects {
		if isMerged(to) {
			m.hits["merge moved a redirect"]++
			m.redirects[from] = keep
		}
	}
	for _, id := range merged {
		m.redirects[id] = keep
	}
	return ""
}

// importFile predicts bulk.Read, bulk.Check and bulk.Import of a file.
//
// The check refuses the whole file (codeCheck, nothing written) when an
// entity or relation cites no source or an unknown one (the file's
// sources count), a relation is given twice, joins an entity that is
// neither in the file nor in the store or joins kinds its type does not,
// or a redirect leads to an entity that is neither in the file nor in the
// store or starts from an entity of the file.
//
// Then the records are merged by ID, batch by batch, each batch all or
// nothing: sources, entities, relations, redirects (which move the
// redirects to their ID along, as merges do). An entity whose ID was
// merged away is refused with EINVALID when its batch is applied, after
// the earlier batches were written; in strict mode the check refuses it,
// as the README promises ("a file with any problem writes nothing"), and
// refuses a redirect from an entity of the store, or to an entity of
// another kind, too.
func (m *model) importFile(f *importFile) string {
	fileKinds := map[string]kg.Kind{}
	for _, rec := range f.Records {
		fileKinds[rec.Entity.ID] = rec.Entity.Kind
	}
	fileSources := map[string]bool{}
	for _, s := range f.Sources {
		fileSources[s.ID] = true
	}
	kind := func(id string) (kg.Kind, bool) {
		if k, ok := fileKinds[id]; ok {
			return k, true
		}
		if e := m.entities[id]; e != nil {
			return e.Kind, true
		}
		return "", false
	}
	bad := false
	seen := map[string]bool{}
	var rels []*kg.Relation
	for _, rec := range f.Records {
		if !m.cites(rec.Entity.Sources, fileSources) {
			bad = true
		}
		if m.strict && m.redirects[rec.Entity.ID] != "" {
			bad = true
		}
		for _, l := range rec.Links {
			r := normalizedRel(l)
			if seen[r.ID] {
				bad = true
			}
			seen[r.ID] = true
			fk, okF := kind(r.From)
			tk, okT := kind(r.To)
			if !okF || !okT || !fits(r.Type, fk, tk) || !m.cites(r.Sources, fileSources) {
				bad = true
			}
			rels = append(rels, r)
		}
	}
	for _, rd := range f.Redirects {
		_, toOK := kind(rd.To)
		_, fromInFile := fileKinds[rd.From]
		if !toOK || fromInFile || m.strict && (m.entities[rd.From] != nil || kindOf(rd.From) != kindOf(rd.To)) {
			bad = true
		}
	}
	if bad {
		m.hits["import refused by the check"]++
		return codeCheck
	}
	batch := f.Batch
	if batch <= 0 {
		batch = 1000
	}
	for _, s := range f.Sources {
		c := *s
		m.sources[c.ID] = &c
	}
	for chunk := range slices.Chunk(f.Records, batch) {
		for _, rec := range chunk {
			if m.redirects[rec.Entity.ID] != "" {
				m.hits["import refused part-way"]++
				return kg.EINVALID
			}
		}
		for _, rec := range chunk {
			m.entities[rec.Entity.ID] = normalized(rec.Entity)
		}
	}
	for _, r := range rels {
		m.relations[r.ID] = r
	}
	for chunk := range slices.Chunk(f.Redirects, batch) {
		before := map[string]string{}
		for from, to := range m.redirects {
			before[from] = to
		}
		for _, rd := range chunk {
			m.redirects[rd.From] = rd.To
			for from, to := range before {
				if to == rd.From {
					m.redirects[from] = rd.To
				}
			}
		}
	}
	return ""
}

// seed predicts service.Seed: a dataset that does not validate changes nothing
// (EINVALID); otherwise sources and entities are written only when their
// ID is free (an entity's not merged away either), the relations of the
// entities written come along with their ends resolved through redirects
// (skipped when an end does not exist, or when resolving makes a relation
// between two entities a self-relation), and redirects from IDs that are
// neither entities nor redirected are written to the resolved target.
func (m *model) seed(d *kg.Dataset) string {
	if !validDataset(d) {
		return kg.EINVALID
	}
	created := map[string]bool{}
	resolve := func(id string) string {
		if created[id] || m.entities[id] != nil {
			return id
		}
		if to := m.redirects[id]; to != "" && m.entities[to] != nil {
			return to
		}
		return ""
	}
	var puts []*kg.Relation
	var redirects []kg.Redirect
	for _, s := range d.Sources {
		if m.sources[s.ID] == nil {
			c := *s
			m.sources[c.ID] = &c
		}
	}
	for _, e := range d.Entities {
		if m.entities[e.ID] == nil && m.redirects[e.ID] == "" {
			created[e.ID] = true
		}
	}
	for _, r := range d.Relations {
		owner := r.From
		if r.Type == kg.RelParticipatedIn {
			owner = r.To
		}
		if !created[owner] {
			continue
		}
		from, to := resolve(r.From), resolve(r.To)
		if from == "" || to == "" || from == to && r.From != r.To {
			m.hits["seed skipped a relation"]++
			continue
		}
		if from != r.From || to != r.To {
			m.hits["seed resolved a redirect"]++
		}
		c := normalizedRel(r)
		c.From, c.To = from, to
		c.ID = kg.RelationID(c.Type, from, to, c.Role)
		puts = append(puts, c)
	}
	for _, rd := range d.Redirects {
		if created[rd.From] || m.entities[rd.From] != nil || m.redirects[rd.From] != "" || resolve(rd.To) == "" {
			continue
		}
		redirects = append(redirects, kg.Redirect{From: rd.From, To: resolve(rd.To)})
	}
	for _, e := range d.Entities {
		if created[e.ID] {
			m.entities[e.ID] = normalized(e)
		}
	}
	for _, r := range puts {
		m.relations[r.ID] = r
	}
	for _, rd := range redirects {
		m.redirects[rd.From] = rd.To
	}
	return ""
}

// validDataset checks what the generator may get wrong in a seed dataset
// on purpose: every record cites sources of the dataset, and every
// relation joins entities of the dataset of fitting kinds.
func validDataset(d *kg.Dataset) bool {
	sources := map[string]bool{}
	for _, s := range d.Sources {
		sources[s.ID] = true
	}
	cited := func(ids []string) bool {
		if len(ids) == 0 {
			return false
		}
		for _, id := range ids {
			if !sources[id] {
				return false
			}
		}
		return true
	}
	kinds := map[string]kg.Kind{}
	for _, e := range d.Entities {
		if !cited(e.Sources) {
			return false
		}
		kinds[e.ID] = e.Kind
	}
	seen := map[string]bool{}
	for _, r := range d.Relations {
		fk, okF := kinds[r.From]
		tk, okT := kinds[r.To]
		id := kg.RelationID(r.Type, r.From, r.To, r.Role)
		if !okF || !okT || !fits(r.Type, fk, tk) || !cited(r.Sources) || seen[id] {
			return false
		}
		seen[id] = true
	}
	for _, rd := range d.Redirects {
		if _, ok := kinds[rd.From]; ok {
			return false
		}
		if _, ok := kinds[rd.To]; !ok {
			return false
		}
	}
	return true
}
