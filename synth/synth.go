// Package synth generates deterministic synthetic graphs that follow the
// dataset's ontology at any scale, for benchmarks and fault tests: a few
// hub countries, organizations and people spread over them with a
// heavy-tailed (Zipf) popularity, and events whose participants are drawn
// from that tail, so that some entities take part in thousands of events
// and most in a handful.
package synth

import (
	"fmt"
	"math/rand/v2"

	"github.com/puente-kg/puente/kg"
)

// Countries is how many countries every generated graph has; they are the
// hubs.
const Countries = 30

var categories = []kg.Category{
	kg.CategoryMeeting, kg.CategoryMeeting, kg.CategoryMeeting, kg.CategoryInvestment, kg.CategoryDonation,
	kg.CategoryExpo, kg.CategorySummit, kg.CategoryLecture, kg.CategoryPartnershipTalks, kg.CategoryMarketReport,
}

var roles = []kg.Role{"HOST", "GUEST", "PARTICIPANT", "ATTENDEE", "SPEAKER"}

// zipf draws indexes in [0, n) with a heavy tail: index 0 most often.
type zipf struct{ z *rand.Zipf }

func newZipf(r *rand.Rand, n int) zipf {
	return zipf{rand.NewZipf(r, 1.1, 4, uint64(n-1))}
}

func (z zipf) next() int { return int(z.z.Uint64()) }

// Generate returns a graph of about n entities (at least Countries+10),
// the same for the same n and seed. Progress, when set, is called as
// entities are made.
func Generate(n int, seed uint64, progress func(done, total int)) *kg.Dataset {
	n = max(n, Countries+10)
	r := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	d := &kg.Dataset{Version: 1, Description: fmt.Sprintf("synthetic graph of %d entities, seed %d", n, seed)}
	nSources := max(10, n/1000)
	for i := range nSources {
		d.Sources = append(d.Sources, &kg.Source{ID: fmt.Sprintf("source:synth-%d", i), Title: fmt.Sprintf("Synthetic report %d", i),
			PublishedAt: kg.Date{Year: 2021, Month: 1 + i%12}})
	}
	src := func() []string { return []string{d.Sources[r.IntN(nSources)].ID} }
	rest := n - Countries
	nPlaces, nOrgs, nPeople := rest*5/100, rest*35/100, rest*25/100
	nEvents := rest - nPlaces - nOrgs - nPeople
	done := 0
	add := func(e *kg.Entity) {
		d.Entities = append(d.Entities, e)
		done++
		if progress != nil && (done%10000 == 0 || done == n) {
			progress(done, n)
		}
	}
	rel := func(t kg.RelationType, from, to string, role kg.Role, title string) {
		x := &kg.Relation{Type: t, From: from, To: to, Role: role, Title: title, Sources: src()}
		x.ID = kg.RelationID(x.Type, x.From, x.To, x.Role)
		d.Relations = append(d.Relations, x)
	}
	countries := make([]string, Countries)
	for i := range Countries {
		countries[i] = fmt.Sprintf("country:synth-%d", i)
		add(&kg.Entity{ID: countries[i], Kind: kg.KindCountry, Name: fmt.Sprintf("Country %d", i),
			Aliases: []string{fmt.Sprintf("Republic of Country %d", i)}, Sources: src()})
	}
	countryZ := newZipf(r, Countries)
	places := make([]string, nPlaces)
	for i := range nPlaces {
		places[i] = fmt.Sprintf("place:synth-%d", i)
		add(&kg.Entity{ID: places[i], Kind: kg.KindPlace, Name: fmt.Sprintf("City %d", i), PlaceType: "CITY", Sources: src()})
		rel(kg.RelLocatedIn, places[i], countries[countryZ.next()], "", "")
	}
	orgs := make([]string, nOrgs)
	for i := range nOrgs {
		orgs[i] = fmt.Sprintf("org:synth-%d", i)
		add(&kg.Entity{ID: orgs[i], Kind: kg.KindOrganization, Name: fmt.Sprintf("Organization %d", i),
			Aliases: []string{fmt.Sprintf("Org %d", i)}, OrgType: "COMPANY", Sources: src()})
		rel(kg.RelBasedIn, orgs[i], countries[countryZ.next()], "", "")
	}
	orgZ := newZipf(r, max(nOrgs, 2))
	people := make([]string, nPeople)
	for i := range nPeople {
		people[i] = fmt.Sprintf("person:synth-%d", i)
		add(&kg.Entity{ID: people[i], Kind: kg.KindPerson, Name: fmt.Sprintf("Person %d", i), Sources: src()})
		rel(kg.RelCitizenOf, people[i], countries[countryZ.next()], "", "")
		if nOrgs > 0 {
			rel(kg.RelHoldsPosition, people[i], orgs[orgZ.next()], "", "Officer")
		}
	}
	actors := append(append([]string{}, people...), orgs...)
	actorZ := newZipf(r, max(len(actors), 2))
	for i := range nEvents {
		id := fmt.Sprintf("event:synth-%d", i)
		cat := categories[r.IntN(len(categories))]
		ev := &kg.Entity{ID: id, Kind: kg.KindEvent, Name: fmt.Sprintf("Event %d", i), Category: cat,
			Date: kg.Date{Year: 2015 + r.IntN(10), Month: 1 + r.IntN(12), Day: 1 + r.IntN(28)}, Status: "HELD", Sources: src()}
		if cat == kg.CategoryInvestment || cat == kg.CategoryDonation {
			ev.Amount = &kg.Money{Amount: float64(1+r.IntN(1000)) * 1000, Currency: "USD", Qualifier: "EXACT"}
		}
		add(ev)
		if nPlaces > 0 {
			rel(kg.RelHeldAt, id, places[r.IntN(nPlaces)], "", "")
		}
		seen := map[string]bool{}
		for k := range 2 + r.IntN(4) {
			a := actors[actorZ.next()]
			if seen[a] {
				continue
			}
			seen[a] = true
			role := roles[r.IntN(len(roles))]
			if k == 0 && cat == kg.CategoryInvestment {
				role = kg.RoleInvestor
			}
			rel(kg.RelParticipatedIn, a, id, role, "")
		}
	}
	d.Sort()
	return d
}
