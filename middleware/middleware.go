// Package middleware holds the HTTP layers around every endpoint: request
// IDs and structured access logs, body size and time limits, CORS, security
// headers and panic recovery. Each is a func(http.Handler) http.Handler.
package middleware

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"
)

// Info is what the layers learn about a request as it is served: its ID,
// and, from the GraphQL layer, the operation's name and the codes of the
// errors it returned. The access log reports them.
type Info struct {
	ID string

	mu        sync.Mutex
	operation string
	codes     []string
}

// SetOperation records the GraphQL operation's name, cut to
// MaxLoggedName characters.
func (i *Info) SetOperation(name string) {
	if i == nil {
		return
	}
	i.mu.Lock()
	i.operation = Cut(name, MaxLoggedName)
	i.mu.Unlock()
}

// AddCode records the code of an error returned to the client.
func (i *Info) AddCode(code string) {
	if i == nil {
		return
	}
	i.mu.Lock()
	if !slices.Contains(i.codes, code) {
		i.codes = append(i.codes, code)
	}
	i.mu.Unlock()
}

func (i *Info) snapshot() (string, []string) {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.operation, slices.Clone(i.codes)
}

type infoKey struct{}

// InfoFrom returns the request's Info, or nil outside a request.
func InfoFrom(ctx context.Context) *Info {
	i, _ := ctx.Value(infoKey{}).(*Info)
	return i
}

// RequestID returns the request's ID, or "".
func RequestID(ctx context.Context) string {
	if i := InfoFrom(ctx); i != nil {
		return i.ID
	}
	return ""
}

func newID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// Unwrap returns the writer beneath, so that http.ResponseController
// reaches it (a long export extends its own write deadline).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Logging gives each request an ID (the client's X-Request-ID when it is a
// short token, else a new one), echoes it in the response, and logs one JSON
// line per request: method, path, status, duration, and the GraphQL
// operation and error codes. Headers (and so tokens) are never logged.
func Logging(logger *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			id := r.Header.Get("X-Request-ID")
			if len(id) == 0 || len(id) > 64 || strings.ContainsFunc(id, func(c rune) bool { return c <= ' ' || c > '~' }) {
				id = newID()
			}
			info := &Info{ID: id}
			w.Header().Set("X-Request-ID", id)
			sw := &statusWriter{ResponseWriter: w}
			next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), infoKey{}, info)))
			op, codes := info.snapshot()
			level := slog.LevelInfo
			if sw.status >= 500 {
				level = slog.LevelError
			}
			logger.LogAttrs(r.Context(), level, "request",
				slog.String("request_id", id), slog.String("method", r.Method), slog.String("path", Cut(r.URL.Path, MaxLoggedName)),
				slog.Int("status", sw.status), slog.Int("bytes", sw.bytes),
				slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
				slog.String("operation", op), slog.Any("error_codes", codes))
		})
	}
}

// Error codes of the HTTP layer.
const (
	CodeTooLarge = "REQUEST_TOO_LARGE"
	CodeInternal = "INTERNAL"
)

// WriteError writes a GraphQL-shaped error response.
func WriteError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{
		"errors": []any{map[string]any{"message": msg, "extensions": map[string]any{"code": code}}},
	})
}

// BodyLimit refuses request bodies larger than max bytes with 413 and a
// GraphQL error of code REQUEST_TOO_LARGE.
func BodyLimit(max int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.ContentLength > max {
				WriteError(w, http.StatusRequestEntityTooLarge, CodeTooLarge, fmt.Sprintf("the request body is over %d bytes", max))
				return
			}
			if r.Body != nil && r.Body != http.NoBody {
				body, err := io.ReadAll(io.LimitReader(r.Body, max+1))
				if err != nil {
					WriteError(w, http.StatusBadRequest, "BAD_REQUEST", "the request body could not be read")
					return
				}
				if int64(len(body)) > max {
					WriteError(w, http.StatusRequestEntityTooLarge, CodeTooLarge, fmt.Sprintf("the request body is over %d bytes", max))
					return
				}
				r.Body = io.NopCloser(strings.NewReader(string(body)))
			}
			next.ServeHTTP(w, r)
		})
	}
}

// Timeout gives each request a deadline; the stores pass it on to the
// database. A stream (see IsStream) has none: it lasts as long as its
// client stays, and each of its reads of the store sets its own.
func Timeout(d time.Duration) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if IsStream(r) {
				next.ServeHTTP(w, r)
				return
			}
			ctx, cancel := context.WithTimeout(r.Context(), d)
			defer cancel()
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

// Recover turns a panic outside the GraphQL executor into a logged 500
// with a GraphQL error of code INTERNAL.
func Recover(logger *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				if v := recover(); v != nil {
					if v == http.ErrAbortHandler {
						panic(v)
					}
					logger.ErrorContext(r.Context(), "panic", "request_id", RequestID(r.Context()),
						"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
					WriteError(w, http.StatusInternalServerError, CodeInternal, "internal error")
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
}

// CORS allows the listed origins (exactly as browsers send them, such as
// https://analysis.example.org) to call the API from a page; with none, no
// cross-origin call is allowed. Preflight requests are answered here.
func CORS(origins []string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			origin := r.Header.Get("Origin")
			allowed := origin != "" && slices.Contains(origins, origin)
			if allowed {
				h := w.Header()
				h.Set("Access-Control-Allow-Origin", origin)
				h.Add("Vary", "Origin")
				h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Request-ID")
				h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
				h.Set("Access-Control-Max-Age", "600")
			}
			if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
				if allowed {
					w.WriteHeader(http.StatusNoContent)
				} else {
					w.WriteHeader(http.StatusForbidden)
				}
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// Chain applies layers so that the first is the outermost.
func Chain(h http.Handler, layers ...func(http.Handler) http.Handler) http.Handler {
	for i := len(layers) - 1; i >= 0; i-- {
		h = layers[i](h)
	}
	return h
}

// IsStream reports whether the request opens a long-lived stream: a
// WebSocket upgrade, or a request for Server-Sent Events. Streams escape
// the deadline, the answer's cap and the ETag of plain requests.
func IsStream(r *http.Request) bool {
	return r.Header.Get("Upgrade") != "" || PrefersEventStream(r.Header.Get("Accept"))
}

// PrefersEventStream reports whether an Accept header asks for an event
// stream before any JSON answer: "text/event-stream" alone does, while a
// client that lists JSON first and an event stream among its fallbacks
// (urql does, for every request) gets plain answers.
func PrefersEventStream(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		media, _, _ := strings.Cut(part, ";")
		switch strings.ToLower(strings.TrimSpace(media)) {
		case "text/event-stream":
			return true
		case "application/json", "application/graphql-response+json", "application/graphql+json",
			"multipart/mixed", "application/*", "*/*":
			return false
		}
	}
	return false
}
