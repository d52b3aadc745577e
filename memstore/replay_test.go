package memstore_test

import (
	"context"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/puente-kg/puente/bulk"
	"github.com/puente-kg/puente/memstore"
	"github.com/puente-kg/puente/synth"
)

// journaledGraph writes a synthetic graph of n entities into a journal in
// a new directory, in import batches of 1000 records, and returns the
// directory.
func journaledGraph(tb testing.TB, n int) string {
	tb.Helper()
	dir := tb.TempDir()
	s, _, err := memstore.Open(dir)
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	if err := bulk.Import(ctx, s, &bulk.Parsed{Dataset: synth.Generate(n, 1, nil)}, bulk.Options{}); err != nil {
		tb.Fatal(err)
	}
	if err := s.Close(ctx); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// BenchmarkReplay replays the journal of a 100,000-entity synthetic graph
// (about 250,000 relations, in batches of 1000 records) and reports the
// live heap of the store it builds.
func BenchmarkReplay(b *testing.B) {
	dir := journaledGraph(b, 100_000)
	ctx := context.Background()
	var ms runtime.MemStats
	var cpu time.Duration
	for b.Loop() {
		before := cpuTime()
		s, rep, err := memstore.Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		cpu += cpuTime() - before
		runtime.GC()
		runtime.ReadMemStats(&ms)
		b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "heap-MB")
		b.ReportMetric(float64(rep.Records), "records")
		if err := s.Close(ctx); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	// The CPU time, garbage collection included, says more than the wall
	// time on a machine shared with other work.
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
}

// cpuTime returns the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
