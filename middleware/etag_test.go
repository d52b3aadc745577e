package middleware_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/puente-kg/puente/middleware"
)

// TestETag checks tags, 304s, Cache-Control and the size bound.
func TestETag(t *testing.T) {
	body := strings.Repeat("a", 100)
	handler := func(status int, chunks int, cacheControl string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			if cacheControl != "" {
				w.Header().Set("Cache-Control", cacheControl)
			}
			w.WriteHeader(status)
			for range chunks {
				w.Write([]byte(body))
				w.(http.Flusher).Flush()
			}
		})
	}
	opts := middleware.CacheOptions{CacheControl: "public, max-age=60", MaxBytes: 250}
	serve := func(h http.Handler, method, ifNoneMatch string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(method, "/x", nil)
		if ifNoneMatch != "" {
			req.Header.Set("If-None-Match", ifNoneMatch)
		}
		middleware.ETag(opts)(h).ServeHTTP(rec, req)
		return rec
	}

	first := serve(handler(200, 2, ""), "GET", "")
	tag := first.Header().Get("ETag")
	if first.Code != 200 || first.Body.String() != body+body || !strings.HasPrefix(tag, `"`) || strings.HasPrefix(tag, "W/") {
		t.Fatalf("first answer: %d, ETag %q, %d bytes", first.Code, tag, first.Body.Len())
	}
	if cc := first.Header().Get("Cache-Control"); cc != "public, max-age=60" {
		t.Errorf("Cache-Control %q", cc)
	}
	if again := serve(handler(200, 2, ""), "GET", ""); again.Header().Get("ETag") != tag {
		t.Error("the same body got another tag")
	}
	if other := serve(handler(200, 1, ""), "GET", ""); other.Header().Get("ETag") == tag {
		t.Error("another body got the same tag")
	}
	for _, inm := range []string{tag, `"x", ` + tag, "W/" + tag, "*"} {
		r := serve(handler(200, 2, ""), "GET", inm)
		if r.Code != http.StatusNotModified || r.Body.Len() != 0 || r.Header().Get("ETag") != tag || r.Header().Get("Content-Type") != "" {
			t.Errorf("If-None-Match %s: %d, %d bytes, ETag %q", inm, r.Code, r.Body.Len(), r.Header().Get("ETag"))
		}
	}
	if r := serve(handler(200, 2, ""), "GET", `"other"`); r.Code != 200 || r.Body.Len() != 200 {
		t.Errorf("another tag: %d", r.Code)
	}
	if r := serve(handler(200, 2, "no-store"), "GET", ""); r.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("the handler's Cache-Control was replaced: %q", r.Header().Get("Cache-Control"))
	}
	opts.Override = true
	if r := serve(handler(200, 2, "no-cache"), "GET", ""); r.Header().Get("Cache-Control") != "public, max-age=60" {
		t.Errorf("with Override, the handler's Cache-Control stayed: %q", r.Header().Get("Cache-Control"))
	}
	opts.Override = false
	// Past the bound, the answer streams without a tag.
	if r := serve(handler(200, 5, ""), "GET", ""); r.Code != 200 || r.Body.Len() != 500 || r.Header().Get("ETag") != "" {
		t.Errorf("over the bound: %d, %d bytes, ETag %q", r.Code, r.Body.Len(), r.Header().Get("ETag"))
	}
	for _, c := range []struct {
		method string
		status int
	}{{"POST", 200}, {"GET", 400}, {"GET", 404}} {
		r := serve(handler(c.status, 1, ""), c.method, "*")
		if r.Code != c.status || r.Header().Get("ETag") != "" || r.Header().Get("Cache-Control") != "" || r.Body.Len() != 100 {
			t.Errorf("%s answered %d: %d, ETag %q, Cache-Control %q", c.method, c.status, r.Code, r.Header().Get("ETag"), r.Header().Get("Cache-Control"))
		}
	}
}
