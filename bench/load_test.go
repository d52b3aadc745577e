package bench

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestClosedLoop counts requests and errors and orders percentiles.
func TestClosedLoop(t *testing.T) {
	req := func(ctx context.Context, i int) error {
		time.Sleep(time.Millisecond)
		if i%10 == 0 {
			return errors.New("every tenth fails")
		}
		return nil
	}
	r := ClosedLoop(context.Background(), req, 4, 300*time.Millisecond)
	if r.Requests < 50 || r.Errors == 0 || r.Errors > r.Requests/5 {
		t.Errorf("requests %d, errors %d", r.Requests, r.Errors)
	}
	if !(r.P50ms <= r.P90ms && r.P90ms <= r.P99ms) || r.P50ms < 1 {
		t.Errorf("percentiles %v %v %v", r.P50ms, r.P90ms, r.P99ms)
	}
	if r.FirstError != "every tenth fails" {
		t.Errorf("first error %q", r.FirstError)
	}
}

// TestOpenLoop keeps the rate whatever the latency.
func TestOpenLoop(t *testing.T) {
	req := func(ctx context.Context, i int) error { time.Sleep(20 * time.Millisecond); return nil }
	r := OpenLoop(context.Background(), req, 100, 500*time.Millisecond)
	if r.Requests < 45 || r.Requests > 55 {
		t.Errorf("%d requests at 100/s for 0.5 s, want about 50", r.Requests)
	}
}

// TestTable prints ratios against the peer and the floor.
func TestTable(t *testing.T) {
	results := []Result{
		{Contender: "a", Workload: "w", Throughput: 200, P50ms: 5},
		{Contender: "peer", Workload: "w", Throughput: 100, P50ms: 10},
		{Contender: "floor", Workload: "w", Throughput: 400, P50ms: 4},
	}
	var b strings.Builder
	Table(&b, results, []string{"w"}, []string{"a", "peer", "floor"}, "peer", "floor")
	if !strings.Contains(b.String(), "2.00") || !strings.Contains(b.String(), "1.25") {
		t.Errorf("table lacks the ratios 2.00 (×peer) and 1.25 (p50/floor):\n%s", b.String())
	}
	var svg strings.Builder
	SVG(&svg, results, []string{"w"}, []string{"a", "peer", "floor"}, "t")
	if !strings.HasPrefix(svg.String(), "<svg") || strings.Count(svg.String(), "<rect") < 7 {
		t.Errorf("chart: %.200s", svg.String())
	}
}
