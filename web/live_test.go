package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/puente-kg/puente/auth"
	"github.com/puente-kg/puente/graph"
	"github.com/puente-kg/puente/internal/testenv"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/web"
)

const liveAdminToken = "admin-token-for-the-live-test"

// newEditableServer is newServer with an admin token (deletes need one), so that a test can
// write through the API while pages read without one.
func newEditableServer(t testing.TB, store kg.Store) *httptest.Server {
	t.Helper()
	tokens, err := auth.ParseTokens("admin:" + liveAdminToken)
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	mux := http.NewServeMux()
	mux.Handle("/query", graph.NewHandler(store, logger, liveOptions(t, store)))
	mux.Handle("GET /explore", web.Explorer("/query"))
	mux.Handle("GET /static/", web.Static())
	srv := httptest.NewServer(auth.Middleware(tokens, false, mux))
	// The explorer keeps a stream of changes open: close the connections
	// first, or Close would wait for it.
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
	})
	return srv
}

// mutate runs a mutation as the admin, from outside any page.
func mutate(t *testing.T, srv *httptest.Server, q string, vars map[string]any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+liveAdminToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r gqlResponse
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || len(r.Errors) > 0 || resp.StatusCode != http.StatusOK {
		t.Fatalf("mutation: status %d, errors %+v (%v)", resp.StatusCode, r.Errors, err)
	}
}

// TestExplorerLive opens the explorer on Xiaomi's neighborhood with "Live"
// on, then writes through the API as another client would: the page must
// draw a new event Xiaomi hosts, with its edge, rename a drawn node, and
// take the event away again when it is deleted, without a reload. It runs
// on the embedded store and on Neo4j.
func TestExplorerLive(t *testing.T) {
	browserCtx, blog, _ := startBrowser(t)
	out := outputDir(t)
	for _, b := range []struct {
		name  string
		store func(testing.TB) kg.Store
	}{
		{"memory", func(tb testing.TB) kg.Store { return testenv.Memory(tb) }},
		{"neo4j", func(tb testing.TB) kg.Store { return testenv.Neo4j(tb) }},
	} {
		t.Run(b.name, func(t *testing.T) {
			srv := newEditableServer(t, b.store(t))
			// Leave the page before the server closes: otherwise its live
			// stream reconnects to this server while the next case runs.
			t.Cleanup(func() {
				if err := chromedp.Do(browserCtx, chromedp.Navigate("about:blank")); err != nil {
					t.Errorf("leaving the page: %v", err)
				}
			})
			host := strings.TrimPrefix(srv.URL, "http://")
			blog.reset()
			ctx, cancel := context.WithTimeout(browserCtx, time.Minute)
			defer cancel()
			err := chromedp.Do(ctx,
				chromedp.Navigate(srv.URL+"/explore?id=org:xiaomi&depth=1"),
				void(chromedp.Poll[bool](`window.puente.state === 'drawn' && window.puente.live === 'on'`)),
			)
			if err != nil {
				screenshot(browserCtx, t, filepath.Join(out, "live-"+b.name+"-failed.png"))
				t.Fatalf("explorer: %v (state %s)", err, pageState(browserCtx))
			}
			const event = "event:2021-11-23-xiaomi-live-test"
			before := eval[int](ctx, t, `window.cy.nodes().length`)
			mutate(t, srv, `mutation($in: EventInput!) { upsertEvent(input: $in) { id } }`, map[string]any{"in": map[string]any{
				"id": event, "name": "Xiaomi live test meeting", "category": "MEETING", "date": "2021-11-23",
				"sources":      []string{"source:03-xiaomi-costa-rica-store"},
				"participants": []map[string]any{{"entity": "org:xiaomi", "role": "HOST"}},
			}})
			// The bound is the test's patience, not a speed requirement.
			wait := func(what, cond string) {
				t.Helper()
				if err := chromedp.Do(ctx, void(chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(20*time.Second)))); err != nil {
					screenshot(browserCtx, t, filepath.Join(out, "live-"+b.name+"-failed.png"))
					t.Fatalf("%s: %v (state %s)", what, err, pageState(browserCtx))
				}
			}
			wait("the new event is drawn", fmt.Sprintf(`window.cy.getElementById(%q).length === 1 &&
				window.cy.getElementById(%q).connectedEdges().some(e => e.source().id() === 'org:xiaomi' || e.target().id() === 'org:xiaomi')`, event, event))
			if after := eval[int](ctx, t, `window.cy.nodes().length`); after != before+1 {
				t.Errorf("%d nodes before the write, %d after; want one more", before, after)
			}
			screenshot(ctx, t, filepath.Join(out, "live-"+b.name+".png"))

			mutate(t, srv, `mutation($in: EventInput!) { upsertEvent(input: $in) { id } }`, map[string]any{"in": map[string]any{
				"id": event, "name": "Xiaomi live test meeting, renamed", "category": "MEETING", "date": "2021-11-23",
				"sources":      []string{"source:03-xiaomi-costa-rica-store"},
				"participants": []map[string]any{{"entity": "org:xiaomi", "role": "HOST"}},
			}})
			wait("the renamed event is redrawn", fmt.Sprintf(`window.cy.getElementById(%q).data('label') === 'Xiaomi live test meeting, renamed'`, event))

			mutate(t, srv, `mutation($id: ID!) { deleteEntity(id: $id) { id } }`, map[string]any{"id": event})
			wait("the deleted event is taken away", fmt.Sprintf(`window.cy.getElementById(%q).length === 0`, event))
			if after := eval[int](ctx, t, `window.cy.nodes().length`); after != before {
				t.Errorf("%d nodes before, %d after the delete", before, after)
			}
			if redraws := eval[int](ctx, t, `window.puente.redraws`); redraws < 2 {
				t.Errorf("%d redraws for three writes", redraws)
			}
			blog.check(t, host)
		})
	}
}
