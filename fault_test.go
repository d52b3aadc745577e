package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/puente-kg/puente/bulk"
	"github.com/puente-kg/puente/internal/testenv"
	"github.com/puente-kg/puente/memstore"
	"github.com/puente-kg/puente/observe"
	"github.com/puente-kg/puente/synth"
)

func skipWithoutNeo4j(t *testing.T) {
	if os.Getenv("PUENTE_SKIP_NEO4J") != "" {
		t.Skip("PUENTE_SKIP_NEO4J is set")
	}
}

func neo4jLocal(t *testing.T, cmd string) {
	t.Helper()
	out, err := exec.Command("scripts/neo4j-local", cmd).CombinedOutput()
	if err != nil {
		t.Fatalf("scripts/neo4j-local %s: %v\n%s", cmd, err, out)
	}
}

// TestNeo4jOutage stops Neo4j under a load of concurrent queries and
// starts it again: the server stays up, answers with UNAVAILABLE errors
// (never a 5xx) and /readyz 503 while Neo4j is down, and answers normally
// again soon after Neo4j is back, without a restart.
func TestNeo4jOutage(t *testing.T) {
	skipWithoutNeo4j(t)
	if testing.Short() {
		t.Skip("restarts Neo4j; skipped with -short")
	}
	store := testenv.Neo4j(t) // seeded, and holds the server's lock
	t.Cleanup(func() {
		if exec.Command("scripts/neo4j-local", "status").Run() != nil {
			exec.Command("scripts/neo4j-local", "start").Run()
		}
	})
	cfg, _, err := parseConfig([]string{"-query-timeout", "10s"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(routes(cfg, store, quietLogger(), observe.New(nil)))
	defer srv.Close()

	query := gql(`{ whoMet(id: "person:li-zhanshu") { entity { id } } }`)
	ask := func() (status int, body string) {
		resp, err := http.Post(srv.URL+"/query", "application/json", strings.NewReader(query))
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		return resp.StatusCode, b.String()
	}
	ready := func() int {
		resp, err := http.Get(srv.URL + "/readyz")
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}

	var stop atomic.Bool
	var ok, failed, fiveHundreds, dropped atomic.Int64
	codes := sync.Map{}
	// The load's goroutines report bodies they cannot read here, for the
	// test's own goroutine to fail on.
	bad := make(chan error, 4)
	var wg sync.WaitGroup
	deadline := time.Now().Add(2 * time.Minute) // the load stops by itself
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() && time.Now().Before(deadline) {
				status, body := ask()
				switch {
				case status == 0:
					dropped.Add(1)
				case status >= 500:
					fiveHundreds.Add(1)
				case strings.Contains(body, `"errors"`):
					failed.Add(1)
					c, err := codeOf(body)
					if err != nil {
						bad <- err
						return
					}
					codes.Store(c, true)
				default:
					ok.Add(1)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}()
	}
	for start := time.Now(); ok.Load() < 10; time.Sleep(50 * time.Millisecond) {
		if time.Since(start) > 20*time.Second {
			t.Fatalf("only %d queries succeeded in 20 s before the outage", ok.Load())
		}
	}

	neo4jLocal(t, "stop")
	down := time.Now()
	for ready() != http.StatusServiceUnavailable {
		if time.Since(down) > 20*time.Second {
			t.Fatal("/readyz did not turn 503 while Neo4j was down")
		}
		time.Sleep(200 * time.Millisecond)
	}
	status, body := ask()
	if status != http.StatusOK || code(t, body) != "UNAVAILABLE" || strings.Contains(body, "Connectivity") {
		t.Errorf("a query while Neo4j is down: HTTP %d %s, want 200 with code UNAVAILABLE and no driver text", status, body)
	}
	failedDown := failed.Load()

	neo4jLocal(t, "start")
	back := time.Now()
	var recovered time.Duration
	for {
		t0 := time.Now()
		status, body := ask()
		if status == http.StatusOK && !strings.Contains(body, `"errors"`) {
			recovered = time.Since(back)
			break
		}
		t.Logf("%v after restart: HTTP %d in %v: %.120s", time.Since(back).Round(time.Millisecond), status, time.Since(t0).Round(time.Millisecond), body)
		if time.Since(back) > 30*time.Second {
			t.Fatal("the server did not answer normally within 30 s of Neo4j coming back")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if ready() != http.StatusOK {
		t.Error("/readyz is not 200 after Neo4j came back")
	}
	okBefore := ok.Load()
	time.Sleep(time.Second)
	stop.Store(true)
	wg.Wait()
	close(bad)
	for err := range bad {
		t.Errorf("a query under load: %v", err)
	}

	t.Logf("answered normally %v after Neo4j was back; %d ok, %d with errors, %d 5xx, %d dropped", recovered, ok.Load(), failed.Load(), fiveHundreds.Load(), dropped.Load())
	codes.Range(func(k, _ any) bool { t.Logf("error code seen: %v", k); return true })
	if recovered > 15*time.Second {
		t.Errorf("recovery took %v, want a few seconds", recovered)
	}
	if fiveHundreds.Load() > 0 || dropped.Load() > 0 {
		t.Errorf("%d answers were 5xx and %d connections dropped, want none", fiveHundreds.Load(), dropped.Load())
	}
	if failedDown == 0 {
		t.Error("no query failed while Neo4j was down: the outage was not observed")
	}
	if ok.Load() <= okBefore {
		t.Error("no query succeeded after recovery")
	}
}

// buildPuente compiles the server once per test.
func buildPuente(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "puente")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func runPuente(t *testing.T, bin string, env []string, args ...string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("puente %v: %v\n%s", args, err, out)
	}
}

// killMidway starts an import and kills it (SIGKILL) once progress shows
// that some batches, but not all, are written.
func killMidway(t *testing.T, bin string, env []string, file string, written func() int, total int) {
	t.Helper()
	cmd := exec.Command(bin, "-batch", "100", "import", file)
	cmd.Env = append(os.Environ(), env...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for {
		if n := written(); n > 0 {
			break
		}
		if time.Since(start) > time.Minute {
			cmd.Process.Kill()
			t.Fatal("the import wrote nothing within a minute")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
	if n := written(); n >= total {
		t.Fatalf("the import finished (%d of %d) before it could be killed", n, total)
	} else {
		t.Logf("killed the import midway (progress %d of %d)", n, total)
	}
}

// TestImportKilledAndRerun kills a bulk import midway, runs it again, and
// finds the store exactly as after one clean import, on both backends.
func TestImportKilledAndRerun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the server and imports twice; skipped with -short")
	}
	bin := buildPuente(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "graph.jsonl")
	f, _ := os.Create(file)
	d := synth.Generate(20000, 3, nil)
	bulk.Write(f, d)
	f.Close()
	total := len(d.Entities)
	export := func(env []string, name string) []byte {
		out := filepath.Join(dir, name)
		runPuente(t, bin, env, "export", out)
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	t.Run("embedded", func(t *testing.T) {
		clean := []string{"DATA_DIR=" + filepath.Join(dir, "clean")}
		runPuente(t, bin, clean, "import", file)
		want := export(clean, "clean.jsonl")
		// Progress is the journal's size: a clean import's journal is the
		// whole, so a kill that lands midway leaves a shorter one.
		journalSize := func(dir string) int {
			info, err := os.Stat(filepath.Join(dir, memstore.JournalFile))
			if err != nil {
				return 0
			}
			return int(info.Size())
		}
		whole := journalSize(filepath.Join(dir, "clean"))
		if whole == 0 {
			t.Fatal("the clean import left no journal")
		}

		killed := []string{"DATA_DIR=" + filepath.Join(dir, "killed")}
		killMidway(t, bin, killed, file, func() int {
			if n := journalSize(filepath.Join(dir, "killed")); n >= 200_000 {
				return n
			}
			return 0
		}, whole)
		runPuente(t, bin, killed, "import", file)
		if got := export(killed, "killed.jsonl"); !bytes.Equal(got, want) {
			t.Error("a killed and rerun import differs from a clean one")
		}
	})

	t.Run("neo4j", func(t *testing.T) {
		skipWithoutNeo4j(t)
		store := testenv.EmptyNeo4j(t)
		ctx := context.Background()
		env := []string{"NEO4J_URI=" + testenv.Neo4jURI()}
		runPuente(t, bin, env, "import", file)
		want := export(env, "clean-neo4j.jsonl")
		if err := store.DeleteAll(ctx); err != nil {
			t.Fatal(err)
		}
		killMidway(t, bin, env, file, func() int {
			st, err := store.Stats(ctx)
			if err != nil {
				return 0
			}
			return st.Entities
		}, total)
		runPuente(t, bin, env, "import", file)
		if got := export(env, "killed-neo4j.jsonl"); !bytes.Equal(got, want) {
			t.Error("a killed and rerun import differs from a clean one")
		}
		var probe map[string]any
		json.Unmarshal(bytes.SplitN(want, []byte("\n"), 2)[0], &probe)
		if probe["source"] == nil {
			t.Errorf("unexpected first line of the export: %v", probe)
		}
	})
}
