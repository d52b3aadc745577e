package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/puente-kg/puente/internal/testenv"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/observe"
)

// testServer serves the whole router over the embedded store with the
// given flags.
func testServer(t *testing.T, store kg.Store, flags ...string) *httptest.Server {
	t.Helper()
	cfg, _, err := parseConfig(flags)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(routes(cfg, store, quietLogger(), observe.New(nil)))
	t.Cleanup(srv.Close)
	return srv
}

type reply struct {
	status int
	header http.Header
	body   string
}

func send(t *testing.T, srv *httptest.Server, method, path string, body string, header map[string]string) reply {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, resp.Header, string(b)}
}

func gql(query string) string {
	b, _ := json.Marshal(map[string]any{"query": query})
	return string(b)
}

func code(t *testing.T, body string) string {
	t.Helper()
	c, err := codeOf(body)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// codeOf returns the code of a GraphQL response's first error, "" when it
// has none. Unlike code, it may be called from any goroutine.
func codeOf(body string) (string, error) {
	var r struct {
		Errors []struct{ Extensions struct{ Code string } }
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		return "", fmt.Errorf("not JSON: %.200s", body)
	}
	if len(r.Errors) == 0 {
		return "", nil
	}
	return r.Errors[0].Extensions.Code, nil
}

// TestLimits checks each limit's refusal: a GraphQL error with a code, not
// a dropped connection, with the status the GraphQL-over-HTTP
// specification asks for each response media type: with application/json,
// 200 for a refused operation of a well-formed request; with
// application/graphql-response+json, 400 for one that never ran.
func TestLimits(t *testing.T) {
	srv := testServer(t, testenv.Memory(t), "-max-query-depth", "6", "-max-query-complexity", "500", "-max-body-bytes", "2000", "-max-query-tokens", "100")
	deep := `{ entity(id: "org:xiaomi") { related { related { related { related { related { related { id } } } } } } } }`
	tests := []struct {
		name string
		body string
		// status is the status with application/json, gqlStatus with
		// application/graphql-response+json.
		status, gqlStatus int
		code              string
	}{
		{"depth", gql(deep), 200, 400, "QUERY_TOO_DEEP"},
		{"complexity", gql(`{ entities(first: 100) { edges { node { related { id } } } } }`), 200, 400, "QUERY_TOO_COMPLEX"},
		{"page size", gql(`{ entities(first: 101) { totalCount } }`), 200, 200, kg.EINVALID},
		{"body", gql(`{ search(query: "` + strings.Repeat("x", 3000) + `") { score } }`), 413, 413, "REQUEST_TOO_LARGE"},
		{"tokens", gql(`{ ` + strings.Repeat("a: __typename ", 60) + `}`), 200, 400, "GRAPHQL_PARSE_FAILED"},
		{"within limits", gql(`{ entity(id: "org:xiaomi") { related(first: 5) { related(first: 5) { id } } } }`), 200, 200, ""},
	}
	for _, tt := range tests {
		for _, media := range []string{"application/json", "application/graphql-response+json"} {
			t.Run(tt.name+"/"+media, func(t *testing.T) {
				r := send(t, srv, "POST", "/query", tt.body, map[string]string{"Accept": media})
				if got := code(t, r.body); got != tt.code {
					t.Errorf("code %q, want %q: %s", got, tt.code, r.body)
				}
				want := tt.status
				if media != "application/json" {
					want = tt.gqlStatus
				}
				if r.status != want {
					t.Errorf("HTTP %d, want %d", r.status, want)
				}
				if r.header.Get("X-Request-ID") == "" {
					t.Error("no X-Request-ID in the response")
				}
			})
		}
	}
}

// TestHealthMetricsAndSecurity checks the operational endpoints and the
// security switches.
func TestHealthMetricsAndSecurity(t *testing.T) {
	srv := testServer(t, testenv.Memory(t), "-introspection=false", "-cors-allowed-origins", "https://analysts.example.org",
		"-metrics-operations", "WhoMetLi")
	if r := send(t, srv, "GET", "/healthz", "", nil); r.status != 200 {
		t.Errorf("/healthz: %d", r.status)
	}
	if r := send(t, srv, "GET", "/readyz", "", nil); r.status != 200 {
		t.Errorf("/readyz: %d %s", r.status, r.body)
	}
	// whoMet fetches its contacts' entities with its page (one store
	// call); the timeline's events come through the entity loader.
	send(t, srv, "POST", "/query", `{"query":"query WhoMetLi { whoMet(id: \"person:li-zhanshu\") { entity { id } } timeline(id: \"person:li-zhanshu\", first: 1) { id } }"}`, nil)
	send(t, srv, "POST", "/query", gql(`{ entity(id: "not an id") { id } }`), nil)
	m := send(t, srv, "GET", "/metrics", "", nil).body
	for _, want := range []string{
		`puente_graphql_operations_total{operation="WhoMetLi",outcome="ok"} 1`,
		`puente_graphql_errors_total{code="BAD_USER_INPUT"} 1`,
		`puente_store_call_seconds_count{method="WhoMetWith",outcome="ok"} 1`,
		`puente_loader_batch_size_count{loader="entity"}`,
		`puente_http_requests_in_flight`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if r := send(t, srv, "POST", "/query", gql(`{ __schema { types { name } } }`), nil); code(t, r.body) == "" {
		t.Errorf("introspection switched off but answered: %.200s", r.body)
	}
	ok := send(t, srv, "OPTIONS", "/query", "", map[string]string{"Origin": "https://analysts.example.org", "Access-Control-Request-Method": "POST"})
	if ok.status != 204 || ok.header.Get("Access-Control-Allow-Origin") != "https://analysts.example.org" {
		t.Errorf("allowed origin preflight: %d %v", ok.status, ok.header)
	}
	no := send(t, srv, "OPTIONS", "/query", "", map[string]string{"Origin": "https://evil.example.com", "Access-Control-Request-Method": "POST"})
	if no.status == 204 || no.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("other origin preflight: %d %v", no.status, no.header)
	}
	id := send(t, srv, "GET", "/healthz", "", map[string]string{"X-Request-ID": "abc-123"})
	if id.header.Get("X-Request-ID") != "abc-123" {
		t.Errorf("request ID not echoed: %v", id.header)
	}
}

// TestPanicsAreRecovered answers a panicking resolver with an internal
// error and keeps serving.
func TestPanicsAreRecovered(t *testing.T) {
	srv := testServer(t, &searchPanics{Store: testenv.Memory(t)})
	r := send(t, srv, "POST", "/query", gql(`{ search(query: "peru") { score } }`), nil)
	if code(t, r.body) != kg.EINTERNAL || strings.Contains(r.body, "boom") {
		t.Errorf("panic answered %d %s", r.status, r.body)
	}
	if r := send(t, srv, "POST", "/query", gql(`{ entity(id: "org:xiaomi") { name } }`), nil); !bytes.Contains([]byte(r.body), []byte("Xiaomi")) {
		t.Errorf("after a panic: %s", r.body)
	}
}

type searchPanics struct{ kg.Store }

func (*searchPanics) Search(context.Context, kg.SearchQuery) ([]kg.SearchHit, error) { panic("boom") }
