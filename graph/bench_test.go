package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/puente-kg/puente/auth"
	"github.com/puente-kg/puente/bench"
	"github.com/puente-kg/puente/dataset"
	"github.com/puente-kg/puente/graph"
	"github.com/puente-kg/puente/internal/testenv"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/memstore"
	"github.com/puente-kg/puente/middleware"
	"github.com/puente-kg/puente/observe"
	"github.com/puente-kg/puente/service"
	"github.com/puente-kg/puente/synth"
)

// BenchmarkEntityLookup measures one GraphQL lookup of an entity with its
// country (two levels, so two store round trips) over HTTP, on each backend.
func BenchmarkEntityLookup(b *testing.B) {
	body := []byte(`{"query":"{ entity(id: \"person:li-zhanshu\") { name aliases country { name } } }"}`)
	for _, backend := range testenv.Backends() {
		b.Run(backend.Name, func(b *testing.B) {
			srv := server(b, backend.Open(b))
			client := srv.Client()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				resp, err := client.Post(srv.URL+"/query", "application/json", bytes.NewReader(body))
				if err != nil {
					b.Fatal(err)
				}
				out, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK || !bytes.Contains(out, []byte("Li Zhanshu")) {
					b.Fatalf("HTTP %d: %s", resp.StatusCode, out)
				}
			}
		})
	}
}

// benchEntities is the size of the generated graph of BenchmarkWorkloads,
// the scale of the harness's comparison runs.
const benchEntities = 20000

// varSets is how many variable sets of each workload a benchmark cycles
// through, drawn as the harness draws them.
const varSets = 64

// BenchmarkWorkloads measures the GraphQL layer's own cost: the harness's
// seven workloads (bench/workloads/puente.json, with variables drawn as
// bench.Variables draws them) served by the embedded store, which costs no
// round trip, through the whole handler of /query as server.go wires it
// (access log, metrics and traces, panic recovery, CORS, body limit,
// deadline, tokens, ETag, response cap, loaders, transport, executor).
// The requests are served in process, without a network, so that what is
// measured is the server's work. It runs over the seeded digest and over a
// generated graph of benchEntities entities.
func BenchmarkWorkloads(b *testing.B) {
	docs, err := bench.LoadWorkloads("../bench/workloads/puente.json")
	if err != nil {
		b.Fatal(err)
	}
	graphs := []struct {
		name string
		data func() *kg.Dataset
	}{
		{"digest", dataset.MustDigest},
		{"synth", func() *kg.Dataset { return synth.Generate(benchEntities, 1, nil) }},
	}
	for _, g := range graphs {
		b.Run(g.name, func(b *testing.B) {
			d := g.data()
			store := memstore.New()
			if _, err := service.Seed(context.Background(), store, d); err != nil {
				b.Fatal(err)
			}
			h := fullHandler(store)
			vars := bench.Variables(d)
			for _, wl := range bench.Workloads {
				bodies := make([][]byte, varSets)
				for i := range bodies {
					bodies[i], _ = json.Marshal(map[string]any{"query": docs[wl].Query, "variables": vars[wl](i)})
				}
				b.Run(wl, func(b *testing.B) {
					w := &discardWriter{header: http.Header{}}
					b.ReportAllocs()
					i := 0
					start := cpuTime()
					for b.Loop() {
						serveOne(b, h, w, bodies[i%len(bodies)])
						i++
					}
					b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
				})
			}
		})
	}
}

// fullHandler returns /query over the store with the layers and options
// server.go's routes gives it by default (no tokens, no CORS origins).
func fullHandler(store kg.Store) http.Handler {
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	obs := observe.New(nil)
	opts := graph.OptionsFor(store)
	opts.Observer = obs
	observed := obs.Store(store)
	opts.Service = service.New(observed, service.Options{MaxExpensive: graph.DefaultMaxExpensive})
	tokens, err := auth.ParseTokens("")
	if err != nil {
		panic(err)
	}
	etag := middleware.ETag(middleware.CacheOptions{CacheControl: middleware.DefaultCacheControl, MaxBytes: graph.DefaultMaxResponseBytes})
	query := auth.Middleware(tokens, false, etag(graph.NewHandler(observed, logger, opts)))
	return middleware.Chain(query,
		middleware.Logging(logger),
		obs.HTTP,
		middleware.Recover(logger),
		middleware.CORS(nil),
		middleware.BodyLimit(1<<20),
		middleware.Timeout(30*time.Second),
	)
}

// cpuTime returns the CPU time the process has used, in nanoseconds. On a
// machine shared with other work, a request's wall time mostly measures the
// wait for a core; its CPU time (the collector's included) is what the
// server spends on it.
func cpuTime() int64 {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return u.Utime.Nano() + u.Stime.Nano()
}

// serveOne posts one request to h and fails unless it is answered 200
// without errors.
func serveOne(b *testing.B, h http.Handler, w *discardWriter, body []byte) {
	r, err := http.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/json")
	w.reset()
	h.ServeHTTP(w, r)
	if w.status != http.StatusOK || bytes.Contains(w.body.Bytes(), []byte(`"errors"`)) || w.body.Len() < len(`{"data":{}}`) {
		b.Fatalf("HTTP %d: %.500s", w.status, w.body.Bytes())
	}
}

// discardWriter is a ResponseWriter that keeps the last answer, reused
// from request to request so that the benchmark counts the server's
// allocations rather than its own.
type discardWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *discardWriter) reset() {
	clear(w.header)
	w.status = 0
	w.body.Reset()
}

func (w *discardWriter) Header() http.Header { return w.header }

func (w *discardWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *discardWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(b)
}
