package bench_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/puente-kg/puente/bench"
	"github.com/puente-kg/puente/bulk"
	"github.com/puente-kg/puente/graph"
	"github.com/puente-kg/puente/internal/testenv"
	"github.com/puente-kg/puente/synth"
)

// TestFloorAnswersLikePuente loads a small generated graph into the real
// Neo4j and checks that the floor's statements, sent both ways, give
// Puente's answers to every workload, field by field and in order, on the
// variable sets the benchmark draws and on the extremes (the best-connected
// people and organizations, every country). A ratio against a floor that
// answers another question means nothing.
func TestFloorAnswersLikePuente(t *testing.T) {
	if os.Getenv("PUENTE_SKIP_NEO4J") != "" {
		t.Skip("PUENTE_SKIP_NEO4J is set")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	store := testenv.EmptyNeo4j(t)
	t.Cleanup(func() { store.DeleteAll(context.Background()) })
	d := synth.Generate(2000, 1, nil)
	var buf bytes.Buffer
	if _, err := bulk.Write(&buf, d); err != nil {
		t.Fatal(err)
	}
	parsed, lineErrs := bulk.Read(&buf)
	if len(lineErrs) > 0 {
		t.Fatalf("generated file: %v", lineErrs[0])
	}
	if err := bulk.Import(ctx, store, parsed, bulk.Options{Batch: 2000}); err != nil {
		t.Fatalf("import: %v", err)
	}
	srv := httptest.NewServer(graph.NewHandler(store, slog.New(slog.NewTextHandler(io.Discard, nil)), graph.OptionsFor(store)))
	defer srv.Close()
	driver, err := bench.NewDriver(testenv.Neo4jURI())
	if err != nil {
		t.Fatal(err)
	}
	defer driver.Close(ctx)
	ours, err := bench.LoadWorkloads("workloads/puente.json")
	if err != nil {
		t.Fatal(err)
	}
	sets := bench.CheckSets(d, 20)
	rep := bench.Check(ctx, sets, bench.GraphQLAnswerer(srv.URL, ours), map[string]bench.Answerer{
		"floor":    bench.FloorAnswerer(driver, bench.AutoCommit),
		"floor-tx": bench.FloorAnswerer(driver, bench.Transaction),
	}, nil)
	for _, m := range rep.Mismatches {
		t.Error(m)
	}
	for _, wl := range bench.Workloads {
		if rep.Sets[wl] < 20 {
			t.Errorf("%s: %d variable sets compared, want at least 20", wl, rep.Sets[wl])
		}
	}
	t.Logf("%d answers compared with Puente's, %d mismatches", rep.Compared, len(rep.Mismatches))
}
