package kgtest

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/puente-kg/puente/kg"
)

// testFetcher checks that each kg.Fetcher method gives what the Reader
// methods it combines give, with the entities they name.
func testFetcher(t *testing.T, ctx context.Context, s kg.Store) {
	t.Run("Expand", func(t *testing.T) { testExpand(t, ctx, s) })
	t.Run("WhoMetWith", func(t *testing.T) {
		for _, q := range []kg.WhoMetQuery{{ID: "person:li-zhanshu"}, {ID: "person:li-zhanshu", From: kg.MustParseDate("2021-12")}, {ID: "person:nobody"}} {
			for _, p := range []kg.PageRequest{{First: 1, Count: true}, {First: 100}} {
				want := must[*kg.ContactPage](t)(s.WhoMet(ctx, q, p))
				got, es, err := s.WhoMetWith(ctx, q, p, 1)
				if err != nil {
					t.Fatal(err)
				}
				if !p.Count {
					want.TotalCount, got.TotalCount = 0, 0
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("WhoMetWith(%+v, %+v) = %+v, want %+v", q, p, got, want)
				}
				var named []string
				for _, c := range want.Contacts {
					named = append(named, c.EntityID, c.Meetings[0])
				}
				sameEntities(t, ctx, s, es, named)
			}
		}
	})
	t.Run("InvestmentsWith", func(t *testing.T) {
		for _, q := range []kg.InvestmentQuery{{InvestorID: "org:xiaomi"}, {TargetID: "country:costa-rica"}, {TargetID: "country:peru"}} {
			for _, p := range []kg.PageRequest{{First: 1, Count: true}, {First: 100}} {
				want := must[*kg.InvestmentPage](t)(s.Investments(ctx, q, p))
				got, es, err := s.InvestmentsWith(ctx, q, p)
				if err != nil {
					t.Fatal(err)
				}
				if !p.Count {
					want.TotalCount, got.TotalCount = 0, 0
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("InvestmentsWith(%+v, %+v) = %+v, want %+v", q, p, got, want)
				}
				var named []string
				for _, inv := range want.Investments {
					named = append(named, inv.InvestorID, inv.TargetID, inv.EventID)
				}
				sameEntities(t, ctx, s, es, named)
			}
		}
	})
	t.Run("SearchWith", func(t *testing.T) {
		for _, q := range []kg.SearchQuery{{Text: "li", First: 5}, {Text: "costa rica", First: 10}, {Text: "zzzz", First: 3}} {
			want := must[[]kg.SearchHit](t)(s.Search(ctx, q))
			got, es, err := s.SearchWith(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("SearchWith(%+v) = %+v, want %+v", q, got, want)
			}
			var named []string
			for _, h := range want {
				named = append(named, h.EntityID)
			}
			sameEntities(t, ctx, s, es, named)
		}
	})
	t.Run("Lookup", func(t *testing.T) {
		rels := must[[]*kg.Relation](t)(s.Relations(ctx, []string{"person:li-zhanshu"}, 5))
		var relIDs, entIDs []string
		for _, r := range rels {
			relIDs = append(relIDs, r.ID)
			entIDs = append(entIDs, r.From, r.To)
		}
		es, got, err := s.Lookup(ctx, append(entIDs, "person:nobody"), append(relIDs, "no-relation"))
		if err != nil {
			t.Fatal(err)
		}
		want := must[[]*kg.Relation](t)(s.RelationsByID(ctx, relIDs))
		byID := func(a, b *kg.Relation) int { return compareStrings(a.ID, b.ID) }
		slices.SortFunc(got, byID)
		slices.SortFunc(want, byID)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Lookup relations = %v, want %v", got, want)
		}
		sameEntities(t, ctx, s, es, entIDs)
	})
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// sameEntities checks that es holds the entities with the given IDs and
// no other, as Entities returns them.
func sameEntities(t *testing.T, ctx context.Context, s kg.Store, es []*kg.Entity, ids []string) {
	t.Helper()
	want := must[[]*kg.Entity](t)(s.Entities(ctx, ids))
	index := func(es []*kg.Entity) map[string]*kg.Entity {
		m := map[string]*kg.Entity{}
		for _, e := range es {
			m[e.ID] = e
		}
		return m
	}
	if got, want := index(es), index(want); !reflect.DeepEqual(got, want) {
		t.Errorf("entities %v, want %v", slices.Sorted(keys(got)), slices.Sorted(keys(want)))
	}
}

func keys(m map[string]*kg.Entity) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// testExpand checks Expand against Links, level by level.
func testExpand(t *testing.T, ctx context.Context, s kg.Store) {
	participations := kg.LinkQuery{Types: []kg.RelationType{kg.RelParticipatedIn}, Direction: kg.DirOut, Order: kg.LinksByDate}
	participants := kg.LinkQuery{Types: []kg.RelationType{kg.RelParticipatedIn}, Direction: kg.DirIn}
	tests := []struct {
		name string
		id   string
		x    *kg.Expansion
	}{
		{"alone", "person:li-zhanshu", nil},
		{"participations", "person:li-zhanshu", &kg.Expansion{Query: participations, First: 2}},
		{"participants of participations", "person:li-zhanshu",
			&kg.Expansion{Query: participations, First: 3, Next: &kg.Expansion{Query: participants, First: 2}}},
		{"related, then relationships", "country:peru",
			&kg.Expansion{Query: kg.LinkQuery{Order: kg.LinksByName}, First: 4, Next: &kg.Expansion{Query: kg.LinkQuery{}, First: 3}}},
		{"by role and category", "org:xiaomi", &kg.Expansion{Query: kg.LinkQuery{Role: kg.RoleInvestor, Category: kg.CategoryInvestment, Order: kg.LinksByDate}, First: 10}},
		{"unknown", "person:nobody", &kg.Expansion{Query: participations, First: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tree := must[*kg.Tree](t)(s.Expand(ctx, tt.id, tt.x))
			root := must[[]*kg.Entity](t)(s.Entities(ctx, []string{tt.id}))
			if len(root) == 0 {
				if tree.Root != nil {
					t.Fatalf("root %v of an unknown ID", tree.Root.ID)
				}
				return
			}
			if !reflect.DeepEqual(tree.Root, root[0]) {
				t.Fatalf("root %+v, want %+v", tree.Root, root[0])
			}
			level := []string{tt.id}
			var named []string
			n := 0
			for x := tt.x; x != nil; x = x.Next {
				pages := must[[]kg.LinkPage](t)(s.Links(ctx, level, x.Query, kg.PageRequest{First: x.First}))
				var next []string
				for i, id := range level {
					want := pages[i]
					want.TotalCount = 0
					got, ok := tree.Pages[n][id]
					if !ok {
						t.Fatalf("level %d: no page for %s", n, id)
					}
					got.TotalCount = 0
					if !reflect.DeepEqual(got, want) {
						t.Errorf("level %d, %s: %+v, want %+v", n, id, got, want)
					}
					for _, l := range want.Links {
						next = append(next, l.Other)
					}
				}
				named = append(named, next...)
				level = next
				n++
			}
			if len(tree.Pages) != n {
				t.Errorf("%d levels, want %d", len(tree.Pages), n)
			}
			// The entities cover every link's other end (and may hold the
			// ends of links cut from a page).
			got := map[string]bool{}
			for _, e := range tree.Entities {
				got[e.ID] = true
			}
			for _, id := range named {
				if !got[id] {
					t.Errorf("no entity for %s", id)
				}
			}
		})
	}
}
