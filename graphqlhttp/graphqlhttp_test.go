package graphqlhttp

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadTrustedDocuments reads both forms of the file and refuses a
// hash that is not its document's.
func TestLoadTrustedDocuments(t *testing.T) {
	const doc = `query Who($id: ID!) { entity(id: $id) { id name } }`
	h := Hash(doc)
	dir := t.TempDir()
	tests := []struct {
		name, file string
		err        string
	}{
		{"graphql-codegen", fmt.Sprintf(`{"sha256:%s": %q}`, h, doc), ""},
		{"bare hashes", fmt.Sprintf(`{%q: %q}`, strings.ToUpper(h), doc), ""},
		{"Apollo manifest", fmt.Sprintf(`{"format": "apollo-persisted-query-manifest", "version": 1,
			"operations": [{"id": %q, "name": "Who", "type": "query", "body": %q}]}`, h, doc), ""},
		{"a wrong hash", fmt.Sprintf(`{%q: %q}`, Hash("other"), doc), "not the SHA-256 of its document"},
		{"a SHA-1", fmt.Sprintf(`{"sha1:4b0d": %q}`, doc), "not a SHA-256"},
		{"not an object", `["a"]`, "want a JSON object"},
		{"another manifest", `{"format": "other", "operations": []}`, "unknown manifest format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+".json")
			if err := os.WriteFile(path, []byte(tt.file), 0o644); err != nil {
				t.Fatal(err)
			}
			docs, err := LoadTrustedDocuments(path)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("error %v, want one saying %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if docs[h] != doc || len(docs) != 1 {
				t.Errorf("documents %v", docs)
			}
		})
	}
	if _, err := LoadTrustedDocuments(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("a missing file loaded")
	}
}

// TestQueryCache checks the cache's budget of bytes and its order.
func TestQueryCache(t *testing.T) {
	q := strings.Repeat("x", 100)
	size := (&cacheEntry{key: "k0", query: q}).size()
	c := newQueryCache(3 * size)
	for i := range 3 {
		c.Add(fmt.Sprintf("k%d", i), q)
	}
	c.Get("k0") // k1 is now the least recently used
	c.Add("k3", q)
	if _, ok := c.Get("k1"); ok {
		t.Error("k1 was kept past the budget")
	}
	for _, k := range []string{"k0", "k2", "k3"} {
		if _, ok := c.Get(k); !ok {
			t.Errorf("%s was dropped", k)
		}
	}
	c.Add("huge", strings.Repeat("x", 4*size))
	if _, ok := c.Get("huge"); ok || c.Len() != 3 {
		t.Errorf("a query over the whole budget: kept %v, %d entries", ok, c.Len())
	}
}

// TestNegotiate checks the choice of media type.
func TestNegotiate(t *testing.T) {
	for accept, want := range map[string]string{
		"":                                  MediaJSON,
		"*/*":                               MediaJSON,
		"application/graphql-response+json": MediaGraphQLResponse,
		"application/graphql-response+json, application/json;q=0.9": MediaGraphQLResponse,
		"application/json, application/graphql-response+json":       MediaJSON,
		"application/graphql-response+json;q=0.1, */*;q=0.2":        MediaJSON,
		"text/html":            "",
		"application/xml, *":   "",
		"application/json;q=2": "",
	} {
		if got := negotiate(accept); got != want {
			t.Errorf("Accept %q: %q, want %q", accept, got, want)
		}
	}
}
