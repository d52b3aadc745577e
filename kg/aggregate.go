package kg

import (
	"cmp"
	"context"
	"slices"
)

// NextTowardsCountry picks, among an entity's relations, the next step
// towards its country: the target of a CITIZEN_OF, BASED_IN, HELD_AT or
// LOCATED_IN relation leaving it, a country before a place (a city in
// Central America and in Costa Rica lies in Costa Rica), the smallest ID
// first. It returns "" when there is none.
func NextTowardsCountry(id string, rels []*Relation) string {
	next := ""
	for _, r := range rels {
		if r.From != id {
			continue
		}
		switch r.Type {
		case RelCitizenOf, RelBasedIn, RelHeldAt, RelLocatedIn:
		default:
			continue
		}
		switch KindOfID(r.To) {
		case KindCountry:
			if next == "" || KindOfID(next) != KindCountry || r.To < next {
				next = r.To
			}
		case KindPlace:
			if next == "" || KindOfID(next) == KindPlace && r.To < next {
				next = r.To
			}
		}
	}
	return next
}

// CountryHops is how many steps CountriesOf follows at most.
const CountryHops = 5

// CountriesOf returns the country of each entity (itself for a country),
// following NextTowardsCountry with one Relations round trip per step.
// Entities without a country are missing from the map.
func CountriesOf(ctx context.Context, r Reader, ids []string) (map[string]string, error) {
	out := map[string]string{}
	at := map[string]string{} // entity → where its walk stands
	for _, id := range ids {
		if KindOfID(id) == KindCountry {
			out[id] = id
		} else {
			at[id] = id
		}
	}
	for hop := 0; hop < CountryHops && len(at) > 0; hop++ {
		var frontier []string
		for _, pos := range at {
			if !slices.Contains(frontier, pos) {
				frontier = append(frontier, pos)
			}
		}
		rels, err := r.Relations(ctx, frontier)
		if err != nil {
			return nil, err
		}
		byEntity := map[string][]*Relation{}
		for _, rel := range rels {
			byEntity[rel.From] = append(byEntity[rel.From], rel)
		}
		for id, pos := range at {
			next := NextTowardsCountry(pos, byEntity[pos])
			switch {
			case next == "":
				delete(at, id)
			case KindOfID(next) == KindCountry:
				out[id] = next
				delete(at, id)
			default:
				at[id] = next
			}
		}
	}
	return out, nil
}

// InvestmentTotal sums the amounts of investments into one country in one
// currency.
type InvestmentTotal struct {
	// CountryID is the country of the investments' targets.
	CountryID string
	Currency  string
	// Total adds each event's amount once per country.
	Total float64
	// Count is the number of events summed.
	Count int
	// Approximate says that some amounts were qualified ("more than"), or
	// that the total reached the largest number a float64 holds.
	Approximate bool
}

// InvestmentTotals sums the investments matching q by target country and
// currency, ordered by country and currency. Investments without an amount
// or whose target has no country are left out.
func InvestmentTotals(ctx context.Context, r Reader, q InvestmentQuery) ([]InvestmentTotal, error) {
	invs, err := r.Investments(ctx, q)
	if err != nil {
		return nil, err
	}
	var targets, events []string
	for _, inv := range invs {
		targets = append(targets, inv.TargetID)
		events = append(events, inv.EventID)
	}
	countries, err := CountriesOf(ctx, r, targets)
	if err != nil {
		return nil, err
	}
	evs, err := r.Entities(ctx, events)
	if err != nil {
		return nil, err
	}
	byID := map[string]*Entity{}
	for _, e := range evs {
		byID[e.ID] = e
	}
	type key struct{ country, currency string }
	totals := map[key]*InvestmentTotal{}
	counted := map[[2]string]bool{}
	for _, inv := range invs {
		ev, country := byID[inv.EventID], countries[inv.TargetID]
		if ev == nil || ev.Amount == nil || country == "" || counted[[2]string{ev.ID, country}] {
			continue
		}
		counted[[2]string{ev.ID, country}] = true
		k := key{country, ev.Amount.Currency}
		t := totals[k]
		if t == nil {
			t = &InvestmentTotal{CountryID: country, Currency: ev.Amount.Currency}
			totals[k] = t
		}
		total, saturated := addAmounts(t.Total, ev.Amount.Amount)
		t.Total = total
		t.Count++
		t.Approximate = t.Approximate || saturated || ev.Amount.Qualifier != "" && ev.Amount.Qualifier != "EXACT"
	}
	out := make([]InvestmentTotal, 0, len(totals))
	for _, t := range totals {
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b InvestmentTotal) int {
		return cmp.Or(cmp.Compare(a.CountryID, b.CountryID), cmp.Compare(a.Currency, b.Currency))
	})
	return out, nil
}

// EventCount counts an entity's events of one category in one period.
type EventCount struct {
	// Period is the month ("2021-11") of the events, or the year ("2021")
	// for events dated to the year only, or "" for undated events.
	Period   string
	Category Category
	Count    int
}

// EventCounts counts the events of the entity's timeline by period and
// category, ordered by period (undated last) and category.
func EventCounts(ctx context.Context, r Reader, q TimelineQuery) ([]EventCount, error) {
	ids, err := r.Timeline(ctx, q)
	if err != nil {
		return nil, err
	}
	evs, err := r.Entities(ctx, ids)
	if err != nil {
		return nil, err
	}
	type key struct {
		period   string
		category Category
	}
	counts := map[key]int{}
	for _, e := range evs {
		period := e.Date.String()
		if e.Date.Day != 0 {
			period = period[:7]
		}
		counts[key{period, e.Category}]++
	}
	out := make([]EventCount, 0, len(counts))
	for k, n := range counts {
		out = append(out, EventCount{Period: k.period, Category: k.category, Count: n})
	}
	periodKey := func(p string) string {
		if p == "" {
			return "~"
		}
		return p
	}
	slices.SortFunc(out, func(a, b EventCount) int {
		return cmp.Or(cmp.Compare(periodKey(a.Period), periodKey(b.Period)), cmp.Compare(a.Category, b.Category))
	})
	return out, nil
}
