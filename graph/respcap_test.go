package graph_test

import (
	"testing"

	"github.com/puente-kg/puente/graph"
	"github.com/puente-kg/puente/internal/testenv"
)

// TestResponseCap checks that an answer over MaxResponseBytes is replaced
// by a RESPONSE_TOO_LARGE error with null data, whatever made it large, and
// that smaller answers pass.
func TestResponseCap(t *testing.T) {
	store := testenv.Memory(t)
	const max = 4 << 10
	srv := serverWith(t, store, graph.Options{MaxResponseBytes: max})
	runLimitCases(t, srv, []limitCase{
		{name: "a small answer", query: `{ entity(id: "org:xiaomi") { name } }`, maxBody: max},
		{name: "large data", query: `{ __schema { types { name description } } }`, code: graph.CodeResponseTooLarge, maxBody: 1 << 10},
		{
			name:    "many errors",
			query:   "query($id: ID!) {" + aliased(200, "entity(id: $id) { id }") + " }",
			vars:    map[string]any{"id": "not an id"},
			code:    graph.CodeResponseTooLarge,
			maxBody: 1 << 10,
		},
	})
}
