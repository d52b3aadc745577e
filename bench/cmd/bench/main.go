// Command bench runs Puente's benchmark: it generates a graph, loads it
// into the local Neo4j and into the embedded store, starts Puente on each,
// starts the Neo4j GraphQL Library's server (bench/neo4j-graphql), and runs
// every workload against every contender and the hand-written Cypher floor,
// in one run on this machine. It prints a table with ratios, and writes the
// results as JSON and a chart as SVG.
//
// Usage (from the repository root): go run ./bench/cmd/bench [-quick]
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
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

var workloadOrder = []string{"entityNested", "whoMet", "investmentsInto", "neighborhood", "paths", "search", "eventsPage"}

const (
	puenteNeo4j    = "puente-neo4j"
	puenteEmbedded = "puente-embedded"
	peer           = "neo4j-graphql"
	floor          = "cypher-floor"
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
	flag.StringVar(&o.contenders, "contenders", strings.Join([]string{puenteNeo4j, peer, floor, puenteEmbedded}, ","), "contenders to run")
	flag.StringVar(&o.workloads, "workloads", strings.Join(workloadOrder, ","), "workloads to run")
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

	uri, err := startNeo4j()
	if err != nil {
		return err
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
	urls := map[string]string{}
	var puentePID int
	if has(puenteNeo4j) {
		p, err := startProcess(bin, []string{"PORT=18301", "NEO4J_URI=" + uri, "LOG_LEVEL=warn"}, "http://127.0.0.1:18301/readyz")
		if err != nil {
			return err
		}
		stops = append(stops, p.stop)
		puentePID = p.cmd.Process.Pid
		urls[puenteNeo4j] = "http://127.0.0.1:18301/query"
	}
	if has(puenteEmbedded) {
		dir := filepath.Join(tmp, "data")
		cmd := exec.Command(bin, "-batch", "5000", "import", file)
		cmd.Env = append(os.Environ(), "DATA_DIR="+dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("embedded import: %v\n%s", err, out)
		}
		p, err := startProcess(bin, []string{"PORT=18302", "DATA_DIR=" + dir, "LOG_LEVEL=warn"}, "http://127.0.0.1:18302/readyz")
		if err != nil {
			return err
		}
		stops = append(stops, p.stop)
		urls[puenteEmbedded] = "http://127.0.0.1:18302/query"
	}
	peerWorkloads := map[string]bench.Workload{}
	if has(peer) {
		if peerWorkloads, err = bench.LoadWorkloads("bench/neo4j-graphql/workloads.json"); err != nil {
			return err
		}
		p, err := startPeer(uri)
		if err != nil {
			return err
		}
		stops = append(stops, p.stop)
		urls[peer] = "http://127.0.0.1:18303/graphql"
	}
	ours, err := bench.LoadWorkloads("bench/workloads/puente.json")
	if err != nil {
		return err
	}
	driver, err := neo4j.NewDriverWithContext(uri, neo4j.NoAuth())
	if err != nil {
		return err
	}
	defer driver.Close(ctx)

	vars := variables(d)
	var results []bench.Result
	for _, wl := range strings.Split(o.workloads, ",") {
		for _, c := range want {
			var req bench.Request
			switch c {
			case floor:
				if req, err = bench.Floor(driver, wl, vars[wl]); err != nil {
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
			bench.Warm(ctx, req, o.workers, o.warmup)
			var before float64
			if c == puenteNeo4j {
				before = storeCalls("http://127.0.0.1:18301/metrics")
			}
			var r bench.Result
			if o.mode == "open" {
				r = bench.OpenLoop(ctx, req, o.rate, o.duration)
			} else {
				r = bench.ClosedLoop(ctx, req, o.workers, o.duration)
			}
			r.Contender, r.Workload = c, wl
			if c == puenteNeo4j && r.Requests > 0 {
				r.RoundTrips = (storeCalls("http://127.0.0.1:18301/metrics") - before) / float64(r.Requests)
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
	bench.Table(os.Stdout, results, strings.Split(o.workloads, ","), want, peer, floor)
	fmt.Printf("\n%d entities, %d relations; %s mode, %d workers, %v per run; Puente on Neo4j RSS %d MB; total %v\n",
		len(d.Entities), len(d.Relations), o.mode, o.workers, o.duration, rss/1024, time.Since(start).Round(time.Second))
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	report := map[string]any{
		"entities": len(d.Entities), "relations": len(d.Relations), "mode": o.mode, "workers": o.workers,
		"duration_s": o.duration.Seconds(), "puente_neo4j_rss_kb": rss, "cpus": 2, "results": results,
		"when": time.Now().UTC().Format(time.RFC3339),
	}
	b, _ := json.MarshalIndent(report, "", "  ")
	if err := os.WriteFile(filepath.Join(o.out, "results.json"), b, 0o644); err != nil {
		return err
	}
	svg, err := os.Create(filepath.Join(o.out, "results.svg"))
	if err != nil {
		return err
	}
	defer svg.Close()
	bench.SVG(svg, results, strings.Split(o.workloads, ","), want,
		fmt.Sprintf("Puente benchmark: %d entities, %s loop, 2 shared cores", len(d.Entities), o.mode))
	fmt.Printf("wrote %s and %s\n", filepath.Join(o.out, "results.json"), filepath.Join(o.out, "results.svg"))
	return nil
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

// variables draws each workload's variables from the generated graph,
// deterministically per request number.
func variables(d *kg.Dataset) map[string]func(int) map[string]any {
	degree := map[string]int{}
	for _, r := range d.Relations {
		degree[r.From]++
		degree[r.To]++
	}
	var people, orgs, countries []string
	for _, e := range d.Entities {
		switch {
		case e.Kind == kg.KindPerson && degree[e.ID] > 1:
			people = append(people, e.ID)
		case e.Kind == kg.KindOrganization && degree[e.ID] > 1:
			orgs = append(orgs, e.ID)
		case e.Kind == kg.KindCountry:
			countries = append(countries, e.ID)
		}
	}
	pick := func(list []string, i, salt int) string {
		r := rand.New(rand.NewPCG(uint64(i), uint64(salt)))
		return list[r.IntN(len(list))]
	}
	return map[string]func(int) map[string]any{
		"entityNested":    func(i int) map[string]any { return map[string]any{"id": pick(people, i, 1)} },
		"whoMet":          func(i int) map[string]any { return map[string]any{"id": pick(people, i, 2)} },
		"investmentsInto": func(i int) map[string]any { return map[string]any{"countryId": pick(countries, i, 3)} },
		"neighborhood":    func(i int) map[string]any { return map[string]any{"id": pick(orgs, i, 4)} },
		"paths": func(i int) map[string]any {
			return map[string]any{"from": pick(people, i, 5), "to": pick(orgs, i, 6)}
		},
		"search": func(i int) map[string]any {
			return map[string]any{"query": "organization " + strconv.Itoa(rand.New(rand.NewPCG(uint64(i), 7)).IntN(len(orgs)))}
		},
		"eventsPage": func(i int) map[string]any {
			y := 2015 + i%9
			return map[string]any{"from": fmt.Sprintf("%d-01-01", y), "to": fmt.Sprintf("%d-06-30", y)}
		},
	}
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
func startPeer(uri string) (*process, error) {
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
	cmd.Env = append(os.Environ(), "PORT=18303", "NEO4J_URI="+uri, "NODE_ENV=production")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{cmd}
	body := `{"query":"{ __typename }"}`
	for start := time.Now(); time.Since(start) < 60*time.Second; time.Sleep(200 * time.Millisecond) {
		resp, err := http.Post("http://127.0.0.1:18303/graphql", "application/json", strings.NewReader(body))
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
