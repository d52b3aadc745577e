// Package bench measures Puente against its peer, the Neo4j GraphQL
// Library, and against the floor of hand-written Cypher through the Go
// driver, on the same Neo4j and the same generated data. See
// docs/performance.md and bench/cmd/bench.
package bench

import (
	"context"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Request runs one request of a workload. It returns an error for a
// failed request, GraphQL errors inside an HTTP 200 included.
type Request func(ctx context.Context, i int) error

// Result is what one load run measured. Only successful requests count
// towards the throughput and the latencies: a contender that fails fast
// must not look fast. A run with any error is flagged.
type Result struct {
	Contender string `json:"contender"`
	Workload  string `json:"workload"`
	Mode      string `json:"mode"`
	// Requests counts every request that completed, failed ones included.
	Requests int `json:"requests"`
	// Errors counts the failed requests among them.
	Errors int `json:"errors"`
	// Flagged is set when the run had errors: its numbers are not
	// comparable with a clean run's.
	Flagged bool    `json:"flagged"`
	Seconds float64 `json:"seconds"`
	// Throughput is successful requests per second.
	Throughput float64 `json:"throughput"`
	// The latency percentiles of the successful requests (0 when none
	// succeeded).
	P50ms float64 `json:"p50_ms"`
	P90ms float64 `json:"p90_ms"`
	P99ms float64 `json:"p99_ms"`
	// RoundTrips is the mean number of database round trips per request,
	// when the contender reports it.
	RoundTrips float64 `json:"round_trips,omitempty"`
	// FirstError is the first error seen, for the report.
	FirstError string `json:"first_error,omitempty"`
}

// OK returns the number of successful requests.
func (r Result) OK() int { return r.Requests - r.Errors }

// Warm runs req from `workers` goroutines for d without measuring: caches,
// connection pools and query plans warm up.
func Warm(ctx context.Context, req Request, workers int, d time.Duration) {
	run(ctx, req, workers, d, nil)
}

// ClosedLoop runs req from `workers` goroutines back to back for d and
// measures throughput and latency: the maximum-throughput mode.
func ClosedLoop(ctx context.Context, req Request, workers int, d time.Duration) Result {
	var rec recorder
	start := time.Now()
	run(ctx, req, workers, d, rec.record)
	return rec.result("closed", time.Since(start))
}

// OpenLoop sends requests at a fixed rate for d regardless of how fast
// they are answered (so that slow answers do not hide queueing), and
// measures latency from each request's scheduled start.
func OpenLoop(ctx context.Context, req Request, rate float64, d time.Duration) Result {
	interval := time.Duration(float64(time.Second) / rate)
	var rec recorder
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; ; i++ {
		at := start.Add(time.Duration(i) * interval)
		if at.Sub(start) >= d {
			break
		}
		time.Sleep(time.Until(at))
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := req(ctx, i)
			rec.record(time.Since(at), err)
		}()
	}
	wg.Wait()
	return rec.result("open", time.Since(start))
}

// recorder collects the outcome of each request of a run.
type recorder struct {
	mu    sync.Mutex
	lat   []time.Duration // of the successful requests
	errs  int
	first string
}

func (r *recorder) record(took time.Duration, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		if r.errs == 0 {
			r.first = err.Error()
		}
		r.errs++
		return
	}
	r.lat = append(r.lat, took)
}

func (r *recorder) result(mode string, elapsed time.Duration) Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	res := summarize(r.lat, elapsed)
	res.Mode = mode
	res.Requests += r.errs
	res.Errors, res.FirstError, res.Flagged = r.errs, r.first, r.errs > 0
	return res
}

func run(ctx context.Context, req Request, workers int, d time.Duration, record func(time.Duration, error)) {
	var wg sync.WaitGroup
	var n atomic.Int64
	deadline := time.Now().Add(d)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) && ctx.Err() == nil {
				i := int(n.Add(1))
				start := time.Now()
				err := req(ctx, i)
				if record != nil {
					record(time.Since(start), err)
				}
			}
		}()
	}
	wg.Wait()
}

// summarize computes the throughput and percentiles of successful
// requests; percentiles are 0 when there are none.
func summarize(lat []time.Duration, elapsed time.Duration) Result {
	slices.Sort(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		i := int(math.Ceil(p*float64(len(lat)))) - 1
		return float64(lat[max(i, 0)].Microseconds()) / 1000
	}
	return Result{
		Requests: len(lat), Seconds: elapsed.Seconds(),
		Throughput: float64(len(lat)) / elapsed.Seconds(),
		P50ms:      pct(0.50), P90ms: pct(0.90), P99ms: pct(0.99),
	}
}

// Rotate returns the contenders in the order they run on the workload at
// index i: the list rotated by i, so that no contender always runs first
// (on a cold cache) or last (after the others have heated the machine).
func Rotate[T any](list []T, i int) []T {
	if len(list) == 0 {
		return nil
	}
	k := i % len(list)
	if k < 0 {
		k += len(list)
	}
	return append(slices.Clone(list[k:]), list[:k]...)
}

// Flagged returns "workload/contender" for every run that had errors.
func Flagged(results []Result) []string {
	var out []string
	for _, r := range results {
		if r.Flagged {
			out = append(out, r.Workload+"/"+r.Contender)
		}
	}
	return out
}
