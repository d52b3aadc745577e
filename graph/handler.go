package graph

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/puente-kg/puente/auth"
	"github.com/puente-kg/puente/graphqlhttp"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/live"
	"github.com/puente-kg/puente/loaders"
	"github.com/puente-kg/puente/middleware"
	"github.com/puente-kg/puente/service"
)

// Options tunes the GraphQL endpoint. Zero limits take the defaults of
// DefaultOptions.
type Options struct {
	// BatchWait is how long the loaders collect keys before a fetch:
	// loaders.DefaultWait for a database, 0 for the embedded store, where a
	// lookup costs no round trip.
	BatchWait time.Duration
	// MaxDepth is the deepest nesting of selections an operation may have.
	MaxDepth int
	// MaxComplexity is the most an operation may cost (see complexity).
	MaxComplexity int
	// MaxTokens is the most tokens the parser reads of a query.
	MaxTokens int
	// MaxFields is the most fields an operation may select, a fragment's
	// fields counted at each spread (see checkFields).
	MaxFields int
	// MaxResponseBytes is the largest answer; a larger one is replaced by
	// a RESPONSE_TOO_LARGE error.
	MaxResponseBytes int
	// MaxExpensive is how many neighborhood and paths queries may run at
	// once; more wait up to a second, then fail with TOO_MANY_REQUESTS.
	MaxExpensive int
	// DisableIntrospection turns schema introspection off.
	DisableIntrospection bool
	// Observer, when set, sees each operation and each error code.
	Observer Observer
	// Service, when set, is the service the resolvers call (shared with
	// other endpoints, so that they share its limits); when nil, the
	// handler makes one over the store.
	Service *service.Service
	// MaxBatchSize is the most operations one request may batch.
	MaxBatchSize int
	// APQCacheBytes is the budget of the automatic persisted queries'
	// cache; a negative budget turns them off.
	APQCacheBytes int
	// TrustedDocuments are the documents clients may run by hash (see
	// graphqlhttp.LoadTrustedDocuments).
	TrustedDocuments map[string]string
	// TrustedDocumentsOnly refuses, to callers below admin, any operation
	// that is not a trusted document.
	TrustedDocumentsOnly bool
	// Hub serves the subscriptions (shared by every handler of the
	// process); when nil, the handler makes one over the store, told of
	// the writes of its own service.
	Hub *live.Hub
	// WebsocketAuth, when set, decides who a WebSocket connection is from
	// the authorization member of its connection_init payload (see
	// graphqlhttp.WebsocketOptions).
	WebsocketAuth func(ctx context.Context, authorization string) (context.Context, error)
	// SubscriptionsNeedReader refuses subscriptions to callers without a
	// reader token (set when tokens are configured: a subscription holds
	// the server's resources for as long as it lasts, as an export does).
	SubscriptionsNeedReader bool
	// KeepAlive is how often streams are pinged
	// (graphqlhttp.DefaultKeepAlive).
	KeepAlive time.Duration
}

// Observer is told about operations and errors, for metrics and traces.
type Observer interface {
	// Operation wraps the execution of one operation.
	Operation(ctx context.Context, name string, next func(ctx context.Context) *graphql.Response) *graphql.Response
	// Error is called for each error returned to a client.
	Error(ctx context.Context, code string)
	// Batch is told the size of each loader batch.
	Batch(loader string, keys int)
}

// Defaults of the limits.
const (
	DefaultMaxDepth      = 12
	DefaultMaxComplexity = 50000
	DefaultMaxTokens     = 20000
	DefaultMaxExpensive  = 8
	DefaultMaxFields     = 5000
	// DefaultMaxResponseBytes is 16 MiB.
	DefaultMaxResponseBytes = 16 << 20
	DefaultMaxBatchSize     = graphqlhttp.DefaultMaxBatchSize
	// DefaultAPQCacheBytes is 16 MiB.
	DefaultAPQCacheBytes = graphqlhttp.DefaultAPQCacheBytes
)

func (o *Options) defaults() {
	o.MaxDepth = cmp.Or(o.MaxDepth, DefaultMaxDepth)
	o.MaxComplexity = cmp.Or(o.MaxComplexity, DefaultMaxComplexity)
	o.MaxTokens = cmp.Or(o.MaxTokens, DefaultMaxTokens)
	o.MaxExpensive = cmp.Or(o.MaxExpensive, DefaultMaxExpensive)
	o.MaxFields = cmp.Or(o.MaxFields, DefaultMaxFields)
	o.MaxResponseBytes = cmp.Or(o.MaxResponseBytes, DefaultMaxResponseBytes)
	o.MaxBatchSize = cmp.Or(o.MaxBatchSize, DefaultMaxBatchSize)
	o.APQCacheBytes = cmp.Or(o.APQCacheBytes, DefaultAPQCacheBytes)
}

// OptionsFor returns the options that suit the store: a store that knows
// its best batch wait says so with a BatchWait method (the embedded store
// answers 0); any other gets loaders.DefaultWait.
func OptionsFor(store kg.Store) Options {
	if w, ok := store.(interface{ BatchWait() time.Duration }); ok {
		return Options{BatchWait: w.BatchWait()}
	}
	return Options{BatchWait: loaders.DefaultWait}
}

// NewHandler returns the GraphQL endpoint over the store: GraphQL over
// HTTP (GET, POST and batches, see graphqlhttp), persisted queries,
// per-request loaders, and errors presented with a code in
// extensions.code and without internal details.
func NewHandler(store kg.Store, logger *slog.Logger, opts Options) http.Handler {
	opts.defaults()
	hub, svc := opts.Hub, opts.Service
	if hub == nil {
		hub = live.New(store, live.Options{Logger: logger})
	}
	if svc == nil {
		svc = service.New(store, service.Options{MaxExpensive: opts.MaxExpensive, OnWrite: hub.Notify})
	}
	present := ErrorPresenter(logger, opts.Observer)
	srv := handler.New(NewExecutableSchema(Config{Resolvers: &Resolver{Service: svc, Hub: hub, present: present, needReader: opts.SubscriptionsNeedReader}}))
	plain := graphqlhttp.New(graphqlhttp.Options{
		MaxBatchSize:     opts.MaxBatchSize,
		MaxBatchCost:     opts.MaxComplexity,
		Cost:             operationCost,
		MaxResponseBytes: opts.MaxResponseBytes,
		Logger:           logger,
	})
	// The streams first: the plain transport takes every request.
	srv.AddTransport(graphqlhttp.Websocket(graphqlhttp.WebsocketOptions{
		Authenticate: websocketAuth(opts.WebsocketAuth),
		Connection:   live.WithConn,
		KeepAlive:    opts.KeepAlive,
	}))
	srv.AddTransport(graphqlhttp.NewSSE(plain, graphqlhttp.SSEOptions{KeepAlive: opts.KeepAlive, Logger: logger}))
	srv.AddTransport(plain)
	cache := boundedCache{lru.New[*ast.QueryDocument](1000)}
	srv.SetQueryCache(cache)
	srv.SetParserTokenLimit(opts.MaxTokens)
	persisted := graphqlhttp.NewPersisted(graphqlhttp.PersistedOptions{
		CacheBytes:  max(opts.APQCacheBytes, 0),
		Trusted:     opts.TrustedDocuments,
		TrustedOnly: opts.TrustedDocumentsOnly,
		Privileged:  func(ctx context.Context) bool { return auth.From(ctx).Role >= auth.Admin },
	})
	// Persisted queries first, so that the limits see the query a hash
	// stands for; the query is remembered only once the limits passed it.
	srv.Use(persisted)
	srv.Use(fieldLimit{maxTokens: opts.MaxTokens, maxFields: opts.MaxFields, cache: cache})
	if !opts.DisableIntrospection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(depthLimit{max: opts.MaxDepth})
	srv.Use(newComplexityLimit(opts.MaxComplexity))
	srv.Use(&introspectionPrice{max: opts.MaxComplexity})
	srv.Use(persisted.Remember())
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		rc := graphql.GetOperationContext(ctx)
		name := rc.OperationName
		if name == "" && rc.Operation != nil {
			name = rc.Operation.Name
		}
		if name == "" {
			name = "anonymous"
		}
		middleware.InfoFrom(ctx).SetOperation(name)
		if opts.Observer == nil || rc.Operation != nil && rc.Operation.Operation == ast.Subscription {
			// A subscription starts at once (its resolver subscribes
			// before the first event is asked for), and its length says
			// nothing worth timing.
			return next(ctx)
		}
		var handler graphql.ResponseHandler
		once := false
		return func(ctx context.Context) *graphql.Response {
			if once {
				return handler(ctx)
			}
			once = true
			return opts.Observer.Operation(ctx, name, func(ctx context.Context) *graphql.Response {
				handler = next(ctx)
				return handler(ctx)
			})
		}
	})
	srv.Use(deadline{present: present})
	srv.Use(responseCap{max: opts.MaxResponseBytes, present: present})
	srv.SetErrorPresenter(present)
	srv.SetRecoverFunc(func(ctx context.Context, v any) error {
		logger.ErrorContext(ctx, "panic in resolver", "request_id", middleware.RequestID(ctx), "panic", fmt.Sprint(v),
			"path", graphql.GetPath(ctx).String(), "stack", string(debug.Stack()))
		return kg.Errorf(kg.EINTERNAL, "internal error")
	})
	cfg := loaders.Config{Wait: opts.BatchWait}
	if opts.Observer != nil {
		cfg.OnBatch = opts.Observer.Batch
	}
	h := loaders.Middleware(store, cfg, srv)
	capped := middleware.ResponseCap(opts.MaxResponseBytes)(h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if graphqlhttp.IsStream(r) {
			h.ServeHTTP(w, r) // each message is capped (see responseCap), not the stream
			return
		}
		capped.ServeHTTP(w, r)
	})
}

// websocketAuth returns the check of a WebSocket's connection_init, whose
// refusal names its code: the protocol sends only a message and the
// close code 4403.
func websocketAuth(check func(ctx context.Context, authorization string) (context.Context, error)) func(ctx context.Context, authorization string) (context.Context, error) {
	if check == nil {
		return nil
	}
	return func(ctx context.Context, authorization string) (context.Context, error) {
		ctx, err := check(ctx, authorization)
		if err != nil {
			return ctx, fmt.Errorf("%s: %s", kg.ErrorCode(err), kg.ErrorMessage(err))
		}
		return ctx, nil
	}
}

// ErrorPresenter returns gqlgen's error presenter for Puente: an error
// carrying a *kg.Error shows its message and code (and the field at fault);
// errors gqlgen itself raised with a code keep it; anything else becomes
// "internal error" with code INTERNAL, and is logged in full.
func ErrorPresenter(logger *slog.Logger, obs Observer) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := present(ctx, logger, err)
		code, _ := gqlErr.Extensions["code"].(string)
		middleware.InfoFrom(ctx).AddCode(code)
		if obs != nil {
			obs.Error(ctx, code)
		}
		return gqlErr
	}
}

// CodeBadRequest marks a request that is not a GraphQL request at all.
const CodeBadRequest = "BAD_REQUEST"

// isRequestError reports whether err is gqlgen's own error about the
// request (decoding the body or the variables), as opposed to one raised
// while resolving a field, which always has a path.
func isRequestError(err error, presented *gqlerror.Error) bool {
	var gqlErr *gqlerror.Error
	return errors.As(err, &gqlErr) && gqlErr.Err == nil && len(presented.Path) == 0
}

// present maps an error to what the client sees (see ErrorPresenter).
func present(ctx context.Context, logger *slog.Logger, err error) *gqlerror.Error {
	gqlErr := graphql.DefaultErrorPresenter(ctx, err)
	if gqlErr.Extensions == nil {
		gqlErr.Extensions = map[string]any{}
	}
	var ke *kg.Error
	switch {
	case timedOut(ctx, err):
		// The deadline passed: the cause (a driver's text, say) stays in
		// the log.
		logger.WarnContext(ctx, "deadline passed", "request_id", middleware.RequestID(ctx),
			"err", err.Error(), "path", gqlErr.Path.String())
		gqlErr.Message = errTimeout.Message
		gqlErr.Extensions = map[string]any{"code": kg.ETIMEOUT}
	case errors.As(err, &ke):
		gqlErr.Message = ke.Error()
		gqlErr.Extensions["code"] = ke.Code
		if ke.Field != "" {
			gqlErr.Extensions["field"] = ke.Field
		}
		if ke.Code == kg.EINTERNAL || ke.Code == kg.EUNAVAILABLE {
			logger.ErrorContext(ctx, "request failed", "request_id", middleware.RequestID(ctx), "code", ke.Code,
				"err", err.Error(), "path", gqlErr.Path.String())
		}
	case gqlErr.Extensions["code"] != nil:
	case isRequestError(err, gqlErr):
		// gqlgen's own complaint about the request itself (a body that is
		// not a GraphQL request): the client's fault, and its text may
		// quote the whole body.
		logger.WarnContext(ctx, "bad request", "request_id", middleware.RequestID(ctx), "err", kg.Clip(gqlErr.Message))
		gqlErr.Message = "the request is not a valid GraphQL request: " + kg.Clip(gqlErr.Message)
		gqlErr.Extensions["code"] = CodeBadRequest
	default:
		logger.ErrorContext(ctx, "request failed", "request_id", middleware.RequestID(ctx), "code", kg.EINTERNAL,
			"err", err.Error(), "path", gqlErr.Path.String())
		gqlErr.Message = "internal error"
		gqlErr.Extensions["code"] = kg.EINTERNAL
	}
	return gqlErr
}
