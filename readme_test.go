package main

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/puente-kg/puente/internal/testenv"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/live"
	"github.com/puente-kg/puente/observe"
	"github.com/puente-kg/puente/service"
)

// TestReadmeExamples runs every query of the README's graphql blocks
// against the server with its default limits: the documented examples
// must answer without an error. Mutations need a token and are left out.
func TestReadmeExamples(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```graphql\n(.*?)```").FindAllStringSubmatch(string(readme), -1)
	if len(blocks) < 5 {
		t.Fatalf("found %d graphql blocks in the README", len(blocks))
	}
	srv := testServer(t, testenv.Memory(t))
	ran := 0
	for _, b := range blocks {
		query := b[1]
		if strings.HasPrefix(strings.TrimSpace(query), "mutation") || strings.HasPrefix(strings.TrimSpace(query), "subscription") {
			continue
		}
		ran++
		r := send(t, srv, "POST", "/query", gql(query), nil)
		if code(t, r.body) != "" || r.status != 200 {
			t.Errorf("README example\n%s\nanswers HTTP %d: %.300s", query, r.status, r.body)
		}
	}
	t.Logf("ran %d README examples", ran)
}

// TestReadmeSSEExample runs the README's curl example over Server-Sent
// Events: it must receive the next write as a next event.
func TestReadmeSSEExample(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```sh\n(curl -N [^`]*?text/event-stream[^`]*?)```").FindStringSubmatch(string(readme))
	if m == nil {
		t.Fatal("the README has no curl example over SSE")
	}
	body := regexp.MustCompile(`-d '([^']*)'`).FindStringSubmatch(m[1])
	if body == nil || !strings.Contains(m[1], "-N") {
		t.Fatalf("the curl example sends no body, or buffers: %s", m[1])
	}
	store := testenv.Memory(t)
	cfg, _, err := parseConfig(nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.hub = live.New(store, live.Options{})
	srv := httptest.NewServer(routes(cfg, store, quietLogger(), observe.New(nil)))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", srv.URL+"/query", strings.NewReader(body[1]))
	for _, h := range regexp.MustCompile(`-H '([^:]+): ([^']*)'`).FindAllStringSubmatch(m[1], -1) {
		req.Header.Set(h[1], h[2])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	events := &sseClient{resp: resp, sc: bufio.NewScanner(resp.Body)}
	if _, _, err := events.comment(); err != nil {
		t.Fatal(err)
	}
	waitSubscribers(t, ctx, cfg.hub, 1)
	e := &kg.Entity{ID: "person:readme-sse", Kind: kg.KindPerson, Name: "README", Sources: []string{"source:07-li-zhanshu-alva-meeting"}}
	if err := service.New(store, service.Options{}).UpsertEntity(ctx, service.EntityInput{Entity: e}, kg.Stamp{By: "test", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	event, data, err := events.event()
	if err != nil || event != "next" || !strings.Contains(data, "person:readme-sse") || strings.Contains(data, `"errors"`) {
		t.Fatalf("the README's curl example got %q %s %v", event, data, err)
	}
}
