// Command puente serves the China–Latin America knowledge graph over
// GraphQL.
//
// Usage:
//
//	puente [flags] [serve]   serve GraphQL at /query and GraphiQL at /
//	puente [flags] seed      load the embedded dataset into the store
//	puente [flags] import F  import a JSON Lines file (- for standard input)
//	puente [flags] export F  export the graph as JSON Lines (- for standard output)
//	puente [-entities N] [-seed S] generate F
//	                         write a synthetic graph of N entities as JSON Lines
//
// Every flag has an environment variable of the same meaning; the flag
// wins. Without NEO4J_URI the embedded in-memory store is used, journaled
// in DATA_DIR when that is set.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/puente-kg/puente/auth"
	"github.com/puente-kg/puente/dataset"
	"github.com/puente-kg/puente/graph"
	"github.com/puente-kg/puente/graphqlhttp"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/live"
	"github.com/puente-kg/puente/memstore"
	"github.com/puente-kg/puente/middleware"
	"github.com/puente-kg/puente/neo4jstore"
	"github.com/puente-kg/puente/observe"
	"github.com/puente-kg/puente/service"
	"github.com/puente-kg/puente/web"
)

// config is the server's configuration, from flags and the environment.
type config struct {
	port     int
	neo4j    neo4jstore.Config
	dataDir  string
	logLevel string
	batch    int
	// entities and seed size the graph the generate command makes.
	entities int
	seed     uint64
	// tokens and requireAuthForReads govern who may read and write.
	tokens              *auth.Tokens
	requireAuthForReads bool
	// limits of the GraphQL endpoint and of HTTP requests.
	limits        graph.Options
	maxBody       int64
	grace         time.Duration
	corsOrigins   []string
	introspection bool
	// metricsOperations are operation names metrics may carry besides the
	// shipped examples' (see operationLabels).
	metricsOperations []string
	// http holds the HTTP server's timeouts (see httpServer).
	http httpTimeouts
	// pprofAddr, when set, serves net/http/pprof there (keep it on
	// loopback).
	pprofAddr string
	// cacheControl is the Cache-Control of GET answers that may be cached
	// (see middleware.ETag).
	cacheControl string
	// changeRetention is how long the change log keeps an entry; 0 keeps
	// every entry.
	changeRetention time.Duration
	// live tunes the subscriptions' hub (see live.Options).
	live live.Options
	// hub, when set, is the hub routes uses instead of making one (for
	// tests that watch it).
	hub *live.Hub
}

func parseConfig(args []string) (config, []string, error) {
	fs := flag.NewFlagSet("puente", flag.ContinueOnError)
	var c config
	port, err := strconv.Atoi(env("PORT", "8080"))
	if err != nil {
		return c, nil, fmt.Errorf("PORT: %w", err)
	}
	timeout, err := time.ParseDuration(env("QUERY_TIMEOUT", "30s"))
	if err != nil {
		return c, nil, fmt.Errorf("QUERY_TIMEOUT: %w", err)
	}
	fs.IntVar(&c.port, "port", port, "HTTP port to listen on (env PORT)")
	fs.StringVar(&c.neo4j.URI, "neo4j-uri", env("NEO4J_URI", ""),
		"Neo4j URI, bolt:// or neo4j:// (env NEO4J_URI); empty: the embedded store")
	fs.StringVar(&c.neo4j.Username, "neo4j-username", env("NEO4J_USERNAME", ""), "Neo4j user (env NEO4J_USERNAME)")
	fs.StringVar(&c.neo4j.Password, "neo4j-password", env("NEO4J_PASSWORD", ""), "Neo4j password (env NEO4J_PASSWORD)")
	fs.StringVar(&c.neo4j.Database, "neo4j-database", env("NEO4J_DATABASE", ""),
		"Neo4j database (env NEO4J_DATABASE); empty: the server's default")
	fs.StringVar(&c.dataDir, "data-dir", env("DATA_DIR", ""),
		"directory of the embedded store's journal (env DATA_DIR); empty: writes live in memory only")
	fs.DurationVar(&c.neo4j.Timeout, "query-timeout", timeout, "deadline of each database transaction (env QUERY_TIMEOUT)")
	fs.StringVar(&c.logLevel, "log-level", env("LOG_LEVEL", "info"), "debug, info, warn or error (env LOG_LEVEL)")
	fs.IntVar(&c.batch, "batch", 1000, "records per transaction on import")
	fs.IntVar(&c.entities, "entities", 1000, "how many entities the generate command makes")
	fs.Uint64Var(&c.seed, "seed", 1, "the generate command's random seed")
	tokens := fs.String("api-tokens", env("API_TOKENS", ""), "comma-separated role:token pairs, roles reader, editor, admin (env API_TOKENS)")
	tokensFile := fs.String("api-tokens-file", env("API_TOKENS_FILE", ""), "file of role:token lines (env API_TOKENS_FILE)")
	fs.BoolVar(&c.requireAuthForReads, "require-auth-for-reads", env("REQUIRE_AUTH_FOR_READS", "") == "true",
		"refuse requests without a valid token (env REQUIRE_AUTH_FOR_READS=true)")
	ints := []struct {
		p         *int
		flag, env string
		def       int
		usage     string
	}{
		{&c.limits.MaxDepth, "max-query-depth", "MAX_QUERY_DEPTH", graph.DefaultMaxDepth, "deepest nesting of a query"},
		{&c.limits.MaxComplexity, "max-query-complexity", "MAX_QUERY_COMPLEXITY", graph.DefaultMaxComplexity, "highest cost of a query"},
		{&c.limits.MaxTokens, "max-query-tokens", "MAX_QUERY_TOKENS", graph.DefaultMaxTokens, "most parser tokens in a query"},
		{&c.limits.MaxExpensive, "max-expensive-queries", "MAX_EXPENSIVE_QUERIES", graph.DefaultMaxExpensive, "neighborhood and paths queries running at once"},
		{&c.limits.MaxFields, "max-query-fields", "MAX_QUERY_FIELDS", graph.DefaultMaxFields, "most fields a query selects, fragments counted at each spread"},
		{&c.limits.MaxResponseBytes, "max-response-bytes", "MAX_RESPONSE_BYTES", graph.DefaultMaxResponseBytes, "largest answer to a query"},
		{&c.limits.MaxBatchSize, "max-batch-size", "MAX_BATCH_SIZE", graph.DefaultMaxBatchSize, "most operations in one batched request"},
		{&c.live.MaxSubscriptions, "max-subscriptions", "MAX_SUBSCRIPTIONS", live.DefaultMaxSubscriptions, "most subscriptions served at once"},
		{&c.live.MaxPerConnection, "max-subscriptions-per-connection", "MAX_SUBSCRIPTIONS_PER_CONNECTION", live.DefaultMaxPerConnection, "most subscriptions on one WebSocket"},
		{&c.live.Buffer, "subscription-buffer", "SUBSCRIPTION_BUFFER", live.DefaultBuffer, "changes a subscriber may have waiting before it is ended with SLOW_CONSUMER"},
	}
	for _, i := range ints {
		v, err := strconv.Atoi(env(i.env, strconv.Itoa(i.def)))
		if err != nil || v < 1 {
			return c, nil, fmt.Errorf("%s: want a positive integer", i.env)
		}
		fs.IntVar(i.p, i.flag, v, i.usage+" (env "+i.env+")")
	}
	maxBody, err := strconv.ParseInt(env("MAX_BODY_BYTES", "1048576"), 10, 64)
	if err != nil || maxBody < 1 {
		return c, nil, errors.New("MAX_BODY_BYTES: want a positive integer")
	}
	fs.Int64Var(&c.maxBody, "max-body-bytes", maxBody, "largest request body (env MAX_BODY_BYTES)")
	poll, err := time.ParseDuration(env("CHANGE_POLL_INTERVAL", live.DefaultPoll.String()))
	if err != nil || poll <= 0 {
		return c, nil, errors.New("CHANGE_POLL_INTERVAL: want a positive duration, such as 250ms")
	}
	fs.DurationVar(&c.live.Poll, "change-poll-interval", poll, "how often the subscriptions' hub reads the change log for other instances' writes (env CHANGE_POLL_INTERVAL)")
	grace, err := time.ParseDuration(env("SHUTDOWN_GRACE", "15s"))
	if err != nil {
		return c, nil, fmt.Errorf("SHUTDOWN_GRACE: %w", err)
	}
	fs.DurationVar(&c.grace, "shutdown-grace", grace, "time in-flight requests get to finish on SIGTERM (env SHUTDOWN_GRACE)")
	cors := fs.String("cors-allowed-origins", env("CORS_ALLOWED_ORIGINS", ""), "comma-separated origins allowed to call the API from a browser (env CORS_ALLOWED_ORIGINS); none by default")
	fs.StringVar(&c.pprofAddr, "pprof-addr", env("PPROF_ADDR", ""), "serve Go profiles at this address, such as 127.0.0.1:6060 (env PPROF_ADDR); off by default")
	fs.BoolVar(&c.introspection, "introspection", env("INTROSPECTION", "true") != "false", "allow schema introspection (env INTROSPECTION=false turns it off)")
	metricsOps := fs.String("metrics-operations", env("METRICS_OPERATIONS", ""),
		"comma-separated operation names that metrics label by name, besides the examples' (env METRICS_OPERATIONS); others count as other")
	apqBytes, err := strconv.Atoi(env("APQ_CACHE_BYTES", strconv.Itoa(graph.DefaultAPQCacheBytes)))
	if err != nil || apqBytes < 0 {
		return c, nil, errors.New("APQ_CACHE_BYTES: want a non-negative integer")
	}
	fs.IntVar(&apqBytes, "apq-cache-bytes", apqBytes, "bytes of automatic persisted queries kept (env APQ_CACHE_BYTES); 0 turns them off")
	trustedFile := fs.String("trusted-documents-file", env("TRUSTED_DOCUMENTS_FILE", ""),
		"JSON file of trusted documents by SHA-256 (env TRUSTED_DOCUMENTS_FILE)")
	fs.BoolVar(&c.limits.TrustedDocumentsOnly, "trusted-documents-only", env("TRUSTED_DOCUMENTS_ONLY", "") == "true",
		"run only trusted documents for callers below admin (env TRUSTED_DOCUMENTS_ONLY=true)")
	fs.StringVar(&c.cacheControl, "cache-control", env("CACHE_CONTROL", middleware.DefaultCacheControl),
		"Cache-Control of GET answers that may be cached (env CACHE_CONTROL)")
	if c.changeRetention, err = parseRetention(env("CHANGE_LOG_RETENTION", "90d")); err != nil {
		return c, nil, fmt.Errorf("CHANGE_LOG_RETENTION: %w", err)
	}
	fs.Func("change-log-retention", "how long the change log keeps an entry, such as 90d or 36h; 0 keeps every entry (env CHANGE_LOG_RETENTION, default 90d)",
		func(v string) (err error) {
			c.changeRetention, err = parseRetention(v)
			return err
		})
	if err := fs.Parse(args); err != nil {
		return c, nil, err
	}
	switch {
	case apqBytes < 0:
		return c, nil, errors.New("-apq-cache-bytes: want a non-negative integer")
	case apqBytes == 0:
		c.limits.APQCacheBytes = -1
	default:
		c.limits.APQCacheBytes = apqBytes
	}
	if *trustedFile != "" {
		if c.limits.TrustedDocuments, err = graphqlhttp.LoadTrustedDocuments(*trustedFile); err != nil {
			return c, nil, fmt.Errorf("TRUSTED_DOCUMENTS_FILE: %w", err)
		}
	} else if c.limits.TrustedDocumentsOnly {
		return c, nil, errors.New("TRUSTED_DOCUMENTS_ONLY: set TRUSTED_DOCUMENTS_FILE to the documents callers may run")
	}
	c.corsOrigins = splitList(*cors)
	c.limits.DisableIntrospection = !c.introspection
	c.metricsOperations = splitList(*metricsOps)
	c.http = defaultHTTPTimeouts
	if c.tokens, err = auth.LoadTokens(*tokens, *tokensFile); err != nil {
		return c, nil, err
	}
	return c, fs.Args(), nil
}

// parseRetention parses a retention: a number of days such as "90d", or
// a Go duration such as "36h"; "0" keeps forever.
func parseRetention(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	var d time.Duration
	if days, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.ParseInt(days, 10, 64)
		if err != nil || n < 0 || n > math.MaxInt64/int64(24*time.Hour) {
			return 0, fmt.Errorf("%q: want a number of days such as 90d, or a duration such as 36h", v)
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			return 0, fmt.Errorf("%q: want a number of days such as 90d, or a duration such as 36h", v)
		}
	}
	if d < 0 {
		return 0, fmt.Errorf("%q: want a retention of 0 (keep forever) or more", v)
	}
	return d, nil
}

// changePruneInterval is how often the change log is pruned: a tenth of
// the retention, between a second and an hour.
func changePruneInterval(retention time.Duration) time.Duration {
	return min(time.Hour, max(retention/10, time.Second))
}

// splitList returns the non-empty items of a comma-separated list.
func splitList(list string) []string {
	var out []string
	for _, item := range strings.Split(list, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

func env(key, fallback string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return fallback
}

func main() {
	cfg, args, err := parseConfig(os.Args[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.logLevel)); err != nil {
		fmt.Fprintln(os.Stderr, "LOG_LEVEL:", err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	slog.SetDefault(logger)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	cmd := "serve"
	if len(args) > 0 {
		cmd = args[0]
	}
	switch {
	case cmd == "serve":
		err = serve(ctx, cfg, logger)
	case cmd == "seed":
		err = seed(ctx, cfg, logger)
	case (cmd == "import" || cmd == "export" || cmd == "generate") && len(args) != 2:
		err = fmt.Errorf("usage: puente %s FILE (- for standard %s)", cmd, map[string]string{"import": "input", "export": "output", "generate": "output"}[cmd])
	case cmd == "generate":
		err = generateFile(cfg, logger, args[1])
	case cmd == "import":
		err = importFile(ctx, cfg, logger, args[1])
	case cmd == "export":
		err = exportFile(ctx, cfg, logger, args[1])
	default:
		err = fmt.Errorf("unknown command %q: want serve, seed, import, export or generate", cmd)
	}
	if err != nil {
		logger.Error("puente failed", "command", cmd, "err", err)
		os.Exit(1)
	}
}

// openStore opens Neo4j when a URI is configured, after applying the
// migrations, and the embedded store otherwise, replaying its journal when
// there is a data directory.
func openStore(ctx context.Context, cfg config, logger *slog.Logger) (kg.Store, error) {
	if cfg.neo4j.URI == "" {
		if cfg.dataDir == "" {
			logger.Info("using the embedded in-memory store; writes live in memory only (set DATA_DIR to keep them, NEO4J_URI to use Neo4j)")
			return memstore.New(), nil
		}
		s, rep, err := memstore.Open(cfg.dataDir)
		if err != nil {
			return nil, err
		}
		if rep.Upgraded {
			logger.Info("rewrote the journal in the current format", "data_dir", cfg.dataDir)
		}
		if rep.TornBytes > 0 {
			logger.Warn("dropped a torn last journal record (a write interrupted by a crash; it was never acknowledged)",
				"data_dir", cfg.dataDir, "bytes", rep.TornBytes)
		}
		logger.Info("using the embedded store, journaled", "data_dir", cfg.dataDir, "records_replayed", rep.Records,
			"replay_seconds", rep.Took.Seconds())
		return s, nil
	}
	s, err := neo4jstore.Open(ctx, cfg.neo4j)
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close(ctx)
		return nil, err
	}
	logger.Info("using Neo4j", "uri", cfg.neo4j.URI, "database", cfg.neo4j.Database)
	return s, nil
}

// seedDigest adds what the store lacks of the embedded dataset (see
// service.Seed: edits and merges are left alone) and logs the counts.
func seedDigest(ctx context.Context, store kg.Store, logger *slog.Logger) error {
	rep, err := service.Seed(ctx, store, dataset.MustDigest())
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	st, err := store.Stats(ctx)
	if err != nil {
		return err
	}
	logger.Info("seeded the digest dataset",
		"added_sources", rep.Added.Sources, "added_entities", rep.Added.Entities,
		"added_relations", rep.Added.Relations, "added_redirects", rep.Redirects,
		"kept_sources", rep.Kept.Sources, "kept_entities", rep.Kept.Entities,
		"entities", st.Entities, "sources", st.Sources, "relations", st.Relations)
	return nil
}

// seed loads the embedded dataset into the configured store.
func seed(ctx context.Context, cfg config, logger *slog.Logger) error {
	if cfg.neo4j.URI == "" && cfg.dataDir == "" {
		return errors.New("seed: the embedded store keeps nothing without a data directory; set DATA_DIR (or NEO4J_URI)")
	}
	store, err := openStore(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer store.Close(context.WithoutCancel(ctx))
	return seedDigest(ctx, store, logger)
}

func serve(ctx context.Context, cfg config, logger *slog.Logger) error {
	tp, stopTracing, err := observe.Tracing(ctx)
	if err != nil {
		return err
	}
	defer stopTracing(context.WithoutCancel(ctx))
	store, err := openStore(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer store.Close(context.WithoutCancel(ctx))
	empty, err := storeIsEmpty(ctx, store)
	if err != nil {
		return err
	}
	if empty {
		logger.Info("the store is empty")
		if err := seedDigest(ctx, store, logger); err != nil {
			return err
		}
	}
	if cfg.tokens.Len() == 0 {
		logger.Warn("no API tokens configured (API_TOKENS, API_TOKENS_FILE): mutations are refused")
	}
	obs := observe.New(tp)
	if cfg.hub == nil {
		cfg.hub = newHub(cfg, obs.Store(store), logger)
	}
	defer cfg.hub.Close() // before the store closes
	// Prune the change log, keeping what a connected subscriber has not
	// received yet.
	go service.PruneChangesEvery(ctx, store, cfg.changeRetention, changePruneInterval(cfg.changeRetention), cfg.hub.Keep)
	if cfg.changeRetention == 0 {
		logger.Info("the change log keeps every entry (CHANGE_LOG_RETENTION=0)")
	}

	handler := routes(cfg, store, logger, obs)
	if cfg.pprofAddr != "" {
		go servePprof(cfg.pprofAddr, logger)
	}
	srv := httpServer(cfg, handler)
	srv.BaseContext = func(net.Listener) context.Context { return context.WithoutCancel(ctx) }
	ln, err := net.Listen("tcp", fmt.Sprintf(":%d", cfg.port))
	if err != nil {
		return err
	}
	logger.Info("serving", "addr", ln.Addr().String(),
		"graphiql", fmt.Sprintf("http://localhost:%d/", cfg.port),
		"explorer", fmt.Sprintf("http://localhost:%d/explore", cfg.port),
		"endpoint", fmt.Sprintf("http://localhost:%d/query", cfg.port))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down: no new connections; waiting for requests in flight", "grace", cfg.grace.String())
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.grace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	logger.Info("stopped")
	return nil
}

// exportETagBytes is the largest export that gets an ETag: a larger one
// streams without, rather than be held in memory to be hashed.
const exportETagBytes = 8 << 20

// newHub returns the process's hub of live subscriptions over the change
// log.
func newHub(cfg config, log kg.ChangeLog, logger *slog.Logger) *live.Hub {
	opts := cfg.live
	opts.Logger = logger
	return live.New(log, opts)
}

// routes wires the endpoints and the HTTP layers around them.
func routes(cfg config, store kg.Store, logger *slog.Logger, obs *observe.Observer) http.Handler {
	opts := cfg.limits
	opts.BatchWait = graph.OptionsFor(store).BatchWait
	opts.Observer = obs
	obs.AllowOperations(operationLabels(cfg.metricsOperations)...)
	observed := obs.Store(store)
	// One hub for the process, told of its own writes at once.
	opts.Hub = cfg.hub
	if opts.Hub == nil {
		opts.Hub = newHub(cfg, observed, logger)
	}
	// One service for every endpoint, so that they share its limits.
	opts.Service = service.New(observed, service.Options{MaxExpensive: opts.MaxExpensive, OnWrite: opts.Hub.Notify})
	opts.WebsocketAuth = auth.Connection(cfg.tokens, cfg.requireAuthForReads)
	opts.SubscriptionsNeedReader = cfg.tokens.Len() > 0
	guard := func(h http.Handler) http.Handler { return auth.Middleware(cfg.tokens, cfg.requireAuthForReads, h) }

	// GET answers carry an ETag: a query's is always held back (it is
	// written at once, and at most MAX_RESPONSE_BYTES); an export's only
	// up to exportETagBytes, past which it streams untagged.
	etag := middleware.ETag(middleware.CacheOptions{CacheControl: cfg.cacheControl, MaxBytes: opts.MaxResponseBytes})
	exportETag := middleware.ETag(middleware.CacheOptions{CacheControl: cfg.cacheControl, MaxBytes: exportETagBytes, Override: true})

	mux := http.NewServeMux()
	mux.Handle("/query", guard(etag(graph.NewHandler(observed, logger, opts))))
	if cfg.introspection {
		mux.Handle("GET /schema.graphql", guard(etag(graph.SchemaFile())))
		mux.Handle("GET /possible-types.json", guard(etag(graph.PossibleTypesFile())))
	}
	mux.Handle("GET /{$}", web.GraphiQL("/query"))
	mux.Handle("GET /explore", web.Explorer("/query"))
	mux.Handle("GET /static/", web.Static())
	mux.Handle("/export/", guard(exportETag(web.Export(observed, logger, web.ExportOptions{
		Service: opts.Service, RequireReader: cfg.tokens.Len() > 0, CallTimeout: cfg.neo4j.Timeout}))))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.Handle("GET /readyz", readiness(store))
	mux.Handle("GET /metrics", obs.Handler())
	return middleware.Chain(mux,
		middleware.Logging(logger),
		obs.HTTP,
		middleware.Recover(logger),
		middleware.CORS(cfg.corsOrigins),
		middleware.BodyLimit(cfg.maxBody),
		middleware.Timeout(cfg.neo4j.Timeout),
	)
}

// servePprof serves the Go profiler's endpoints on their own listener, so
// that they are never exposed with the API.
func servePprof(addr string, logger *slog.Logger) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	logger.Info("serving profiles", "addr", addr)
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		logger.Error("pprof server", "err", err)
	}
}

// readiness answers 200 when the store answers (and, on Neo4j, the
// migrations are applied), else 503.
func readiness(store kg.Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		var err error
		if s, ok := store.(interface{ Ready(context.Context) error }); ok {
			err = s.Ready(ctx)
		} else {
			_, err = store.Stats(ctx)
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintf(w, "not ready: %s\n", kg.ErrorMessage(err))
			return
		}
		w.Write([]byte("ready\n"))
	})
}
