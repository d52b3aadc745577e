package web_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"weak"

	"github.com/puente-kg/puente/auth"
	"github.com/puente-kg/puente/internal/testenv"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/memstore"
	"github.com/puente-kg/puente/service"
	"github.com/puente-kg/puente/synth"
	"github.com/puente-kg/puente/web"
	"github.com/puente-kg/puente/web/export"
)

// beforeStreaming returns the graph the whole-graph export wrote before it
// streamed (commit 29e537f): every entity by folded name and ID, and every
// relation among them, read whole and sorted by relation ID.
func beforeStreaming(t *testing.T, store kg.Reader) *export.Graph {
	t.Helper()
	ctx := context.Background()
	g := &export.Graph{Title: web.WholeGraphTitle}
	after := ""
	for {
		page, err := store.ListEntities(ctx, kg.EntityFilter{}, kg.PageRequest{First: kg.MaxPageSize, After: after})
		if err != nil {
			t.Fatal(err)
		}
		g.Nodes = append(g.Nodes, page.Entities...)
		if !page.HasNext {
			break
		}
		after = page.Cursors[len(page.Cursors)-1]
	}
	ids := make([]string, len(g.Nodes))
	for i, e := range g.Nodes {
		ids[i] = e.ID
	}
	rels, err := store.Relations(ctx, ids, 100_000)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range rels {
		if !seen[r.ID] {
			seen[r.ID] = true
			g.Edges = append(g.Edges, r)
		}
	}
	slices.SortFunc(g.Edges, func(a, b *kg.Relation) int { return cmp.Compare(a.ID, b.ID) })
	return g
}

// gexfDate is the one part of an export that changes from day to day.
var gexfDate = regexp.MustCompile(`lastmodifieddate="[0-9-]+"`)

// TestExportWholeGraphAsBefore checks, on every backend, that the streamed
// whole-graph export is the file the export wrote before it streamed,
// byte for byte, but for the order of the edges: they now come grouped by
// source, in the order of the nodes, and by relation ID within a source
// (the order a stream can give without holding every relation), where
// before they were sorted by relation ID alone.
func TestExportWholeGraphAsBefore(t *testing.T) {
	for _, b := range testenv.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			store := b.Open(t)
			srv := newServer(t, store)
			want := beforeStreaming(t, store)
			if len(want.Nodes) < 50 || len(want.Edges) < 90 {
				t.Fatalf("the seed graph has %d entities and %d relations", len(want.Nodes), len(want.Edges))
			}
			pos := map[string]int{}
			for i, e := range want.Nodes {
				pos[e.ID] = i
			}
			slices.SortStableFunc(want.Edges, func(a, b *kg.Relation) int { return cmp.Compare(pos[a.From], pos[b.From]) })
			for _, f := range export.Formats {
				t.Run(string(f), func(t *testing.T) {
					var w bytes.Buffer
					if err := export.Write(&w, f, want); err != nil {
						t.Fatal(err)
					}
					got := fetchExport(t, srv, f, nil)
					if g, w := gexfDate.ReplaceAll(got, nil), gexfDate.ReplaceAll(w.Bytes(), nil); !bytes.Equal(g, w) {
						i := 0
						for i < len(g) && i < len(w) && g[i] == w[i] {
							i++
						}
						t.Errorf("differs at byte %d of %d (want %d): got %q, want %q", i, len(g), len(w),
							g[i:min(len(g), i+120)], w[i:min(len(w), i+120)])
					}
				})
			}
		})
	}
}

// holding wraps a store and keeps a weak pointer to every entity and
// relation it hands out (copies, so that the store's own references do
// not count). At each call it collects garbage and counts those still
// reachable: what the caller holds while it asks for more.
type holding struct {
	web.GraphReader
	mu                  sync.Mutex
	entities            []weak.Pointer[kg.Entity]
	relations           []weak.Pointer[kg.Relation]
	maxEntities, maxRel int
	calls               int
}

// measure counts what the caller still holds and keeps the maximum.
func (h *holding) measure() {
	runtime.GC()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.calls++
	h.entities = slices.DeleteFunc(h.entities, func(p weak.Pointer[kg.Entity]) bool { return p.Value() == nil })
	h.relations = slices.DeleteFunc(h.relations, func(p weak.Pointer[kg.Relation]) bool { return p.Value() == nil })
	h.maxEntities = max(h.maxEntities, len(h.entities))
	h.maxRel = max(h.maxRel, len(h.relations))
}

func (h *holding) ListEntities(ctx context.Context, f kg.EntityFilter, p kg.PageRequest) (*kg.EntityPage, error) {
	h.measure()
	page, err := h.GraphReader.ListEntities(ctx, f, p)
	if err != nil {
		return nil, err
	}
	out := *page
	out.Entities = make([]*kg.Entity, len(page.Entities))
	h.mu.Lock()
	defer h.mu.Unlock()
	for i, e := range page.Entities {
		c := *e
		out.Entities[i] = &c
		h.entities = append(h.entities, weak.Make(&c))
	}
	return &out, nil
}

func (h *holding) Links(ctx context.Context, ids []string, q kg.LinkQuery, p kg.PageRequest) ([]kg.LinkPage, error) {
	h.measure()
	pages, err := h.GraphReader.Links(ctx, ids, q, p)
	if err != nil {
		return nil, err
	}
	out := make([]kg.LinkPage, len(pages))
	h.mu.Lock()
	defer h.mu.Unlock()
	for i, lp := range pages {
		out[i] = lp
		out[i].Links = make([]kg.Link, len(lp.Links))
		for j, l := range lp.Links {
			c := *l.Relation
			out[i].Links[j] = kg.Link{Relation: &c, Other: l.Other}
			h.relations = append(h.relations, weak.Make(&c))
		}
	}
	return out, nil
}

// counter is an export.Writer that counts what it is given and keeps
// nothing.
type counter struct{ nodes, edges int }

func (c *counter) Begin(string) error        { return nil }
func (c *counter) Node(*kg.Entity) error     { c.nodes++; return nil }
func (c *counter) Edge(r *kg.Relation) error { c.edges++; return nil }
func (c *counter) End() error                { return nil }

// TestExportWholeGraphBounded exports a synthetic graph of 5,000 entities
// with hubs, and one entity with 2,500 outgoing relations, and checks that
// the export never holds more than a bound of entities and relations at
// once, far below the graph's size.
func TestExportWholeGraphBounded(t *testing.T) {
	const (
		maxEntities  = 2 * kg.MaxPageSize
		maxRelations = 2 * kg.MaxListSize
	)
	ctx := context.Background()
	d := synth.Generate(5000, 7, nil)
	// A hub of outgoing relations: one organization taking part in events
	// as host and as guest, more than the export reads of one entity at
	// once.
	hub := &kg.Entity{ID: "org:export-hub", Kind: kg.KindOrganization, Name: "Export Hub", Sources: d.Entities[0].Sources}
	d.Entities = append(d.Entities, hub)
	hubOut := 0
	for _, e := range d.Entities {
		if e.Kind != kg.KindEvent || hubOut >= 2500 {
			continue
		}
		for _, role := range []kg.Role{"HOST", "GUEST"} {
			d.Relations = append(d.Relations, &kg.Relation{Type: kg.RelParticipatedIn, From: hub.ID, To: e.ID, Role: role,
				ID: kg.RelationID(kg.RelParticipatedIn, hub.ID, e.ID, role), Sources: hub.Sources})
			hubOut++
		}
	}
	if hubOut < 2500 {
		t.Fatalf("only %d events for the hub", hubOut)
	}
	store := memstore.New()
	if _, err := service.Seed(ctx, store, d); err != nil {
		t.Fatal(err)
	}
	h := &holding{GraphReader: store}
	var c counter
	if err := web.WholeGraph(ctx, h, &c, time.Minute, false); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d entities and %d relations exported in %d calls; at most %d entities and %d relations held at once",
		c.nodes, c.edges, h.calls, h.maxEntities, h.maxRel)
	if c.nodes != len(d.Entities) || c.edges != len(d.Relations) {
		t.Errorf("exported %d entities and %d relations, the graph has %d and %d", c.nodes, c.edges, len(d.Entities), len(d.Relations))
	}
	if h.maxEntities > maxEntities || h.maxRel > maxRelations {
		t.Errorf("held %d entities and %d relations at once, want at most %d and %d", h.maxEntities, h.maxRel, maxEntities, maxRelations)
	}
	if h.maxEntities == 0 || h.maxRel == 0 {
		t.Error("nothing was held: the measure does not see what the export keeps")
	}
}

// slowStore blocks its second ListEntities call until release is closed,
// so that a test can look at the server while an export runs.
type slowStore struct {
	kg.Store
	mu      sync.Mutex
	calls   int
	started chan struct{}
	release chan struct{}
}

func (s *slowStore) ListEntities(ctx context.Context, f kg.EntityFilter, p kg.PageRequest) (*kg.EntityPage, error) {
	s.mu.Lock()
	s.calls++
	n := s.calls
	s.mu.Unlock()
	if n == 2 {
		close(s.started)
		<-s.release
	}
	return s.Store.ListEntities(ctx, f, p)
}

// failingStore fails every Links call, after the nodes are written.
type failingStore struct{ kg.Store }

func (failingStore) Links(context.Context, []string, kg.LinkQuery, kg.PageRequest) ([]kg.LinkPage, error) {
	return nil, kg.Errorf(kg.EUNAVAILABLE, "the database went away")
}

// downStore fails every ListEntities call, before anything is written.
type downStore struct{ kg.Store }

func (downStore) ListEntities(context.Context, kg.EntityFilter, kg.PageRequest) (*kg.EntityPage, error) {
	return nil, kg.Errorf(kg.EUNAVAILABLE, "the database is down")
}

// exportServer serves the export endpoints over the store behind the auth
// middleware, with the slots of a service over it of at most maxExpensive
// expensive requests, and with tokens reader:reader-token and
// editor:editor-token when withTokens is set (and RequireReader with them,
// as server.go does). It returns the service too.
func exportServer(t *testing.T, store kg.Store, maxExpensive int, withTokens bool) (*httptest.Server, *service.Service) {
	t.Helper()
	spec := ""
	if withTokens {
		spec = "reader:reader-token,editor:editor-token"
	}
	tokens, err := auth.ParseTokens(spec)
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := service.New(store, service.Options{MaxExpensive: maxExpensive})
	h := web.Export(store, logger, web.ExportOptions{Service: svc, RequireReader: tokens.Len() > 0})
	srv := httptest.NewServer(auth.Middleware(tokens, false, h))
	t.Cleanup(srv.Close)
	return srv, svc
}

// answer is a response with its body and, for errors, the code.
type answer struct {
	status int
	code   string
	body   []byte
	err    error
}

func fetch(srv *httptest.Server, path, token string) answer {
	req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer resp.Body.Close()
	a := answer{status: resp.StatusCode}
	a.body, a.err = io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Code   string
			Errors []struct{ Extensions struct{ Code string } }
		}
		json.Unmarshal(a.body, &e)
		a.code = e.Code
		if len(e.Errors) > 0 {
			a.code = e.Errors[0].Extensions.Code
		}
	}
	return a
}

// TestExportWholeGraphAuth checks that a whole-graph export needs a token
// of role reader or above once any token is configured, even though reads
// need none, and that a neighborhood export does not.
func TestExportWholeGraphAuth(t *testing.T) {
	store := testenv.Memory(t)
	open, _ := exportServer(t, store, 0, false)
	guarded, _ := exportServer(t, store, 0, true)
	for _, tc := range []struct {
		name   string
		srv    *httptest.Server
		path   string
		token  string
		status int
		code   string
	}{
		{"no tokens configured, no token", open, "/export/graphml", "", 200, ""},
		{"no token", guarded, "/export/graphml", "", 401, kg.EUNAUTHENTICATED},
		{"no token, gexf", guarded, "/export/gexf", "", 401, kg.EUNAUTHENTICATED},
		{"no token, cytoscape", guarded, "/export/cytoscape", "", 401, kg.EUNAUTHENTICATED},
		{"unknown token", guarded, "/export/graphml", "not-a-token", 401, kg.EUNAUTHENTICATED},
		{"reader", guarded, "/export/graphml", "reader-token", 200, ""},
		{"editor", guarded, "/export/cytoscape", "editor-token", 200, ""},
		{"neighborhood, no token", guarded, "/export/graphml?id=org:xiaomi", "", 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := fetch(tc.srv, tc.path, tc.token)
			if a.err != nil || a.status != tc.status || a.code != tc.code {
				t.Errorf("status %d code %q (%v), want %d %q: %.200s", a.status, a.code, a.err, tc.status, tc.code, a.body)
			}
		})
	}
}

// TestExportWholeGraphSlot checks that a whole-graph export takes exactly
// one slot of MAX_EXPENSIVE_QUERIES while it runs, and that one finding
// every slot taken is refused with 429 and TOO_MANY_REQUESTS.
func TestExportWholeGraphSlot(t *testing.T) {
	ctx := context.Background()
	slow := &slowStore{Store: testenv.Memory(t), started: make(chan struct{}), release: make(chan struct{})}
	srv, svc := exportServer(t, slow, 2, false)
	done := make(chan answer)
	go func() { done <- fetch(srv, "/export/gexf", "") }()
	select {
	case <-slow.started:
	case <-time.After(10 * time.Second):
		t.Fatal("the export did not start")
	}
	// The export runs: one slot of two is left.
	release, err := svc.Expensive(ctx)
	if err != nil {
		close(slow.release)
		t.Fatalf("a running export takes more than one slot: %v", err)
	}
	if _, err := svc.Expensive(ctx); kg.ErrorCode(err) != service.CodeBusy {
		t.Errorf("a third expensive request got in beside the export and another: %v", err)
	}
	// Every slot is taken: a second export is refused.
	if a := fetch(srv, "/export/graphml", ""); a.status != http.StatusTooManyRequests || a.code != service.CodeBusy {
		t.Errorf("an export with every slot taken: status %d code %q, want 429 %s", a.status, a.code, service.CodeBusy)
	}
	close(slow.release)
	if a := <-done; a.err != nil || a.status != 200 || !bytes.HasSuffix(a.body, []byte("</gexf>\n")) {
		t.Errorf("the export that held the slot: status %d (%v), %d bytes", a.status, a.err, len(a.body))
	}
	release()
	// Both slots are free again.
	for range 2 {
		r, err := svc.Expensive(ctx)
		if err != nil {
			t.Fatalf("the export did not give its slot back: %v", err)
		}
		defer r()
	}
}

// TestExportWholeGraphFailures checks that a store failure before the
// first byte is answered with a status and code, and one after it cuts
// the response, so that the client cannot take a short file for a whole
// one.
func TestExportWholeGraphFailures(t *testing.T) {
	mem := testenv.Memory(t)
	for _, tc := range []struct {
		name  string
		store kg.Store
		check func(a answer) error
	}{
		{"before the first byte", downStore{mem}, func(a answer) error {
			if a.status != http.StatusServiceUnavailable || a.code != kg.EUNAVAILABLE {
				return fmt.Errorf("status %d code %q, want 503 %s", a.status, a.code, kg.EUNAVAILABLE)
			}
			return nil
		}},
		{"in the middle", failingStore{mem}, func(a answer) error {
			if a.err == nil || !errors.Is(a.err, io.ErrUnexpectedEOF) {
				return fmt.Errorf("status %d, %d bytes read completely (%v): want the response cut", a.status, len(a.body), a.err)
			}
			if !strings.Contains(string(a.body), "<node ") {
				return fmt.Errorf("no node came before the cut: %.200s", a.body)
			}
			return nil
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := exportServer(t, tc.store, 0, false)
			if err := tc.check(fetch(srv, "/export/graphml", "")); err != nil {
				t.Error(err)
			}
		})
	}
}

// stuckStore blocks its second ListEntities call until the call's
// context is done: an export stuck in the store, which only the client
// going away can end.
type stuckStore struct {
	kg.Store
	mu      sync.Mutex
	calls   int
	started chan struct{}
}

func (s *stuckStore) ListEntities(ctx context.Context, f kg.EntityFilter, p kg.PageRequest) (*kg.EntityPage, error) {
	s.mu.Lock()
	s.calls++
	n := s.calls
	s.mu.Unlock()
	if n == 2 {
		close(s.started)
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return s.Store.ListEntities(ctx, f, p)
}

// TestExportWholeGraphClientGone checks that an export whose client goes
// away stops, even in the middle of a read of the store, and gives its
// slot back.
func TestExportWholeGraphClientGone(t *testing.T) {
	stuck := &stuckStore{Store: testenv.Memory(t), started: make(chan struct{})}
	srv, svc := exportServer(t, stuck, 1, false)
	resp, err := http.Get(srv.URL + "/export/graphml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(resp.Body, make([]byte, 1000)); err != nil {
		t.Fatalf("the first bytes: %v", err)
	}
	<-stuck.started // the nodes are written; the export waits for the store
	resp.Body.Close()
	srv.CloseClientConnections()
	deadline := time.Now().Add(10 * time.Second)
	for {
		release, err := svc.Expensive(context.Background())
		if err == nil {
			release()
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the export whose client went away still holds its slot after 10 s")
		}
	}
}
