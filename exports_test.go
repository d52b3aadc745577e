package main

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/puente-kg/puente/internal/testenv"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/observe"
)

// TestWholeGraphExportNeedsReader checks the wiring of server.go: once any
// token is configured, the whole-graph export needs one of role reader or
// above, though reads in general need none; without tokens it is open.
func TestWholeGraphExportNeedsReader(t *testing.T) {
	store := testenv.Memory(t)
	open := testServer(t, store)
	guarded := testServer(t, store, "-api-tokens", "reader:reader-secret-1,editor:editor-secret-1")
	for _, tc := range []struct {
		name   string
		srv    *httptest.Server
		token  string
		status int
		code   string
	}{
		{"no tokens configured", open, "", 200, ""},
		{"no token", guarded, "", 401, kg.EUNAUTHENTICATED},
		{"a wrong token", guarded, "not-a-secret", 401, kg.EUNAUTHENTICATED},
		{"reader", guarded, "reader-secret-1", 200, ""},
		{"editor", guarded, "editor-secret-1", 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			header := map[string]string{}
			if tc.token != "" {
				header["Authorization"] = "Bearer " + tc.token
			}
			r := send(t, tc.srv, "GET", "/export/gexf", "", header)
			var e struct {
				Code   string
				Errors []struct{ Extensions struct{ Code string } }
			}
			if r.status != 200 {
				json.Unmarshal([]byte(r.body), &e)
				if len(e.Errors) > 0 {
					e.Code = e.Errors[0].Extensions.Code
				}
			}
			if r.status != tc.status || e.Code != tc.code {
				t.Errorf("HTTP %d code %q, want %d %q: %.200s", r.status, e.Code, tc.status, tc.code, r.body)
			}
		})
	}
	if r := send(t, guarded, "POST", "/query", gql(`{ entity(id: "org:xiaomi") { name } }`), nil); r.status != 200 || code(t, r.body) != "" {
		t.Errorf("a read without a token: HTTP %d %.200s", r.status, r.body)
	}
}

// pausedStore holds its second ListEntities call until release is
// closed: a whole-graph export stays in the middle of its nodes.
type pausedStore struct {
	kg.Store
	mu       sync.Mutex
	calls    int
	midway   chan struct{}
	released chan struct{}
}

func (s *pausedStore) ListEntities(ctx context.Context, f kg.EntityFilter, p kg.PageRequest) (*kg.EntityPage, error) {
	s.mu.Lock()
	s.calls++
	n := s.calls
	s.mu.Unlock()
	if n == 2 {
		close(s.midway)
		<-s.released
	}
	return s.Store.ListEntities(ctx, f, p)
}

// TestWholeGraphExportSharesTheSlots checks that server.go gives the
// export endpoints the service of the GraphQL endpoint: with
// MAX_EXPENSIVE_QUERIES=1, a neighborhood query is refused while a
// whole-graph export runs, and answered after.
func TestWholeGraphExportSharesTheSlots(t *testing.T) {
	store := &pausedStore{Store: testenv.Memory(t), midway: make(chan struct{}), released: make(chan struct{})}
	cfg, _, err := parseConfig([]string{"-max-expensive-queries", "1"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(routes(cfg, store, quietLogger(), observe.New(nil)))
	defer srv.Close()
	exported := make(chan reply, 1)
	go func() {
		resp, err := srv.Client().Get(srv.URL + "/export/graphml")
		if err != nil {
			exported <- reply{}
			return
		}
		resp.Body.Close()
		exported <- reply{status: resp.StatusCode}
	}()
	select {
	case <-store.midway:
	case <-time.After(10 * time.Second):
		t.Fatal("the export did not start")
	}
	neighborhood := gql(`{ neighborhood(id: "org:xiaomi") { nodes { id } } }`)
	if r := send(t, srv, "POST", "/query", neighborhood, nil); code(t, r.body) != "TOO_MANY_REQUESTS" {
		t.Errorf("a neighborhood beside an export, with one slot: %.200s, want TOO_MANY_REQUESTS", r.body)
	}
	close(store.released)
	if r := <-exported; r.status != 200 {
		t.Errorf("the export: HTTP %d", r.status)
	}
	if r := send(t, srv, "POST", "/query", neighborhood, nil); code(t, r.body) != "" {
		t.Errorf("a neighborhood after the export: %.200s", r.body)
	}
}
