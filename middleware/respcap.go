package middleware

import (
	"context"
	"fmt"
	"net/http"
)

// CodeResponseTooLarge marks an answer over the response cap.
const CodeResponseTooLarge = "RESPONSE_TOO_LARGE"

// ResponseCap keeps response bodies to at most max bytes. A body whose
// first write passes max (a GraphQL answer is written at once) is replaced
// by a GraphQL error of code RESPONSE_TOO_LARGE, under the status the
// handler chose; a body that passes max later has been partly sent, so the
// connection is aborted rather than let a client take a cut body for a
// whole one.
func ResponseCap(max int) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			cw := &capWriter{ResponseWriter: w, ctx: r.Context(), max: max}
			next.ServeHTTP(cw, r)
			cw.sendHeader()
		})
	}
}

// capWriter holds the status back until the first write, so that a body
// over the cap can still be replaced.
type capWriter struct {
	http.ResponseWriter
	ctx      context.Context
	max      int
	written  int
	status   int
	sent     bool
	replaced bool
}

func (w *capWriter) WriteHeader(code int) {
	if code < 200 {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	if w.status == 0 {
		w.status = code
	}
}

func (w *capWriter) sendHeader() {
	if w.sent {
		return
	}
	w.sent = true
	if w.status != 0 {
		w.ResponseWriter.WriteHeader(w.status)
	}
}

func (w *capWriter) Write(b []byte) (int, error) {
	if w.replaced {
		return len(b), nil
	}
	if w.written+len(b) > w.max {
		if w.written > 0 {
			panic(http.ErrAbortHandler)
		}
		w.replaced, w.sent = true, true
		InfoFrom(w.ctx).AddCode(CodeResponseTooLarge)
		w.Header().Del("Content-Length")
		status := w.status
		if status == 0 {
			status = http.StatusOK
		}
		WriteError(w.ResponseWriter, status, CodeResponseTooLarge,
			fmt.Sprintf("the answer is over %d bytes (MAX_RESPONSE_BYTES): ask for fewer items or fewer fields", w.max))
		return len(b), nil
	}
	w.sendHeader()
	n, err := w.ResponseWriter.Write(b)
	w.written += n
	return n, err
}

// Flush sends what was written.
func (w *capWriter) Flush() {
	w.sendHeader()
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *capWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
