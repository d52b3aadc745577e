package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/puente-kg/puente/graph"
	"github.com/puente-kg/puente/internal/testenv"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/middleware"
)

// serverWith starts the GraphQL endpoint over the store with the options,
// under the HTTP layers given (such as middleware.Timeout).
func serverWith(t testing.TB, store kg.Store, opts graph.Options, layers ...func(http.Handler) http.Handler) *httptest.Server {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := httptest.NewServer(middleware.Chain(graph.NewHandler(store, logger, opts), layers...))
	t.Cleanup(srv.Close)
	return srv
}

// limitCase is a request and the answer a limit must give it.
type limitCase struct {
	name  string
	query string
	vars  map[string]any
	// code, when set, is the extensions.code every error must have, with
	// at least one error; when empty, the answer must have data and no
	// error.
	code string
	// message, when set, is text the first error's message must hold: it
	// says which limit refused the query.
	message string
	// maxBody, when set, is how many bytes the answer may have.
	maxBody int
}

// runLimitCases posts each case to the server and checks its answer.
func runLimitCases(t *testing.T, srv *httptest.Server, cases []limitCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := json.Marshal(map[string]any{"query": c.query, "variables": c.vars})
			start := time.Now()
			resp, err := http.Post(srv.URL+"/query", "application/json", bytes.NewReader(req))
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("a %d-byte request: HTTP %d, %d bytes in %v", len(req), resp.StatusCode, len(body), time.Since(start).Round(time.Millisecond))
			a := checkAnswer(t, resp.StatusCode, body)
			if c.maxBody > 0 && len(body) > c.maxBody {
				t.Errorf("a %d-byte answer, want at most %d", len(body), c.maxBody)
			}
			if c.code == "" {
				if len(a.Errors) > 0 || !a.HasData {
					t.Errorf("errors %v, want data: %.300s", a.codes(), body)
				}
				return
			}
			if len(a.Errors) == 0 {
				t.Fatalf("no error, want %s: %.300s", c.code, body)
			}
			for _, e := range a.Errors {
				if e.code() != c.code {
					t.Errorf("error code %s, want %s: %.300s", e.code(), c.code, e.Raw)
				}
			}
			if !strings.Contains(a.Errors[0].Message, c.message) {
				t.Errorf("message %q, want it to say %q", a.Errors[0].Message, c.message)
			}
		})
	}
}

// fragmentsOf returns a query spreading n fragments of per copies of field
// each in its root selection.
func fragmentsOf(n, per int, field string) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, " ...F%d", i)
	}
	b.WriteString(" }")
	for i := range n {
		fmt.Fprintf(&b, "\nfragment F%d on Query {%s }", i, strings.Repeat(" "+field, per))
	}
	return b.String()
}

// doubling returns a query whose fragment Fi spreads Fi-1 twice, n times
// over: a few hundred bytes that select 2ⁿ fields.
func doubling(n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "{ ...F%d }\nfragment F0 on Query { __typename }", n)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "\nfragment F%d on Query { ...F%d ...F%d }", i, i-1, i-1)
	}
	return b.String()
}

// entitiesOf selects n aliased entity lookups of per aliased __typename
// each: n·(per+1) fields, no selection wider than max(n, per).
func entitiesOf(n, per int) string {
	return "{" + aliased(n, `entity(id: "org:xiaomi") {`+aliased(per, "__typename")+" }") + " }"
}

// TestFieldBudget checks that MAX_QUERY_FIELDS counts every field an
// operation would select, fragments counted at each spread, and that the
// budget refuses a query before gqlgen validates it: the message names the
// budget, which runs before validation (validating the 40×450 case took
// 18 s of CPU).
func TestFieldBudget(t *testing.T) {
	store := testenv.Memory(t)
	runLimitCases(t, serverWith(t, store, graph.Options{}), []limitCase{
		{name: "40 fragments of 450 __typename", query: fragmentsOf(40, 450, "__typename"), code: graph.CodeTooComplex, message: "fields"},
		{name: "fragments doubling 20 times", query: doubling(20), code: graph.CodeTooComplex, message: "more than 5000 fields"},
		{name: "12 selections of 450 fields", query: entitiesOf(12, 450), code: graph.CodeTooComplex, message: "more than 5000 fields"},
		{
			name:    "an unused fragment spreading 40 of 450",
			query:   "{ __typename }\nfragment All on Query {" + fragmentsOf(40, 450, "__typename")[1:],
			code:    graph.CodeTooComplex,
			message: "fields",
		},
		{
			// Fields of one response name merge: validation compares the
			// 4,950 fields of their subselections pairwise.
			name:    "11 fields of one name with 450 fields each",
			query:   "{" + strings.Repeat(` a: entity(id: "org:xiaomi") {`+strings.Repeat(" __typename", 450)+" }", 11) + " }",
			code:    graph.CodeTooComplex,
			message: "more than 500 fields",
		},
		{name: "9 selections of 450 fields", query: entitiesOf(9, 450)},
		{name: "fragments doubling 8 times", query: doubling(8)},
	})
	t.Run("a lower budget", func(t *testing.T) {
		runLimitCases(t, serverWith(t, store, graph.Options{MaxFields: 10}), []limitCase{
			{name: "10 fields", query: `{ entity(id: "org:xiaomi") { id name kind aliases description ...N } } fragment N on Entity { notes country { id name } }`},
			{
				name:    "11 fields through a fragment",
				query:   `{ entity(id: "org:xiaomi") { id name kind aliases description ...N } } fragment N on Entity { notes country { id name kind } }`,
				code:    graph.CodeTooComplex,
				message: "more than 10 fields",
			},
		})
	})
}

// TestRememberedCostFollowsFirst sends one query twice with another
// first, and another query twice with another ID: the cost the limit
// remembers for a query must never stand for a first it was not computed
// with.
func TestRememberedCostFollowsFirst(t *testing.T) {
	srv := serverWith(t, testenv.Memory(t), graph.Options{MaxComplexity: 500})
	const byFirst = `query($n: Int) { entities(first: $n) { edges { node { id name } } } }`
	const byID = `query($id: ID!) { entity(id: $id) { name } }`
	runLimitCases(t, srv, []limitCase{
		{name: "first within the limit", query: byFirst, vars: map[string]any{"n": 10}},
		{name: "first over the limit", query: byFirst, vars: map[string]any{"n": 400}, code: graph.CodeTooComplex},
		{name: "first within the limit again", query: byFirst, vars: map[string]any{"n": 5}},
		{name: "an ID", query: byID, vars: map[string]any{"id": "person:li-zhanshu"}},
		{name: "another ID", query: byID, vars: map[string]any{"id": "org:xiaomi"}},
	})
}
