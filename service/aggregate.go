package service

import (
	"cmp"
	"context"
	"slices"

	"github.com/puente-kg/puente/kg"
)

// NextTowardsCountry picks, among an entity's relations, the next step
// towards its country: the target of a CITIZEN_OF, BASED_IN, HELD_AT or
// LOCATED_IN relation leaving it, a country before a place (a city in
// Central America and in Costa Rica lies in Costa Rica), the smallest ID
// first. It returns "" when there is none.
func NextTowardsCountry(id string, rels []*kg.Relation) string {
	next := ""
	for _, r := range rels {
		if r.From != id || !slices.Contains(countryRelations, r.Type) {
			continue
		}
		switch kg.KindOfID(r.To) {
		case kg.KindCountry:
			if next == "" || kg.KindOfID(next) != kg.KindCountry || r.To < next {
				next = r.To
			}
		case kg.KindPlace:
			if next == "" || kg.KindOfID(next) == kg.KindPlace && r.To < next {
				next = r.To
			}
		}
	}
	return next
}

// countryRelations are the relations NextTowardsCountry follows.
var countryRelations = []kg.RelationType{kg.RelCitizenOf, kg.RelBasedIn, kg.RelHeldAt, kg.RelLocatedIn}

// CountryHops is how many steps CountriesOf follows at most.
const CountryHops = 5

// CountriesOf returns the country of each entity (itself for a country),
// following NextTowardsCountry with one round trip per step, which reads
// at most kg.MaxListSize of each entity's outgoing CITIZEN_OF, BASED_IN,
// HELD_AT and LOCATED_IN relations. Entities without a country are missing
// from the map. It is the one definition of "the country of an entity".
func CountriesOf(ctx context.Context, r kg.LinkReader, ids []string) (map[string]string, error) {
	out := map[string]string{}
	at := map[string]string{} // entity → where its walk stands
	for _, id := range ids {
		if kg.KindOfID(id) == kg.KindCountry {
			out[id] = id
		} else {
			at[id] = id
		}
	}
	q := kg.LinkQuery{Types: countryRelations, Direction: kg.DirOut}
	for hop := 0; hop < CountryHops && len(at) > 0; hop++ {
		var frontier []string
		seen := map[string]bool{}
		for _, pos := range at {
			if !seen[pos] {
				seen[pos] = true
				frontier = append(frontier, pos)
			}
		}
		slices.Sort(frontier)
		pages, err := r.Links(ctx, frontier, q, kg.PageRequest{First: kg.MaxListSize})
		if err != nil {
			return nil, err
		}
		byEntity := map[string][]*kg.Relation{}
		for i, p := range pages {
			for _, l := range p.Links {
				byEntity[frontier[i]] = append(byEntity[frontier[i]], l.Relation)
			}
		}
		for id, pos := range at {
			next := NextTowardsCountry(pos, byEntity[pos])
			switch {
			case next == "":
				delete(at, id)
			case kg.KindOfID(next) == kg.KindCountry:
				out[id] = next
				delete(at, id)
			default:
				at[id] = next
			}
		}
	}
	return out, nil
}

// MaxAggregated is the most items (investments, events) one aggregate
// reads; a query that matches more is refused and asked to narrow down.
const MaxAggregated = 100_000

// InvestmentTotals sums the investments matching q by target country and
// currency, ordered by country and currency. Investments without an amount
// or whose target has no country are left out. It reads the investments
// page by page, at most MaxAggregated of them.
func InvestmentTotals(ctx context.Context, r kg.Reader, q kg.InvestmentQuery) ([]kg.InvestmentTotal, error) {
	var invs []kg.Investment
	p := kg.PageRequest{First: kg.MaxListSize}
	for {
		page, err := r.Investments(ctx, q, p)
		if err != nil {
			return nil, err
		}
		invs = append(invs, page.Investments...)
		if !page.HasNext {
			break
		}
		if len(invs) >= MaxAggregated {
			return nil, kg.Invalid("investorId", "more than %d investments match: narrow the query (investor, target or dates)", MaxAggregated)
		}
		p.After = page.Cursors[len(page.Cursors)-1]
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
	byID := map[string]*kg.Entity{}
	for _, e := range evs {
		byID[e.ID] = e
	}
	type key struct{ country, currency string }
	totals := map[key]*kg.InvestmentTotal{}
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
			t = &kg.InvestmentTotal{CountryID: country, Currency: ev.Amount.Currency}
			totals[k] = t
		}
		total, saturated := kg.AddAmounts(t.Total, ev.Amount.Amount)
		t.Total = total
		t.Count++
		t.Approximate = t.Approximate || saturated || ev.Amount.Qualifier != "" && ev.Amount.Qualifier != "EXACT"
	}
	out := make([]kg.InvestmentTotal, 0, len(totals))
	for _, t := range totals {
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b kg.InvestmentTotal) int {
		return cmp.Or(cmp.Compare(a.CountryID, b.CountryID), cmp.Compare(a.Currency, b.Currency))
	})
	return out, nil
}

// EventCounts counts the events of the entity's timeline by period and
// category, ordered by period (undated last) and category. It reads the
// timeline page by page, at most MaxAggregated events.
func EventCounts(ctx context.Context, r kg.Reader, q kg.TimelineQuery) ([]kg.EventCount, error) {
	type key struct {
		period   string
		category kg.Category
	}
	counts := map[key]int{}
	p := kg.PageRequest{First: kg.MaxListSize}
	read := 0
	for {
		page, err := r.Timeline(ctx, q, p)
		if err != nil {
			return nil, err
		}
		evs, err := r.Entities(ctx, page.IDs)
		if err != nil {
			return nil, err
		}
		for _, e := range evs {
			period := e.Date.String()
			if e.Date.Day != 0 {
				period = period[:7]
			}
			counts[key{period, e.Category}]++
		}
		read += len(page.IDs)
		if !page.HasNext {
			break
		}
		if read >= MaxAggregated {
			return nil, kg.Invalid("id", "more than %d events to count: narrow the period", MaxAggregated)
		}
		p.After = page.Cursors[len(page.Cursors)-1]
	}
	out := make([]kg.EventCount, 0, len(counts))
	for k, n := range counts {
		out = append(out, kg.EventCount{Period: k.period, Category: k.category, Count: n})
	}
	periodKey := func(p string) string {
		if p == "" {
			return "~"
		}
		return p
	}
	slices.SortFunc(out, func(a, b kg.EventCount) int {
		return cmp.Or(cmp.Compare(periodKey(a.Period), periodKey(b.Period)), cmp.Compare(a.Category, b.Category))
	})
	return out, nil
}
