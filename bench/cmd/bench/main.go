// Command bench runs Puente's benchmark: it generates a graph, loads it
// into Neo4j and into the embedded store, starts Puente on each, starts the
// Neo4j GraphQL Library's server (bench/neo4j-graphql), and runs every
// workload against every contender and the hand-written Cypher floor, in
// one run on this machine, the contenders in a rotated order per workload.
// It prints a table with ratios, and writes the results as JSON and a
// chart as SVG. With -check it measures nothing: it compares the floor's
// and the other contenders' answers with Puente's on many variable sets.
//
// Usage (from the repository root): go run ./bench/cmd/bench [-quick] [-check]
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/puente-kg/puente/bench"
	"github.com/puente-kg/puente/bulk"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/neo4jstore"
	"github.com/puente-kg/puente/synth"
)

const (
	puenteNeo4j    = "puente-neo4j"
	puenteEmbedded = "puente-embedded"
	peer           = "neo4j-graphql"
	// floor sends its statements as auto-commit reads, as Puente does.
	floor = "cypher-floor"
	// floorTx sends the same statements through ExecuteQuery's explicit
	// transaction, as the floor did before Performance II.
	floorTx = "cypher-floor-tx"
)

type options struct {
	quick      bool
	entities   int
	duration   time.Duration
	warmup     time.Duration
	workers    int
	mode       string
	rate       float64
	out        string
	contenders string
	workloads  string
	neo4jURI   string
	check      bool
	checkSets  int
}

func main() {
	var o options
	flag.BoolVar(&o.quick, "quick", false, "a run that ends within two minutes: 1,000 entities, short measurements")
	flag.IntVar(&o.entities, "entities", 100_000, "entities in the generated graph")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "measurement time per workload and contender")
	flag.DurationVar(&o.warmup, "warmup", 2*time.Second, "warm-up time per workload and contender")
	flag.IntVar(&o.workers, "workers", 8, "concurrent clients in closed-loop mode")
	flag.StringVar(&o.mode, "mode", "closed", "closed (maximum throughput) or open (fixed rate)")
	flag.Float64Var(&o.rate, "rate", 50, "requests per second in open-loop mode")
	flag.StringVar(&o.out, "out", "bench/results", "directory for results.json and results.svg")
	flag.StringVar(&o.contenders, "contenders", strings.Join([]string{puenteNeo4j, peer, floor, puenteEmbedded}, ","),
		"contenders to run (also "+floorTx+": the floor's statements in explicit transactions)")
	flag.StringVar(&o.workloads, "workloads", strings.Join(bench.Workloads, ","), "workloads to run")
	flag.StringVar(&o.neo4jURI, "neo4j", "", "Bolt URI of the Neo4j to use, which the run empties and fills "+
		"(default: start this checkout's scripts/neo4j-local, on NEO4J_BOLT_PORT if set)")
	flag.BoolVar(&o.check, "check", false, "measure nothing: compare the floor's and the contenders' answers with Puente's on many variable sets")
	flag.IntVar(&o.checkSets, "check-sets", 100, "with -check, variable sets drawn per workload (the extremes come on top)")
	flag.Parse()
	if o.quick {
		o.entities, o.duration, o.warmup = 1000, 2*time.Second, 500*time.Millisecond
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := runBench(context.Background(), o, logger); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func runBench(ctx context.Context, o options, logger *slog.Logger) error {
	start := time.Now()
	tmp, err := os.MkdirTemp("", "puente-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	var stops []func()
	defer func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}()

	uri := o.neo4jURI
	if uri == "" {
		if uri, err = startNeo4j(); err != nil {
			return err
		}
	}
	unlock, err := lockNeo4j()
	if err != nil {
		return err
	}
	stops = append(stops, unlock)

	logger.Info("generating", "entities", o.entities)
	d := synth.Generate(o.entities, 1, bulk.NewBar(os.Stderr).Update)
	file := filepath.Join(tmp, "graph.jsonl")
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := bulk.Write(f, d); err != nil {
		return err
	}
	f.Close()

	logger.Info("loading into Neo4j", "uri", uri)
	store, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: uri, Username: os.Getenv("NEO4J_USERNAME"), Password: os.Getenv("NEO4J_PASSWORD")})
	if err != nil {
		return err
	}
	stops = append(stops, func() { store.Close(context.Background()) })
	if err := store.Migrate(ctx); err != nil {
		return err
	}
	if err := store.DeleteAll(ctx); err != nil {
		return err
	}
	stops = append(stops, func() {
		if err := store.DeleteAll(context.Background()); err != nil {
			logger.Error("emptying Neo4j after the run", "err", err)
		}
	})
	parsed, lineErrs := bulk.Read(mustOpen(file))
	if len(lineErrs) > 0 {
		return fmt.Errorf("generated file: %v", lineErrs[0])
	}
	loadStart := time.Now()
	if err := bulk.Import(ctx, store, parsed, bulk.Options{Batch: 2000, Progress: bulk.NewBar(os.Stderr).Update}); err != nil {
		return err
	}
	logger.Info("loaded", "seconds", time.Since(loadStart).Seconds())

	bin := filepath.Join(tmp, "puente")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}
	want := strings.Split(o.contenders, ",")
	has := func(c string) bool { return contains(want, c) }
	if o.check && !has(puenteNeo4j) {
		return fmt.Errorf("-check compares answers with Puente's: the contenders must include %s", puenteNeo4j)
	}
	urls := map[string]string{}
	var puentePID int
	var puenteBase string
	if has(puenteNeo4j) {
		port, err := freePort()
		if err != nil {
			return err
		}
		puenteBase = "http://127.0.0.1:" + port
		p, err := startProcess(bin, []string{"PORT=" + port, "NEO4J_URI=" + uri, "LOG_LEVEL=warn"}, puenteBase+"/readyz")
		if err != nil {
			return err
		}
		stops = append(stops, p.stop)
		puentePID = p.cmd.Process.Pid
		urls[puenteNeo4j] = puenteBase + "/query"
	}
	if has(puenteEmbedded) {
		dir := filepath.Join(tmp, "data")
		cmd := exec.Command(bin, "-batch", "5000", "import", file)
		cmd.Env = append(os.Environ(), "DATA_DIR="+dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("embedded import: %v\n%s", err, out)
		}
		port, err := freePort()
		if err != nil {
			return err
		}
		p, err := startProcess(bin, []string{"PORT=" + port, "DATA_DIR=" + dir, "LOG_LEVEL=warn"}, "http://127.0.0.1:"+port+"/readyz")
		if err != nil {
			return err
		}
		stops = append(stops, p.stop)
		urls[puenteEmbedded] = "http://127.0.0.1:" + port + "/query"
	}
	peerWorkloads := map[string]bench.Workload{}
	if has(peer) {
		if peerWorkloads, err = bench.LoadWorkloads("bench/neo4j-graphql/workloads.json"); err != nil {
			return err
		}
		port, err := freePort()
		if err != nil {
			return err
		}
		p, err := startPeer(uri, port)
		if err != nil {
			return err
		}
		stops = append(stops, p.stop)
		urls[peer] = "http://127.0.0.1:" + port + "/graphql"
	}
	ours, err := bench.LoadWorkloads("bench/workloads/puente.json")
	if err != nil {
		return err
	}
	driver, err := bench.NewDriver(uri)
	if err != nil {
		return err
	}
	defer driver.Close(ctx)

	if o.check {
		return check(ctx, o, d, driver, urls, ours, peerWorkloads, want)
	}

	vars := bench.Variables(d)
	workloads := strings.Split(o.workloads, ",")
	var results []bench.Result
	order := map[string][]string{}
	for wi, wl := range workloads {
		for _, c := range bench.Rotate(want, wi) {
			var req bench.Request
			switch c {
			case floor, floorTx:
				style := bench.AutoCommit
				if c == floorTx {
					style = bench.Transaction
				}
				if req, err = bench.Floor(driver, wl, vars[wl], style); err != nil {
					return err
				}
			case peer:
				w, ok := peerWorkloads[wl]
				if !ok {
					logger.Warn("the peer has no document for this workload", "workload", wl)
					continue
				}
				req = bench.GraphQL(urls[c], w.Query, vars[wl])
			default:
				req = bench.GraphQL(urls[c], ours[wl].Query, vars[wl])
			}
			order[wl] = append(order[wl], c)
			bench.Warm(ctx, req, o.workers, o.warmup)
			var before float64
			if c == puenteNeo4j {
				before = storeCalls(puenteBase + "/metrics")
			}
			var r bench.Result
			if o.mode == "open" {
				r = bench.OpenLoop(ctx, req, o.rate, o.duration)
			} else {
				r = bench.ClosedLoop(ctx, req, o.workers, o.duration)
			}
			r.Contender, r.Workload = c, wl
			if c == puenteNeo4j && r.Requests > 0 {
				r.RoundTrips = (storeCalls(puenteBase+"/metrics") - before) / float64(r.Requests)
			}
			logger.Info("measured", "workload", wl, "contender", c, "req/s", fmt.Sprintf("%.1f", r.Throughput),
				"p50_ms", r.P50ms, "p99_ms", r.P99ms, "errors", r.Errors, "first_error", r.FirstError)
			results = append(results, r)
		}
	}
	rss := 0
	if puentePID != 0 {
		rss = rssKB(puentePID)
	}
	report := bench.NewReport(results, order)
	report.Entities, report.Relations, report.Mode, report.Workers = len(d.Entities), len(d.Relations), o.mode, o.workers
	report.DurationS, report.PuenteNeo4jRSSKB = o.duration.Seconds(), rss
	bench.Table(os.Stdout, results, workloads, want, peer, floor)
	fmt.Printf("\n%d entities, %d relations; %s mode, %d workers, %v per run; %d CPUs; Puente on Neo4j RSS %d MB; total %v\n",
		len(d.Entities), len(d.Relations), o.mode, o.workers, o.duration, report.CPUs, rss/1024, time.Since(start).Round(time.Second))
	if len(report.Flagged) > 0 {
		fmt.Printf("%d runs had errors (flagged with !): %s\n", len(report.Flagged), strings.Join(report.Flagged, ", "))
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(report, "", "  ")
	if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	if err := os.WriteFile(filepath.Join(o.out, "results.json"), b, 0o644); err != nil {
		return err
	}
	svg, err := os.Create(filepath.Join(o.out, "results.svg"))
	if err != nil {
		return err
	}
	defer svg.Close()
	bench.SVG(svg, results, workloads, want,
		fmt.Sprintf("Puente benchmark: %d entities, %s loop, %d shared CPUs", len(d.Entities), o.mode, report.CPUs))
	fmt.Printf("wrote %s and %s\n", filepath.Join(o.out, "results.json"), filepath.Join(o.out, "results.svg"))
	return nil
}

// check compares the floor's answers, and those of the other contenders
// that run, with Puente's on Neo4j, on the variable sets of
// bench.CheckSets, and writes the report to check.json. It fails when an
// answer differs.
func check(ctx context.Context, o options, d *kg.Dataset, driver neo4j.DriverWithContext, urls map[string]string,
	ours, peerWorkloads map[string]bench.Workload, want []string) error {
	others := map[string]bench.Answerer{}
	shape := map[string]func(string, any) any{}
	for _, c := range want {
		switch c {
		case floor:
			others[c] = bench.FloorAnswerer(driver, bench.AutoCommit)
		case floorTx:
			others[c] = bench.FloorAnswerer(driver, bench.Transaction)
		case peer:
			others[c] = bench.GraphQLAnswerer(urls[c], peerWorkloads)
			shape[c] = bench.PeerShape
		case puenteEmbedded:
			others[c] = bench.GraphQLAnswerer(urls[c], ours)
		}
	}
	sets := bench.CheckSets(d, o.checkSets)
	for wl := range sets {
		if !contains(strings.Split(o.workloads, ","), wl) {
			delete(sets, wl)
		}
	}
	rep := bench.Check(ctx, sets, bench.GraphQLAnswerer(urls[puenteNeo4j], ours), others, shape)
	rep.Print(os.Stdout)
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return fmt.Errorf("check report: %w", err)
	}
	if err := os.WriteFile(filepath.Join(o.out, "check.json"), b, 0o644); err != nil {
		return err
	}
	if len(rep.Mismatches) > 0 {
		return fmt.Errorf("%d answers differ from Puente's", len(rep.Mismatches))
	}
	return nil
}

// freePort returns a TCP port on the loopback interface that was free a
// moment ago, so that runs do not collide on fixed ports.
func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("free port: %w", err)
	}
	defer l.Close()
	_, port, err := net.SplitHostPort(l.Addr().String())
	return port, err
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func mustOpen(path string) io.Reader {
	f, err := os.Open(path)
	if err != nil {
		panic(err)
	}
	return bufio.NewReaderSize(f, 1<<20)
}

var callsLine = regexp.MustCompile(`(?m)^puente_store_call_seconds_count\{[^}]*\} ([0-9.e+]+)$`)

// storeCalls sums Puente's store calls (Neo4j round trips) from /metrics.
func storeCalls(url string) float64 {
	resp, err := http.Get(url)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	total := 0.0
	for _, m := range callsLine.FindAllStringSubmatch(string(b), -1) {
		v, _ := strconv.ParseFloat(m[1], 64)
		total += v
	}
	return total
}

func rssKB(pid int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			n, _ := strconv.Atoi(strings.Fields(line)[1])
			return n
		}
	}
	return 0
}

type process struct{ cmd *exec.Cmd }

func (p *process) stop() {
	p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		p.cmd.Process.Kill()
	}
}

// startProcess starts a server and waits until url answers 200.
func startProcess(bin string, env []string, url string, args ...string) (*process, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{cmd}
	for start := time.Now(); time.Since(start) < 60*time.Second; time.Sleep(100 * time.Millisecond) {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return p, nil
			}
		}
	}
	p.stop()
	return nil, fmt.Errorf("%s did not become ready", bin)
}

// startPeer installs the peer's packages when needed and starts it.
func startPeer(uri, port string) (*process, error) {
	dir := "bench/neo4j-graphql"
	if _, err := os.Stat(filepath.Join(dir, "node_modules")); err != nil {
		cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("npm ci: %v\n%s", err, out)
		}
	}
	cmd := exec.Command("node", "server.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PORT="+port, "NEO4J_URI="+uri, "NODE_ENV=production")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{cmd}
	body := `{"query":"{ __typename }"}`
	for start := time.Now(); time.Since(start) < 60*time.Second; time.Sleep(200 * time.Millisecond) {
		resp, err := http.Post("http://127.0.0.1:"+port+"/graphql", "application/json", strings.NewReader(body))
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return p, nil
			}
		}
	}
	p.stop()
	return nil, fmt.Errorf("the peer server did not become ready")
}

// startNeo4j starts the local Neo4j (a no-op when it runs) and returns its
// Bolt URI.
func startNeo4j() (string, error) {
	out, err := exec.Command("scripts/neo4j-local", "start").Output()
	if err != nil {
		return "", fmt.Errorf("scripts/neo4j-local start: %w", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return lines[len(lines)-1], nil
}

// lockNeo4j takes the lock the tests take, so that a benchmark and a test
// run do not reset each other's database.
func lockNeo4j() (func(), error) {
	f, err := os.OpenFile(".neo4j-local/test.lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		return nil, err
	}
	return func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
}
