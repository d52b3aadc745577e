// Package auth decides who may read and write: bearer tokens with roles,
// from configuration, checked in constant time and never logged.
package auth

import (
	"bufio"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/puente-kg/puente/kg"
)

// Role is what a token may do. Each role includes the ones before it.
type Role int

// The roles.
const (
	Anonymous Role = iota
	Reader
	Editor
	Admin
)

var roleNames = map[string]Role{"reader": Reader, "editor": Editor, "admin": Admin}

// String returns the role's name as configuration spells it.
func (r Role) String() string {
	for name, role := range roleNames {
		if role == r {
			return name
		}
	}
	return "anonymous"
}

// Principal is who makes a request.
type Principal struct {
	Role Role
	// Name identifies the token in provenance and logs without revealing
	// it: the role and the first 8 hex digits of the token's SHA-256.
	Name string
}

type entry struct {
	hash [sha256.Size]byte
	p    Principal
}

// Tokens is the set of configured tokens.
type Tokens struct {
	entries []entry
}

// Len returns how many tokens are configured.
func (t *Tokens) Len() int { return len(t.entries) }

// ParseTokens reads comma- or newline-separated role:token pairs, such as
// "editor:s3cret,admin:t0psecret". Blank entries and lines starting with #
// are ignored.
func ParseTokens(spec string) (*Tokens, error) {
	t := &Tokens{}
	sc := bufio.NewScanner(strings.NewReader(strings.ReplaceAll(spec, ",", "\n")))
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, token, ok := strings.Cut(line, ":")
		role, known := roleNames[strings.TrimSpace(name)]
		token = strings.TrimSpace(token)
		switch {
		case !ok || !known:
			return nil, fmt.Errorf("token entry %d: want role:token with role reader, editor or admin", n)
		case len(token) < 8:
			return nil, fmt.Errorf("token entry %d: a token needs at least 8 characters", n)
		}
		h := sha256.Sum256([]byte(token))
		t.entries = append(t.entries, entry{hash: h, p: Principal{Role: role, Name: role.String() + "#" + hex.EncodeToString(h[:4])}})
	}
	return t, nil
}

// LoadTokens returns the tokens of API_TOKENS-style spec and of the file at
// path (either may be empty).
func LoadTokens(spec, path string) (*Tokens, error) {
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("API_TOKENS_FILE: %w", err)
		}
		spec += "\n" + string(b)
	}
	return ParseTokens(spec)
}

// Lookup returns the principal of a token. It compares the token's hash
// with every configured one in constant time.
func (t *Tokens) Lookup(token string) (Principal, bool) {
	h := sha256.Sum256([]byte(token))
	var found Principal
	ok := 0
	for _, e := range t.entries {
		if subtle.ConstantTimeCompare(h[:], e.hash[:]) == 1 {
			found, ok = e.p, 1
		}
	}
	return found, ok == 1
}

type ctxKey struct{}

// With returns a context carrying the principal.
func With(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// From returns the principal of the request, Anonymous when there is none.
func From(ctx context.Context) Principal {
	p, _ := ctx.Value(ctxKey{}).(Principal)
	return p
}

// Require fails with UNAUTHENTICATED for an anonymous request and with
// FORBIDDEN for a principal whose role is below role.
func Require(ctx context.Context, role Role) error {
	p := From(ctx)
	switch {
	case p.Role == Anonymous:
		return kg.Errorf(kg.EUNAUTHENTICATED, "this operation needs a bearer token with the %s role", role)
	case p.Role < role:
		return kg.Errorf(kg.EFORBIDDEN, "this operation needs the %s role; the token has %s", role, p.Role)
	}
	return nil
}

// Middleware identifies the bearer of each request. A request with an
// Authorization header that is not a known bearer token is refused with
// 401 and a GraphQL error of code UNAUTHENTICATED; so is a request without
// one when requireForReads is set, except a WebSocket upgrade, which
// browsers cannot send with a header: its token comes in its
// connection_init message (see Connection).
func Middleware(tokens *Tokens, requireForReads bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := Principal{}
		if h := r.Header.Get("Authorization"); h != "" {
			scheme, token, _ := strings.Cut(h, " ")
			found, ok := tokens.Lookup(strings.TrimSpace(token))
			if !strings.EqualFold(scheme, "Bearer") || !ok {
				refuse(w, "the bearer token is not valid")
				return
			}
			p = found
		} else if requireForReads && r.Method != http.MethodOptions && !isWebsocket(r) {
			refuse(w, "this server needs a bearer token for every request")
			return
		}
		next.ServeHTTP(w, r.WithContext(With(r.Context(), p)))
	})
}

func refuse(w http.ResponseWriter, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("WWW-Authenticate", `Bearer realm="puente"`)
	w.WriteHeader(http.StatusUnauthorized)
	json.NewEncoder(w).Encode(map[string]any{
		"errors": []any{map[string]any{"message": msg, "extensions": map[string]any{"code": kg.EUNAUTHENTICATED}}},
	})
}

// isWebsocket reports whether the request asks to upgrade to a WebSocket.
func isWebsocket(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

// Connection returns the check of a WebSocket connection's
// connection_init: authorization, the payload's "Bearer …" member,
// identifies its bearer as Middleware does a request's header (a token
// that is not valid is refused); without one, the principal of the
// upgrade request stays, and an anonymous connection is refused when
// requireForReads is set. Refusals have code UNAUTHENTICATED.
func Connection(tokens *Tokens, requireForReads bool) func(ctx context.Context, authorization string) (context.Context, error) {
	return func(ctx context.Context, authorization string) (context.Context, error) {
		if authorization == "" {
			if requireForReads && From(ctx).Role == Anonymous {
				return ctx, kg.Errorf(kg.EUNAUTHENTICATED, "this server needs a bearer token: send {\"authorization\": \"Bearer …\"} in connection_init")
			}
			return ctx, nil
		}
		scheme, token, _ := strings.Cut(authorization, " ")
		p, ok := tokens.Lookup(strings.TrimSpace(token))
		if !strings.EqualFold(scheme, "Bearer") || !ok {
			return ctx, kg.Errorf(kg.EUNAUTHENTICATED, "the bearer token is not valid")
		}
		return With(ctx, p), nil
	}
}
