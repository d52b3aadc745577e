package bench

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/puente-kg/puente/kg"
)

// Workloads is every workload, in the order of the tables.
var Workloads = []string{"entityNested", "whoMet", "investmentsInto", "neighborhood", "paths", "search", "eventsPage"}

// Variables draws each workload's variables from the generated graph,
// deterministically per request number: people, organizations and
// countries with more than one relation, uniformly, so that most requests
// ask about an ordinary entity and a few about a hub.
func Variables(d *kg.Dataset) map[string]func(int) map[string]any {
	people, orgs, countries := candidates(d)
	pick := func(list []string, i, salt int) string {
		r := rand.New(rand.NewPCG(uint64(i), uint64(salt)))
		return list[r.IntN(len(list))]
	}
	return map[string]func(int) map[string]any{
		"entityNested":    func(i int) map[string]any { return map[string]any{"id": pick(people, i, 1)} },
		"whoMet":          func(i int) map[string]any { return map[string]any{"id": pick(people, i, 2)} },
		"investmentsInto": func(i int) map[string]any { return map[string]any{"countryId": pick(countries, i, 3)} },
		"neighborhood":    func(i int) map[string]any { return map[string]any{"id": pick(orgs, i, 4)} },
		"paths": func(i int) map[string]any {
			return map[string]any{"from": pick(people, i, 5), "to": pick(orgs, i, 6)}
		},
		"search": func(i int) map[string]any {
			return map[string]any{"query": "organization " + strconv.Itoa(rand.New(rand.NewPCG(uint64(i), 7)).IntN(len(orgs)))}
		},
		"eventsPage": func(i int) map[string]any {
			y := 2015 + i%9
			return map[string]any{"from": fmt.Sprintf("%d-01-01", y), "to": fmt.Sprintf("%d-06-30", y)}
		},
	}
}

// candidates returns the people and organizations with more than one
// relation, and every country, in the dataset's order.
func candidates(d *kg.Dataset) (people, orgs, countries []string) {
	degree := degrees(d)
	for _, e := range d.Entities {
		switch {
		case e.Kind == kg.KindPerson && degree[e.ID] > 1:
			people = append(people, e.ID)
		case e.Kind == kg.KindOrganization && degree[e.ID] > 1:
			orgs = append(orgs, e.ID)
		case e.Kind == kg.KindCountry:
			countries = append(countries, e.ID)
		}
	}
	return people, orgs, countries
}

func degrees(d *kg.Dataset) map[string]int {
	degree := map[string]int{}
	for _, r := range d.Relations {
		degree[r.From]++
		degree[r.To]++
	}
	return degree
}

// CheckSets returns, for each workload, the variable sets an answer check
// compares: the first n sets the benchmark draws, then the extremes the
// draw may miss: the best-connected people and organizations (whose lists
// reach the bounds), every country, search texts matching many or no
// entities, and a date window holding every event.
func CheckSets(d *kg.Dataset, n int) map[string][]map[string]any {
	vars := Variables(d)
	out := map[string][]map[string]any{}
	for _, wl := range Workloads {
		for i := range n {
			out[wl] = append(out[wl], vars[wl](i))
		}
	}
	people, orgs, countries := candidates(d)
	degree := degrees(d)
	top := func(list []string, k int) []string {
		list = slices.Clone(list)
		slices.SortStableFunc(list, func(a, b string) int { return cmp.Compare(degree[b], degree[a]) })
		return list[:min(k, len(list))]
	}
	topPeople, topOrgs := top(people, 3), top(orgs, 3)
	for _, p := range topPeople {
		out["entityNested"] = append(out["entityNested"], map[string]any{"id": p})
		out["whoMet"] = append(out["whoMet"], map[string]any{"id": p})
		for _, o := range topOrgs {
			out["paths"] = append(out["paths"], map[string]any{"from": p, "to": o})
		}
	}
	for _, o := range topOrgs {
		out["neighborhood"] = append(out["neighborhood"], map[string]any{"id": o})
	}
	for _, c := range countries {
		out["investmentsInto"] = append(out["investmentsInto"], map[string]any{"countryId": c})
	}
	for _, q := range []string{"organization", "org 1", "person 1", "country", "republic of country 2", "city 1", "event", "nothing matches this"} {
		out["search"] = append(out["search"], map[string]any{"query": q})
	}
	out["eventsPage"] = append(out["eventsPage"], map[string]any{"from": "2000-01-01", "to": "2030-12-31"},
		map[string]any{"from": "2030-01-01", "to": "2030-12-31"})
	return out
}
