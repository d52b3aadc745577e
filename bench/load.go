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

// Result is what one load run measured.
type Result struct {
	Contender  string  `json:"contender"`
	Workload   string  `json:"workload"`
	Mode       string  `json:"mode"`
	Requests   int     `json:"requests"`
	Errors     int     `json:"errors"`
	Seconds    float64 `json:"seconds"`
	Throughput float64 `json:"throughput"`
	P50ms      float64 `json:"p50_ms"`
	P90ms      float64 `json:"p90_ms"`
	P99ms      float64 `json:"p99_ms"`
	// RoundTrips is the mean number of database round trips per request,
	// when the contender reports it.
	RoundTrips float64 `json:"round_trips,omitempty"`
	// FirstError is the first error seen, for the report.
	FirstError string `json:"first_error,omitempty"`
}

// Warm runs req from `workers` goroutines for d without measuring: caches,
// connection pools and query plans warm up.
func Warm(ctx context.Context, req Request, workers int, d time.Duration) {
	run(ctx, req, workers, d, nil)
}

// ClosedLoop runs req from `workers` goroutines back to back for d and
// measures throughput and latency: the maximum-throughput mode.
func ClosedLoop(ctx context.Context, req Request, workers int, d time.Duration) Result {
	var mu sync.Mutex
	var lat []time.Duration
	var errs atomic.Int64
	var first atomic.Value
	start := time.Now()
	run(ctx, req, workers, d, func(took time.Duration, err error) {
		if err != nil {
			if errs.Add(1) == 1 {
				first.Store(err.Error())
			}
		}
		mu.Lock()
		lat = append(lat, took)
		mu.Unlock()
	})
	r := summarize(lat, time.Since(start))
	r.Mode, r.Errors = "closed", int(errs.Load())
	r.FirstError, _ = first.Load().(string)
	return r
}

// OpenLoop sends requests at a fixed rate for d regardless of how fast
// they are answered (so that slow answers do not hide queueing), and
// measures latency from each request's scheduled start.
func OpenLoop(ctx context.Context, req Request, rate float64, d time.Duration) Result {
	interval := time.Duration(float64(time.Second) / rate)
	var mu sync.Mutex
	var lat []time.Duration
	var errs atomic.Int64
	var first atomic.Value
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
			took := time.Since(at)
			if err != nil && errs.Add(1) == 1 {
				first.Store(err.Error())
			}
			mu.Lock()
			lat = append(lat, took)
			mu.Unlock()
		}()
	}
	wg.Wait()
	r := summarize(lat, time.Since(start))
	r.Mode, r.Errors = "open", int(errs.Load())
	r.FirstError, _ = first.Load().(string)
	return r
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

func summarize(lat []time.Duration, elapsed time.Duration) Result {
	slices.Sort(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return math.NaN()
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
