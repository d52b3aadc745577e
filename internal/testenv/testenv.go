// Package testenv opens the backends that tests run against: the embedded
// store, and the real Neo4j server that scripts/neo4j-local starts. Every
// store it returns holds exactly the seed dataset.
package testenv

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/puente-kg/puente/dataset"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/memstore"
	"github.com/puente-kg/puente/neo4jstore"
	"github.com/puente-kg/puente/service"
)

// Backend names a way to open a seeded store, and an empty one.
type Backend struct {
	Name  string
	Open  func(tb testing.TB) kg.Store
	Empty func(tb testing.TB) kg.Store
}

// Backends returns every backend: the embedded store in memory and
// journaled (replayed from disk), then Neo4j. Set
// PUENTE_SKIP_NEO4J=1 to leave Neo4j out on a machine without Java; CI
// never sets it.
func Backends() []Backend {
	b := []Backend{
		{Name: "memory", Open: func(tb testing.TB) kg.Store { return Memory(tb) },
			Empty: func(tb testing.TB) kg.Store { return memstore.New() }},
		{Name: "journaled", Open: func(tb testing.TB) kg.Store { return Journaled(tb) },
			Empty: func(tb testing.TB) kg.Store { return emptyJournaled(tb) }},
	}
	if os.Getenv("PUENTE_SKIP_NEO4J") == "" {
		b = append(b, Backend{Name: "neo4j", Open: func(tb testing.TB) kg.Store { return Neo4j(tb) },
			Empty: func(tb testing.TB) kg.Store { return EmptyNeo4j(tb) }})
	}
	return b
}

// Memory returns an embedded store holding the seed dataset.
func Memory(tb testing.TB) *memstore.Store {
	tb.Helper()
	s := memstore.New()
	if _, err := service.Seed(context.Background(), s, dataset.MustDigest()); err != nil {
		tb.Fatalf("seed memory store: %v", err)
	}
	return s
}

// Journaled returns an embedded store journaled in a temporary directory,
// holding the seed dataset as replayed from its journal.
func Journaled(tb testing.TB) *memstore.Store {
	tb.Helper()
	dir := tb.TempDir()
	s, _, err := memstore.Open(dir)
	if err != nil {
		tb.Fatalf("open journaled store: %v", err)
	}
	if _, err := service.Seed(context.Background(), s, dataset.MustDigest()); err != nil {
		tb.Fatalf("seed journaled store: %v", err)
	}
	s.Close(context.Background())
	s, _, err = memstore.Open(dir)
	if err != nil {
		tb.Fatalf("reopen journaled store: %v", err)
	}
	tb.Cleanup(func() { s.Close(context.Background()) })
	return s
}

func emptyJournaled(tb testing.TB) *memstore.Store {
	tb.Helper()
	s, _, err := memstore.Open(tb.TempDir())
	if err != nil {
		tb.Fatalf("open journaled store: %v", err)
	}
	tb.Cleanup(func() { s.Close(context.Background()) })
	return s
}

// EmptyNeo4j returns the Neo4j test store emptied (schema kept). Like
// Neo4j, it holds the server's lock until the test ends; a test uses one
// or the other.
func EmptyNeo4j(tb testing.TB) *neo4jstore.Store {
	tb.Helper()
	s := Neo4j(tb)
	if err := s.DeleteAll(context.Background()); err != nil {
		tb.Fatalf("empty Neo4j: %v", err)
	}
	return s
}

// Neo4jURI is the Bolt URI of the test server: NEO4J_TEST_URI, or the
// local server of scripts/neo4j-local.
func Neo4jURI() string {
	if u := os.Getenv("NEO4J_TEST_URI"); u != "" {
		return u
	}
	port := os.Getenv("NEO4J_BOLT_PORT")
	if port == "" {
		port = "7687"
	}
	return "bolt://127.0.0.1:" + port
}

// Neo4j returns a store on the real Neo4j test server, emptied, migrated
// and seeded with the dataset. It holds an exclusive lock on the server
// until the test ends, so that test binaries of several packages take
// turns. It fails the test, naming the command that starts the server,
// when the server cannot be reached.
func Neo4j(tb testing.TB) *neo4jstore.Store {
	tb.Helper()
	lock(tb)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s := openNeo4j(tb, ctx)
	for _, step := range []func(context.Context) error{s.Migrate, s.DeleteAll} {
		if err := step(ctx); err != nil {
			tb.Fatalf("prepare Neo4j: %v", err)
		}
	}
	if _, err := service.Seed(ctx, s, dataset.MustDigest()); err != nil {
		tb.Fatalf("seed Neo4j: %v", err)
	}
	return s
}

// Neo4jAgain returns another connection to the test server, as a second
// instance of Puente would have, without emptying it: call it after Neo4j,
// in the same test.
func Neo4jAgain(tb testing.TB) *neo4jstore.Store {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return openNeo4j(tb, ctx)
}

// openNeo4j connects to the test server, closing the connection when the
// test ends.
func openNeo4j(tb testing.TB, ctx context.Context) *neo4jstore.Store {
	tb.Helper()
	s, err := neo4jstore.Open(ctx, neo4jstore.Config{
		URI:      Neo4jURI(),
		Username: os.Getenv("NEO4J_USERNAME"),
		Password: os.Getenv("NEO4J_PASSWORD"),
		Timeout:  30 * time.Second,
	})
	if err != nil {
		tb.Fatalf("Neo4j is not reachable at %s: %v\n"+
			"Start the local server with `scripts/neo4j-local start` (the test command `scripts/test` does it for you).",
			Neo4jURI(), err)
	}
	tb.Cleanup(func() { s.Close(context.Background()) })
	return s
}

// lock takes an exclusive file lock shared by every test process of the
// repository, released when the test ends.
func lock(tb testing.TB) {
	tb.Helper()
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", ".neo4j-local")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatalf("lock: %v", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, "test.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		tb.Fatalf("lock: %v", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		tb.Fatalf("lock: %v", err)
	}
	tb.Cleanup(func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	})
}
