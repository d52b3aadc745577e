package graphqlhttp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
)

// SSEOptions configure the event-stream transport.
type SSEOptions struct {
	// KeepAlive is how often an idle stream gets a comment line
	// (DefaultKeepAlive), so that proxies keep it open.
	KeepAlive time.Duration
	// WriteTimeout is how long each event has to reach the client
	// (DefaultSSEWriteTimeout): a client that stops reading is cut off.
	WriteTimeout time.Duration
	// Logger logs failures to write.
	Logger *slog.Logger
}

// DefaultSSEWriteTimeout is the default of SSEOptions.WriteTimeout.
const DefaultSSEWriteTimeout = 30 * time.Second

// SSE serves GraphQL over Server-Sent Events in the "distinct
// connections" mode of the GraphQL over SSE protocol: a GET or POST
// request with Accept: text/event-stream runs one operation, each of its
// results is a next event, and a complete event ends the stream. A
// subscription that ends with an error (SLOW_CONSUMER, say) sends it as a
// last next event, then complete. A request refused before it runs is
// answered as a plain request would be, with its status.
//
// The stream lifts the connection's read deadline once the request is
// read, and gives each write a deadline of its own, so that the server's
// timeouts cut off a client that stops reading but not a long stream.
type SSE struct {
	opts SSEOptions
	http *Transport
}

// NewSSE returns the event-stream transport; refusals are written by the
// plain transport t.
func NewSSE(t *Transport, opts SSEOptions) *SSE {
	if opts.KeepAlive <= 0 {
		opts.KeepAlive = DefaultKeepAlive
	}
	if opts.WriteTimeout <= 0 {
		opts.WriteTimeout = DefaultSSEWriteTimeout
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &SSE{opts: opts, http: t}
}

var _ graphql.Transport = &SSE{}

// Supports takes GET and POST requests that ask for an event stream.
func (t *SSE) Supports(r *http.Request) bool {
	return acceptsEventStream(r) && (r.Method == http.MethodGet || r.Method == http.MethodPost)
}

// Do serves one stream.
func (t *SSE) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	params, err := t.params(r)
	if err != nil {
		code := CodeBadRequest
		var bad *badRequest
		if !errors.As(err, &bad) {
			code = CodeUnsupportedMediaType
		}
		t.http.refuse(ctx, w, exec, MediaJSON, code, err.Error())
		return
	}
	params.Headers = r.Header
	rc, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		resp := exec.DispatchError(graphql.WithOperationContext(ctx, rc), errs)
		w.Header().Set("Content-Type", MediaJSON)
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(statusOf(resp, MediaGraphQLResponse))
		w.Write(marshal(resp))
		return
	}
	if r.Method == http.MethodGet && rc.Operation.Operation == "mutation" {
		w.Header().Set("Allow", "POST")
		t.http.refuse(ctx, w, exec, MediaJSON, CodeMethodNotAllowed, "a mutation cannot be sent with GET: send it with POST")
		return
	}

	rw := http.NewResponseController(w)
	// The request is read: the stream may outlive the read timeout.
	rw.SetReadDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	write := func(event string, data []byte) bool {
		rw.SetWriteDeadline(time.Now().Add(t.opts.WriteTimeout))
		var err error
		if event == "" {
			_, err = io.WriteString(w, ": ping\n\n")
		} else {
			_, err = fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, data)
		}
		if err == nil {
			err = rw.Flush()
		}
		if err != nil {
			t.opts.Logger.DebugContext(ctx, "event stream closed", "err", err)
			cancel()
			return false
		}
		return true
	}
	s := &sink{}
	ctx = context.WithValue(ctx, sinkKey{}, s)
	responses, ctx := exec.DispatchOperation(graphql.WithOperationContext(ctx, rc), rc)
	// A subscription has started once dispatched: the first comment
	// tells the client so.
	w.WriteHeader(http.StatusOK)
	if !write("", nil) {
		return
	}
	results := make(chan *graphql.Response)
	go func() {
		for {
			resp := responses(ctx)
			select {
			case results <- resp:
			case <-ctx.Done():
				return
			}
			if resp == nil {
				return
			}
		}
	}()
	ping := time.NewTicker(t.opts.KeepAlive)
	defer ping.Stop()
	for done := false; !done; {
		select {
		case resp := <-results:
			if resp == nil {
				done = true
				break
			}
			if !write("next", marshal(resp)) {
				return
			}
			ping.Reset(t.opts.KeepAlive)
		case <-ping.C:
			if !write("", nil) {
				return
			}
		case <-ctx.Done():
			return
		}
	}
	s.mu.Lock()
	errs = s.errs
	s.mu.Unlock()
	if len(errs) > 0 {
		b, _ := json.Marshal(map[string]any{"errors": errs})
		if !write("next", b) {
			return
		}
	}
	write("complete", nil)
}

// params reads the operation of a GET or POST request.
func (t *SSE) params(r *http.Request) (*graphql.RawParams, error) {
	if r.Method == http.MethodGet {
		return parseQueryString(r.URL.RawQuery)
	}
	if !jsonContentType(r.Header.Get("Content-Type")) {
		return nil, errors.New("a POST body must be JSON: send Content-Type: application/json")
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, badf("the request body could not be read")
	}
	parsed, err := parseBody(b)
	if err != nil {
		return nil, err
	}
	if parsed.batch != nil {
		return nil, badf("an event stream runs one operation, not a batch")
	}
	return parseRequest(parsed.single)
}
