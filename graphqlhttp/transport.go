// Package graphqlhttp serves GraphQL over HTTP as the GraphQL-over-HTTP
// specification's current draft describes it, for gqlgen's executor: GET
// and POST requests, both response media types (application/json and
// application/graphql-response+json) with the status codes each asks for,
// batches (a JSON array of requests), and persisted queries (Apollo's
// automatic persisted queries and trusted documents, see Persisted).
//
// Every refusal is a GraphQL error with an extensions.code, and its HTTP
// status is the one Statuses gives for the response's media type.
package graphqlhttp

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/puente-kg/puente/middleware"
)

// DefaultMaxBatchSize is how many operations a batch may hold by default.
const DefaultMaxBatchSize = 10

// Options configure the transport.
type Options struct {
	// MaxBatchSize is the most operations one request may batch
	// (DefaultMaxBatchSize when 0).
	MaxBatchSize int
	// MaxBatchCost, when positive, is the most the operations of a batch
	// may cost together, each priced by Cost; a batch over it runs
	// nothing, and each of its operations is answered QUERY_TOO_COMPLEX.
	MaxBatchCost int
	// Cost returns the cost of an operation that is ready to run.
	Cost func(*graphql.OperationContext) int
	// MaxResponseBytes, when positive, is the most bytes the answers of a
	// batch may take together; the answers past it are replaced by a
	// RESPONSE_TOO_LARGE error.
	MaxResponseBytes int
	// Logger logs panics outside resolvers.
	Logger *slog.Logger
}

// Transport is the gqlgen transport of every GraphQL request over HTTP.
// It supports every request, so that a method or a media type it does not
// serve is refused with a code rather than by gqlgen's bare
// "transport not supported".
type Transport struct {
	opts Options
}

// New returns the transport.
func New(opts Options) *Transport {
	if opts.MaxBatchSize <= 0 {
		opts.MaxBatchSize = DefaultMaxBatchSize
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Transport{opts: opts}
}

var _ graphql.Transport = &Transport{}

// Supports takes every request.
func (*Transport) Supports(*http.Request) bool { return true }

// allowed is the Allow header of the endpoint.
const allowed = "GET, POST, OPTIONS"

// Do serves one HTTP request.
func (t *Transport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	if r.Method == http.MethodOptions {
		w.Header().Set("Allow", allowed)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	media := negotiate(r.Header.Get("Accept"))
	if media == "" {
		t.refuse(ctx, w, exec, MediaJSON, CodeNotAcceptable,
			"the Accept header lists neither application/graphql-response+json nor application/json")
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", allowed)
		t.refuse(ctx, w, exec, media, CodeMethodNotAllowed,
			fmt.Sprintf("%s is not allowed here: send GraphQL requests with GET or POST", cutMethod(r.Method)))
		return
	}
	if r.Method == http.MethodGet {
		// Answers vary with Accept, for caches.
		w.Header().Add("Vary", "Accept")
		params, err := parseQueryString(r.URL.RawQuery)
		if err != nil {
			t.refuse(ctx, w, exec, media, CodeBadRequest, err.Error())
			return
		}
		params.Headers = r.Header
		t.single(w, r, exec, media, params)
		return
	}
	if !jsonContentType(r.Header.Get("Content-Type")) {
		t.refuse(ctx, w, exec, media, CodeUnsupportedMediaType,
			"a POST body must be JSON: send Content-Type: application/json")
		return
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.refuse(ctx, w, exec, media, CodeBadRequest, "the request body could not be read")
		return
	}
	parsed, err := parseBody(b)
	if err != nil {
		t.refuse(ctx, w, exec, media, CodeBadRequest, err.Error())
		return
	}
	if parsed.batch != nil {
		t.batch(w, r, exec, media, parsed.batch)
		return
	}
	params, err := parseRequest(parsed.single)
	if err != nil {
		t.refuse(ctx, w, exec, media, CodeBadRequest, err.Error())
		return
	}
	params.Headers = r.Header
	t.single(w, r, exec, media, params)
}

// subscriptionNeedsStream is the refusal of a subscription sent as a
// plain request.
const subscriptionNeedsStream = "a subscription needs a stream: open a WebSocket (graphql-transport-ws) or ask for Accept: text/event-stream"

// single runs one operation and writes its answer.
func (t *Transport) single(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, media string, params *graphql.RawParams) {
	ctx := r.Context()
	rc, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		t.write(w, r, media, exec.DispatchError(graphql.WithOperationContext(ctx, rc), errs))
		return
	}
	if rc.Operation.Operation == ast.Subscription {
		t.refuse(ctx, w, exec, media, CodeStreamRequired, subscriptionNeedsStream)
		return
	}
	if r.Method == http.MethodGet && rc.Operation.Operation != ast.Query {
		w.Header().Set("Allow", "POST")
		t.refuse(ctx, w, exec, media, CodeMethodNotAllowed,
			fmt.Sprintf("a %s cannot be sent with GET: send it with POST", rc.Operation.Operation))
		return
	}
	t.write(w, r, media, t.run(ctx, exec, rc))
}

// run executes an operation that is ready and returns its answer.
func (t *Transport) run(ctx context.Context, exec graphql.GraphExecutor, rc *graphql.OperationContext) *graphql.Response {
	responses, ctx := exec.DispatchOperation(ctx, rc)
	if resp := responses(ctx); resp != nil {
		return resp
	}
	// The executor answers nothing once the request's context is done
	// (the deadline's own answer is the Deadline extension's): here the
	// client went away.
	return exec.DispatchError(ctx, gqlerror.List{refusal("the request was cancelled before it ran", "TIMEOUT")})
}

// write writes one operation's answer with its status. An answer to a GET
// request with errors must not be cached: the error may be transient, or,
// for a persisted query's hash, gone by the next request.
func (t *Transport) write(w http.ResponseWriter, r *http.Request, media string, resp *graphql.Response) {
	h := w.Header()
	h.Set("Content-Type", media)
	if len(resp.Errors) > 0 && r.Method == http.MethodGet {
		h.Set("Cache-Control", "no-store")
	}
	withAnswer(resp, func(b []byte) {
		w.WriteHeader(statusOf(resp, media))
		w.Write(b)
	})
}

// refuse writes a refusal made before any operation was created.
func (t *Transport) refuse(ctx context.Context, w http.ResponseWriter, exec graphql.GraphExecutor, media, code, msg string) {
	b := marshal(exec.DispatchError(ctx, gqlerror.List{refusal(msg, code)}))
	w.Header().Set("Content-Type", media)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(statusFor(code, media))
	w.Write(b)
}

// cutMethod keeps a client's method short in a message.
func cutMethod(m string) string {
	if len(m) > 16 {
		return m[:16] + "…"
	}
	return m
}

// batch runs the operations of a batch and writes their answers, in
// order, as a JSON array with status 200: each answer carries its own
// errors. Every operation is created (parsed, validated, checked against
// the limits) first; then, when they cost more together than
// MaxBatchCost, none runs. Consecutive queries run in parallel; a mutation
// runs alone, after everything before it and before everything after it.
func (t *Transport) batch(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, media string, raws []json.RawMessage) {
	ctx := r.Context()
	switch {
	case len(raws) == 0:
		t.refuse(ctx, w, exec, media, CodeBadRequest, "the batch is empty: send at least one request")
		return
	case len(raws) > t.opts.MaxBatchSize:
		t.refuse(ctx, w, exec, media, CodeBatchTooLarge,
			fmt.Sprintf("a batch may hold at most %d operations (MAX_BATCH_SIZE); this one holds %d", t.opts.MaxBatchSize, len(raws)))
		return
	}
	answers := make([]*graphql.Response, len(raws))
	ops := make([]*graphql.OperationContext, len(raws))
	ctxs := make([]context.Context, len(raws))
	names := make([]string, len(raws))
	cost := 0
	for i, raw := range raws {
		ctxs[i] = graphql.StartOperationTrace(ctx)
		names[i] = "-"
		params, err := parseRequest(raw)
		if err != nil {
			answers[i] = exec.DispatchError(ctxs[i], gqlerror.List{refusal(err.Error(), CodeBadRequest)})
			continue
		}
		params.Headers = r.Header
		rc, errs := exec.CreateOperationContext(ctxs[i], params)
		if errs != nil {
			answers[i] = exec.DispatchError(graphql.WithOperationContext(ctxs[i], rc), errs)
			continue
		}
		if rc.Operation.Operation == ast.Subscription {
			answers[i] = exec.DispatchError(graphql.WithOperationContext(ctxs[i], rc), gqlerror.List{refusal(subscriptionNeedsStream, CodeStreamRequired)})
			continue
		}
		ops[i] = rc
		names[i] = operationName(rc)
		if t.opts.Cost != nil {
			cost += t.opts.Cost(rc)
		}
	}
	if t.opts.MaxBatchCost > 0 && cost > t.opts.MaxBatchCost {
		for i, rc := range ops {
			if rc != nil {
				answers[i] = exec.DispatchError(graphql.WithOperationContext(ctxs[i], rc), gqlerror.List{refusal(
					fmt.Sprintf("the batch's operations cost %d together, over the limit of %d: send fewer at once, or ask for fewer items",
						cost, t.opts.MaxBatchCost), "QUERY_TOO_COMPLEX")})
				ops[i] = nil
			}
		}
	}
	for start := 0; start < len(ops); {
		end := start + 1
		if !isMutation(ops[start]) {
			for end < len(ops) && !isMutation(ops[end]) {
				end++
			}
		}
		var wg sync.WaitGroup
		for i := start; i < end; i++ {
			if ops[i] == nil {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				answers[i] = t.runSafely(ctxs[i], exec, ops[i])
			}()
		}
		wg.Wait()
		start = end
	}
	middleware.InfoFrom(ctx).SetOperation(strings.Join(names, ","))
	t.writeBatch(w, ctx, exec, media, answers)
}

// isMutation reports whether an operation (nil when it will not run)
// writes.
func isMutation(rc *graphql.OperationContext) bool {
	return rc != nil && rc.Operation.Operation == ast.Mutation
}

// runSafely runs an operation of a batch in its own goroutine, where a
// panic outside the resolvers (which gqlgen recovers itself) would
// otherwise end the process.
func (t *Transport) runSafely(ctx context.Context, exec graphql.GraphExecutor, rc *graphql.OperationContext) (resp *graphql.Response) {
	defer func() {
		if v := recover(); v != nil {
			t.opts.Logger.ErrorContext(ctx, "panic in a batched operation", "request_id", middleware.RequestID(ctx),
				"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			resp = exec.DispatchError(ctx, gqlerror.List{refusal("internal error", CodeInternal)})
		}
	}()
	return t.run(ctx, exec, rc)
}

// writeBatch writes the answers of a batch as a JSON array, replacing the
// answers that would take the array past MaxResponseBytes by a
// RESPONSE_TOO_LARGE error: an answer is kept only when, after it, there
// is still room for that error in place of each answer left.
func (t *Transport) writeBatch(w http.ResponseWriter, ctx context.Context, exec graphql.GraphExecutor, media string,
	answers []*graphql.Response) {
	var tooLarge []byte
	if t.opts.MaxResponseBytes > 0 {
		resp := exec.DispatchError(ctx, gqlerror.List{refusal(fmt.Sprintf(
			"the batch's answers are over %d bytes together (MAX_RESPONSE_BYTES): this one was left out; send fewer operations at once",
			t.opts.MaxResponseBytes), CodeResponseTooLarge)})
		resp.Data = json.RawMessage("null")
		tooLarge = marshal(resp)
	}
	var out strings.Builder
	out.WriteByte('[')
	for i, resp := range answers {
		b := marshal(resp)
		left := len(answers) - i - 1
		if tooLarge != nil && out.Len()+len(b)+left*(len(tooLarge)+1)+1 > t.opts.MaxResponseBytes {
			b = tooLarge
		}
		if i > 0 {
			out.WriteByte(',')
		}
		out.Write(b)
	}
	out.WriteByte(']')
	w.Header().Set("Content-Type", media)
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, out.String())
}

// operationName names an operation of a batch in the access log.
func operationName(rc *graphql.OperationContext) string {
	switch {
	case rc.OperationName != "":
		return rc.OperationName
	case rc.Operation != nil && rc.Operation.Name != "":
		return rc.Operation.Name
	}
	return "anonymous"
}
