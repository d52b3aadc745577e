package modeltest_test

import (
	"cmp"
	"maps"
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

// normalizedRel returns a copy of r with its ID and basis set (STATED when
// it has none) and without provenance.
func normalizedRel(r *kg.Relation) *kg.Relation {
	c := *r
	c.Sources = slices.Clone(r.Sources)
	c.RestsOn = slices.Clone(r.RestsOn)
	c.Basis = basisOf(r)
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

// source returns the model's source with the ID, or nil.
func (m *model) source(id string) *kg.Source { return m.sources[id] }

// known reports whether every ID names a source (of the model, or extra).
func (m *model) known(ids []string, extra map[string]bool) bool {
	for _, id := range ids {
		if m.sources[id] == nil && !extra[id] {
			return false
		}
	}
	return true
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
		return m.upsertSource(o.Source)
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

// upsertSource replaces a source, unless its new text (title and excerpt)
// no longer holds the quote of a relation that cites it (and no other
// source the relation cites holds it): EINVALID.
func (m *model) upsertSource(src *kg.Source) string {
	c := *src
	source := func(id string) *kg.Source {
		if id == c.ID {
			return &c
		}
		return m.sources[id]
	}
	for _, r := range m.relations {
		if slices.Contains(r.Sources, c.ID) && !quoted(r, source) {
			m.hits["source edit refused: it would take a quote away"]++
			return kg.EINVALID
		}
	}
	m.sources[c.ID] = &c
	return ""
}

// upsertEntity replaces an entity that is not an event and, when replace
// is set, the structural relations it starts. Every refusal is EINVALID:
// an ID that was merged away, a missing or unknown source, a relation to
// an entity that does not exist (other than the entity itself) or of a
// kind the relation type does not join, a relation whose basis fields are
// wrong (see alone), whose quote no source it cites holds, or that rests
// on a fact that is not a STATED relation of the graph as the write leaves
// it. The relations are checked even when they do not replace the old
// ones.
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
		if !alone(r) || !m.known(r.Sources, nil) || !quoted(r, m.source) ||
			m.entities[r.To] == nil && r.To != e.ID || !fits(r.Type, e.Kind, kindOf(r.To)) {
			return kg.EINVALID
		}
	}
	fresh := map[string]*kg.Relation{}
	for _, r := range rels {
		c := normalizedRel(&kg.Relation{Type: r.Type, From: e.ID, To: r.To, Title: r.Title,
			StartDate: r.StartDate, EndDate: r.EndDate, Quote: r.Quote, Sources: r.Sources,
			Basis: r.Basis, Rule: r.Rule, RestsOn: r.RestsOn, Note: r.Note})
		fresh[c.ID] = c // a relation given twice: the last one wins
	}
	after := maps.Clone(m.relations)
	if replace {
		for id, r := range m.relations {
			if r.From == e.ID && structural(r.Type) && fresh[id] == nil {
				delete(after, id)
			}
		}
		maps.Copy(after, fresh)
	}
	for _, r := range rels {
		if !restsOnStated(r, after) {
			return kg.EINVALID
		}
		if len(r.RestsOn) > 0 {
			m.hits["inferred relation written"]++
		}
	}
	m.entities[e.ID] = normalized(e)
	if !replace {
		return ""
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
// their own sources, or, when STATED, the event's when they cite none) and
// places (cited by the event's sources), which replace the ones it had.
// Every refusal is EINVALID: a participant named twice with one role, an
// ID merged away, a missing or unknown source, a participant or place that
// does not exist or has the wrong kind, a participation whose basis fields
// are wrong, whose quote no source it cites holds, or that rests on a fact
// that is not a STATED relation of the graph as the write leaves it.
func (m *model) upsertEvent(ev *kg.Entity, parts []*kg.Relation, places []string) string {
	if ev.Kind != kg.KindEvent {
		return kg.EINVALID
	}
	fresh := map[string]*kg.Relation{}
	var written []*kg.Relation
	for _, p := range parts {
		r := &kg.Relation{Type: kg.RelParticipatedIn, From: p.From, To: ev.ID, Role: p.Role, Quote: p.Quote, Sources: p.Sources,
			Basis: p.Basis, Rule: p.Rule, RestsOn: p.RestsOn, Note: p.Note}
		if len(r.Sources) == 0 && basisOf(r) == "STATED" {
			r.Sources = ev.Sources
		}
		if !alone(r) {
			return kg.EINVALID
		}
		r = normalizedRel(r)
		if fresh[r.ID] != nil {
			return kg.EINVALID
		}
		fresh[r.ID] = r
		written = append(written, r)
	}
	if m.redirects[ev.ID] != "" {
		m.hits["merged-away event ID refused"]++
		return kg.EINVALID
	}
	if !m.cites(ev.Sources, nil) {
		return kg.EINVALID
	}
	for _, r := range written {
		if !m.known(r.Sources, nil) || !quoted(r, m.source) || m.entities[r.From] == nil || !fits(kg.RelParticipatedIn, kindOf(r.From), kg.KindEvent) {
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
	after := maps.Clone(m.relations)
	for id, r := range m.relations {
		ours := r.Type == kg.RelParticipatedIn && r.To == ev.ID || r.Type == kg.RelHeldAt && r.From == ev.ID
		if ours && fresh[id] == nil {
			delete(after, id)
		}
	}
	maps.Copy(after, fresh)
	for _, r := range written {
		if !restsOnStated(r, after) {
			return kg.EINVALID
		}
		if len(r.RestsOn) > 0 {
			m.hits["inferred participation written"]++
		}
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
// the sources it lacks are appended, and its quote fills an empty one,
// when both are STATED; a STATED one replaces the evidence of one of
// another basis; otherwise the first stays as it is.
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
		if basisOf(cur) != basisOf(moved) {
			m.hits["merge joined relations of two bases"]++
		}
		joinRelations(cur, moved)
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
// The read refuses the whole file (codeRead) when a relation's basis
// fields are wrong on their own (see alone: a STATED one that cites no
// source, among others).
//
// The check refuses the whole file (codeCheck, nothing written) when an
// entity cites no source, an entity or relation cites an unknown one (the
// file's sources count), a relation's quote is not in the title or excerpt
// of a source it cites (the file's version of a source counts), a source
// of the file with a new text no longer holds the quote of a relation of
// the store that the file does not replace, a relation is given twice, joins an entity that is neither in the file nor in the
// store or joins kinds its type does not, or a redirect leads to an entity
// that is neither in the file nor in the store or starts from an entity of
// the file.
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
	source := func(id string) *kg.Source {
		for _, s := range f.Sources {
			if s.ID == id {
				return s
			}
		}
		return m.sources[id]
	}
	fileRels := map[string]*kg.Relation{}
	for _, rec := range f.Records {
		for _, l := range rec.Links {
			if !alone(l) {
				m.hits["import refused by the read"]++
				return codeRead
			}
			r := normalizedRel(l)
			fileRels[r.ID] = r
		}
	}
	// A source of the file with a new text must still hold the quotes of
	// the store's relations that cite it, unless the file replaces them.
	for _, src := range f.Sources {
		old := m.sources[src.ID]
		if old == nil || old.Title == src.Title && old.Excerpt == src.Excerpt {
			continue
		}
		for id, r := range m.relations {
			if fileRels[id] == nil && slices.Contains(r.Sources, src.ID) && !quoted(r, source) {
				m.hits["import refused: a source would take a quote away"]++
				return codeCheck
			}
		}
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
			if !okF || !okT || !fits(r.Type, fk, tk) || !m.known(r.Sources, fileSources) || !quoted(r, source) {
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
// (skipped when an end does not exist, when resolving makes a relation
// between two entities a self-relation, or when the store's text of the
// sources it cites does not hold its quote), and redirects from IDs that
// are neither entities nor redirected are written to the resolved target.
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
	// The store's text of a source wins; a quote it does not hold leaves
	// its relation out.
	source := func(id string) *kg.Source { return m.sources[id] }
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
		if !quoted(r, source) {
			m.hits["seed skipped a relation whose quote the stored source lacks"]++
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
// on purpose: every entity cites sources of the dataset, every relation
// joins entities of the dataset of fitting kinds, has the fields its basis
// asks for, cites sources of the dataset, one of which holds its quote,
// and, when INFERRED, rests on STATED relations of the dataset.
func validDataset(d *kg.Dataset) bool {
	sources := map[string]*kg.Source{}
	for _, s := range d.Sources {
		sources[s.ID] = s
	}
	source := func(id string) *kg.Source { return sources[id] }
	known := func(ids []string) bool {
		for _, id := range ids {
			if sources[id] == nil {
				return false
			}
		}
		return true
	}
	cited := func(ids []string) bool { return len(ids) > 0 && known(ids) }
	rels := map[string]*kg.Relation{}
	for _, r := range d.Relations {
		rels[kg.RelationID(r.Type, r.From, r.To, r.Role)] = r
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
		if !okF || !okT || !fits(r.Type, fk, tk) || !alone(r) || !known(r.Sources) || !quoted(r, source) || !restsOnStated(r, rels) || seen[id] {
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
