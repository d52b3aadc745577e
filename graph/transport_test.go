package graph_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/puente-kg/puente/auth"
	"github.com/puente-kg/puente/graph"
	"github.com/puente-kg/puente/graphqlhttp"
	"github.com/puente-kg/puente/internal/testenv"
	"github.com/puente-kg/puente/middleware"
)

// Media types of the answers, as the tests ask for them.
const (
	mediaJSON = graphqlhttp.MediaJSON
	mediaGQL  = graphqlhttp.MediaGraphQLResponse
)

// exchange is one HTTP request to the endpoint and its answer.
type exchange struct {
	method, query, body, contentType, accept, token string
}

// reply is what the endpoint answered.
type reply struct {
	Status int
	Header http.Header
	Body   []byte
}

// members returns the top-level members of a JSON object body.
func (r reply) members(t *testing.T) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("HTTP %d: not a JSON object: %v: %.300s", r.Status, err, r.Body)
	}
	return m
}

// send makes the request; a POST without a content type is sent as JSON
// unless contentType is "-".
func (e exchange) send(t *testing.T, srv *httptest.Server) reply {
	t.Helper()
	if e.method == "" {
		e.method = http.MethodPost
	}
	u := srv.URL + "/query"
	if e.query != "" {
		u += "?" + e.query
	}
	req, err := http.NewRequest(e.method, u, strings.NewReader(e.body))
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case e.contentType == "-":
	case e.contentType != "":
		req.Header.Set("Content-Type", e.contentType)
	case e.method == http.MethodPost:
		req.Header.Set("Content-Type", "application/json")
	}
	if e.accept != "" {
		req.Header.Set("Accept", e.accept)
	}
	if e.token != "" {
		req.Header.Set("Authorization", "Bearer "+e.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{resp.StatusCode, resp.Header, b}
}

// jsonBody marshals a request body.
func jsonBody(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// transportServer serves the endpoint behind the token check and a
// deadline, as the server does, with the options.
func transportServer(t *testing.T, opts graph.Options, timeout time.Duration) *httptest.Server {
	t.Helper()
	store := testenv.Memory(t)
	tokens, err := auth.ParseTokens("reader:" + readerToken + ",editor:" + editorToken + ",admin:" + adminToken)
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if opts.BatchWait == 0 {
		opts.BatchWait = graph.OptionsFor(store).BatchWait
	}
	h := auth.Middleware(tokens, false, graph.NewHandler(store, logger, opts))
	srv := httptest.NewServer(middleware.Timeout(timeout)(h))
	t.Cleanup(srv.Close)
	return srv
}

// TestStatuses sends each kind of refusal with each response media type
// and checks the status, the code, the content type and whether the body
// has a data member, against graphqlhttp.Statuses and the
// GraphQL-over-HTTP specification.
func TestStatuses(t *testing.T) {
	srv := transportServer(t, graph.Options{MaxDepth: 4, MaxComplexity: 500, MaxFields: 50}, time.Minute)
	deadSrv := transportServer(t, graph.Options{}, time.Nanosecond)
	q := func(query string) string { return jsonBody(map[string]any{"query": query}) }
	tests := []struct {
		name string
		ex   exchange
		srv  *httptest.Server
		// status is the status with application/json, gqlStatus with
		// application/graphql-response+json.
		status, gqlStatus int
		code              string
		data              bool
	}{
		{name: "ok", ex: exchange{body: q(`{ __typename }`)}, status: 200, gqlStatus: 200, data: true},
		{name: "GET ok", ex: exchange{method: "GET", query: "query=" + url.QueryEscape(`{ __typename }`)}, status: 200, gqlStatus: 200, data: true},
		{name: "field error", ex: exchange{body: q(`{ entity(id: "not an id") { id } }`)}, status: 200, gqlStatus: 200, code: "BAD_USER_INPUT", data: true},
		{name: "parse failure", ex: exchange{body: q(`{`)}, status: 200, gqlStatus: 400, code: "GRAPHQL_PARSE_FAILED"},
		{name: "validation failure", ex: exchange{body: q(`{ nope }`)}, status: 200, gqlStatus: 400, code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "coercion failure", ex: exchange{body: jsonBody(map[string]any{"query": `query($id: ID!) { entity(id: $id) { id } }`, "variables": map[string]any{"id": nil}})},
			status: 200, gqlStatus: 400, code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "unknown operation name", ex: exchange{body: jsonBody(map[string]any{"query": `query A { __typename }`, "operationName": "B"})},
			status: 200, gqlStatus: 400, code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "too deep", ex: exchange{body: q(`{ entity(id: "org:xiaomi") { related { related { related { related { id } } } } } }`)},
			status: 200, gqlStatus: 400, code: "QUERY_TOO_DEEP"},
		{name: "too complex", ex: exchange{body: q(`{ entities(first: 100) { edges { node { id name kind aliases } } } }`)},
			status: 200, gqlStatus: 400, code: "QUERY_TOO_COMPLEX"},
		{name: "too many fields", ex: exchange{body: q(`{ ` + strings.Repeat("__typename ", 60) + `}`)},
			status: 200, gqlStatus: 400, code: "QUERY_TOO_COMPLEX"},
		{name: "deadline passed before it ran", srv: deadSrv, ex: exchange{body: q(`{ __typename }`)}, status: 200, gqlStatus: 504, code: "TIMEOUT"},
		{name: "no query", ex: exchange{body: `{"notquery": "{ __typename }"}`}, status: 400, gqlStatus: 400, code: "BAD_REQUEST"},
		{name: "empty body", ex: exchange{body: ``}, status: 400, gqlStatus: 400, code: "BAD_REQUEST"},
		{name: "not JSON", ex: exchange{body: `{ "not a JSON`}, status: 400, gqlStatus: 400, code: "BAD_REQUEST"},
		{name: "query not a string", ex: exchange{body: `{"query": {"obj": "ect"}}`}, status: 400, gqlStatus: 400, code: "BAD_REQUEST"},
		{name: "variables an array", ex: exchange{body: `{"query": "{ __typename }", "variables": ["array"]}`}, status: 400, gqlStatus: 400, code: "BAD_REQUEST"},
		{name: "extensions a string", ex: exchange{body: `{"query": "{ __typename }", "extensions": "string"}`}, status: 400, gqlStatus: 400, code: "BAD_REQUEST"},
		{name: "GET variables not JSON", ex: exchange{method: "GET", query: "query=%7B__typename%7D&variables=%7B"}, status: 400, gqlStatus: 400, code: "BAD_REQUEST"},
		{name: "a number for a body", ex: exchange{body: `42`}, status: 400, gqlStatus: 400, code: "BAD_REQUEST"},
		{name: "no content type", ex: exchange{body: q(`{ __typename }`), contentType: "-"}, status: 415, gqlStatus: 415, code: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "text/plain", ex: exchange{body: q(`{ __typename }`), contentType: "text/plain"}, status: 415, gqlStatus: 415, code: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "latin-1", ex: exchange{body: q(`{ __typename }`), contentType: "application/json; charset=iso-8859-1"}, status: 415, gqlStatus: 415, code: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "PUT", ex: exchange{method: "PUT", body: q(`{ __typename }`)}, status: 405, gqlStatus: 405, code: "METHOD_NOT_ALLOWED"},
		{name: "mutation with GET", ex: exchange{method: "GET", query: "query=" + url.QueryEscape(`mutation { deleteEntity(id: "org:xiaomi") { id } }`)},
			status: 405, gqlStatus: 405, code: "METHOD_NOT_ALLOWED"},
		{name: "wrong token", ex: exchange{body: q(`{ __typename }`), token: "not-a-token-at-all"}, status: 401, gqlStatus: 401, code: "UNAUTHENTICATED"},
		{name: "batch too large", ex: exchange{body: "[" + strings.Repeat(q(`{ __typename }`)+",", 10) + q(`{ __typename }`) + "]"},
			status: 400, gqlStatus: 400, code: "BATCH_TOO_LARGE"},
		{name: "empty batch", ex: exchange{body: `[]`}, status: 400, gqlStatus: 400, code: "BAD_REQUEST"},
	}
	for _, tt := range tests {
		for _, media := range []string{mediaJSON, mediaGQL} {
			t.Run(tt.name+"/"+media, func(t *testing.T) {
				s := srv
				if tt.srv != nil {
					s = tt.srv
				}
				ex := tt.ex
				ex.accept = media
				r := ex.send(t, s)
				want := tt.status
				if media == mediaGQL {
					want = tt.gqlStatus
				}
				if r.Status != want {
					t.Errorf("HTTP %d, want %d: %.300s", r.Status, want, r.Body)
				}
				// The token check, before the endpoint, answers in JSON.
				if ct := r.Header.Get("Content-Type"); ct != media && !(tt.code == "UNAUTHENTICATED" && ct == mediaJSON) {
					t.Errorf("Content-Type %q, want %q", ct, media)
				}
				m := r.members(t)
				if _, has := m["data"]; has != tt.data {
					t.Errorf("data member: %v, want %v: %.300s", has, tt.data, r.Body)
				}
				var errs []struct {
					Message    string
					Extensions map[string]any
				}
				json.Unmarshal(m["errors"], &errs)
				if tt.code == "" {
					if len(errs) > 0 {
						t.Errorf("errors, want none: %.300s", r.Body)
					}
					return
				}
				if len(errs) == 0 {
					t.Fatalf("no error, want %s: %.300s", tt.code, r.Body)
				}
				for _, e := range errs {
					if e.Extensions["code"] != tt.code {
						t.Errorf("code %v, want %s: %.300s", e.Extensions["code"], tt.code, r.Body)
					}
					// Messages are for clients: no Go types, and whole.
					for _, leak := range []string{"Go struct", "Go value", "of type", "json: cannot"} {
						if strings.Contains(e.Message, leak) {
							t.Errorf("the message speaks Go (%q): %s", leak, e.Message)
						}
					}
				}
				if got := graphqlStatus(tt.code, media); tt.code != "" && !tt.data && got != want {
					t.Errorf("graphqlhttp.Statuses says %d for %s, the server answered %d", got, tt.code, want)
				}
			})
		}
	}
}

// graphqlStatus returns the status Statuses gives the code, or 0.
func graphqlStatus(code, media string) int {
	for _, s := range graphqlhttp.Statuses {
		if s.Code == code {
			if media == mediaGQL {
				return s.GraphQLResponse
			}
			return s.JSON
		}
	}
	return 0
}

// TestNegotiation checks which media type each Accept header gets.
func TestNegotiation(t *testing.T) {
	srv := transportServer(t, graph.Options{}, time.Minute)
	tests := []struct {
		accept, want string
		status       int
	}{
		{"", mediaJSON, 200},
		{"*/*", mediaJSON, 200},
		{"application/*", mediaJSON, 200},
		{"application/json", mediaJSON, 200},
		{"application/graphql-response+json", mediaGQL, 200},
		// Apollo Client 4's header.
		{"application/graphql-response+json,application/json;q=0.9", mediaGQL, 200},
		{"application/json;q=0.9, application/graphql-response+json", mediaGQL, 200},
		{"application/graphql-response+json;q=0.5, application/json", mediaJSON, 200},
		{"text/html, application/json;charset=utf-8", mediaJSON, 200},
		{"text/html", mediaJSON, 406},
		{"application/json;q=0", mediaJSON, 406},
	}
	for _, tt := range tests {
		r := exchange{body: `{"query": "{ __typename }"}`, accept: tt.accept}.send(t, srv)
		if r.Status != tt.status || r.Header.Get("Content-Type") != tt.want {
			t.Errorf("Accept %q: HTTP %d %s, want %d %s: %.200s", tt.accept, r.Status, r.Header.Get("Content-Type"), tt.status, tt.want, r.Body)
		}
	}
	r := exchange{method: "OPTIONS"}.send(t, srv)
	if r.Status != http.StatusNoContent || r.Header.Get("Allow") != "GET, POST, OPTIONS" {
		t.Errorf("OPTIONS: HTTP %d, Allow %q", r.Status, r.Header.Get("Allow"))
	}
}
