package memstore_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/puente-kg/puente/dataset"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/memstore"
	"github.com/puente-kg/puente/service"
)

// listAll pages through every entity (or those of the kinds), seven at a
// time, and returns "ID name version" for each, in list order.
func listAll(t *testing.T, s *memstore.Store, kinds ...kg.Kind) []string {
	t.Helper()
	var out []string
	after := ""
	for {
		page, err := s.ListEntities(context.Background(), kg.EntityFilter{Kinds: kinds}, kg.PageRequest{First: 7, After: after})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Entities {
			out = append(out, fmt.Sprintf("%s %q v%d", e.ID, e.Name, e.Version))
		}
		if !page.HasNext {
			return out
		}
		after = page.Cursors[len(page.Cursors)-1]
	}
}

// sorted returns what listAll should: every entity of the kinds in the
// store, sorted by folded name and ID.
func sorted(t *testing.T, s *memstore.Store, kinds ...kg.Kind) []string {
	t.Helper()
	d, err := s.Dump(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ents := slices.DeleteFunc(d.Entities, func(e *kg.Entity) bool { return len(kinds) > 0 && !slices.Contains(kinds, e.Kind) })
	slices.SortFunc(ents, func(a, b *kg.Entity) int {
		return cmp.Or(cmp.Compare(a.SortName(), b.SortName()), cmp.Compare(a.ID, b.ID))
	})
	out := make([]string, len(ents))
	for i, e := range ents {
		out[i] = fmt.Sprintf("%s %q v%d", e.ID, e.Name, e.Version)
	}
	return out
}

// TestListEntitiesAfterWrites pages through the entities between writes
// of every kind: the index ListEntities keeps by name must follow a
// rename, a deletion, a new entity and a relation write, which bumps the
// versions of its ends.
func TestListEntitiesAfterWrites(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	if _, err := service.Seed(ctx, s, dataset.MustDigest()); err != nil {
		t.Fatal(err)
	}
	entity := func(id string) *kg.Entity {
		ents, err := s.Entities(ctx, []string{id})
		if err != nil || len(ents) != 1 {
			t.Fatalf("entity %s: %v", id, err)
		}
		c := *ents[0]
		return &c
	}
	renamed := entity("org:xiaomi")
	renamed.Name = "Zzz Xiaomi"
	added := &kg.Entity{ID: "org:aaa-new", Kind: kg.KindOrganization, Name: "AAA New", Sources: renamed.Sources}
	from, to := entity("person:li-zhanshu"), entity("country:peru")
	rel := &kg.Relation{Type: kg.RelCitizenOf, From: from.ID, To: to.ID, Sources: renamed.Sources}
	rel.ID = kg.RelationID(rel.Type, rel.From, rel.To, rel.Role)
	writes := []struct {
		name string
		cs   *kg.ChangeSet
	}{
		{"rename", &kg.ChangeSet{Expect: map[string]int{renamed.ID: renamed.Version}, PutEntities: []*kg.Entity{renamed}}},
		{"delete", &kg.ChangeSet{Expect: map[string]int{"org:apec": entity("org:apec").Version}, DeleteEntities: []string{"org:apec"}}},
		{"add", &kg.ChangeSet{Expect: map[string]int{added.ID: -1}, PutEntities: []*kg.Entity{added}}},
		{"relation", &kg.ChangeSet{Expect: map[string]int{from.ID: from.Version, to.ID: to.Version}, PutRelations: []*kg.Relation{rel}}},
	}
	check := func(when string) {
		t.Helper()
		for _, kinds := range [][]kg.Kind{nil, {kg.KindOrganization, kg.KindPerson}} {
			if got, want := listAll(t, s, kinds...), sorted(t, s, kinds...); !slices.Equal(got, want) {
				t.Errorf("%s, kinds %v: ListEntities gives\n%v\nwant\n%v", when, kinds, got, want)
			}
		}
	}
	check("after the seed")
	for _, w := range writes {
		if err := s.Apply(ctx, w.cs); err != nil {
			t.Fatalf("%s: %v", w.name, err)
		}
		check("after the " + w.name)
	}
}
