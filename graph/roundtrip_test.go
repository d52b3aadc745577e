package graph_test

import (
	"encoding/json"
	"testing"

	"github.com/puente-kg/puente/internal/testenv"
	"github.com/puente-kg/puente/neo4jstore"
)

// nested lists entities and, for each, four more levels of relations: its
// sources, its events, their participants and those participants' countries.
const nested = `query Nested($first: Int!) {
  entities(first: $first, filter: {kinds: [COUNTRY, ORGANIZATION, PERSON]}) {
    edges { node {
      name
      sources(first: 5) { id }
      participations(first: 10) {
        role
        event {
          name
          participants(first: 10) { entity { name country { name } } }
        }
      }
    } }
  }
}`

// TestRoundTripsGrowWithDepth shows that the loaders batch: the number of
// round trips to the store depends on the depth of the query, not on how
// many entities it touches.
func TestRoundTripsGrowWithDepth(t *testing.T) {
	for _, b := range testenv.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			store := b.Open(t)
			counting := &testenv.Counting{Store: store}
			srv := server(t, counting)
			calls := map[int]int64{}
			for _, first := range []int{2, 35} {
				before := counting.Calls()
				var neo4jBefore int64
				if n, ok := store.(*neo4jstore.Store); ok {
					neo4jBefore = n.Queries()
				}
				status, body := post(t, srv.URL, nested, map[string]any{"first": first})
				var resp struct {
					Errors []any
					Data   struct{ Entities struct{ Edges []any } }
				}
				if err := json.Unmarshal(body, &resp); err != nil || status != 200 || len(resp.Errors) > 0 {
					t.Fatalf("status %d, err %v: %s", status, err, body)
				}
				if len(resp.Data.Entities.Edges) != first {
					t.Fatalf("got %d entities, want %d", len(resp.Data.Entities.Edges), first)
				}
				calls[first] = counting.Calls() - before
				if n, ok := store.(*neo4jstore.Store); ok {
					if q := n.Queries() - neo4jBefore; q != calls[first] {
						t.Errorf("Neo4j ran %d statements for %d store calls", q, calls[first])
					}
				}
				t.Logf("first: %d → %d round trips", first, calls[first])
			}
			// One list, then per level: the entities' sources and
			// participations, the events, their participants, the
			// participants, and up to five hops towards their countries
			// (each one page of links) and the countries: about 12. Without
			// batching, 35 entities would need well over a hundred. The bound
			// leaves room for batches split by a slow scheduler on a busy
			// machine under -race (the loaders wait 1 ms for keys).
			const bound = 30
			for first, n := range calls {
				if n > bound {
					t.Errorf("%d entities took %d round trips, want at most %d", first, n, bound)
				}
			}
		})
	}
}
