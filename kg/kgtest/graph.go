package kgtest

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/puente-kg/puente/internal/testenv"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/service"
)

// testGraph seeds testenv.GraphData and checks that the store's Neighborhood and
// Paths give what kg.WalkNeighborhood and kg.FindPaths give over its
// readers, with the entities and relations they name, on that graph and
// on the rest of the store.
func testGraph(t *testing.T, ctx context.Context, s kg.Store) {
	if _, err := service.Seed(ctx, s, testenv.GraphData()); err != nil {
		t.Fatal(err)
	}
	t.Run("Neighborhood", func(t *testing.T) {
		centers := []string{testenv.GraphCenter, testenv.GraphAlone, "org:gt-a", "org:gt-b", "person:gt-p4", "org:gt-nobody",
			"person:li-zhanshu", "country:peru", "org:xiaomi", "org:hub-test-consortium", "org:hub-test-member-00"}
		for _, id := range centers {
			for depth := 1; depth <= kg.MaxDepth; depth++ {
				for _, kinds := range [][]kg.Kind{nil, {kg.KindPerson}, {kg.KindOrganization, kg.KindEvent}} {
					for _, stated := range []bool{false, true} {
						for _, limit := range []int{1, 3, 12, kg.MaxSubgraphLimit} {
							q := kg.NeighborhoodQuery{ID: id, Depth: depth, Kinds: kinds, StatedOnly: stated, Limit: limit}
							checkNeighborhood(t, ctx, s, q)
						}
					}
				}
			}
		}
		sub := must[*kg.Subgraph](t)(s.Neighborhood(ctx, kg.NeighborhoodQuery{ID: testenv.GraphCenter, Depth: 3, Limit: 1000}))
		if !slices.Equal(sub.Hubs, []string{"org:gt-a", "org:gt-h2"}) || len(sub.Nodes) != 11 ||
			sub.Nodes[len(sub.Nodes)-1] != "person:gt-p3" || slices.Contains(sub.Nodes, "org:gt-h2-leaf-00") {
			t.Errorf("depth 3 around the center: hubs %v, nodes %v", sub.Hubs, sub.Nodes)
		}
	})
	t.Run("Paths", func(t *testing.T) {
		pairs := [][2]string{{testenv.GraphFrom, testenv.GraphTo}, {testenv.GraphTo, testenv.GraphFrom}, {testenv.GraphFrom, testenv.GraphAlone}, {testenv.GraphFrom, "org:gt-nobody"},
			{testenv.GraphFrom, testenv.GraphFrom}, {testenv.GraphCenter, "person:gt-p4"}, {"org:gt-a-leaf-00", "org:gt-h2-leaf-00"},
			{"person:li-zhanshu", "person:maria-del-carmen-alva"}, {"person:li-zhanshu", "org:xiaomi"}}
		for _, pair := range pairs {
			for length := 1; length <= kg.MaxPathLength; length++ {
				for _, kinds := range [][]kg.Kind{nil, {kg.KindPerson}} {
					for _, limit := range []int{1, 3, kg.MaxPaths} {
						for _, stated := range []bool{false, true} {
							q := kg.PathQuery{From: pair[0], To: pair[1], MaxLength: length, Limit: limit, Kinds: kinds, StatedOnly: stated}
							checkPaths(t, ctx, s, q)
						}
					}
				}
			}
		}
		// The walks of length four are too many at once, but three paths
		// are found by length two.
		q := kg.PathQuery{From: testenv.GraphFrom, To: testenv.GraphTo, MaxLength: 4, Limit: 3}
		if _, err := s.Walks(ctx, q); !errors.Is(err, kg.ErrTooManyWalks) {
			t.Errorf("every walk at once: %v, want too many", err)
		}
		if set := must[*kg.PathSet](t)(s.Paths(ctx, q)); len(set.Paths) != 3 {
			t.Errorf("paths by length two: %v", set.Paths)
		}
		q.Limit = 4
		if _, err := s.Paths(ctx, q); !errors.Is(err, kg.ErrTooManyWalks) {
			t.Errorf("a fourth path, among %d walks of length four: %v, want too many", testenv.GraphFanWidth*testenv.GraphFanWidth, err)
		}
	})
}

// checkNeighborhood compares the store's neighborhood with the walk over
// its Relations, and its entities with those of the nodes.
func checkNeighborhood(t *testing.T, ctx context.Context, s kg.Store, q kg.NeighborhoodQuery) {
	t.Helper()
	want, err := kg.WalkNeighborhood(ctx, s, q)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Neighborhood(ctx, q)
	if err != nil {
		t.Fatalf("Neighborhood(%+v): %v", q, err)
	}
	es := got.Entities
	got.Entities = nil
	if len(got.Hubs) == 0 && len(want.Hubs) == 0 {
		got.Hubs, want.Hubs = nil, nil
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Neighborhood(%+v) =\n%+v\nwant\n%+v", q, got, want)
	}
	sameEntities(t, ctx, s, es, want.Nodes)
}

// checkPaths compares the store's paths with those of its walks, and its
// entities and relations with those of the paths.
func checkPaths(t *testing.T, ctx context.Context, s kg.Store, q kg.PathQuery) {
	t.Helper()
	want, wantErr := kg.FindPaths(ctx, s, q)
	got, err := s.Paths(ctx, q)
	if wantErr != nil || err != nil {
		if !errors.Is(err, kg.ErrTooManyWalks) || !errors.Is(wantErr, kg.ErrTooManyWalks) {
			t.Errorf("Paths(%+v): error %v, want %v", q, err, wantErr)
		}
		return
	}
	if len(want) == 0 && len(got.Paths) == 0 {
		want, got.Paths = nil, nil
	}
	if !reflect.DeepEqual(got.Paths, want) {
		t.Errorf("Paths(%+v) = %v, want %v", q, got.Paths, want)
	}
	var nodes, edges []string
	for _, p := range want {
		nodes = append(nodes, p.Nodes...)
		edges = append(edges, p.Edges...)
	}
	sameEntities(t, ctx, s, got.Entities, nodes)
	rels := must[[]*kg.Relation](t)(s.RelationsByID(ctx, edges))
	index := func(rels []*kg.Relation) map[string]*kg.Relation {
		m := map[string]*kg.Relation{}
		for _, r := range rels {
			m[r.ID] = r
		}
		return m
	}
	if !reflect.DeepEqual(index(got.Relations), index(rels)) {
		t.Errorf("Paths(%+v) relations %v, want %v", q, got.Relations, rels)
	}
}
