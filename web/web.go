// Package web serves Puente's pages: GraphiQL at / (with the point-and-click
// explorer plugin and a set of example operations), the network explorer at
// /explore, their static files under /static/, and the graph exports under
// /export/.
//
// Every file a page loads is embedded in the binary and served from it: the
// third-party ones (React, GraphiQL, Cytoscape.js and the fcose layout) are
// the built files of pinned npm packages, refreshed by scripts/web-assets
// under static/vendor/. Pages name each script and style sheet with its
// subresource-integrity hash, and their Content-Security-Policy allows
// nothing but the server itself, so no request leaves the machine.
package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"crypto/sha512"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"slices"
	"strings"
)

//go:embed static
var staticFS embed.FS

//go:embed templates/*.html
var templateFS embed.FS

// StaticPrefix is the path under which Static serves the embedded files.
const StaticPrefix = "/static/"

// ImmutableCache is the Cache-Control of files whose URL changes with their
// content: vendor files (their path names the package version) and the
// pages' own files when asked for with their current ?v= hash.
const ImmutableCache = "public, max-age=31536000, immutable"

// ContentSecurityPolicy is the policy of every page: scripts, styles,
// fonts, images and requests from the server itself only. Styles may be
// inline because Cytoscape.js (and some of GraphiQL's dialogs) set them at
// run time; fonts and images may be data: URLs because GraphiQL's style
// sheet embeds its fonts and icons.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// file is one embedded static file, ready to serve.
type file struct {
	body      []byte
	gzipped   []byte // nil when compression does not pay
	integrity string // sha384-…, for the integrity attribute
	version   string // the first 16 hex digits of the SHA-256, for ?v= and the ETag
	mediaType string
	vendor    bool
}

// Asset is a script or style sheet as a page names it.
type Asset struct {
	// URL is the path to load it from.
	URL string
	// Integrity is its subresource-integrity hash, "sha384-…".
	Integrity string
}

// Manifest is static/vendor/manifest.json, which scripts/web-assets writes.
type Manifest struct {
	// Packages maps an npm package name to its pinned version and the
	// directory under static/vendor/ that holds its files.
	Packages map[string]struct {
		Version string `json:"version"`
		Dir     string `json:"dir"`
	} `json:"packages"`
	// Files maps each .js and .css file under static/vendor/ to its
	// subresource-integrity hash.
	Files map[string]string `json:"files"`
}

// site is everything the handlers serve, loaded once from the embedded
// files.
type site struct {
	files    map[string]*file // by path under static/
	manifest Manifest
	pages    *template.Template
}

var theSite = mustLoad()

// mustLoad reads the embedded files. The files are part of the binary, so
// a failure is a build defect and panics.
func mustLoad() *site {
	s, err := load()
	if err != nil {
		panic(fmt.Sprintf("web: embedded files: %v", err))
	}
	return s
}

func load() (*site, error) {
	s := &site{files: map[string]*file{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(p, "static/")
		s.files[rel] = newFile(rel, body)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("walk: %w", err)
	}
	m, ok := s.files["vendor/manifest.json"]
	if !ok {
		return nil, fmt.Errorf("static/vendor/manifest.json is missing: run scripts/web-assets")
	}
	if err := json.Unmarshal(m.body, &s.manifest); err != nil {
		return nil, fmt.Errorf("static/vendor/manifest.json: %w", err)
	}
	s.pages, err = template.ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	return s, nil
}

func newFile(rel string, body []byte) *file {
	sum384 := sha512.Sum384(body)
	sum256 := sha256.Sum256(body)
	f := &file{
		body:      body,
		integrity: "sha384-" + base64.StdEncoding.EncodeToString(sum384[:]),
		version:   hex.EncodeToString(sum256[:8]),
		mediaType: mediaType(rel),
		vendor:    strings.HasPrefix(rel, "vendor/"),
	}
	if len(body) > 1024 && !strings.HasPrefix(f.mediaType, "image/") {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		zw.Write(body)
		zw.Close()
		if b.Len() < len(body)*9/10 {
			f.gzipped = b.Bytes()
		}
	}
	return f
}

func mediaType(name string) string {
	switch path.Ext(name) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".json":
		return "application/json; charset=utf-8"
	case "":
		return "text/plain; charset=utf-8" // LICENSE
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// own returns the asset of one of the pages' own files under static/,
// versioned by its content hash.
func (s *site) own(name string) Asset {
	f, ok := s.files[name]
	if !ok {
		panic("web: no static file " + name)
	}
	return Asset{URL: StaticPrefix + name + "?v=" + f.version, Integrity: f.integrity}
}

// vendored returns the asset of a file of a pinned npm package.
func (s *site) vendored(pkg, name string) Asset {
	p, ok := s.manifest.Packages[pkg]
	if !ok {
		panic("web: package " + pkg + " is not in static/vendor/manifest.json")
	}
	rel := "vendor/" + p.Dir + "/" + name
	f, ok := s.files[rel]
	if !ok {
		panic("web: no static file " + rel)
	}
	return Asset{URL: StaticPrefix + rel, Integrity: f.integrity}
}

// VendorManifest returns the manifest of the embedded third-party files.
func VendorManifest() Manifest { return theSite.manifest }

// VendorIntegrity returns the subresource-integrity hash of each embedded
// .js and .css file under static/vendor/, computed from the embedded bytes,
// keyed like Manifest.Files.
func VendorIntegrity() map[string]string {
	out := map[string]string{}
	for rel, f := range theSite.files {
		if f.vendor && (strings.HasSuffix(rel, ".js") || strings.HasSuffix(rel, ".css")) {
			out[strings.TrimPrefix(rel, "vendor/")] = f.integrity
		}
	}
	return out
}

// Static serves the embedded files under StaticPrefix. Vendor files, whose
// path names their version, and own files asked for with their current ?v=
// hash are cached for a year as immutable; anything else is revalidated
// with its ETag. Text files go gzipped to clients that accept it.
func Static() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rel, ok := strings.CutPrefix(r.URL.Path, StaticPrefix)
		f := theSite.files[rel]
		if !ok || f == nil {
			writeError(w, http.StatusNotFound, "NOT_FOUND", "no such file")
			return
		}
		h := w.Header()
		h.Set("Content-Type", f.mediaType)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("ETag", `"`+f.version+`"`)
		h.Set("Vary", "Accept-Encoding")
		if f.vendor || r.URL.Query().Get("v") == f.version {
			h.Set("Cache-Control", ImmutableCache)
		} else {
			h.Set("Cache-Control", "no-cache")
		}
		if slices.Contains(etags(r.Header.Get("If-None-Match")), `"`+f.version+`"`) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		body := f.body
		if f.gzipped != nil && acceptsGzip(r) {
			body = f.gzipped
			h.Set("Content-Encoding", "gzip")
		}
		h.Set("Content-Length", fmt.Sprint(len(body)))
		if r.Method == http.MethodHead {
			return
		}
		w.Write(body)
	})
}

func etags(header string) []string {
	var out []string
	for t := range strings.SplitSeq(header, ",") {
		out = append(out, strings.TrimPrefix(strings.TrimSpace(t), "W/"))
	}
	return out
}

func acceptsGzip(r *http.Request) bool {
	for part := range strings.SplitSeq(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(enc) == "gzip" && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

// setPageHeaders sets the headers of an HTML page: no caching without
// revalidation, and the security headers.
func setPageHeaders(h http.Header) {
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
}

// page renders a template into a buffer, so that a failure can still be
// answered with a status, and serves it with the page headers.
func page(name string, data any) http.Handler {
	var b bytes.Buffer
	if err := theSite.pages.ExecuteTemplate(&b, name, data); err != nil {
		panic(fmt.Sprintf("web: render %s: %v", name, err))
	}
	body := b.Bytes()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setPageHeaders(w.Header())
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		if r.Method == http.MethodHead {
			return
		}
		w.Write(body)
	})
}

// writeError answers with a JSON error body: {"error": message, "code": code}.
func writeError(w http.ResponseWriter, status int, code, message string) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": message, "code": code})
}
