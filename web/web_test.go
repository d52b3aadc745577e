package web_test

import (
	"bytes"
	"compress/gzip"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/puente-kg/puente/internal/testenv"
	"github.com/puente-kg/puente/web"
)

// The versions issue 6 pins.
var pinned = map[string]string{
	"graphiql":                  "4.1.2",
	"react":                     "18.2.0",
	"react-dom":                 "18.2.0",
	"@graphiql/plugin-explorer": "4.0.6",
}

// TestVendorManifest checks that the embedded third-party files are those
// scripts/web-assets wrote: the manifest's hashes match the embedded bytes,
// the script's pins match the manifest, and the pins hold.
func TestVendorManifest(t *testing.T) {
	m := web.VendorManifest()
	if got := web.VendorIntegrity(); !maps.Equal(got, m.Files) {
		t.Errorf("static/vendor/manifest.json does not match the embedded files; run scripts/web-assets\nmanifest: %v\nembedded: %v", m.Files, got)
	}
	for name, version := range pinned {
		if got := m.Packages[name].Version; got != version {
			t.Errorf("%s is at %q, want %s", name, got, version)
		}
	}
	script, err := os.ReadFile(filepath.Join(repoRoot(t), "scripts", "web-assets"))
	if err != nil {
		t.Fatal(err)
	}
	pins := regexp.MustCompile(`(?m)^  "(@?[a-z0-9/.-]+)@([0-9][^ ]*) `).FindAllStringSubmatch(string(script), -1)
	if len(pins) != len(m.Packages) {
		t.Errorf("scripts/web-assets pins %d packages, the manifest has %d", len(pins), len(m.Packages))
	}
	for _, p := range pins {
		if got := m.Packages[p[1]].Version; got != p[2] {
			t.Errorf("scripts/web-assets pins %s@%s, the manifest has %q; run scripts/web-assets", p[1], p[2], got)
		}
	}
}

var (
	scriptTag = regexp.MustCompile(`<script src="([^"]+)" integrity="([^"]+)" crossorigin="anonymous" defer></script>`)
	linkTag   = regexp.MustCompile(`<link rel="stylesheet" href="([^"]+)" integrity="([^"]+)" crossorigin="anonymous">`)
	anyURL    = regexp.MustCompile(`(?i)(src|href)="([^"]*)"`)
)

// TestPages loads each page and checks its headers, that every script and
// style sheet it names is served by the server with the integrity hash the
// page gives, and that nothing it names lives on another host.
func TestPages(t *testing.T) {
	srv := newServer(t, testenv.Memory(t))
	for _, tc := range []struct {
		path            string
		scripts, styles int
		mustContain     []string
	}{
		{"/", 5, 3, []string{"graphiql@4.1.2/graphiql.min.js", "react@18.2.0/umd/react.production.min.js", "graphiql-plugin-explorer@4.0.6/dist/index.umd.js"}},
		{"/explore", 5, 2, []string{"cytoscape@3.35.0/dist/cytoscape.min.js", "cytoscape-fcose@2.2.0/cytoscape-fcose.js", `id="search"`}},
	} {
		t.Run(tc.path, func(t *testing.T) {
			resp, body := get(t, srv, tc.path)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			for h, want := range map[string]string{
				"Content-Type":            "text/html; charset=utf-8",
				"Cache-Control":           "no-cache",
				"Content-Security-Policy": web.ContentSecurityPolicy,
				"X-Content-Type-Options":  "nosniff",
				"Referrer-Policy":         "no-referrer",
				"X-Frame-Options":         "DENY",
			} {
				if got := resp.Header.Get(h); got != want {
					t.Errorf("%s = %q, want %q", h, got, want)
				}
			}
			page := string(body)
			for _, s := range tc.mustContain {
				if !strings.Contains(page, s) {
					t.Errorf("the page does not mention %s", s)
				}
			}
			scripts := scriptTag.FindAllStringSubmatch(page, -1)
			styles := linkTag.FindAllStringSubmatch(page, -1)
			if len(scripts) != tc.scripts || len(styles) != tc.styles {
				t.Errorf("%d scripts and %d style sheets, want %d and %d", len(scripts), len(styles), tc.scripts, tc.styles)
			}
			for _, m := range append(scripts, styles...) {
				url, integrity := unescape(m[1]), unescape(m[2])
				resp, body := get(t, srv, url)
				if resp.StatusCode != http.StatusOK {
					t.Errorf("%s: status %d", url, resp.StatusCode)
					continue
				}
				sum := sha512.Sum384(body)
				if got := "sha384-" + base64.StdEncoding.EncodeToString(sum[:]); got != integrity {
					t.Errorf("%s: integrity %s, the page says %s", url, got, integrity)
				}
				if cc := resp.Header.Get("Cache-Control"); cc != web.ImmutableCache {
					t.Errorf("%s: Cache-Control %q, want %q", url, cc, web.ImmutableCache)
				}
			}
			for _, m := range anyURL.FindAllStringSubmatch(page, -1) {
				if !strings.HasPrefix(m[2], "/") || strings.HasPrefix(m[2], "//") {
					t.Errorf("%s=%q does not point at this server", m[1], m[2])
				}
			}
		})
	}
}

// unescape undoes html/template's escaping of an attribute value.
func unescape(s string) string {
	return strings.NewReplacer("&#43;", "+", "&amp;", "&", "&#61;", "=").Replace(s)
}

// TestStatic checks how static files are served: types, caching by
// version, revalidation, compression and unknown paths.
func TestStatic(t *testing.T) {
	srv := newServer(t, testenv.Memory(t))

	resp, _ := get(t, srv, "/static/vendor/react@18.2.0/umd/react.production.min.js")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/javascript; charset=utf-8" ||
		resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Cache-Control") != web.ImmutableCache {
		t.Errorf("vendor file: status %d, headers %v", resp.StatusCode, resp.Header)
	}
	etag := resp.Header.Get("ETag")
	if resp, _ := get(t, srv, "/static/vendor/react@18.2.0/umd/react.production.min.js", "If-None-Match", etag); resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match %s: status %d, want 304", etag, resp.StatusCode)
	}

	resp, zipped := get(t, srv, "/static/vendor/graphiql@4.1.2/graphiql.min.css", "Accept-Encoding", "gzip, br")
	if resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("Content-Type") != "text/css; charset=utf-8" {
		t.Errorf("gzip: headers %v", resp.Header)
	} else {
		zr, err := gzip.NewReader(bytes.NewReader(zipped))
		if err != nil {
			t.Fatal(err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		_, want := get(t, srv, "/static/vendor/graphiql@4.1.2/graphiql.min.css")
		if !bytes.Equal(plain, want) || len(zipped) >= len(want) {
			t.Errorf("gzip: %d bytes unzip to %d, want %d", len(zipped), len(plain), len(want))
		}
	}

	// The pages' own files are immutable only under their current version.
	resp, _ = get(t, srv, "/static/explore.js")
	if cc := resp.Header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("unversioned own file: Cache-Control %q, want no-cache", cc)
	}
	resp, _ = get(t, srv, "/static/explore.js?v=0000000000000000")
	if cc := resp.Header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("own file under a stale version: Cache-Control %q, want no-cache", cc)
	}
	_, pageBody := get(t, srv, "/explore")
	m := regexp.MustCompile(`/static/explore\.js\?v=[0-9a-f]+`).FindString(string(pageBody))
	resp, _ = get(t, srv, m)
	if m == "" || resp.Header.Get("Cache-Control") != web.ImmutableCache {
		t.Errorf("own file %q under its version: Cache-Control %q", m, resp.Header.Get("Cache-Control"))
	}

	for _, p := range []string{"/static/", "/static/nope.js", "/static/vendor/", "/static/vendor", "/static/web.go"} {
		resp, body := get(t, srv, p)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", p, resp.StatusCode)
			continue
		}
		var e struct{ Error, Code string }
		if err := json.Unmarshal(body, &e); err != nil || e.Code != "NOT_FOUND" {
			t.Errorf("%s: body %s", p, body)
		}
	}
}

// TestGraphiQLConfig checks what the GraphiQL page hands GraphiQL: the
// endpoint, one tab per example, and a headers placeholder that is a JSON
// object with an Authorization header.
func TestGraphiQLConfig(t *testing.T) {
	srv := newServer(t, testenv.Memory(t))
	_, body := get(t, srv, "/")
	m := regexp.MustCompile(`(?s)<script type="application/json" id="puente-config">(.*?)</script>`).FindSubmatch(body)
	if m == nil {
		t.Fatal("no configuration in the page")
	}
	var cfg struct {
		Endpoint       string `json:"endpoint"`
		DefaultHeaders string `json:"defaultHeaders"`
		Tabs           []struct{ Query, Headers string }
	}
	if err := json.Unmarshal(m[1], &cfg); err != nil {
		t.Fatalf("configuration is not JSON: %v\n%s", err, m[1])
	}
	if cfg.Endpoint != "/query" {
		t.Errorf("endpoint %q", cfg.Endpoint)
	}
	examples := web.Examples()
	if len(cfg.Tabs) != len(examples) || len(examples) < 5 {
		t.Fatalf("%d tabs for %d examples, want at least 5", len(cfg.Tabs), len(examples))
	}
	for i, tab := range cfg.Tabs {
		if tab.Query != examples[i].Query {
			t.Errorf("tab %d is not example %s", i, examples[i].Name)
		}
		for _, h := range []string{tab.Headers, cfg.DefaultHeaders} {
			var headers map[string]string
			if err := json.Unmarshal([]byte(h), &headers); err != nil || !strings.HasPrefix(headers["Authorization"], "Bearer ") {
				t.Errorf("tab %d: headers %q are not a JSON object with a bearer Authorization (%v)", i, h, err)
			}
		}
	}
}

// TestExamples runs every example operation of the GraphiQL page on every
// backend: each must answer without errors, and each of its top-level
// fields must be non-empty.
func TestExamples(t *testing.T) {
	for _, b := range testenv.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			srv := newServer(t, b.Open(t))
			for _, e := range web.Examples() {
				var data map[string]json.RawMessage
				query(t, srv, e.Query, nil, &data)
				if len(data) == 0 {
					t.Errorf("%s: no data", e.Name)
				}
				for field, v := range data {
					if s := string(v); s == "null" || s == "[]" || s == "{}" {
						t.Errorf("%s: %s is empty: %s", e.Name, field, s)
					}
				}
				if e.Name == "5-a-neighborhood-subgraph.graphql" {
					var n struct{ Nodes []json.RawMessage }
					json.Unmarshal(data["neighborhood"], &n)
					if len(n.Nodes) < 5 {
						t.Errorf("%s: %d nodes", e.Name, len(n.Nodes))
					}
				}
			}
		})
	}
}

// TestExamplesRunAsIs checks the examples' operation names, which GraphiQL
// shows as tab titles: one named query per file, no two alike.
func TestExamplesRunAsIs(t *testing.T) {
	var names []string
	for _, e := range web.Examples() {
		ops := regexp.MustCompile(`(?m)^(query|mutation) ([A-Za-z]+)`).FindAllStringSubmatch(e.Query, -1)
		if len(ops) != 1 {
			t.Errorf("%s: %d named operations, want 1", e.Name, len(ops))
			continue
		}
		if slices.Contains(names, ops[0][2]) {
			t.Errorf("%s: operation name %s used twice", e.Name, ops[0][2])
		}
		names = append(names, ops[0][2])
	}
}

// introspectionQuery is the shape of the query GraphiQL (and most GraphQL
// tools) send to learn the schema: every type with its fields, arguments
// and input fields, each type reference unwrapped through nine levels of
// ofType (a [[T!]!]! and more).
func introspectionQuery() string {
	ref := "kind name"
	for range 8 {
		ref = "kind name ofType { " + ref + " }"
	}
	return `query IntrospectionQuery {
  __schema {
    description
    queryType { name kind }
    mutationType { name kind }
    subscriptionType { name kind }
    types { ...FullType }
    directives { name description isRepeatable locations args(includeDeprecated: true) { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description specifiedByURL
  fields(includeDeprecated: true) {
    name description args(includeDeprecated: true) { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason
  }
  inputFields(includeDeprecated: true) { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue {
  name description type { ...TypeRef } defaultValue isDeprecated deprecationReason
}
fragment TypeRef on __Type { ` + ref + ` }`
}

// TestGraphiQLIntrospection checks that the endpoint answers the
// introspection query GraphiQL sends when the page opens: without it the
// editor has no schema, the explorer plugin shows "No Schema Available" and
// completion is off.
func TestGraphiQLIntrospection(t *testing.T) {
	srv := newServer(t, testenv.Memory(t))
	body, _ := json.Marshal(map[string]any{"query": introspectionQuery(), "operationName": "IntrospectionQuery"})
	resp, err := http.Post(srv.URL+"/query", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		Data struct {
			Schema struct {
				QueryType struct{ Name string }
				Types     []struct{ Name string }
			} `json:"__schema"`
		}
		Errors []struct {
			Message    string
			Extensions map[string]any
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	if len(r.Errors) > 0 || r.Data.Schema.QueryType.Name != "Query" || len(r.Data.Schema.Types) < 20 {
		t.Errorf("GraphiQL's introspection query fails (status %d): %+v\n"+
			"GraphiQL cannot load the schema, so its explorer plugin and completion stay empty. "+
			"Limits on query depth or cost should not count introspection fields (__schema, __type).",
			resp.StatusCode, r.Errors)
	}
}
