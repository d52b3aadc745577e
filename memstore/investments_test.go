package memstore_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/puente-kg/puente/bulk"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/memstore"
	"github.com/puente-kg/puente/synth"
)

// TestInvestmentsIntoTarget checks the investments into a target, which
// the store reads from the target's surroundings, against every investment
// filtered by a reference model of "within": the target itself or a place
// that lies in it by at most three LOCATED_IN hops, through places only.
func TestInvestmentsIntoTarget(t *testing.T) {
	ctx := context.Background()
	d := synth.Generate(3000, 1, nil)
	addChain(t, d)
	s := memstore.New()
	if err := bulk.Import(ctx, s, &bulk.Parsed{Dataset: d}, bulk.Options{}); err != nil {
		t.Fatal(err)
	}
	all := func(q kg.InvestmentQuery) []kg.Investment {
		t.Helper()
		var out []kg.Investment
		p := kg.PageRequest{First: kg.MaxListSize}
		for {
			page, err := s.Investments(ctx, q, p)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, page.Investments...)
			if !page.HasNext {
				return out
			}
			p.After = page.Cursors[len(page.Cursors)-1]
		}
	}
	var targets []string
	for _, e := range d.Entities {
		if k := kg.KindOfID(e.ID); k == kg.KindCountry || k == kg.KindPlace || k == kg.KindOrganization {
			targets = append(targets, e.ID)
		}
	}
	checked, found := 0, 0
	for _, stated := range []bool{false, true} {
		everything := all(kg.InvestmentQuery{StatedOnly: stated})
		bases := kg.StatedOnly(stated)
		for i, target := range targets {
			if i%7 != 0 && kg.KindOfID(target) != kg.KindCountry && !strings.HasPrefix(target, "place:zz-") {
				continue
			}
			var want []kg.Investment
			for _, inv := range everything {
				if within(d, inv.TargetID, target, bases) {
					want = append(want, inv)
				}
			}
			got := all(kg.InvestmentQuery{TargetID: target, StatedOnly: stated})
			if !slices.Equal(got, want) {
				t.Fatalf("investments into %s (stated only %v): got %d, want %d:\n%v\n%v", target, stated, len(got), len(want), got, want)
			}
			checked++
			found += len(got)
		}
	}
	t.Logf("%d targets, %d investments", checked, found)
	if checked < 100 || found == 0 {
		t.Fatalf("checked %d targets with %d investments: the graph does not exercise the test", checked, found)
	}
}

// within reports whether id is target or lies in it by at most three
// LOCATED_IN hops of the bases, each from a place.
func within(d *kg.Dataset, id, target string, bases []kg.Basis) bool {
	frontier := []string{id}
	for depth := 0; depth <= 3; depth++ {
		var next []string
		for _, x := range frontier {
			if x == target {
				return true
			}
			if kg.KindOfID(x) != kg.KindPlace {
				continue
			}
			for _, r := range d.Relations {
				if r.Type == kg.RelLocatedIn && r.From == x && r.HasBasis(bases) {
					next = append(next, r.To)
				}
			}
		}
		frontier = next
	}
	return false
}

// addChain adds places that lie in a country by one to four LOCATED_IN
// hops, one of them known only in the background, and investments into
// them, which the generated graph has none of.
func addChain(t *testing.T, d *kg.Dataset) {
	t.Helper()
	var country, investor string
	for _, e := range d.Entities {
		switch {
		case country == "" && e.Kind == kg.KindCountry:
			country = e.ID
		case investor == "" && e.Kind == kg.KindOrganization:
			investor = e.ID
		}
	}
	src := d.Sources[0].ID
	place := func(id string) {
		d.Entities = append(d.Entities, &kg.Entity{ID: id, Kind: kg.KindPlace, Name: id, PlaceType: "CITY", Sources: []string{src}})
	}
	rel := func(typ kg.RelationType, from, to string, role kg.Role, basis kg.Basis) {
		r := &kg.Relation{Type: typ, From: from, To: to, Role: role, Sources: []string{src}, Basis: basis}
		if basis == kg.BasisBackground {
			r.Sources, r.Note = nil, "known to the curator"
		}
		r.ID = kg.RelationID(typ, from, to, role)
		d.Relations = append(d.Relations, r)
	}
	for _, p := range []string{"a", "b", "c", "d", "e"} {
		place("place:zz-" + p)
	}
	rel(kg.RelLocatedIn, "place:zz-c", country, "", "")
	rel(kg.RelLocatedIn, "place:zz-b", "place:zz-c", "", "")
	rel(kg.RelLocatedIn, "place:zz-a", "place:zz-b", "", "")
	rel(kg.RelLocatedIn, "place:zz-d", "place:zz-a", "", "") // four hops from the country
	rel(kg.RelLocatedIn, "place:zz-e", "place:zz-c", "", kg.BasisBackground)
	for i, at := range []string{"a", "b", "d", "e"} {
		ev := fmt.Sprintf("event:zz-%d", i)
		d.Entities = append(d.Entities, &kg.Entity{ID: ev, Kind: kg.KindEvent, Name: ev, Category: "INVESTMENT",
			Date: kg.Date{Year: 2020, Month: 1 + i}, Status: "HELD", Sources: []string{src}})
		rel(kg.RelParticipatedIn, investor, ev, kg.RoleInvestor, "")
		if i%2 == 0 {
			rel(kg.RelParticipatedIn, "place:zz-"+at, ev, kg.RoleTarget, "")
		} else {
			rel(kg.RelHeldAt, ev, "place:zz-"+at, "", "")
		}
	}
}
