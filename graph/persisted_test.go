package graph_test

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/puente-kg/puente/graph"
	"github.com/puente-kg/puente/graphqlhttp"
)

// apq returns the persisted-query extension of a query, as Apollo's link
// sends it.
func apq(query string) map[string]any {
	return map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": graphqlhttp.Hash(query)}}
}

// codeOf returns the code of a reply's first error, "" when it has none.
func codeOf(t *testing.T, r reply) string {
	t.Helper()
	var body struct {
		Errors []struct{ Extensions struct{ Code string } }
	}
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatalf("HTTP %d: not JSON: %.300s", r.Status, r.Body)
	}
	if len(body.Errors) == 0 {
		return ""
	}
	return body.Errors[0].Extensions.Code
}

// TestAutomaticPersistedQueries follows Apollo's protocol: a hash alone is
// not found until the query has been sent with it; then the hash alone
// runs the query, with POST or GET; a wrong hash is refused; a query the
// limits refuse is never remembered.
func TestAutomaticPersistedQueries(t *testing.T) {
	srv := transportServer(t, graph.Options{MaxDepth: 4}, time.Minute)
	const query = `query Xiaomi { entity(id: "org:xiaomi") { id name } }`
	hashOnly := jsonBody(map[string]any{"extensions": apq(query)})

	for _, media := range []string{mediaJSON, mediaGQL} {
		r := exchange{body: hashOnly, accept: media}.send(t, srv)
		want := map[string]int{mediaJSON: 200, mediaGQL: 404}[media]
		if codeOf(t, r) != "PERSISTED_QUERY_NOT_FOUND" || r.Status != want || !strings.Contains(string(r.Body), `"PersistedQueryNotFound"`) {
			t.Errorf("%s: a hash the server does not know: HTTP %d %s, want %d PersistedQueryNotFound", media, r.Status, r.Body, want)
		}
	}
	r := exchange{body: jsonBody(map[string]any{"query": query, "extensions": apq(query)})}.send(t, srv)
	if r.Status != 200 || codeOf(t, r) != "" || !strings.Contains(string(r.Body), "Xiaomi") {
		t.Fatalf("the query with its hash: HTTP %d %s", r.Status, r.Body)
	}
	r = exchange{body: hashOnly}.send(t, srv)
	if r.Status != 200 || codeOf(t, r) != "" || !strings.Contains(string(r.Body), "Xiaomi") {
		t.Errorf("the hash alone, after the query: HTTP %d %s", r.Status, r.Body)
	}
	ext, _ := json.Marshal(apq(query))
	r = exchange{method: "GET", query: "extensions=" + url.QueryEscape(string(ext))}.send(t, srv)
	if r.Status != 200 || codeOf(t, r) != "" || !strings.Contains(string(r.Body), "Xiaomi") {
		t.Errorf("the hash alone with GET: HTTP %d %s", r.Status, r.Body)
	}
	r = exchange{body: jsonBody(map[string]any{"documentId": "sha256:" + graphqlhttp.Hash(query)})}.send(t, srv)
	if r.Status != 200 || codeOf(t, r) != "" {
		t.Errorf("the hash as a documentId: HTTP %d %s", r.Status, r.Body)
	}

	other := `{ entity(id: "org:xiaomi") { kind } }`
	r = exchange{body: jsonBody(map[string]any{"query": other, "extensions": apq(query)})}.send(t, srv)
	if r.Status != 400 || codeOf(t, r) != "PERSISTED_QUERY_HASH_MISMATCH" {
		t.Errorf("a query with another's hash: HTTP %d %s, want 400 PERSISTED_QUERY_HASH_MISMATCH", r.Status, r.Body)
	}
	r = exchange{body: jsonBody(map[string]any{"extensions": apq(other)})}.send(t, srv)
	if codeOf(t, r) != "PERSISTED_QUERY_NOT_FOUND" {
		t.Errorf("a mismatched query was remembered: %s", r.Body)
	}
	for _, bad := range []map[string]any{
		{"persistedQuery": map[string]any{"version": 2, "sha256Hash": graphqlhttp.Hash(query)}},
		{"persistedQuery": map[string]any{"version": 1, "sha256Hash": "abc"}},
		{"persistedQuery": "abc"},
	} {
		r = exchange{body: jsonBody(map[string]any{"extensions": bad})}.send(t, srv)
		if r.Status != 400 || codeOf(t, r) != "BAD_REQUEST" {
			t.Errorf("extensions %v: HTTP %d %s, want 400 BAD_REQUEST", bad, r.Status, r.Body)
		}
	}

	deep := `{ entity(id: "org:xiaomi") { related { related { related { related { id } } } } } }`
	if r = (exchange{body: jsonBody(map[string]any{"query": deep, "extensions": apq(deep)})}).send(t, srv); codeOf(t, r) != "QUERY_TOO_DEEP" {
		t.Fatalf("a query too deep: %s", r.Body)
	}
	if r = (exchange{body: jsonBody(map[string]any{"extensions": apq(deep)})}).send(t, srv); codeOf(t, r) != "PERSISTED_QUERY_NOT_FOUND" {
		t.Errorf("a refused query was remembered: %s", r.Body)
	}
}

// TestAPQCacheIsBounded checks that the cache keeps within its budget of
// bytes, forgetting the least recently used query first, and that with
// no budget the server says it does not support persisted queries.
func TestAPQCacheIsBounded(t *testing.T) {
	// Room for about two queries of this size.
	srv := transportServer(t, graph.Options{APQCacheBytes: 700}, time.Minute)
	queries := make([]string, 3)
	for i := range queries {
		queries[i] = fmt.Sprintf(`query Q%d { entity(id: "org:xiaomi") { id %s } }`, i, strings.Repeat("name ", 20))
		exchange{body: jsonBody(map[string]any{"query": queries[i], "extensions": apq(queries[i])})}.send(t, srv)
	}
	known := func(q string) bool {
		return codeOf(t, exchange{body: jsonBody(map[string]any{"extensions": apq(q)})}.send(t, srv)) == ""
	}
	if known(queries[0]) || !known(queries[1]) || !known(queries[2]) {
		t.Errorf("after three queries in a cache of two: known %v %v %v, want false true true",
			known(queries[0]), known(queries[1]), known(queries[2]))
	}

	off := transportServer(t, graph.Options{APQCacheBytes: -1}, time.Minute)
	exchange{body: jsonBody(map[string]any{"query": queries[0], "extensions": apq(queries[0])})}.send(t, off)
	if r := (exchange{body: jsonBody(map[string]any{"extensions": apq(queries[0])})}).send(t, off); codeOf(t, r) != "PERSISTED_QUERY_NOT_SUPPORTED" {
		t.Errorf("with automatic persisted queries off: %s, want PERSISTED_QUERY_NOT_SUPPORTED", r.Body)
	}
}

// TestTrustedDocuments checks TRUSTED_DOCUMENTS_ONLY: callers below admin
// run trusted documents, by hash or by text, and nothing else; admins run
// anything; without it, trusted documents run by hash for everyone.
func TestTrustedDocuments(t *testing.T) {
	const trusted = `query Xiaomi { entity(id: "org:xiaomi") { id name } }`
	const other = `{ entity(id: "org:xiaomi") { kind } }`
	docs := map[string]string{graphqlhttp.Hash(trusted): trusted}
	only := transportServer(t, graph.Options{TrustedDocuments: docs, TrustedDocumentsOnly: true}, time.Minute)
	open := transportServer(t, graph.Options{TrustedDocuments: docs}, time.Minute)

	tests := []struct {
		name   string
		srv    *httptest.Server
		body   map[string]any
		token  string
		status int
		code   string
	}{
		{"a trusted hash", only, map[string]any{"extensions": apq(trusted)}, "", 200, ""},
		{"a trusted hash, as a reader", only, map[string]any{"extensions": apq(trusted)}, readerToken, 200, ""},
		{"a trusted document's text", only, map[string]any{"query": trusted}, "", 200, ""},
		{"a trusted hash as a documentId", only, map[string]any{"documentId": "sha256:" + graphqlhttp.Hash(trusted)}, "", 200, ""},
		{"another query", only, map[string]any{"query": other}, "", 403, "PERSISTED_QUERY_NOT_IN_LIST"},
		{"another query, as an editor", only, map[string]any{"query": other}, editorToken, 403, "PERSISTED_QUERY_NOT_IN_LIST"},
		{"another query with its hash", only, map[string]any{"query": other, "extensions": apq(other)}, "", 403, "PERSISTED_QUERY_NOT_IN_LIST"},
		{"an unknown hash", only, map[string]any{"extensions": apq(other)}, "", 403, "PERSISTED_QUERY_NOT_IN_LIST"},
		{"another query, as an admin", only, map[string]any{"query": other}, adminToken, 200, ""},
		{"a trusted hash, open server", open, map[string]any{"extensions": apq(trusted)}, "", 200, ""},
		{"another query, open server", open, map[string]any{"query": other}, "", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := exchange{body: jsonBody(tt.body), token: tt.token}.send(t, tt.srv)
			if r.Status != tt.status || codeOf(t, r) != tt.code {
				t.Errorf("HTTP %d %s, want %d %q", r.Status, r.Body, tt.status, tt.code)
			}
		})
	}
	// An admin's query sent with its hash is not runnable by hash for others.
	exchange{body: jsonBody(map[string]any{"query": other, "extensions": apq(other)}), token: adminToken}.send(t, only)
	if r := (exchange{body: jsonBody(map[string]any{"extensions": apq(other)})}).send(t, only); codeOf(t, r) != "PERSISTED_QUERY_NOT_IN_LIST" {
		t.Errorf("an admin's query became runnable by hash for anyone: %s", r.Body)
	}
}
