package graph_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/puente-kg/puente/graph"
	"github.com/puente-kg/puente/internal/testenv"
	"github.com/puente-kg/puente/kg"
)

var update = flag.Bool("update", false, "rewrite the golden answers under testdata/golden")

// server starts the GraphQL endpoint over the store.
func server(t testing.TB, store kg.Store) *httptest.Server {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := httptest.NewServer(graph.NewHandler(store, logger, graph.OptionsFor(store)))
	t.Cleanup(srv.Close)
	return srv
}

// post sends a GraphQL request and returns the HTTP status and body.
func post(t *testing.T, url, query string, vars map[string]any) (int, []byte) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	resp, err := http.Post(url+"/query", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}

// indent re-indents a GraphQL response for stable golden files, with its
// errors sorted by path: fields resolve concurrently, so errors come in any
// order.
func indent(t *testing.T, b []byte) []byte {
	t.Helper()
	var resp struct {
		Errors []json.RawMessage `json:"errors,omitempty"`
		Data   json.RawMessage   `json:"data"`
	}
	if err := json.Unmarshal(b, &resp); err != nil {
		t.Fatalf("response is not JSON: %v\n%s", err, b)
	}
	slices.SortFunc(resp.Errors, func(a, b json.RawMessage) int { return bytes.Compare(a, b) })
	out, err := json.MarshalIndent(resp, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}

// TestGolden runs every analyst query under testdata/queries against every
// backend and compares the answers with one golden file per query, shared
// by all backends. A query with a .vars.json file beside it runs with those
// variables.
func TestGolden(t *testing.T) {
	queries, err := filepath.Glob("testdata/queries/*.graphql")
	if err != nil || len(queries) == 0 {
		t.Fatalf("no queries: %v", err)
	}
	for _, b := range testenv.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			srv := server(t, b.Open(t))
			for _, q := range queries {
				name := strings.TrimSuffix(filepath.Base(q), ".graphql")
				t.Run(name, func(t *testing.T) {
					query, err := os.ReadFile(q)
					if err != nil {
						t.Fatal(err)
					}
					var vars map[string]any
					if v, err := os.ReadFile(strings.TrimSuffix(q, ".graphql") + ".vars.json"); err == nil {
						if err := json.Unmarshal(v, &vars); err != nil {
							t.Fatal(err)
						}
					}
					status, body := post(t, srv.URL, string(query), vars)
					if status >= 500 {
						t.Errorf("HTTP %d", status)
					}
					got := indent(t, body)
					golden := filepath.Join("testdata", "golden", name+".json")
					if *update && b.Name == "memory" {
						if err := os.WriteFile(golden, got, 0o644); err != nil {
							t.Fatal(err)
						}
						return
					}
					want, err := os.ReadFile(golden)
					if err != nil {
						t.Fatalf("%v (run go test ./graph -update)", err)
					}
					if !bytes.Equal(got, want) {
						os.WriteFile(golden+"."+b.Name+".got", got, 0o644)
						t.Errorf("answer differs from %s; see %s.%s.got", golden, golden, b.Name)
					}
				})
			}
		})
	}
}
