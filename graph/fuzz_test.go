package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/puente-kg/puente/graph"
	"github.com/puente-kg/puente/internal/testenv"
)

// answer is a GraphQL response as the invariants see it.
type answer struct {
	Status int
	Body   []byte
	// HasData says whether the response has a non-null data member.
	HasData bool
	Data    map[string]json.RawMessage
	Errors  []answerError
}

type answerError struct {
	Message    string          `json:"message"`
	Path       []any           `json:"path"`
	Extensions map[string]any  `json:"extensions"`
	Raw        json.RawMessage `json:"-"`
}

// code returns the error's extensions.code, or "" when it has none.
func (e answerError) code() string {
	c, _ := e.Extensions["code"].(string)
	return c
}

// codes returns the codes of the answer's errors, in order.
func (a answer) codes() []string {
	out := make([]string, len(a.Errors))
	for i, e := range a.Errors {
		out[i] = e.code()
	}
	return out
}

// checkAnswer asserts the invariants every response of the endpoint keeps,
// whatever the request: no 5xx, a JSON object for a body, a non-empty
// extensions.code on every error, and at least one error when there is no
// data. It returns the parsed answer for further checks.
func checkAnswer(t testing.TB, status int, body []byte) answer {
	t.Helper()
	a := answer{Status: status, Body: body}
	if status >= 500 {
		t.Errorf("HTTP %d, want no 5xx; body: %.500s", status, body)
	}
	var resp struct {
		Data   json.RawMessage   `json:"data"`
		Errors []json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatalf("HTTP %d: the body is not a JSON object: %v\n%.500s", status, err, body)
	}
	a.HasData = len(resp.Data) > 0 && !bytes.Equal(resp.Data, []byte("null"))
	if a.HasData {
		if err := json.Unmarshal(resp.Data, &a.Data); err != nil {
			t.Errorf("data is not a JSON object: %v\n%.500s", err, resp.Data)
		}
	}
	for _, raw := range resp.Errors {
		var e answerError
		if err := json.Unmarshal(raw, &e); err != nil {
			t.Errorf("an error is not a JSON object: %v\n%.500s", err, raw)
			continue
		}
		e.Raw = raw
		if e.code() == "" {
			t.Errorf("an error has no extensions.code: %.500s", raw)
		}
		if e.Message == "" {
			t.Errorf("an error has no message: %.500s", raw)
		}
		a.Errors = append(a.Errors, e)
	}
	if !a.HasData && len(a.Errors) == 0 {
		t.Errorf("HTTP %d: neither data nor errors: %.500s", status, body)
	}
	return a
}

// requestBody makes a POST body of the query and the variables: the
// variables go in verbatim when they are JSON (so that any JSON value
// reaches the server), are left out when empty, and otherwise make the body
// malformed JSON on purpose, as a broken client would.
func requestBody(query, vars string) []byte {
	q, _ := json.Marshal(query)
	var b bytes.Buffer
	b.WriteString(`{"query":`)
	b.Write(q)
	if strings.TrimSpace(vars) != "" {
		b.WriteString(`,"variables":`)
		b.WriteString(vars)
	}
	b.WriteString("}")
	return b.Bytes()
}

// FuzzGraphQL posts arbitrary queries and variables to the GraphQL handler
// over the embedded store holding the seed dataset, and checks the
// invariants of checkAnswer, and that no request changes the store (every
// request is anonymous, so no write may succeed).
//
// Seeds: testdata/fuzz/FuzzGraphQL (analyst queries, malformed and hostile
// requests) and every analyst query of testdata/queries. Without -fuzz,
// go test runs just the seeds. A longer run:
//
//	go test -run '^$' -fuzz '^FuzzGraphQL$' -fuzztime 10m -timeout 20m ./graph
//
// (-timeout above -fuzztime: go test's default of 10m would end the run.)
func FuzzGraphQL(f *testing.F) {
	queries, err := filepath.Glob("testdata/queries/*.graphql")
	if err != nil {
		f.Fatal(err)
	}
	for _, path := range queries {
		q, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		vars, _ := os.ReadFile(strings.TrimSuffix(path, ".graphql") + ".vars.json")
		f.Add(string(q), string(vars))
	}

	store := testenv.Memory(f)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := graph.NewHandler(store, logger, graph.OptionsFor(store))
	before, err := store.Stats(context.Background())
	if err != nil {
		f.Fatal(err)
	}

	f.Fuzz(func(t *testing.T, query, vars string) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/query", bytes.NewReader(requestBody(query, vars)))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		checkAnswer(t, rec.Code, rec.Body.Bytes())

		after, err := store.Stats(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if after != before {
			t.Fatalf("the store changed: %+v, was %+v", after, before)
		}
	})
}
