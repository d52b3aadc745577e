package modeltest_test

import (
	"maps"
	"math/rand/v2"
	"slices"

	"github.com/puente-kg/puente/kg"
)

// The universe of a sequence: few IDs, so that writes collide, merges meet
// entities with relations, deletions meet participants and merged-away
// IDs come up again.
var (
	persons   = []string{"person:ana", "person:bo", "person:cy"}
	orgs      = []string{"org:acme", "org:beta", "org:coop"}
	countries = []string{"country:peru", "country:chile"}
	placeIDs  = []string{"place:lima", "place:callao"}
	eventIDs  = []string{"event:e1", "event:e2", "event:e3", "event:e4"}
	sourceIDs = []string{"source:m-a", "source:m-b", "source:m-c"}
	nonEvents = slices.Concat(persons, orgs, countries, placeIDs)
	allIDs    = slices.Concat(nonEvents, eventIDs)

	namePool = []string{"Ana", "Bo", "Acme", "Beta", "Lima", "Peru"}
	notePool = []string{"n1", "n2", "Acme"}
	// quotePool holds quotes that the titles and excerpts of the sources
	// the sequences write hold ("Source A", "An excerpt.", "Imported m-a",
	// "Seeded m-b"...) or do not.
	quotePool = []string{"", "", "", "Source", "excerpt", "m-", "q1"}
	rolePool  = []kg.Role{"HOST", "GUEST", kg.RoleInvestor}
)

var structuralTypes = []kg.RelationType{kg.RelHoldsPosition, kg.RelBasedIn, kg.RelLocatedIn,
	kg.RelCitizenOf, kg.RelMemberOf, kg.RelPartOf, kg.RelOwns}

func idsOf(k kg.Kind) []string {
	var out []string
	for _, id := range allIDs {
		if kindOf(id) == k {
			out = append(out, id)
		}
	}
	return out
}

// gen generates the operations of one sequence, following the model
// along so that it can aim at entities that exist, were merged away or
// were deleted.
type gen struct {
	r *rand.Rand
	m *model
	// known also generates the operations of knownBugs.
	known bool
}

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func one[T any](g *gen, list []T) T { return list[g.r.IntN(len(list))] }

// pickID picks among cands, mostly one that exists, sometimes one that was
// merged away.
func (g *gen) pickID(cands []string) string { return g.pickFrom(cands, 0.85, 0.05) }

// pickFrom picks among cands one that exists with probability existing,
// one merged away with probability merged, else any.
func (g *gen) pickFrom(cands []string, existing, merged float64) string {
	var have, gone []string
	for _, id := range cands {
		switch {
		case g.m.entities[id] != nil:
			have = append(have, id)
		case g.m.redirects[id] != "":
			gone = append(gone, id)
		}
	}
	switch p := g.r.Float64(); {
	case p < existing && len(have) > 0:
		return one(g, have)
	case p < existing+merged && len(gone) > 0:
		return one(g, gone)
	}
	return one(g, cands)
}

// target picks the other end of a relation among cands: mostly one that
// exists; when none does, usually none (ok false), so that a sequence
// grows its graph rather than have every write refused.
func (g *gen) target(cands []string) (string, bool) {
	for _, id := range cands {
		if g.m.entities[id] != nil {
			return g.pickFrom(cands, 0.88, 0.04), true
		}
	}
	if g.chance(0.2) {
		return g.pickFrom(cands, 0, 0.3), true
	}
	return "", false
}

// sources picks the sources a record cites: usually one or two that
// exist, rarely none or an unknown one.
func (g *gen) sources(pool []string) []string {
	if g.chance(0.02) {
		return nil
	}
	var known []string
	for _, id := range pool {
		if g.m.sources[id] != nil {
			known = append(known, id)
		}
	}
	if len(known) == 0 || g.chance(0.03) {
		known = pool
	}
	out := []string{one(g, known)}
	if g.chance(0.35) {
		if s := one(g, known); s != out[0] {
			out = append(out, s)
		}
	}
	return out
}

func (g *gen) list(pool []string, max int) []string {
	var out []string
	for range g.r.IntN(max + 1) {
		out = append(out, one(g, pool))
	}
	return out
}

// entity returns an entity with fields fit for its kind.
func (g *gen) entity(id string, sources []string) *kg.Entity {
	e := &kg.Entity{ID: id, Kind: kindOf(id), Name: one(g, namePool), Aliases: g.list(namePool, 2),
		Description: one(g, []string{"", "", "d1", "d2"}), Sources: sources, Notes: g.list(notePool, 2)}
	switch e.Kind {
	case kg.KindCountry:
		e.CountryCode = one(g, []string{"", "PE", "CL"})
	case kg.KindOrganization:
		e.OrgType = one(g, []kg.OrgType{"", "COMPANY", "GOVERNMENT"})
	case kg.KindPlace:
		e.PlaceType = one(g, []kg.PlaceType{"", "CITY", "PORT"})
	case kg.KindEvent:
		e.Name = one(g, []string{"Meeting", "Talks", "Deal"})
		e.Category = one(g, []kg.Category{kg.CategoryMeeting, kg.CategoryInvestment})
		if d := one(g, []string{"", "2021-11-10", "2021-11"}); d != "" {
			e.Date = kg.MustParseDate(d)
		}
		e.Status = one(g, []kg.Status{"", "HELD"})
		if g.chance(0.2) {
			e.Amount = &kg.Money{Amount: float64(1 + g.r.IntN(3)), Currency: "USD"}
		}
	}
	return e
}

// relation returns a structural relation from an entity of kind k: mostly
// of a type and to an entity that fit, sometimes to itself, now and then
// one that does not fit.
func (g *gen) relation(from string, targets []string, sources []string) *kg.Relation {
	// (nil when no target fits)
	k := kindOf(from)
	var types []kg.RelationType
	for _, t := range structuralTypes {
		for _, to := range kg.Kinds {
			if fits(t, k, to) {
				types = append(types, t)
				break
			}
		}
	}
	if len(types) == 0 || g.chance(0.05) {
		types = structuralTypes
	}
	t := one(g, types)
	var to string
	if fits(t, k, k) && g.chance(0.2) {
		to = from
	} else {
		var cands []string
		for _, id := range targets {
			if fits(t, k, kindOf(id)) {
				cands = append(cands, id)
			}
		}
		if len(cands) == 0 || g.chance(0.05) {
			cands = targets
		}
		var ok bool
		if to, ok = g.target(cands); !ok {
			return nil
		}
	}
	r := &kg.Relation{Type: t, From: from, To: to, Quote: one(g, quotePool), Sources: sources}
	g.basis(r, nil)
	if t == kg.RelHoldsPosition {
		r.Title = one(g, []string{"Chair", "CEO"})
	}
	if g.chance(0.1) {
		r.StartDate = kg.MustParseDate("2020")
		if g.chance(0.5) {
			r.EndDate = kg.MustParseDate("2021-06")
		}
	}
	return r
}

// basis gives a relation a basis: mostly STATED (said or left out), now
// and then BACKGROUND (with a note, maybe a reference source) or INFERRED
// (with a rule, resting on relations of the model or of the same write,
// extra), and sometimes with a field its basis forbids or lacks.
func (g *gen) basis(r *kg.Relation, extra []string) {
	switch p := g.r.Float64(); {
	case p < 0.4:
	case p < 0.8:
		r.Basis = "STATED"
	case p < 0.9:
		r.Basis = "BACKGROUND"
		r.Note = one(g, []string{"bg", "bg", "bg", " "})
		if g.chance(0.6) {
			r.Sources = nil
		}
		if g.chance(0.7) {
			r.Quote = ""
		}
	default:
		r.Basis = "INFERRED"
		r.Rule = one(g, append(slices.Clone(rules), ""))
		cands := slices.Sorted(maps.Keys(g.m.relations))
		cands = append(cands, extra...)
		if len(cands) == 0 || g.chance(0.05) {
			cands = append(cands, "OWNS:org:acme>org:beta", "not-a-relation")
		}
		r.RestsOn = []string{one(g, cands)}
		if g.chance(0.3) {
			if id := one(g, cands); id != r.RestsOn[0] {
				r.RestsOn = append(r.RestsOn, id)
			}
		}
		if g.chance(0.9) {
			r.Sources, r.Quote = nil, ""
		}
	}
}

func (g *gen) count(weights ...float64) int {
	p := g.r.Float64()
	for i, w := range weights {
		if p < w {
			return i
		}
		p -= w
	}
	return len(weights)
}

func (g *gen) sourceOp() *op {
	s := &kg.Source{ID: one(g, sourceIDs), Title: one(g, []string{"Source A", "Source B"})}
	if g.chance(0.3) {
		u := "https://example.org/" + s.ID[len("source:"):]
		s.URL = &u
		s.Publisher, s.PublishedAt, s.Excerpt = "Example", kg.MustParseDate("2021-11"), "An excerpt."
	}
	return &op{Kind: opSource, Source: s}
}

func (g *gen) entityOp() *op {
	id := g.pickFrom(nonEvents, 0.5, 0.1)
	e := g.entity(id, g.sources(sourceIDs))
	o := &op{Kind: opEntity, Entity: e}
	for range g.count(0.3, 0.35, 0.25) {
		r := g.relation(id, allIDs, g.sources(sourceIDs))
		if r == nil {
			continue
		}
		if g.chance(0.03) {
			r.Type, r.Title = kg.RelParticipatedIn, "" // written with upsertEvent: refused
		}
		r.From = ""
		o.Relations = append(o.Relations, r)
	}
	if n := len(o.Relations); n > 0 && g.chance(0.05) {
		dup := *o.Relations[n-1]
		dup.Note = "again"
		o.Relations = append(o.Relations, &dup)
	}
	o.Replace = g.chance(0.85)
	if len(o.Relations) == 0 {
		o.Replace = g.chance(0.35)
	}
	return o
}

func (g *gen) eventOp() *op {
	id := g.pickFrom(eventIDs, 0.5, 0.1)
	o := &op{Kind: opEvent, Entity: g.entity(id, g.sources(sourceIDs))}
	for range g.count(0.15, 0.3, 0.35) {
		cands := nonEvents
		if g.chance(0.04) {
			cands = eventIDs
		}
		from, ok := g.target(cands)
		if !ok {
			continue
		}
		p := &kg.Relation{From: from, Role: one(g, rolePool), Quote: one(g, quotePool)}
		if slices.ContainsFunc(o.Participants, func(q *kg.Relation) bool { return q.From == p.From && q.Role == p.Role }) {
			continue
		}
		if g.chance(0.5) {
			p.Sources = g.sources(sourceIDs)
		}
		var same []string // the participations of this write so far
		for _, q := range o.Participants {
			same = append(same, kg.RelationID(kg.RelParticipatedIn, q.From, id, q.Role))
		}
		g.basis(p, same)
		o.Participants = append(o.Participants, p)
	}
	if n := len(o.Participants); n > 0 && g.chance(0.04) {
		dup := *o.Participants[n-1]
		o.Participants = append(o.Participants, &dup) // twice with one role: refused
	}
	for range g.count(0.4, 0.45) {
		cands := slices.Concat(placeIDs, countries)
		if g.chance(0.05) {
			cands = orgs
		}
		if to, ok := g.target(cands); ok {
			o.Places = append(o.Places, to)
		}
	}
	return o
}

func (g *gen) mergeOp() *op {
	// Mostly entities of a kind with two that exist.
	var kinds []kg.Kind
	for _, k := range kg.Kinds {
		n := 0
		for _, id := range idsOf(k) {
			if g.m.entities[id] != nil {
				n++
			}
		}
		if n >= 2 {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) == 0 && g.chance(0.8) {
		return nil // nothing to merge yet: another operation
	}
	if len(kinds) == 0 || g.chance(0.1) {
		kinds = kg.Kinds
	}
	ids := idsOf(one(g, kinds))
	keep := g.pickID(ids)
	o := &op{Kind: opMerge, Keep: keep}
	for i := range 1 + g.count(0.7) {
		var cands []string
		for _, id := range ids {
			if id != keep && !slices.Contains(o.Merge, id) {
				cands = append(cands, id)
			}
		}
		if i > 0 && !slices.ContainsFunc(cands, func(id string) bool { return g.m.entities[id] != nil }) && g.chance(0.8) {
			break
		}
		switch {
		case g.chance(0.04):
			cands = []string{keep} // named twice: refused
		case g.chance(0.06) || len(cands) == 0:
			cands = allIDs
		}
		o.Merge = append(o.Merge, g.pickID(cands))
	}
	if g.chance(0.02) {
		o.Merge = nil
	}
	return o
}

func (g *gen) deleteOp() *op { return &op{Kind: opDelete, ID: g.pickID(allIDs)} }

func (g *gen) importOp() *op {
	f := &importFile{Batch: one(g, []int{0, 0, 1, 2})}
	for _, id := range g.list(sourceIDs, 2) {
		if !slices.ContainsFunc(f.Sources, func(s *kg.Source) bool { return s.ID == id }) {
			f.Sources = append(f.Sources, &kg.Source{ID: id, Title: "Imported " + id[len("source:"):]})
		}
	}
	var fileIDs []string
	for range g.count(0.15, 0.35, 0.3) {
		id := g.pickID(allIDs)
		if slices.Contains(fileIDs, id) {
			continue
		}
		fileIDs = append(fileIDs, id)
	}
	// Sources the file may cite: its own, and the store's.
	pool := slices.Clone(sourceIDs)
	targets := slices.Concat(fileIDs, allIDs)
	for _, id := range fileIDs {
		e := g.entity(id, g.sources(pool))
		if g.chance(0.2) {
			e.CreatedAt, e.CreatedBy, e.UpdatedBy, e.Version = "2020-01-02T03:04:05Z", "import#test", "import#test", 3
		}
		rec := importRecord{Entity: e}
		if e.Kind != kg.KindEvent {
			for range g.count(0.5, 0.35) {
				if r := g.relation(id, targets, g.sources(pool)); r != nil {
					rec.Links = append(rec.Links, r)
				}
			}
		} else {
			for range g.count(0.3, 0.4) {
				from, ok := g.target(slices.Concat(fileIDs, nonEvents))
				if !ok {
					continue
				}
				p := &kg.Relation{Type: kg.RelParticipatedIn, From: from, To: id,
					Role: one(g, rolePool), Quote: one(g, quotePool), Sources: g.sources(pool)}
				g.basis(p, nil)
				rec.Links = append(rec.Links, p)
			}
			if to, ok := g.target(slices.Concat(placeIDs, countries)); ok && g.chance(0.4) {
				rec.Links = append(rec.Links, &kg.Relation{Type: kg.RelHeldAt, From: id, To: to, Sources: g.sources(pool)})
			}
		}
		// Drop a relation given twice in one line, which the check would
		// refuse without saying much.
		rec.Links = slices.CompactFunc(rec.Links, func(a, b *kg.Relation) bool {
			return kg.RelationID(a.Type, a.From, a.To, a.Role) == kg.RelationID(b.Type, b.From, b.To, b.Role)
		})
		f.Records = append(f.Records, rec)
	}
	if g.chance(0.3) {
		var froms []string
		for _, id := range allIDs {
			if !slices.Contains(fileIDs, id) && (g.known || g.m.entities[id] == nil) {
				froms = append(froms, id)
			}
		}
		if len(froms) > 0 {
			from := one(g, froms)
			cands := idsOf(kindOf(from))
			if g.known && g.chance(0.05) {
				cands = allIDs // across kinds: see knownBugs
			}
			var tos []string
			for _, id := range cands {
				if id != from && (g.m.entities[id] != nil || slices.Contains(fileIDs, id) || g.chance(0.1)) {
					tos = append(tos, id)
				}
			}
			if len(tos) > 0 {
				f.Redirects = append(f.Redirects, kg.Redirect{From: from, To: one(g, tos)})
			}
		}
	}
	return &op{Kind: opImport, Import: f}
}

func (g *gen) seedOp() *op {
	d := &kg.Dataset{Version: 1}
	var srcIDs []string
	for _, id := range append(g.list(sourceIDs, 1), one(g, sourceIDs)) {
		if !slices.Contains(srcIDs, id) {
			srcIDs = append(srcIDs, id)
			d.Sources = append(d.Sources, &kg.Source{ID: id, Title: "Seeded " + id[len("source:"):]})
		}
	}
	var ids []string
	for range 1 + g.count(0.4, 0.4) {
		if id := g.pickFrom(allIDs, 0.35, 0.3); !slices.Contains(ids, id) {
			ids = append(ids, id)
			// Name what a merged-away ID leads to, mostly (see knownBugs).
			if to := g.m.redirects[id]; to != "" && !slices.Contains(ids, to) && g.chance(0.8) {
				ids = append(ids, to)
			}
		}
	}
	cite := func() []string {
		if len(srcIDs) == 0 || g.chance(0.03) {
			return []string{one(g, sourceIDs)} // maybe not in the dataset: refused
		}
		return []string{one(g, srcIDs)}
	}
	for _, id := range ids {
		d.Entities = append(d.Entities, g.entity(id, cite()))
	}
	seen := map[string]bool{}
	for range g.count(0.3, 0.3, 0.25) {
		a, b := one(g, ids), one(g, ids)
		// Mostly from an entity the seed writes: only those bring relations.
		var fresh []string
		for _, id := range ids {
			if g.m.entities[id] == nil && g.m.redirects[id] == "" {
				fresh = append(fresh, id)
			}
		}
		if len(fresh) > 0 && g.chance(0.7) {
			a = one(g, fresh)
		}
		var r *kg.Relation
		switch {
		case kindOf(b) == kg.KindEvent && kindOf(a) != kg.KindEvent:
			r = &kg.Relation{Type: kg.RelParticipatedIn, From: a, To: b, Role: one(g, rolePool)}
		case kindOf(a) == kg.KindEvent && fits(kg.RelHeldAt, kg.KindEvent, kindOf(b)):
			r = &kg.Relation{Type: kg.RelHeldAt, From: a, To: b}
		default:
			var types []kg.RelationType
			for _, t := range structuralTypes {
				if fits(t, kindOf(a), kindOf(b)) || g.chance(0.01) {
					types = append(types, t)
				}
			}
			if len(types) == 0 {
				continue
			}
			r = &kg.Relation{Type: one(g, types), From: a, To: b, Quote: one(g, quotePool)}
			if r.Type == kg.RelHoldsPosition {
				r.Title = "Chair"
			}
		}
		r.Sources = cite()
		if id := kg.RelationID(r.Type, r.From, r.To, r.Role); !seen[id] {
			seen[id] = true
			d.Relations = append(d.Relations, r)
		}
	}
	if g.chance(0.25) {
		from := g.pickID(allIDs)
		var tos []string
		for _, id := range ids {
			if kindOf(id) == kindOf(from) {
				tos = append(tos, id)
			}
		}
		if !slices.Contains(ids, from) && len(tos) > 0 {
			d.Redirects = append(d.Redirects, kg.Redirect{From: from, To: one(g, tos)})
		}
	}
	return &op{Kind: opSeed, Dataset: d}
}

// next returns the next operation of the sequence, one that triggers no
// known bug unless g.known.
func (g *gen) next() *op {
	for {
		var o *op
		switch p := g.r.Float64(); {
		case p < 0.08:
			o = g.sourceOp()
		case p < 0.36:
			o = g.entityOp()
		case p < 0.56:
			o = g.eventOp()
		case p < 0.75:
			o = g.mergeOp()
		case p < 0.84:
			o = g.deleteOp()
		case p < 0.95:
			o = g.importOp()
		default:
			o = g.seedOp()
		}
		if o != nil && (g.known || knownBug(g.m, o) == "") {
			return o
		}
	}
}

// sequence generates the operations of the sequence of a seed: two
// sources, four to eight entities and events without relations, then 20
// to 40 operations.
func sequence(seed uint64, known bool) []*op {
	g := &gen{r: rand.New(rand.NewPCG(seed, 0x6d6f64656c)), m: newModel(known), known: known}
	ops := []*op{
		{Kind: opSource, Source: &kg.Source{ID: sourceIDs[0], Title: "Source A"}},
		{Kind: opSource, Source: &kg.Source{ID: sourceIDs[1], Title: "Source B"}},
	}
	for _, o := range ops {
		g.m.apply(o)
	}
	for range 4 + g.r.IntN(5) {
		id := g.pickFrom(allIDs, 0, 0)
		o := &op{Kind: opEntity, Entity: g.entity(id, []string{one(g, sourceIDs[:2])}), Replace: true}
		if kindOf(id) == kg.KindEvent {
			o.Kind, o.Replace = opEvent, false
		}
		g.m.apply(o.fresh())
		ops = append(ops, o)
	}
	for range 20 + g.r.IntN(21) {
		o := g.next()
		g.m.apply(o.fresh())
		ops = append(ops, o)
	}
	return ops
}
