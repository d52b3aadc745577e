package graph_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/puente-kg/puente/internal/testenv"
	"github.com/puente-kg/puente/neo4jstore"
)

// workloadTrips are the bench workloads (bench/workloads/puente.json) with
// variables from the seed dataset, and the most round trips each may take:
// one per root field.
var workloadTrips = []struct {
	name string
	vars map[string]any
	max  int64
}{
	{"entityNested", map[string]any{"id": "person:li-zhanshu"}, 1},
	{"whoMet", map[string]any{"id": "person:li-zhanshu"}, 1},
	{"investmentsInto", map[string]any{"countryId": "country:costa-rica"}, 1},
	{"neighborhood", map[string]any{"id": "org:xiaomi"}, 1},
	{"paths", map[string]any{"from": "person:li-zhanshu", "to": "org:xiaomi"}, 1},
	{"search", map[string]any{"query": "li"}, 1},
	{"eventsPage", map[string]any{"from": "2021-01-01", "to": "2021-12-31"}, 1},
}

// TestOneRoundTripPerRootField runs every bench workload on every backend
// and counts the store's round trips: one per root field, the same on each
// backend, with the same answers.
func TestOneRoundTripPerRootField(t *testing.T) {
	raw, err := os.ReadFile("../bench/workloads/puente.json")
	if err != nil {
		t.Fatal(err)
	}
	var workloads map[string]struct{ Query string }
	if err := json.Unmarshal(raw, &workloads); err != nil {
		t.Fatal(err)
	}
	trips := map[string]map[string]int64{}
	answers := map[string]map[string]string{}
	for _, b := range testenv.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			store := b.Open(t)
			counting := &testenv.Counting{Store: store}
			srv := server(t, counting)
			for _, w := range workloadTrips {
				t.Run(w.name, func(t *testing.T) {
					query := workloads[w.name].Query
					if query == "" {
						t.Fatalf("no workload %s", w.name)
					}
					before := counting.Calls()
					var neo4jBefore int64
					n, isNeo4j := store.(*neo4jstore.Store)
					if isNeo4j {
						neo4jBefore = n.Queries()
					}
					status, body := post(t, srv.URL, query, w.vars)
					var resp struct {
						Errors []any
						Data   map[string]any
					}
					if err := json.Unmarshal(body, &resp); err != nil || status != 200 || len(resp.Errors) > 0 {
						t.Fatalf("status %d, err %v: %s", status, err, body)
					}
					got := counting.Calls() - before
					if isNeo4j {
						if q := n.Queries() - neo4jBefore; q != got {
							t.Errorf("Neo4j ran %d statements for %d store calls", q, got)
						}
					}
					if got > w.max {
						t.Errorf("%d round trips, want at most %d", got, w.max)
					}
					if trips[w.name] == nil {
						trips[w.name], answers[w.name] = map[string]int64{}, map[string]string{}
					}
					trips[w.name][b.Name], answers[w.name][b.Name] = got, string(indent(t, body))
					t.Logf("%d round trips", got)
				})
			}
		})
	}
	for name, byBackend := range trips {
		for backend, n := range byBackend {
			if n != byBackend["memory"] {
				t.Errorf("%s: %d round trips on %s, %d in memory", name, n, backend, byBackend["memory"])
			}
			if answers[name][backend] != answers[name]["memory"] {
				t.Errorf("%s: the answer on %s differs from memory's:\n%s\nmemory:\n%s", name, backend, answers[name][backend], answers[name]["memory"])
			}
		}
	}
}
