package auth_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/puente-kg/puente/auth"
	"github.com/puente-kg/puente/kg"
)

func TestParseTokens(t *testing.T) {
	tests := []struct {
		spec string
		n    int
		err  string
	}{
		{"", 0, ""},
		{"editor:s3cret-editor, admin:s3cret-admin", 2, ""},
		{"# comment\nreader:reader-token\n\n", 1, ""},
		{"owner:s3cret-owner", 0, "role"},
		{"editor:short", 0, "8 characters"},
		{"no-colon-here", 0, "role"},
	}
	for _, tt := range tests {
		tokens, err := auth.ParseTokens(tt.spec)
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("ParseTokens(%q) error %v, want one about %q", tt.spec, err, tt.err)
		case tt.err == "" && err != nil:
			t.Errorf("ParseTokens(%q): %v", tt.spec, err)
		case tt.err == "" && tokens.Len() != tt.n:
			t.Errorf("ParseTokens(%q) gave %d tokens, want %d", tt.spec, tokens.Len(), tt.n)
		}
		if err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("the error repeats the token: %v", err)
		}
	}
}

func TestLookupAndRoles(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "tokens")
	os.WriteFile(file, []byte("admin:admin-token-1\n"), 0o600)
	tokens, err := auth.LoadTokens("editor:editor-token-1", file)
	if err != nil {
		t.Fatal(err)
	}
	p, ok := tokens.Lookup("admin-token-1")
	if !ok || p.Role != auth.Admin || !strings.HasPrefix(p.Name, "admin#") || strings.Contains(p.Name, "admin-token") {
		t.Errorf("admin lookup: %+v %v", p, ok)
	}
	if _, ok := tokens.Lookup("admin-token-2"); ok {
		t.Error("a wrong token was accepted")
	}
	editor, _ := tokens.Lookup("editor-token-1")
	ctx := auth.With(context.Background(), editor)
	if err := auth.Require(ctx, auth.Editor); err != nil {
		t.Errorf("editor for an editor operation: %v", err)
	}
	if err := auth.Require(ctx, auth.Admin); kg.ErrorCode(err) != kg.EFORBIDDEN {
		t.Errorf("editor for an admin operation: %v", err)
	}
	if err := auth.Require(context.Background(), auth.Reader); kg.ErrorCode(err) != kg.EUNAUTHENTICATED {
		t.Errorf("anonymous: %v", err)
	}
}

func TestMiddleware(t *testing.T) {
	tokens, _ := auth.ParseTokens("reader:reader-token-1")
	var seen auth.Principal
	h := auth.Middleware(tokens, false, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = auth.From(r.Context())
	}))
	for _, tt := range []struct {
		header string
		status int
		role   auth.Role
	}{
		{"", 200, auth.Anonymous},
		{"Bearer reader-token-1", 200, auth.Reader},
		{"bearer reader-token-1", 200, auth.Reader},
		{"Bearer wrong-token-1", 401, auth.Anonymous},
		{"Basic cmVhZGVyOng=", 401, auth.Anonymous},
	} {
		seen = auth.Principal{}
		req := httptest.NewRequest("POST", "/query", nil)
		if tt.header != "" {
			req.Header.Set("Authorization", tt.header)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tt.status || seen.Role != tt.role {
			t.Errorf("%q: status %d role %v, want %d %v", tt.header, rec.Code, seen.Role, tt.status, tt.role)
		}
		if rec.Code == 401 && !strings.Contains(rec.Body.String(), `"UNAUTHENTICATED"`) {
			t.Errorf("%q: body %s", tt.header, rec.Body.String())
		}
	}
}
