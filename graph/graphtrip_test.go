package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/puente-kg/puente/internal/testenv"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/neo4jstore"
	"github.com/puente-kg/puente/service"
)

const (
	neighborhoodQuery = `query($id: ID!, $depth: Int, $kinds: [EntityKind!], $limit: Int, $stated: Boolean) {
  neighborhood(id: $id, depth: $depth, kinds: $kinds, limit: $limit, statedOnly: $stated) {
    nodes { id label kind } edges { id source target type label } truncated hubs
  }
}`
	pathsQuery = `query($from: ID!, $to: ID!, $max: Int, $limit: Int, $kinds: [EntityKind!], $stated: Boolean) {
  paths(from: $from, to: $to, maxLength: $max, limit: $limit, kinds: $kinds, statedOnly: $stated) {
    length nodes { id label kind } edges { id source target type label }
  }
}`
)

// graphCase is a neighborhood or paths request on testenv.GraphData and
// the seed dataset; tooMany marks one refused as too broad.
type graphCase struct {
	name    string
	query   string
	vars    map[string]any
	tooMany bool
}

func graphCases() []graphCase {
	nb := func(name string, vars map[string]any) graphCase {
		return graphCase{name: "neighborhood/" + name, query: neighborhoodQuery, vars: vars}
	}
	cases := []graphCase{
		nb("hub center", map[string]any{"id": "org:gt-a", "depth": 2}),
		nb("hub center cut", map[string]any{"id": "org:gt-a", "depth": 1, "limit": 10}),
		nb("kinds", map[string]any{"id": testenv.GraphCenter, "depth": 3, "kinds": []string{"PERSON"}}),
		nb("stated only", map[string]any{"id": testenv.GraphCenter, "depth": 3, "stated": true}),
		nb("truncated", map[string]any{"id": testenv.GraphCenter, "depth": 3, "limit": 7}),
		nb("isolated", map[string]any{"id": testenv.GraphAlone, "depth": 2}),
		nb("unknown", map[string]any{"id": "org:gt-nobody", "depth": 3}),
		nb("seed", map[string]any{"id": "person:li-zhanshu", "depth": 3, "limit": 1000}),
	}
	for depth := 1; depth <= kg.MaxDepth; depth++ {
		cases = append(cases, nb(fmt.Sprintf("depth %d through hubs", depth), map[string]any{"id": testenv.GraphCenter, "depth": depth, "limit": 1000}))
	}
	path := func(name string, vars map[string]any) graphCase {
		return graphCase{name: "paths/" + name, query: pathsQuery, vars: vars}
	}
	for max := 1; max <= kg.MaxPathLength; max++ {
		// Three paths are found by length two, among more walks of
		// length four than kg.MaxPathCandidates.
		cases = append(cases, path(fmt.Sprintf("through hubs, maxLength %d", max),
			map[string]any{"from": testenv.GraphFrom, "to": testenv.GraphTo, "max": max, "limit": 3}))
	}
	tooMany := path("too many", map[string]any{"from": testenv.GraphFrom, "to": testenv.GraphTo, "max": 4, "limit": 4})
	tooMany.tooMany = true
	return append(cases,
		tooMany,
		path("kinds", map[string]any{"from": testenv.GraphFrom, "to": testenv.GraphTo, "max": 6, "limit": 50, "kinds": []string{"PERSON"}}),
		path("stated only", map[string]any{"from": testenv.GraphFrom, "to": testenv.GraphTo, "max": 2, "limit": 50, "stated": true}),
		path("no path", map[string]any{"from": testenv.GraphFrom, "to": testenv.GraphAlone, "max": 6}),
		path("unknown end", map[string]any{"from": testenv.GraphFrom, "to": "org:gt-nobody", "max": 6}),
		path("seed", map[string]any{"from": "person:li-zhanshu", "to": "person:maria-del-carmen-alva", "max": 6, "limit": 50}),
	)
}

// TestGraphRoundTrips asks neighborhoods and paths of every shape on
// every backend: each costs one round trip (one statement on Neo4j), and
// every backend gives the same answer.
func TestGraphRoundTrips(t *testing.T) {
	answers := map[string]map[string]string{}
	for _, b := range testenv.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			store := b.Open(t)
			if _, err := service.Seed(context.Background(), store, testenv.GraphData()); err != nil {
				t.Fatal(err)
			}
			counting := &testenv.Counting{Store: store}
			srv := server(t, counting)
			n, isNeo4j := store.(*neo4jstore.Store)
			for _, c := range graphCases() {
				t.Run(c.name, func(t *testing.T) {
					before := counting.Calls()
					var neo4jBefore int64
					if isNeo4j {
						neo4jBefore = n.Queries()
					}
					status, body := post(t, srv.URL, c.query, c.vars)
					var resp struct {
						Errors []struct {
							Extensions struct{ Code string }
						}
					}
					if err := json.Unmarshal(body, &resp); err != nil || status != 200 {
						t.Fatalf("status %d, err %v: %s", status, err, body)
					}
					if refused := len(resp.Errors) > 0; refused != c.tooMany || refused && resp.Errors[0].Extensions.Code != "BAD_USER_INPUT" {
						t.Fatalf("refused %v, want %v: %s", refused, c.tooMany, body)
					}
					got := counting.Calls() - before
					if got != 1 {
						t.Errorf("%d round trips, want 1", got)
					}
					if isNeo4j {
						if q := n.Queries() - neo4jBefore; q != 1 {
							t.Errorf("Neo4j ran %d statements, want 1", q)
						}
					}
					if answers[c.name] == nil {
						answers[c.name] = map[string]string{}
					}
					answers[c.name][b.Name] = string(indent(t, body))
				})
			}
		})
	}
	for name, byBackend := range answers {
		for backend, answer := range byBackend {
			if answer != byBackend["memory"] {
				t.Errorf("%s: the answer on %s differs from memory's:\n%s\nmemory:\n%s", name, backend, answer, byBackend["memory"])
			}
		}
	}
}
