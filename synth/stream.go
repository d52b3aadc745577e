package synth

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/puente-kg/puente/kg"
)

// Sink receives a generated graph record by record.
type Sink interface {
	// Source receives a source.
	Source(s *kg.Source) error
	// Entity receives an entity or event with the relations it owns: a
	// participation belongs to its event, any other relation to the
	// entity it starts from. They come by relation ID.
	Entity(e *kg.Entity, owned []*kg.Relation) error
}

// Description describes the graph Stream makes for n and seed.
func Description(n int, seed uint64) string {
	return fmt.Sprintf("synthetic graph of %d entities, seed %d", max(n, Countries+10), seed)
}

// plan is a generated graph as a few numbers per entity: indexes into the
// sources, countries, places, organizations and actors (people, then
// organizations), drawn in a fixed order from one random source so that
// the graph depends on n and the seed only.
type plan struct {
	nSources                 int
	countrySrc               []int32
	placeSrc, placeCountry   []int32
	placeRelSrc              []int32
	orgSrc, orgCountry       []int32
	orgRelSrc                []int32
	personSrc, personCountry []int32
	personCitSrc             []int32
	personOrg, personOrgSrc  []int32 // personOrg is -1 without organizations
	events                   []event
	participants             []participant
}

// event is a generated event; its participants are plan.participants[first:first+count].
type event struct {
	cat             uint8
	year, month     uint8
	day             uint8
	count           uint8
	src             int32
	amount          int32 // thousands of USD, 0 for none
	place, placeSrc int32 // place is -1 without places
	first           int32
}

type participant struct {
	actor int32 // people first, then organizations
	role  uint8
	src   int32
}

// draw makes the plan of a graph of n entities.
func draw(n int, seed uint64) *plan {
	r := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	p := &plan{nSources: max(10, n/1000)}
	src := func() int32 { return int32(r.IntN(p.nSources)) }
	rest := n - Countries
	nPlaces, nOrgs, nPeople := rest*5/100, rest*35/100, rest*25/100
	nEvents := rest - nPlaces - nOrgs - nPeople
	p.countrySrc = make([]int32, Countries)
	for i := range Countries {
		p.countrySrc[i] = src()
	}
	countryZ := newZipf(r, Countries)
	p.placeSrc, p.placeCountry, p.placeRelSrc = make([]int32, nPlaces), make([]int32, nPlaces), make([]int32, nPlaces)
	for i := range nPlaces {
		p.placeSrc[i] = src()
		p.placeCountry[i] = int32(countryZ.next())
		p.placeRelSrc[i] = src()
	}
	p.orgSrc, p.orgCountry, p.orgRelSrc = make([]int32, nOrgs), make([]int32, nOrgs), make([]int32, nOrgs)
	for i := range nOrgs {
		p.orgSrc[i] = src()
		p.orgCountry[i] = int32(countryZ.next())
		p.orgRelSrc[i] = src()
	}
	orgZ := newZipf(r, max(nOrgs, 2))
	p.personSrc, p.personCountry, p.personCitSrc = make([]int32, nPeople), make([]int32, nPeople), make([]int32, nPeople)
	p.personOrg, p.personOrgSrc = make([]int32, nPeople), make([]int32, nPeople)
	for i := range nPeople {
		p.personSrc[i] = src()
		p.personCountry[i] = int32(countryZ.next())
		p.personCitSrc[i] = src()
		p.personOrg[i] = -1
		if nOrgs > 0 {
			p.personOrg[i] = int32(orgZ.next())
			p.personOrgSrc[i] = src()
		}
	}
	actorZ := newZipf(r, max(nPeople+nOrgs, 2))
	p.events = make([]event, nEvents)
	for i := range nEvents {
		ev := &p.events[i]
		ev.cat = uint8(r.IntN(len(categories)))
		ev.year, ev.month, ev.day = uint8(r.IntN(10)), uint8(r.IntN(12)), uint8(r.IntN(28))
		ev.src = src()
		if cat := categories[ev.cat]; cat == kg.CategoryInvestment || cat == kg.CategoryDonation {
			ev.amount = int32(1 + r.IntN(1000))
		}
		ev.place = -1
		if nPlaces > 0 {
			ev.place = int32(r.IntN(nPlaces))
			ev.placeSrc = src()
		}
		ev.first = int32(len(p.participants))
		var seen [5]int32
		k := 2 + r.IntN(4)
		for j := range k {
			a := int32(actorZ.next())
			if slices.Contains(seen[:ev.count], a) {
				continue
			}
			seen[ev.count] = a
			ev.count++
			role := uint8(r.IntN(len(roles)))
			if j == 0 && categories[ev.cat] == kg.CategoryInvestment {
				role = 255 // investor
			}
			p.participants = append(p.participants, participant{actor: a, role: role, src: src()})
		}
	}
	return p
}

// byID returns 0..n-1 in the order of the IDs prefix+"synth-"+i: by the
// decimal digits as text.
func byID(n int) []int32 {
	idx := make([]int32, n)
	for i := range idx {
		idx[i] = int32(i)
	}
	var a, b [12]byte
	slices.SortFunc(idx, func(x, y int32) int {
		return cmp.Compare(string(strconv.AppendInt(a[:0], int64(x), 10)), string(strconv.AppendInt(b[:0], int64(y), 10)))
	})
	return idx
}

// Stream generates the graph Generate returns and hands it to the sink in
// the order of the import format: sources, then entities other than events,
// then events, each by ID. Progress, when set, is called as entities are
// handed over. Its memory is a few dozen bytes per entity, never a record
// per entity.
func Stream(n int, seed uint64, progress func(done, total int), sink Sink) error {
	n = max(n, Countries+10)
	p := draw(n, seed)
	srcID := func(i int32) []string { return []string{"source:synth-" + strconv.Itoa(int(i))} }
	id := func(prefix string, i int32) string { return prefix + "synth-" + strconv.Itoa(int(i)) }
	country := func(i int32) string { return id("country:", i) }
	actor := func(a int32) string {
		if int(a) < len(p.personSrc) {
			return id("person:", a)
		}
		return id("org:", a-int32(len(p.personSrc)))
	}
	rel := func(t kg.RelationType, from, to string, role kg.Role, title string, src int32) *kg.Relation {
		x := &kg.Relation{Type: t, From: from, To: to, Role: role, Title: title, Sources: srcID(src)}
		x.ID = kg.RelationID(x.Type, x.From, x.To, x.Role)
		return x
	}
	for _, i := range byID(p.nSources) {
		s := &kg.Source{ID: id("source:", i), Title: fmt.Sprintf("Synthetic report %d", i),
			PublishedAt: kg.Date{Year: 2021, Month: 1 + int(i)%12}}
		if err := sink.Source(s); err != nil {
			return err
		}
	}
	done := 0
	emit := func(e *kg.Entity, owned ...*kg.Relation) error {
		slices.SortFunc(owned, func(a, b *kg.Relation) int { return cmp.Compare(a.ID, b.ID) })
		done++
		if progress != nil && (done%10000 == 0 || done == n) {
			progress(done, n)
		}
		return sink.Entity(e, owned)
	}
	// Entities other than events, by ID: country: < org: < person: < place:.
	for _, i := range byID(Countries) {
		e := &kg.Entity{ID: country(i), Kind: kg.KindCountry, Name: fmt.Sprintf("Country %d", i),
			Aliases: []string{fmt.Sprintf("Republic of Country %d", i)}, Sources: srcID(p.countrySrc[i])}
		if err := emit(e); err != nil {
			return err
		}
	}
	for _, i := range byID(len(p.orgSrc)) {
		e := &kg.Entity{ID: id("org:", i), Kind: kg.KindOrganization, Name: fmt.Sprintf("Organization %d", i),
			Aliases: []string{fmt.Sprintf("Org %d", i)}, OrgType: "COMPANY", Sources: srcID(p.orgSrc[i])}
		if err := emit(e, rel(kg.RelBasedIn, e.ID, country(p.orgCountry[i]), "", "", p.orgRelSrc[i])); err != nil {
			return err
		}
	}
	for _, i := range byID(len(p.personSrc)) {
		e := &kg.Entity{ID: id("person:", i), Kind: kg.KindPerson, Name: fmt.Sprintf("Person %d", i), Sources: srcID(p.personSrc[i])}
		owned := []*kg.Relation{rel(kg.RelCitizenOf, e.ID, country(p.personCountry[i]), "", "", p.personCitSrc[i])}
		if o := p.personOrg[i]; o >= 0 {
			owned = append(owned, rel(kg.RelHoldsPosition, e.ID, id("org:", o), "", "Officer", p.personOrgSrc[i]))
		}
		if err := emit(e, owned...); err != nil {
			return err
		}
	}
	for _, i := range byID(len(p.placeSrc)) {
		e := &kg.Entity{ID: id("place:", i), Kind: kg.KindPlace, Name: fmt.Sprintf("City %d", i), PlaceType: "CITY", Sources: srcID(p.placeSrc[i])}
		if err := emit(e, rel(kg.RelLocatedIn, e.ID, country(p.placeCountry[i]), "", "", p.placeRelSrc[i])); err != nil {
			return err
		}
	}
	for _, i := range byID(len(p.events)) {
		ev := &p.events[i]
		cat := categories[ev.cat]
		e := &kg.Entity{ID: id("event:", i), Kind: kg.KindEvent, Name: fmt.Sprintf("Event %d", i), Category: cat,
			Date:   kg.Date{Year: 2015 + int(ev.year), Month: 1 + int(ev.month), Day: 1 + int(ev.day)},
			Status: "HELD", Sources: srcID(ev.src)}
		if ev.amount > 0 {
			e.Amount = &kg.Money{Amount: float64(ev.amount) * 1000, Currency: "USD", Qualifier: "EXACT"}
		}
		var owned []*kg.Relation
		if ev.place >= 0 {
			owned = append(owned, rel(kg.RelHeldAt, e.ID, id("place:", ev.place), "", "", ev.placeSrc))
		}
		for _, pt := range p.participants[ev.first : ev.first+int32(ev.count)] {
			role := kg.RoleInvestor
			if pt.role != 255 {
				role = roles[pt.role]
			}
			owned = append(owned, rel(kg.RelParticipatedIn, actor(pt.actor), e.ID, role, "", pt.src))
		}
		if err := emit(e, owned...); err != nil {
			return err
		}
	}
	return nil
}
