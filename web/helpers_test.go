package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/puente-kg/puente/graph"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/live"
	"github.com/puente-kg/puente/web"
)

// newServer serves the GraphQL endpoint and every page and endpoint of
// package web over the store, wired as server.go wires them, on 127.0.0.1.
func newServer(t testing.TB, store kg.Store) *httptest.Server {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	mux := http.NewServeMux()
	mux.Handle("/query", graph.NewHandler(store, logger, liveOptions(t, store)))
	mux.Handle("GET /{$}", web.GraphiQL("/query"))
	mux.Handle("GET /explore", web.Explorer("/query"))
	mux.Handle("GET /static/", web.Static())
	mux.Handle("/export/", web.Export(store, logger, web.ExportOptions{}))
	srv := httptest.NewServer(mux)
	// The explorer keeps a stream of changes open: close the connections
	// first, or Close would wait for it.
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
	})
	return srv
}

// liveOptions returns the handler's options for the store with a hub of
// live subscriptions that stops before the store closes (the explorer
// subscribes to the change feed).
func liveOptions(t testing.TB, store kg.Store) graph.Options {
	opts := graph.OptionsFor(store)
	opts.Hub = live.New(store, live.Options{})
	t.Cleanup(opts.Hub.Close) // after the server's cleanup, before the store's
	return opts
}

// gqlResponse is a GraphQL answer.
type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

// query posts a GraphQL operation and decodes its data into out, failing
// the test on any error.
func query(t testing.TB, srv *httptest.Server, q string, vars map[string]any, out any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	resp, err := http.Post(srv.URL+"/query", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r gqlResponse
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("GraphQL answer is not JSON: %v", err)
	}
	if len(r.Errors) > 0 || resp.StatusCode != http.StatusOK {
		t.Fatalf("GraphQL status %d, errors %+v", resp.StatusCode, r.Errors)
	}
	if out != nil {
		if err := json.Unmarshal(r.Data, out); err != nil {
			t.Fatalf("decode GraphQL data: %v\n%s", err, r.Data)
		}
	}
}

// get fetches a URL of the server and returns the response with its body
// read.
func get(t testing.TB, srv *httptest.Server, path string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	// A bare transport, so that the test sees Content-Encoding as sent.
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// repoRoot returns the repository's root directory.
func repoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("no caller information")
	}
	return filepath.Dir(filepath.Dir(file))
}

// outputDir returns test-output/web at the repository root, created.
func outputDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(repoRoot(t), "test-output", "web")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// inCI reports whether the tests run in CI, where a missing tool is a
// failure rather than a reason to skip.
func inCI() bool { return os.Getenv("CI") != "" }

// needTool returns the path of a program the tests need. When it is
// missing the test fails in CI and is skipped elsewhere, with the way to
// install it.
func needTool(t testing.TB, path, install string) string {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		if inCI() {
			t.Fatalf("%s is missing (%v); scripts/test installs it with: %s", path, err, install)
		}
		t.Skipf("%s is missing; install it with `%s` (scripts/test does); in CI this fails", path, install)
	}
	return path
}
