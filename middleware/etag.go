package middleware

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
)

// DefaultCacheControl is the Cache-Control of cacheable answers unless
// configured otherwise: caches keep nothing.
const DefaultCacheControl = "no-store"

// CacheOptions configure ETag.
type CacheOptions struct {
	// CacheControl is the Cache-Control header of answers of status 200.
	CacheControl string
	// MaxBytes is the largest body that gets a tag.
	MaxBytes int
	// Override replaces a Cache-Control the handler set; without it, the
	// handler's stays (as the GraphQL transport's no-store on an answer
	// with errors must).
	Override bool
}

// ETag makes GET answers revalidatable. An answer of status 200 whose body
// is at most MaxBytes gets a strong ETag, the SHA-256 of its content type
// and body, and the Cache-Control header of the options; a request whose
// If-None-Match names that tag is answered 304 Not Modified with no body.
// To compute the tag the body is held back until the handler returns; a
// body that grows past MaxBytes is sent on as it comes, without a tag, so
// that a large streamed answer (an export) is never held in memory whole.
// Other methods, answers of other statuses, and streams (see IsStream)
// pass through untouched.
func ETag(opts CacheOptions) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet || IsStream(r) {
				next.ServeHTTP(w, r)
				return
			}
			ew := &etagWriter{ResponseWriter: w, opts: opts}
			next.ServeHTTP(ew, r)
			ew.finish(r.Header.Get("If-None-Match"))
		})
	}
}

// etagWriter holds an answer back to tag it, up to opts.MaxBytes.
type etagWriter struct {
	http.ResponseWriter
	opts   CacheOptions
	status int
	buf    []byte
	// passing says the header is sent: the rest of the body goes
	// straight through.
	passing bool
}

func (w *etagWriter) WriteHeader(code int) {
	switch {
	case w.passing || code < 200:
		w.ResponseWriter.WriteHeader(code)
	case w.status == 0:
		w.status = code
	}
}

func (w *etagWriter) Write(b []byte) (int, error) {
	if w.passing {
		return w.ResponseWriter.Write(b)
	}
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.status != http.StatusOK || len(w.buf)+len(b) > w.opts.MaxBytes {
		if err := w.pass(); err != nil {
			return 0, err
		}
		return w.ResponseWriter.Write(b)
	}
	w.buf = append(w.buf, b...)
	return len(b), nil
}

// pass sends the header and what was held back, and lets the rest of the
// answer through.
func (w *etagWriter) pass() error {
	w.passing = true
	if w.status == http.StatusOK {
		w.setCacheControl()
	}
	w.ResponseWriter.WriteHeader(w.status)
	buf := w.buf
	w.buf = nil
	if len(buf) == 0 {
		return nil
	}
	_, err := w.ResponseWriter.Write(buf)
	return err
}

func (w *etagWriter) setCacheControl() {
	if h := w.Header(); w.opts.CacheControl != "" && (w.opts.Override || h.Get("Cache-Control") == "") {
		h.Set("Cache-Control", w.opts.CacheControl)
	}
}

// finish tags the answer held back and sends it, or 304 when the client
// holds it already.
func (w *etagWriter) finish(ifNoneMatch string) {
	if w.passing {
		return
	}
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.status != http.StatusOK {
		w.pass()
		return
	}
	h := w.Header()
	tag := h.Get("ETag")
	if tag == "" {
		sum := sha256.New()
		sum.Write([]byte(h.Get("Content-Type")))
		sum.Write([]byte{0})
		sum.Write(w.buf)
		tag = `"` + base64.RawURLEncoding.EncodeToString(sum.Sum(nil)) + `"`
		h.Set("ETag", tag)
	}
	if matches(ifNoneMatch, tag) {
		w.setCacheControl()
		h.Del("Content-Type")
		h.Del("Content-Length")
		w.passing = true
		w.buf = nil
		w.ResponseWriter.WriteHeader(http.StatusNotModified)
		return
	}
	w.pass()
}

// matches reports whether an If-None-Match header names the tag, by the
// weak comparison RFC 9110 prescribes for it.
func matches(ifNoneMatch, tag string) bool {
	if ifNoneMatch == "" {
		return false
	}
	tag = strings.TrimPrefix(tag, "W/")
	for t := range strings.SplitSeq(ifNoneMatch, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == tag {
			return true
		}
	}
	return false
}

// Flush sends what was written once the answer is passing through; while
// it is held back to be tagged, flushing waits for the end.
func (w *etagWriter) Flush() {
	if !w.passing {
		return
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *etagWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
