// Command puente serves the China–Latin America knowledge graph over
// GraphQL.
//
// Usage:
//
//	puente [flags] [serve]   serve GraphQL at /query and GraphiQL at /
//	puente [flags] seed      load the embedded dataset into the store
//	puente [flags] import F  import a JSON Lines file (- for standard input)
//	puente [flags] export F  export the graph as JSON Lines (- for standard output)
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
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/99designs/gqlgen/graphql/playground"

	"github.com/puente-kg/puente/auth"
	"github.com/puente-kg/puente/dataset"
	"github.com/puente-kg/puente/graph"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/memstore"
	"github.com/puente-kg/puente/neo4jstore"
)

// config is the server's configuration, from flags and the environment.
type config struct {
	port     int
	neo4j    neo4jstore.Config
	dataDir  string
	logLevel string
	batch    int
	// tokens and requireAuthForReads govern who may read and write.
	tokens              *auth.Tokens
	requireAuthForReads bool
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
	tokens := fs.String("api-tokens", env("API_TOKENS", ""), "comma-separated role:token pairs, roles reader, editor, admin (env API_TOKENS)")
	tokensFile := fs.String("api-tokens-file", env("API_TOKENS_FILE", ""), "file of role:token lines (env API_TOKENS_FILE)")
	fs.BoolVar(&c.requireAuthForReads, "require-auth-for-reads", env("REQUIRE_AUTH_FOR_READS", "") == "true",
		"refuse requests without a valid token (env REQUIRE_AUTH_FOR_READS=true)")
	if err := fs.Parse(args); err != nil {
		return c, nil, err
	}
	if c.tokens, err = auth.LoadTokens(*tokens, *tokensFile); err != nil {
		return c, nil, err
	}
	return c, fs.Args(), nil
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
	case (cmd == "import" || cmd == "export") && len(args) != 2:
		err = fmt.Errorf("usage: puente %s FILE (- for standard %s)", cmd, map[string]string{"import": "input", "export": "output"}[cmd])
	case cmd == "import":
		err = importFile(ctx, cfg, logger, args[1])
	case cmd == "export":
		err = exportFile(ctx, cfg, logger, args[1])
	default:
		err = fmt.Errorf("unknown command %q: want serve, seed, import or export", cmd)
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
		if rep.TornBytes > 0 {
			logger.Warn("dropped a torn last journal record (a write interrupted by a crash; it was never acknowledged)",
				"data_dir", cfg.dataDir, "bytes", rep.TornBytes)
		}
		logger.Info("using the embedded store, journaled", "data_dir", cfg.dataDir, "records_replayed", rep.Records)
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

// seedDigest loads the embedded dataset into the store and logs the counts.
func seedDigest(ctx context.Context, store kg.Store, logger *slog.Logger) error {
	if err := store.Seed(ctx, dataset.MustDigest()); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	st, err := store.Stats(ctx)
	if err != nil {
		return err
	}
	logger.Info("loaded the digest dataset", "entities", st.Entities, "sources", st.Sources, "relations", st.Relations)
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

	mux := http.NewServeMux()
	if cfg.tokens.Len() == 0 {
		logger.Warn("no API tokens configured (API_TOKENS, API_TOKENS_FILE): mutations are refused")
	}
	guard := func(h http.Handler) http.Handler { return auth.Middleware(cfg.tokens, cfg.requireAuthForReads, h) }
	mux.Handle("/query", guard(graph.NewHandler(store, logger, graph.OptionsFor(store))))
	mux.Handle("GET /{$}", playground.Handler("Puente", "/query"))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok\n"))
	})
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	ln, err := net.Listen("tcp", fmt.Sprintf(":%d", cfg.port))
	if err != nil {
		return err
	}
	logger.Info("serving", "addr", ln.Addr().String(),
		"graphiql", fmt.Sprintf("http://localhost:%d/", cfg.port),
		"endpoint", fmt.Sprintf("http://localhost:%d/query", cfg.port))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}
