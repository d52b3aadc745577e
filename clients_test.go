package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/puente-kg/puente/internal/testenv"
)

// clientsDir holds the Node and Python clients the tests drive, with
// their pinned versions (package-lock.json, python/requirements.txt).
const clientsDir = "clients"

// inCI reports whether the tests run in CI, where a missing tool fails
// the test instead of skipping it.
func inCI() bool { return os.Getenv("CI") != "" }

// needCommand returns the path of a command, skipping the test when it is
// missing, or failing it in CI.
func needCommand(t *testing.T, name, install string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if inCI() {
			t.Fatalf("%s is missing (%v); scripts/test installs it with: %s", name, err, install)
		}
		t.Skipf("%s is missing; install it with `%s` (scripts/test does); in CI this fails", name, install)
	}
	return path
}

// run runs a command in dir with the extra environment, logs its output,
// fails the test when it fails, and returns the output.
func run(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	t.Logf("$ %s %s (%v)\n%s", filepath.Base(name), strings.Join(args, " "), time.Since(start).Round(time.Millisecond), out.String())
	if err != nil {
		t.Fatalf("%s %s: %v", filepath.Base(name), strings.Join(args, " "), err)
	}
	return out.String()
}

// summary returns the JSON line a client test prints after "SUMMARY ".
func summary(t *testing.T, out string) map[string]any {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if line, ok := strings.CutPrefix(sc.Text(), "SUMMARY "); ok {
			var m map[string]any
			if err := json.Unmarshal([]byte(line), &m); err != nil {
				t.Fatalf("the summary is not JSON: %v: %s", err, line)
			}
			return m
		}
	}
	t.Fatalf("no SUMMARY line in the output")
	return nil
}

// npmInstall installs the Node clients at the versions package-lock.json
// pins, unless node_modules already holds exactly those (npm writes its
// own copy of the lock file there).
func npmInstall(t *testing.T, npm string) {
	t.Helper()
	lock, err := os.ReadFile(filepath.Join(clientsDir, "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	stamp := filepath.Join(clientsDir, "node_modules", ".puente-lock.sha256")
	sum := sha256.Sum256(lock)
	want := hex.EncodeToString(sum[:])
	if got, err := os.ReadFile(stamp); err == nil && string(got) == want {
		return
	}
	run(t, clientsDir, nil, npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund")
	if err := os.WriteFile(stamp, []byte(want), 0o644); err != nil {
		t.Fatal(err)
	}
}

// pythonEnv makes a virtual environment under clients/.venv with the
// pinned requirements of the Python client, unless it holds them already,
// and returns its Python.
func pythonEnv(t *testing.T, python string) string {
	t.Helper()
	reqs := filepath.Join(clientsDir, "python", "requirements.txt")
	b, err := os.ReadFile(reqs)
	if err != nil {
		t.Fatal(err)
	}
	venv := filepath.Join(clientsDir, ".venv")
	py, err := filepath.Abs(filepath.Join(venv, "bin", "python"))
	if err != nil {
		t.Fatal(err)
	}
	stamp := filepath.Join(venv, ".puente-requirements.sha256")
	sum := sha256.Sum256(b)
	want := hex.EncodeToString(sum[:])
	if got, err := os.ReadFile(stamp); err == nil && string(got) == want {
		return py
	}
	os.RemoveAll(venv)
	run(t, ".", nil, python, "-m", "venv", venv)
	run(t, ".", nil, py, "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--quiet",
		"--only-binary", ":all:", "-r", reqs)
	if err := os.WriteFile(stamp, []byte(want), 0o644); err != nil {
		t.Fatal(err)
	}
	return py
}

// TestClients drives the clients analysts' tools are built on, from npm
// and PyPI at pinned versions, against the server on a loopback port:
// graphql-http's GraphQL-over-HTTP audit (no error, no warning);
// graphql-codegen generating TypeScript from /schema.graphql, which tsc
// then compiles; Apollo Client (possibleTypes, relayStylePagination, the
// persisted-query link with BatchHttpLink and with GET); urql with
// Graphcache and persisted queries; Apollo Client again, running
// graphql-codegen's persisted documents on a server that runs only
// those; graphql-ws subscribing, disconnecting and resuming from its
// cursor; and Python's gql. Each script asserts what its client got
// (clients/*.mjs, clients/python/gql_client.py); this test checks the
// scripts' summaries.
func TestClients(t *testing.T) {
	node := needCommand(t, "node", "apt-get install -y nodejs npm")
	npm := needCommand(t, "npm", "apt-get install -y nodejs npm")
	if v := run(t, ".", nil, node, "--version"); !nodeAtLeast(v, 20) {
		t.Fatalf("Node.js %s is too old: the pinned clients need Node.js 20 or later", strings.TrimSpace(v))
	}
	npmInstall(t, npm)
	srv := testServer(t, testenv.Memory(t), "-cache-control", "no-cache", "-api-tokens", "editor:"+clientsEditorToken)
	env := []string{"PUENTE_URL=" + srv.URL, "PUENTE_EDITOR_TOKEN=" + clientsEditorToken}

	t.Run("graphql-http audit", func(t *testing.T) {
		s := summary(t, run(t, clientsDir, env, node, "audit.mjs"))
		t.Logf("graphql-http %v: %v audits: %v ok, %v notice, %v warn, %v error",
			s["version"], s["audits"], s["ok"], s["notice"], s["warn"], s["error"])
		if s["warn"] != 0.0 || s["error"] != 0.0 {
			t.Errorf("graphql-http's audit: %v warnings, %v errors", s["warn"], s["error"])
		}
	})

	// graphql-codegen reads the schema from /schema.graphql and writes
	// gen/; tsc compiles it, with typed.ts using its types, into build/.
	codegen := t.Run("graphql-codegen", func(t *testing.T) {
		os.RemoveAll(filepath.Join(clientsDir, "gen"))
		os.RemoveAll(filepath.Join(clientsDir, "build"))
		run(t, clientsDir, env, node, "node_modules/@graphql-codegen/cli/cjs/bin.js", "--config", "codegen.ts")
		types, err := os.ReadFile(filepath.Join(clientsDir, "gen", "graphql.ts"))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"export type EntityCardQuery", "export type PeopleQuery", "__typename: 'Person'", "positions: Array<"} {
			if !strings.Contains(string(types), want) {
				t.Errorf("gen/graphql.ts lacks %q", want)
			}
		}
		run(t, clientsDir, env, node, "node_modules/typescript/bin/tsc", "-p", "tsconfig.json")
	})

	t.Run("Apollo Client", func(t *testing.T) {
		s := summary(t, run(t, clientsDir, env, node, "apollo.mjs"))
		t.Logf("Apollo Client %v: batches %v, GET %v; without possibleTypes, %v", s["version"], s["batches"], s["get"], s["withoutPossibleTypes"])
		if s["secondRoundDocuments"] != 0.0 {
			t.Errorf("the second round of persisted queries sent %v documents", s["secondRoundDocuments"])
		}
	})

	t.Run("urql", func(t *testing.T) {
		s := summary(t, run(t, clientsDir, env, node, "urql.mjs"))
		t.Logf("urql %v: requests %v", s["version"], s["requests"])
	})

	t.Run("graphql-ws", func(t *testing.T) {
		s := summary(t, run(t, clientsDir, env, node, "subscriptions.mjs"))
		t.Logf("graphql-ws %v: change %v, then %v after resuming", s["version"], s["first"], s["resumed"])
	})

	t.Run("Python gql", func(t *testing.T) {
		py := pythonEnv(t, needCommand(t, "python3", "apt-get install -y python3 python3-venv"))
		s := summary(t, run(t, clientsDir, env, py, filepath.Join("python", "gql_client.py")))
		t.Logf("gql %v: %v people over pages, a batch of %v", s["version"], s["people"], s["batch"])
	})

	t.Run("trusted documents", func(t *testing.T) {
		docs := filepath.Join(clientsDir, "gen", "persisted-documents.json")
		if _, err := os.Stat(docs); err != nil || !codegen {
			t.Fatalf("graphql-codegen wrote no documents to trust (%v): its subtest must run first", err)
		}
		trusted := testServer(t, testenv.Memory(t), "-trusted-documents-file", docs, "-trusted-documents-only")
		s := summary(t, run(t, clientsDir, []string{"PUENTE_URL=" + trusted.URL}, node, "trusted.mjs"))
		t.Logf("trusted documents: %v", s)
	})
}

// nodeAtLeast reports whether `node --version` (v20.1.0) is at least the
// major version.
func nodeAtLeast(version string, major int) bool {
	v := strings.TrimPrefix(strings.TrimSpace(version), "v")
	n, err := strconv.Atoi(strings.SplitN(v, ".", 2)[0])
	return err == nil && n >= major
}

// clientsEditorToken lets the client tests write.
const clientsEditorToken = "clients-editor-token"

// TestClientsDoc checks that every code block of docs/clients.md marked
// "<!-- from FILE -->" is cut from that file: each of its lines is a line
// of the file, in the file's order (leading spaces aside), so that the
// examples are the code TestClients runs.
func TestClientsDoc(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("docs", "clients.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)<!-- from ([^ ]+) -->\n```[a-z]*\n(.*?)```").FindAllSubmatch(doc, -1)
	if len(blocks) < 8 {
		t.Fatalf("found %d marked blocks in docs/clients.md", len(blocks))
	}
	for _, b := range blocks {
		file := string(b[1])
		src, err := os.ReadFile(file)
		if err != nil {
			t.Errorf("docs/clients.md cites %s: %v", file, err)
			continue
		}
		lines := strings.Split(string(src), "\n")
		at := 0
		for _, want := range strings.Split(strings.TrimRight(string(b[2]), "\n"), "\n") {
			want = strings.TrimSpace(want)
			if want == "" {
				continue
			}
			for at < len(lines) && strings.TrimSpace(lines[at]) != want {
				at++
			}
			if at == len(lines) {
				t.Errorf("docs/clients.md: the block from %s has a line the file lacks (in this order): %s", file, want)
				break
			}
			at++
		}
	}
}
