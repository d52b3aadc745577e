// Package neo4jstore is the Neo4j backend of kg.Store. Each read is one
// Cypher statement sent in a read transaction (routed to followers on a
// cluster); each write is one write transaction.
package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/puente-kg/puente/kg"
)

// Config says how to reach Neo4j. The names follow Neo4j's own tools.
type Config struct {
	// URI is a bolt:// or neo4j:// (routing) URI, with +s or +ssc for TLS.
	URI string
	// Username and Password authenticate; no authentication when both are
	// empty.
	Username, Password string
	// Database is the database to use; the server's default when empty.
	Database string
	// Timeout bounds each transaction on the server (0: the server's
	// default).
	Timeout time.Duration
}

// Store is a kg.Store backed by Neo4j.
type Store struct {
	driver  neo4j.DriverWithContext
	cfg     Config
	queries atomic.Int64
}

var _ kg.Store = (*Store)(nil)

// Open connects to Neo4j and checks that the server answers.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	auth := neo4j.NoAuth()
	if cfg.Username != "" || cfg.Password != "" {
		auth = neo4j.BasicAuth(cfg.Username, cfg.Password, "")
	}
	driver, err := neo4j.NewDriverWithContext(cfg.URI, auth, func(c *neo4j.Config) {
		c.MaxConnectionPoolSize = 50
		c.ConnectionAcquisitionTimeout = 10 * time.Second
		c.SocketConnectTimeout = 5 * time.Second
		// Retry transient failures briefly: while the database is down a
		// request should fail fast with UNAVAILABLE rather than hang.
		c.MaxTransactionRetryTime = 3 * time.Second
	})
	if err != nil {
		return nil, fmt.Errorf("neo4j driver for %s: %w", cfg.URI, err)
	}
	s := &Store{driver: driver, cfg: cfg}
	if err := driver.VerifyConnectivity(ctx); err != nil {
		driver.Close(ctx)
		return nil, s.wrap(fmt.Errorf("connect to %s: %w", cfg.URI, err))
	}
	return s, nil
}

// Close closes the driver.
func (s *Store) Close(ctx context.Context) error { return s.driver.Close(ctx) }

// Queries returns how many statements the store has sent: its round trips
// to the database.
func (s *Store) Queries() int64 { return s.queries.Load() }

// wrap gives connectivity failures the code EUNAVAILABLE, keeping the
// driver's error in the chain for the log.
func (s *Store) wrap(err error) error {
	if err == nil {
		return nil
	}
	var ke *kg.Error
	if errors.As(err, &ke) {
		return err
	}
	if unavailable(err) {
		return &wrapped{kg.Errorf(kg.EUNAVAILABLE, "the database is unavailable"), err}
	}
	return fmt.Errorf("neo4j: %w", err)
}

// unavailable reports whether err means the database could not be reached
// or did not answer in time, as opposed to a fault in the statement.
func unavailable(err error) bool {
	var conn *neo4j.ConnectivityError
	var limit *neo4j.TransactionExecutionLimit
	var dbErr *neo4j.Neo4jError
	switch {
	case errors.As(err, &conn), errors.As(err, &limit), errors.Is(err, context.DeadlineExceeded):
		return true
	case errors.As(err, &dbErr):
		return strings.HasPrefix(dbErr.Code, "Neo.TransientError.") ||
			strings.HasPrefix(dbErr.Code, "Neo.ClientError.Transaction.TransactionTimedOut")
	}
	return false
}

// wrapped pairs a client-safe *kg.Error with the cause, for the log.
type wrapped struct {
	safe  *kg.Error
	cause error
}

func (w *wrapped) Error() string   { return w.safe.Message + ": " + w.cause.Error() }
func (w *wrapped) Unwrap() []error { return []error{w.safe, w.cause} }

// read runs one statement in an auto-commit read transaction (routed to a
// reader on a cluster) and returns its records: one network round trip,
// where an explicit transaction needs a second one to commit. A failure
// the driver deems retryable (a leader switch, a member going away) is
// retried, briefly, as ExecuteQuery would.
func (s *Store) read(ctx context.Context, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	s.queries.Add(1)
	var cfg []func(*neo4j.TransactionConfig)
	if s.cfg.Timeout > 0 {
		cfg = append(cfg, neo4j.WithTxTimeout(s.cfg.Timeout))
	}
	deadline := time.Now().Add(readRetryTime)
	for attempt := 0; ; attempt++ {
		recs, err := s.readOnce(ctx, cypher, params, cfg)
		if err == nil {
			return recs, nil
		}
		if !neo4j.IsRetryable(err) || time.Now().After(deadline) || ctx.Err() != nil {
			slog.DebugContext(ctx, "neo4j read failed", "err", err)
			return nil, s.wrap(err)
		}
		time.Sleep(time.Duration(100*(attempt+1)) * time.Millisecond)
	}
}

// readRetryTime bounds the retries of a read.
const readRetryTime = 3 * time.Second

func (s *Store) readOnce(ctx context.Context, cypher string, params map[string]any, cfg []func(*neo4j.TransactionConfig)) ([]*neo4j.Record, error) {
	session := s.driver.NewSession(ctx, neo4j.SessionConfig{
		AccessMode:      neo4j.AccessModeRead,
		DatabaseName:    s.cfg.Database,
		BookmarkManager: s.driver.ExecuteQueryBookmarkManager(),
	})
	defer session.Close(ctx)
	res, err := session.Run(ctx, cypher, params, cfg...)
	if err != nil {
		return nil, err
	}
	return res.Collect(ctx)
}

// write runs statements in one write transaction: all of them or none.
func (s *Store) write(ctx context.Context, work func(tx neo4j.ManagedTransaction) error) error {
	// Share the bookmark manager of ExecuteQuery, so that the reads after
	// a write (on a cluster: on another member) see it.
	session := s.driver.NewSession(ctx, neo4j.SessionConfig{
		AccessMode:      neo4j.AccessModeWrite,
		DatabaseName:    s.cfg.Database,
		BookmarkManager: s.driver.ExecuteQueryBookmarkManager(),
	})
	defer session.Close(ctx)
	var cfg []func(*neo4j.TransactionConfig)
	if s.cfg.Timeout > 0 {
		cfg = append(cfg, neo4j.WithTxTimeout(s.cfg.Timeout))
	}
	_, err := session.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return nil, work(tx)
	}, cfg...)
	return s.wrap(err)
}

// run sends one statement inside a write transaction.
func (s *Store) run(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any) error {
	s.queries.Add(1)
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		return err
	}
	_, err = res.Consume(ctx)
	return err
}

// Migrate creates the constraints and indexes, each in its own
// transaction (Neo4j does not mix schema and data changes).
func (s *Store) Migrate(ctx context.Context) error {
	for _, m := range migrations {
		err := s.write(ctx, func(tx neo4j.ManagedTransaction) error {
			return s.run(ctx, tx, m, map[string]any{"version": schemaVersion})
		})
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
	}
	return nil
}

// SchemaVersion returns the schema version recorded by the migrations, 0
// when they have not run.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	recs, err := s.read(ctx, cypherSchemaVersion, nil)
	if err != nil {
		return 0, err
	}
	if len(recs) == 0 {
		return 0, nil
	}
	v, _ := recs[0].Get("version")
	n, _ := v.(int64)
	return int(n), nil
}

// Ready reports whether the database answers and the migrations are
// applied.
func (s *Store) Ready(ctx context.Context) error {
	v, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if v < schemaVersion {
		return kg.Errorf(kg.EUNAVAILABLE, "schema version %d, want %d: migrations not applied", v, schemaVersion)
	}
	return nil
}

// DeleteAll removes every entity, source and relation, and the change
// log, whose numbers then start again from 1, keeping the schema: the
// store is then as a new one. Tests and benchmarks use it. It deletes in
// batches, each its own transaction.
func (s *Store) DeleteAll(ctx context.Context) error {
	session := s.driver.NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeWrite, DatabaseName: s.cfg.Database,
		BookmarkManager: s.driver.ExecuteQueryBookmarkManager()})
	defer session.Close(ctx)
	for _, cypher := range []string{cypherDeleteRelationships, cypherDeleteNodes, cypherDeleteChanges, cypherResetChanges} {
		s.queries.Add(1)
		res, err := session.Run(ctx, cypher, nil)
		if err == nil {
			_, err = res.Consume(ctx)
		}
		if err != nil {
			return s.wrap(err)
		}
	}
	return nil
}
