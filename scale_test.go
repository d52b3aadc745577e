package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/puente-kg/puente/internal/testenv"
)

// The bounds of issue "Bounded by design", on a generated graph.
const (
	scaleEntities     = 150_000
	scaleQueryTimeout = 10 * time.Second
	// scaleRSSBound is what a request may cost the server: its peak RSS
	// on Neo4j, its growth on the embedded store (whose graph itself
	// lives in the server's memory).
	scaleRSSBound = 400 << 20
	// rssEvery is how often the server's RSS is sampled.
	rssEvery = 20 * time.Millisecond
)

// relatedCubed asks for three levels of related entities of a hub: the
// cost model must refuse it.
const relatedCubed = `{ entity(id:"country:synth-0"){ related { related { related { id } } } } }`

// aliasBomb returns a query of n aliases of an introspection of every type
// and field, spread over fragments of 100 aliases each, with the
// selection itself in a fragment so that the query stays under the token
// limit.
func aliasBomb(n int) string {
	var q, frags strings.Builder
	q.WriteString("query AliasBomb {")
	for f := 0; f*100 < n; f++ {
		fmt.Fprintf(&q, " ...F%d", f)
		fmt.Fprintf(&frags, "fragment F%d on Query {", f)
		for i := f * 100; i < min(n, (f+1)*100); i++ {
			fmt.Fprintf(&frags, " a%d: __schema { ...S }", i)
		}
		frags.WriteString(" }\n")
	}
	q.WriteString(" }\n")
	return q.String() + frags.String() + "fragment S on __Schema { types { name fields { name } } }\n"
}

// rssOf returns the resident set size of a process, in bytes.
func rssOf(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}

// sampler keeps the highest RSS of a process since its last reset,
// sampling it every rssEvery.
type sampler struct {
	pid  int
	peak atomic.Int64
	// top is the highest RSS of the whole run.
	top  atomic.Int64
	stop chan struct{}
	done chan struct{}
}

func startSampler(pid int) *sampler {
	s := &sampler{pid: pid, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		t := time.NewTicker(rssEvery)
		defer t.Stop()
		for {
			s.sample()
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *sampler) sample() int64 {
	v, err := rssOf(s.pid)
	if err != nil {
		return 0
	}
	for _, m := range []*atomic.Int64{&s.peak, &s.top} {
		for old := m.Load(); v > old && !m.CompareAndSwap(old, v); old = m.Load() {
		}
	}
	return v
}

// reset returns the RSS now and starts a new peak from it.
func (s *sampler) reset() int64 {
	v, _ := rssOf(s.pid)
	s.peak.Store(v)
	return v
}

func (s *sampler) close() {
	close(s.stop)
	<-s.done
}

// mb formats bytes as megabytes.
func mb(n int64) string { return fmt.Sprintf("%.0f MB", float64(n)/(1<<20)) }

// generated runs the generate command and returns the file and the
// numbers of entities and relations it logged.
func generated(t *testing.T, bin string, n int) (file string, entities, relations int) {
	t.Helper()
	file = filepath.Join(t.TempDir(), "graph.jsonl")
	cmd := exec.Command(bin, "-entities", strconv.Itoa(n), "-seed", "1", "generate", file)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("puente generate: %v\n%s", err, out)
	}
	for _, line := range bytes.Split(out, []byte("\n")) {
		var l struct {
			Msg                 string
			Entities, Relations int
		}
		if json.Unmarshal(line, &l) == nil && l.Msg == "generated" {
			return file, l.Entities, l.Relations
		}
	}
	t.Fatalf("puente generate logged no counts:\n%s", out)
	return "", 0, 0
}

// server is a running puente process.
type server struct {
	url string
	pid int
	log string
}

// startServer runs the binary with the environment and waits until it is
// ready; it is stopped when the test ends.
func startServer(t *testing.T, bin string, env []string) *server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	logFile := filepath.Join(t.TempDir(), "server.log")
	f, err := os.Create(logFile)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), append(env, "PORT="+strconv.Itoa(port), "QUERY_TIMEOUT="+scaleQueryTimeout.String())...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait(); f.Close() }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	})
	s := &server{url: fmt.Sprintf("http://127.0.0.1:%d", port), pid: cmd.Process.Pid, log: logFile}
	for start := time.Now(); ; time.Sleep(100 * time.Millisecond) {
		select {
		case err := <-exited:
			t.Fatalf("the server exited: %v\n%s", err, s.tail())
		default:
		}
		if resp, err := http.Get(s.url + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				t.Logf("the server is ready after %v", time.Since(start).Round(time.Millisecond))
				return s
			}
		}
		if time.Since(start) > 3*time.Minute {
			t.Fatalf("the server was not ready within 3 minutes\n%s", s.tail())
		}
	}
}

// tail returns the end of the server's log.
func (s *server) tail() string {
	b, _ := os.ReadFile(s.log)
	return string(b[max(0, len(b)-3000):])
}

// outcome is how a request ended.
type outcome struct {
	status int
	code   string // the GraphQL error code, "" when answered
	bytes  int64
	took   time.Duration
}

// query posts a GraphQL query and reads the whole answer.
func (s *server) query(t *testing.T, q string) outcome {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": q})
	client := &http.Client{Timeout: 3 * scaleQueryTimeout}
	start := time.Now()
	resp, err := client.Post(s.url+"/query", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("the query did not end: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	o := outcome{status: resp.StatusCode, bytes: int64(len(b)), took: time.Since(start)}
	if err != nil {
		t.Fatalf("reading the answer: %v after %d bytes", err, len(b))
	}
	// Only the first error's code is needed; the answer may be large.
	var r struct {
		Errors []struct{ Extensions struct{ Code string } }
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("the answer is not JSON: %v: %.200s", err, b)
	}
	if len(r.Errors) > 0 {
		o.code = r.Errors[0].Extensions.Code
		if o.code == "" {
			o.code = "(none)"
		}
	}
	return o
}

// exportGraphML streams the whole-graph GraphML export through an XML
// decoder, which fails on a document that is not well-formed, and counts
// its nodes and edges.
func (s *server) exportGraphML(t *testing.T) (o outcome, nodes, edges int) {
	t.Helper()
	start := time.Now()
	resp, err := http.Get(s.url + "/export/graphml")
	if err != nil {
		t.Fatalf("the export did not start: %v", err)
	}
	defer resp.Body.Close()
	o.status = resp.StatusCode
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("export: HTTP %d: %.300s", resp.StatusCode, b)
	}
	counted := &countingReader{r: resp.Body}
	dec := xml.NewDecoder(bufio.NewReaderSize(counted, 1<<16))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the export is not well-formed XML after %d bytes: %v", counted.n, err)
		}
		if el, ok := tok.(xml.StartElement); ok {
			switch el.Name.Local {
			case "node":
				nodes++
			case "edge":
				edges++
			}
		}
	}
	o.bytes, o.took = counted.n, time.Since(start)
	return o, nodes, edges
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// TestScale checks the bounds of "Bounded by design" on a graph of
// 150,000 generated entities, imported into the embedded store (journaled
// in a data directory) and into Neo4j, each served by the server binary
// with QUERY_TIMEOUT=10s while its RSS is sampled every 20 ms:
//
//   - the related³ query of a hub is refused (QUERY_TOO_COMPLEX) within
//     QUERY_TIMEOUT;
//   - the whole-graph GraphML export is well-formed and has every entity;
//   - the introspection alias bomb (1,800 aliases over fragments) is
//     refused with a code or answered within QUERY_TIMEOUT;
//
// and none costs the server more than 400 MB of RSS: the peak during the
// request on Neo4j, the peak minus the RSS right before it on the embedded
// store, whose graph alone takes more. The alias bomb goes last, so that a
// failure of its bound leaves the others' measures clean.
func TestScale(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and imports 150,000 entities twice; skipped with -short")
	}
	bin := buildPuente(t)
	file, entities, relations := generated(t, bin, scaleEntities)
	t.Logf("generated %d entities and %d relations", entities, relations)

	backends := []struct {
		name string
		// absolute: the bound is on the peak, not on the growth.
		absolute bool
		env      func(t *testing.T) []string
	}{
		{"embedded", false, func(t *testing.T) []string {
			return []string{"DATA_DIR=" + filepath.Join(t.TempDir(), "data")}
		}},
		{"neo4j", true, func(t *testing.T) []string {
			skipWithoutNeo4j(t)
			store := testenv.EmptyNeo4j(t) // holds the server's lock until the test ends
			t.Cleanup(func() { store.DeleteAll(context.Background()) })
			return []string{"NEO4J_URI=" + testenv.Neo4jURI()}
		}},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			env := b.env(t)
			start := time.Now()
			// The import is not what is measured: its transactions get
			// time.
			runPuente(t, bin, append(env, "QUERY_TIMEOUT=5m"), "import", file)
			t.Logf("imported in %v", time.Since(start).Round(time.Millisecond))
			srv := startServer(t, bin, env)
			rss := startSampler(srv.pid)
			defer func() {
				rss.close()
				t.Logf("%s: highest RSS of the whole run %s", b.name, mb(rss.top.Load()))
			}()

			// measure runs one request and checks what it cost.
			measure := func(t *testing.T, run func(t *testing.T) outcome) {
				t.Helper()
				before := rss.reset()
				o := run(t)
				peak := max(rss.peak.Load(), rss.sample())
				t.Logf("%s: HTTP %d code %q, %d bytes in %v; RSS %s before, peak %s, growth %s",
					b.name, o.status, o.code, o.bytes, o.took.Round(time.Millisecond), mb(before), mb(peak), mb(peak-before))
				switch {
				case b.absolute && peak >= scaleRSSBound:
					t.Errorf("the server's RSS peaked at %s, want under %s", mb(peak), mb(scaleRSSBound))
				case !b.absolute && peak-before >= scaleRSSBound:
					t.Errorf("the server's RSS grew by %s (from %s to %s), want under %s",
						mb(peak-before), mb(before), mb(peak), mb(scaleRSSBound))
				}
			}
			// withinTimeout checks that a query ended within QUERY_TIMEOUT
			// (and a second for the answer to travel).
			withinTimeout := func(t *testing.T, o outcome) {
				t.Helper()
				if o.took > scaleQueryTimeout+time.Second {
					t.Errorf("took %v, over QUERY_TIMEOUT (%v)", o.took, scaleQueryTimeout)
				}
			}

			t.Run("related3 refused", func(t *testing.T) {
				measure(t, func(t *testing.T) outcome {
					o := srv.query(t, relatedCubed)
					withinTimeout(t, o)
					if o.code != "QUERY_TOO_COMPLEX" {
						t.Errorf("code %q, want QUERY_TOO_COMPLEX", o.code)
					}
					return o
				})
			})
			t.Run("whole-graph GraphML export", func(t *testing.T) {
				measure(t, func(t *testing.T) outcome {
					o, nodes, edges := srv.exportGraphML(t)
					t.Logf("%d nodes and %d edges", nodes, edges)
					if nodes != entities || edges != relations {
						t.Errorf("%d nodes and %d edges, the graph has %d entities and %d relations", nodes, edges, entities, relations)
					}
					return o
				})
			})
			t.Run("introspection alias bomb", func(t *testing.T) {
				measure(t, func(t *testing.T) outcome {
					o := srv.query(t, aliasBomb(1800))
					withinTimeout(t, o)
					return o
				})
			})
		})
	}
}
