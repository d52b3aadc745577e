package main

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/puente-kg/puente/graph"
	"github.com/puente-kg/puente/graphqlhttp"
	"github.com/puente-kg/puente/internal/testenv"
)

// TestSchemaFiles checks /schema.graphql and /possible-types.json, and
// that turning introspection off turns them off too.
func TestSchemaFiles(t *testing.T) {
	srv := testServer(t, testenv.Memory(t))
	sdl := send(t, srv, "GET", "/schema.graphql", "", nil)
	if sdl.status != 200 || sdl.body != string(graph.SchemaSDL()) || !strings.HasPrefix(sdl.header.Get("Content-Type"), "text/plain") {
		t.Errorf("/schema.graphql: HTTP %d %s, %d bytes", sdl.status, sdl.header.Get("Content-Type"), len(sdl.body))
	}
	if !strings.Contains(sdl.body, "interface Entity implements Node") {
		t.Errorf("/schema.graphql lacks the Entity interface")
	}
	if r := send(t, srv, "GET", "/schema.graphql", "", map[string]string{"If-None-Match": sdl.header.Get("ETag")}); r.status != 304 {
		t.Errorf("/schema.graphql with its ETag: HTTP %d, want 304", r.status)
	}
	pt := send(t, srv, "GET", "/possible-types.json", "", nil)
	var types map[string][]string
	if err := json.Unmarshal([]byte(pt.body), &types); err != nil || pt.status != 200 {
		t.Fatalf("/possible-types.json: HTTP %d %v: %.200s", pt.status, err, pt.body)
	}
	if want := []string{"Country", "Event", "Organization", "Person", "Place"}; !slices.Equal(types["Entity"], want) {
		t.Errorf("possible types of Entity: %v, want %v", types["Entity"], want)
	}
	if !slices.Contains(types["Node"], "Source") || slices.Contains(types["Node"], "Entity") {
		t.Errorf("possible types of Node: %v, want the object types only, Source among them", types["Node"])
	}
	off := testServer(t, testenv.Memory(t), "-introspection=false")
	for _, path := range []string{"/schema.graphql", "/possible-types.json"} {
		if r := send(t, off, "GET", path, "", nil); r.status != 404 {
			t.Errorf("%s with introspection off: HTTP %d, want 404", path, r.status)
		}
	}
}

// TestCacheableReads checks ETags and Cache-Control on GET queries, GET
// persisted queries and exports, and their absence elsewhere.
func TestCacheableReads(t *testing.T) {
	const query = `{ entity(id: "org:xiaomi") { id name } }`
	get := "/query?query=" + url.QueryEscape(query)
	ext, _ := json.Marshal(map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": graphqlhttp.Hash(query)}})
	byHash := "/query?extensions=" + url.QueryEscape(string(ext))

	def := testServer(t, testenv.Memory(t))
	r := send(t, def, "GET", get, "", nil)
	if r.status != 200 || r.header.Get("ETag") == "" || r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("a GET query by default: HTTP %d, ETag %q, Cache-Control %q, want an ETag and no-store",
			r.status, r.header.Get("ETag"), r.header.Get("Cache-Control"))
	}

	srv := testServer(t, testenv.Memory(t), "-cache-control", "public, max-age=60")
	r = send(t, srv, "GET", get, "", nil)
	tag := r.header.Get("ETag")
	if r.status != 200 || tag == "" || r.header.Get("Cache-Control") != "public, max-age=60" || !strings.Contains(r.header.Get("Vary"), "Accept") {
		t.Fatalf("a GET query: HTTP %d, ETag %q, Cache-Control %q, Vary %q", r.status, tag, r.header.Get("Cache-Control"), r.header.Get("Vary"))
	}
	if nm := send(t, srv, "GET", get, "", map[string]string{"If-None-Match": tag}); nm.status != 304 || nm.body != "" {
		t.Errorf("If-None-Match: HTTP %d %q, want 304 and no body", nm.status, nm.body)
	}
	if gr := send(t, srv, "GET", get, "", map[string]string{"Accept": "application/graphql-response+json"}); gr.header.Get("ETag") == tag {
		t.Error("both media types got the same ETag")
	}
	// The hash alone is refused until the query is sent with it, and the
	// refusal must not be cached.
	if nf := send(t, srv, "GET", byHash, "", nil); code(t, nf.body) != "PERSISTED_QUERY_NOT_FOUND" || nf.header.Get("Cache-Control") != "no-store" {
		t.Errorf("an unknown hash: %s, Cache-Control %q, want PERSISTED_QUERY_NOT_FOUND, no-store", nf.body, nf.header.Get("Cache-Control"))
	}
	send(t, srv, "POST", "/query", `{"query": `+strconvQuote(query)+`, "extensions": `+string(ext)+`}`, nil)
	if h := send(t, srv, "GET", byHash, "", nil); h.status != 200 || h.header.Get("ETag") != tag || code(t, h.body) != "" {
		t.Errorf("the hash alone with GET: HTTP %d, ETag %q, want the query's %q: %s", h.status, h.header.Get("ETag"), tag, h.body)
	}
	if e := send(t, srv, "GET", "/query?query="+url.QueryEscape(`{ entity(id: "bad") { id } }`), "", nil); e.header.Get("Cache-Control") != "no-store" {
		t.Errorf("an answer with errors: Cache-Control %q, want no-store", e.header.Get("Cache-Control"))
	}
	if p := send(t, srv, "POST", "/query", gql(query), nil); p.header.Get("ETag") != "" {
		t.Errorf("a POST got an ETag")
	}

	ex := send(t, srv, "GET", "/export/cytoscape?id=org:xiaomi", "", nil)
	if ex.status != 200 || ex.header.Get("ETag") == "" || ex.header.Get("Cache-Control") != "public, max-age=60" {
		t.Fatalf("an export: HTTP %d, ETag %q, Cache-Control %q", ex.status, ex.header.Get("ETag"), ex.header.Get("Cache-Control"))
	}
	if nm := send(t, srv, "GET", "/export/cytoscape?id=org:xiaomi", "", map[string]string{"If-None-Match": ex.header.Get("ETag")}); nm.status != 304 {
		t.Errorf("an export with its ETag: HTTP %d, want 304", nm.status)
	}
	if bad := send(t, srv, "GET", "/export/cytoscape?id=Xiaomi", "", nil); bad.status != 400 || bad.header.Get("ETag") != "" {
		t.Errorf("a refused export: HTTP %d, ETag %q", bad.status, bad.header.Get("ETag"))
	}
}

func strconvQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestClientSettings checks the settings of batches and persisted
// queries.
func TestClientSettings(t *testing.T) {
	dir := t.TempDir()
	doc := `{ entity(id: "org:xiaomi") { name } }`
	good := filepath.Join(dir, "persisted-documents.json")
	os.WriteFile(good, []byte(`{"sha256:`+graphqlhttp.Hash(doc)+`": `+strconvQuote(doc)+`}`), 0o644)
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"sha256:`+graphqlhttp.Hash("x")+`": `+strconvQuote(doc)+`}`), 0o644)
	for _, flags := range [][]string{
		{"-trusted-documents-only"},
		{"-trusted-documents-file", bad},
		{"-trusted-documents-file", filepath.Join(dir, "missing.json")},
		{"-apq-cache-bytes", "-1"},
	} {
		if _, _, err := parseConfig(flags); err == nil {
			t.Errorf("%v: no error", flags)
		}
	}
	t.Setenv("MAX_BATCH_SIZE", "2")
	srv := testServer(t, testenv.Memory(t), "-trusted-documents-file", good, "-trusted-documents-only")
	if r := send(t, srv, "POST", "/query", "["+gql(doc)+","+gql(doc)+","+gql(doc)+"]", nil); code(t, r.body) != "BATCH_TOO_LARGE" {
		t.Errorf("3 operations with MAX_BATCH_SIZE=2: %s", r.body)
	}
	if r := send(t, srv, "POST", "/query", gql(doc), nil); r.status != 200 || code(t, r.body) != "" {
		t.Errorf("a trusted document: HTTP %d %s", r.status, r.body)
	}
	if r := send(t, srv, "POST", "/query", gql(`{ __typename }`), nil); r.status != 403 || code(t, r.body) != "PERSISTED_QUERY_NOT_IN_LIST" {
		t.Errorf("another operation: HTTP %d %s", r.status, r.body)
	}
}
