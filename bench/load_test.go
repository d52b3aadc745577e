package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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

// TestFailuresDoNotCount leaves failed requests out of the throughput and
// the latencies, and flags the run: a contender that fails fast must not
// look fast.
func TestFailuresDoNotCount(t *testing.T) {
	req := func(ctx context.Context, i int) error {
		if i%2 == 0 {
			return fmt.Errorf("request %d refused", i) // fails at once
		}
		time.Sleep(5 * time.Millisecond)
		return nil
	}
	r := ClosedLoop(context.Background(), req, 2, 300*time.Millisecond)
	if !r.Flagged || r.Errors == 0 || r.OK() == 0 {
		t.Fatalf("flagged %v, %d errors, %d ok", r.Flagged, r.Errors, r.OK())
	}
	if want := float64(r.OK()) / r.Seconds; r.Throughput != want {
		t.Errorf("throughput %.1f, want successes per second %.1f (all requests: %.1f)", r.Throughput, want, float64(r.Requests)/r.Seconds)
	}
	if r.P50ms < 5 {
		t.Errorf("p50 %.2f ms: the instant failures count towards the latencies", r.P50ms)
	}

	allFail := ClosedLoop(context.Background(), func(context.Context, int) error { return errors.New("down") }, 2, 50*time.Millisecond)
	if !allFail.Flagged || allFail.Throughput != 0 || allFail.P50ms != 0 || allFail.OK() != 0 {
		t.Errorf("a run where everything fails: %+v", allFail)
	}
	if _, err := json.Marshal(allFail); err != nil {
		t.Errorf("a run where everything fails does not marshal: %v", err)
	}

	clean := ClosedLoop(context.Background(), func(context.Context, int) error { return nil }, 2, 50*time.Millisecond)
	if clean.Flagged || clean.Errors != 0 || clean.FirstError != "" {
		t.Errorf("a clean run: %+v", clean)
	}
}

// TestOpenLoop keeps the rate whatever the latency, and accounts for
// failures as the closed loop does.
func TestOpenLoop(t *testing.T) {
	req := func(ctx context.Context, i int) error { time.Sleep(20 * time.Millisecond); return nil }
	r := OpenLoop(context.Background(), req, 100, 500*time.Millisecond)
	if r.Requests < 45 || r.Requests > 55 {
		t.Errorf("%d requests at 100/s for 0.5 s, want about 50", r.Requests)
	}
	failing := func(ctx context.Context, i int) error {
		if i%5 == 0 {
			return errors.New("no")
		}
		return nil
	}
	r = OpenLoop(context.Background(), failing, 100, 300*time.Millisecond)
	if !r.Flagged || r.Errors == 0 || r.Throughput != float64(r.OK())/r.Seconds {
		t.Errorf("open loop with failures: %+v", r)
	}
}

// TestRotate starts each workload with the next contender and keeps every
// contender once.
func TestRotate(t *testing.T) {
	cs := []string{"a", "b", "c"}
	for i, want := range [][]string{{"a", "b", "c"}, {"b", "c", "a"}, {"c", "a", "b"}, {"a", "b", "c"}} {
		if got := Rotate(cs, i); !slices.Equal(got, want) {
			t.Errorf("Rotate(%v, %d) = %v, want %v", cs, i, got, want)
		}
	}
	if !slices.Equal(cs, []string{"a", "b", "c"}) {
		t.Errorf("Rotate changed its argument: %v", cs)
	}
	firsts := map[string]int{}
	for i := range 7 { // seven workloads
		firsts[Rotate(cs, i)[0]]++
	}
	if len(firsts) != len(cs) {
		t.Errorf("over seven workloads, only %v ran first", firsts)
	}
	if Rotate([]string{}, 3) != nil {
		t.Error("Rotate of nothing")
	}
}

// TestTable prints ratios against the peer and the floor, and flags runs
// with errors in the table and in the report.
func TestTable(t *testing.T) {
	results := []Result{
		{Contender: "a", Workload: "w", Requests: 400, Throughput: 200, P50ms: 5},
		{Contender: "peer", Workload: "w", Requests: 200, Throughput: 100, P50ms: 10},
		{Contender: "floor", Workload: "w", Requests: 800, Throughput: 400, P50ms: 4},
		{Contender: "a", Workload: "v", Requests: 100, Errors: 7, Flagged: true, Throughput: 46.5, P50ms: 3, FirstError: "QUERY_TOO_COMPLEX"},
		{Contender: "floor", Workload: "v", Requests: 100, Throughput: 50, P50ms: 2},
	}
	var b strings.Builder
	Table(&b, results, []string{"w", "v"}, []string{"a", "peer", "floor"}, "peer", "floor")
	out := b.String()
	if !strings.Contains(out, "2.00") || !strings.Contains(out, "1.25") {
		t.Errorf("table lacks the ratios 2.00 (×peer) and 1.25 (p50/floor):\n%s", out)
	}
	if !strings.Contains(out, "7!") || !strings.Contains(out, "! v/a: 7 of 100 requests failed; first error: QUERY_TOO_COMPLEX") {
		t.Errorf("table does not flag the run with errors:\n%s", out)
	}
	if strings.Count(out, "!") != 2 {
		t.Errorf("table flags clean runs:\n%s", out)
	}

	rep := NewReport(results, map[string][]string{"w": {"a", "peer", "floor"}, "v": {"floor", "a"}})
	if !slices.Equal(rep.Flagged, []string{"v/a"}) || rep.CPUs < 1 {
		t.Errorf("report: flagged %v, %d CPUs", rep.Flagged, rep.CPUs)
	}
	js, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"flagged":["v/a"]`, `"flagged":true`, `"order":{`, `"cpus":`} {
		if !strings.Contains(string(js), want) {
			t.Errorf("results.json lacks %s: %s", want, js)
		}
	}
	if clean := NewReport(results[:3], nil); clean.Flagged == nil || len(clean.Flagged) != 0 {
		t.Errorf("a clean report lists flagged runs %#v (want an empty list)", clean.Flagged)
	}

	var svg strings.Builder
	SVG(&svg, results, []string{"w"}, []string{"a", "peer", "floor"}, "t")
	if !strings.HasPrefix(svg.String(), "<svg") || strings.Count(svg.String(), "<rect") < 7 {
		t.Errorf("chart: %.200s", svg.String())
	}
}

// TestCgroupCPUs reads a cgroup's CPU quota.
func TestCgroupCPUs(t *testing.T) {
	for in, want := range map[string]int{"200000 100000\n": 2, "150000 100000": 2, "100000 100000": 1} {
		if n, ok := cgroupCPUs(in); !ok || n != want {
			t.Errorf("cgroupCPUs(%q) = %d, %v, want %d", in, n, ok, want)
		}
	}
	for _, in := range []string{"max 100000", "", "x y", "0 100000"} {
		if _, ok := cgroupCPUs(in); ok {
			t.Errorf("cgroupCPUs(%q) found a quota", in)
		}
	}
}
