package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/puente-kg/puente/internal/testenv"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/live"
	"github.com/puente-kg/puente/observe"
	"github.com/puente-kg/puente/service"
)

// The tokens of the subscription tests' servers.
const (
	liveReader = "reader:live-reader-1"
	liveEditor = "editor:live-editor-1"
	liveAdmin  = "admin:live-admin-1"
)

// liveServer serves the whole router over the store with tokens, and the
// hub it uses.
func liveServer(t *testing.T, store kg.Store, opts live.Options, flags ...string) (*httptest.Server, *live.Hub) {
	t.Helper()
	cfg, _, err := parseConfig(append([]string{"-api-tokens", liveReader + "," + liveEditor + "," + liveAdmin}, flags...))
	if err != nil {
		t.Fatal(err)
	}
	// Pings every 15 s would close the slow consumer's connection, which
	// reads nothing while the test writes.
	cfg.limits.KeepAlive = time.Minute
	opts.Poll = cfg.live.Poll
	cfg.hub = live.New(store, opts)
	t.Cleanup(cfg.hub.Close) // after the server's cleanup, before the store's
	srv := httptest.NewServer(routes(cfg, store, quietLogger(), observe.New(nil)))
	t.Cleanup(srv.Close)
	return srv, cfg.hub
}

// bearer returns the Authorization header of a role:token pair.
func bearer(pair string) string {
	_, token, _ := strings.Cut(pair, ":")
	return "Bearer " + token
}

// rename upserts person:live-<id> with the name through the server.
func rename(t testing.TB, srv *httptest.Server, id, name string) {
	t.Helper()
	runQuery(t, srv, liveEditor, fmt.Sprintf(`mutation { upsertEntity(input: {id: "person:live-%s", kind: PERSON, name: %q, sources: ["source:07-li-zhanshu-alva-meeting"]}) { id } }`, id, name))
}

// runQuery sends a query with the token and returns its data, failing on errors.
func runQuery(t testing.TB, srv *httptest.Server, token, query string) json.RawMessage {
	t.Helper()
	req, _ := http.NewRequest("POST", srv.URL+"/query", strings.NewReader(gql(query)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", bearer(token))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		Data   json.RawMessage
		Errors []json.RawMessage
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || len(r.Errors) > 0 {
		t.Fatalf("%.80s: %v %s", query, err, r.Errors)
	}
	return r.Data
}

// changeMsg is one change as the subscriptions' tests select it.
type changeMsg struct {
	Cursor    string   `json:"cursor"`
	Sequence  int64    `json:"sequence"`
	Actor     *string  `json:"actor"`
	Operation string   `json:"operation"`
	IDs       []string `json:"ids"`
}

// subscription is the document of the tests' subscribers.
const subscription = `subscription($after: String, $ids: [ID!]) { graphChanged(after: $after, ids: $ids) { cursor sequence actor operation ids } }`

// wsClient is a graphql-transport-ws client.
type wsClient struct {
	t    testing.TB
	conn *websocket.Conn
}

// wsMsg is a message of graphql-transport-ws.
type wsMsg struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// dialWSRaw opens a WebSocket to the server and sends connection_init
// with the payload.
func dialWSRaw(ctx context.Context, srv *httptest.Server, payload any) (*websocket.Conn, error) {
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/query",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		return nil, err
	}
	conn.SetReadLimit(1 << 24)
	p, _ := json.Marshal(payload)
	b, _ := json.Marshal(wsMsg{Type: "connection_init", Payload: p})
	if err := conn.Write(ctx, websocket.MessageText, b); err != nil {
		conn.CloseNow()
		return nil, err
	}
	return conn, nil
}

// dialWS opens a WebSocket to the server and sends connection_init with
// the payload; it returns the client and the server's first answer.
func dialWS(t testing.TB, ctx context.Context, srv *httptest.Server, payload any) (*wsClient, wsMsg) {
	t.Helper()
	conn, err := dialWSRaw(ctx, srv, payload)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.CloseNow() })
	c := &wsClient{t: t, conn: conn}
	m, err := c.read(ctx)
	if err != nil {
		t.Fatalf("after connection_init: %v", err)
	}
	return c, m
}

func (c *wsClient) send(ctx context.Context, m wsMsg) {
	c.t.Helper()
	b, _ := json.Marshal(m)
	if err := c.conn.Write(ctx, websocket.MessageText, b); err != nil {
		c.t.Fatal(err)
	}
}

// read returns the next message that is not a ping (which it answers).
func (c *wsClient) read(ctx context.Context) (wsMsg, error) {
	for {
		_, b, err := c.conn.Read(ctx)
		if err != nil {
			return wsMsg{}, err
		}
		var m wsMsg
		if err := json.Unmarshal(b, &m); err != nil {
			return m, err
		}
		switch m.Type {
		case "ping":
			b, _ := json.Marshal(wsMsg{Type: "pong"})
			c.conn.Write(ctx, websocket.MessageText, b)
		case "pong", "ka":
		default:
			return m, nil
		}
	}
}

// subscribe starts the subscription id with the variables.
func (c *wsClient) subscribe(ctx context.Context, id string, vars map[string]any) {
	p, _ := json.Marshal(map[string]any{"query": subscription, "variables": vars})
	c.send(ctx, wsMsg{ID: id, Type: "subscribe", Payload: p})
}

// next reads the next change of a subscription, failing on anything else.
func (c *wsClient) next(ctx context.Context) changeMsg {
	c.t.Helper()
	m, err := c.read(ctx)
	if err != nil {
		c.t.Fatalf("waiting for a change: %v", err)
	}
	if m.Type != "next" {
		c.t.Fatalf("got %s %s, want next", m.Type, m.Payload)
	}
	return graphChanged(c.t, m.Payload)
}

// graphChanged decodes the change of a next payload.
func graphChanged(t testing.TB, payload []byte) changeMsg {
	t.Helper()
	var r struct {
		Data struct {
			GraphChanged *changeMsg `json:"graphChanged"`
		}
		Errors []json.RawMessage
	}
	if err := json.Unmarshal(payload, &r); err != nil || r.Data.GraphChanged == nil {
		t.Fatalf("not a change: %v %s", err, payload)
	}
	return *r.Data.GraphChanged
}

// sseClient reads the events of one GraphQL-over-SSE request.
type sseClient struct {
	resp *http.Response
	sc   *bufio.Scanner
}

// openSSE posts a subscription with Accept: text/event-stream.
func openSSE(t testing.TB, ctx context.Context, srv *httptest.Server, auth string, vars map[string]any) *sseClient {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": subscription, "variables": vars})
	req, _ := http.NewRequestWithContext(ctx, "POST", srv.URL+"/query", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	return stream(t, req)
}

// stream sends the request for an event stream, failing the test unless
// one opens; the stream is closed when the test ends.
func stream(t testing.TB, req *http.Request) *sseClient {
	t.Helper()
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("SSE answered %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<24)
	return &sseClient{resp: resp, sc: sc}
}

// comment reads up to the first comment line, which the server sends
// once the stream is open.
func (c *sseClient) comment() (string, string, error) {
	for c.sc.Scan() {
		if strings.HasPrefix(c.sc.Text(), ":") {
			return "", "", nil
		}
	}
	return "", "", errors.New("the stream ended before it opened")
}

// event returns the next event's name and data, skipping comments.
func (c *sseClient) event() (string, string, error) {
	var event, data string
	for c.sc.Scan() {
		line := c.sc.Text()
		switch {
		case line == "" && event != "":
			return event, data, nil
		case strings.HasPrefix(line, "event: "):
			event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			data = strings.TrimPrefix(line, "data: ")
		}
	}
	if err := c.sc.Err(); err != nil {
		return "", "", err
	}
	return "", "", errors.New("the stream ended")
}

// TestSubscriptions runs the subscriptions end to end on every backend
// whose change log is ready.
func TestSubscriptions(t *testing.T) {
	for _, b := range testenv.Backends() {
		t.Run(b.Name, func(t *testing.T) { testSubscriptions(t, b.Open(t)) })
	}
}

func testSubscriptions(t *testing.T, store kg.Store) {
	srv, hub := liveServer(t, store, live.Options{MaxPerConnection: 2})

	t.Run("a mutation reaches a WebSocket and an SSE subscriber", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second) // connecting
		defer cancel()
		ws, ack := dialWS(t, ctx, srv, map[string]string{"authorization": bearer(liveReader)})
		if ack.Type != "connection_ack" {
			t.Fatalf("connection_init answered %s %s", ack.Type, ack.Payload)
		}
		ws.subscribe(ctx, "1", map[string]any{"ids": []string{"person:live-a"}})
		sse := openSSE(t, ctx, srv, bearer(liveReader), map[string]any{"ids": []string{"person:live-a"}})
		waitSubscribers(t, ctx, hub, 2)
		rename(t, srv, "a", "Live A")
		// Both must have the change within 2 s of the mutation's answer.
		recv, cancelRecv := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancelRecv()
		c := ws.next(recv)
		if c.Operation != "UPSERT_ENTITY" || c.Actor == nil || !strings.HasPrefix(*c.Actor, "editor#") || c.IDs[0] != "person:live-a" {
			t.Errorf("WebSocket: got %+v", c)
		}
		event, data := nextWithin(t, sse, time.Until(deadline(recv)))
		if event != "next" {
			t.Fatalf("SSE: got %q %s", event, data)
		}
		if s := graphChanged(t, []byte(data)); s.Sequence != c.Sequence || s.Cursor != c.Cursor {
			t.Errorf("SSE got %+v, the WebSocket %+v", s, c)
		}
	})

	t.Run("a subscriber that resumes with its cursor misses nothing and sees nothing twice", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second) // seven writes; not a speed

		defer cancel()
		ws, _ := dialWS(t, ctx, srv, map[string]string{"authorization": bearer(liveReader)})
		ws.subscribe(ctx, "1", nil)
		waitSubscribers(t, ctx, hub, 1)
		rename(t, srv, "b", "B0")
		first := ws.next(ctx)
		ws.conn.Close(websocket.StatusNormalClosure, "")
		for i := range 5 {
			rename(t, srv, "b", fmt.Sprint("B", i+1))
		}
		ws, _ = dialWS(t, ctx, srv, map[string]string{"authorization": bearer(liveReader)})
		ws.subscribe(ctx, "2", map[string]any{"after": first.Cursor})
		for i := range 6 {
			if i == 5 {
				rename(t, srv, "b", "B6") // live, after the backlog
			}
			if c := ws.next(ctx); c.Sequence != first.Sequence+int64(i)+1 {
				t.Fatalf("change %d after the cursor has sequence %d, want %d", i+1, c.Sequence, first.Sequence+int64(i)+1)
			}
		}
	})

	t.Run("caps and tokens refuse with a code", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		ws, _ := dialWS(t, ctx, srv, map[string]string{"authorization": bearer(liveReader)})
		for _, id := range []string{"1", "2", "3"} {
			ws.subscribe(ctx, id, nil)
		}
		m, err := ws.read(ctx)
		if err != nil || !strings.Contains(string(m.Payload), live.CodeTooManySubscriptions) {
			t.Errorf("a third subscription on a connection: %s %s %v, want an error %s", m.Type, m.Payload, err, live.CodeTooManySubscriptions)
		}

		anon, ack := dialWS(t, ctx, srv, nil)
		if ack.Type != "connection_ack" {
			t.Fatalf("an anonymous connection_init: %s", ack.Type)
		}
		anon.subscribe(ctx, "1", nil)
		if m, err := anon.read(ctx); err != nil || !strings.Contains(string(m.Payload), kg.EUNAUTHENTICATED) {
			t.Errorf("a subscription without a token: %s %s %v, want an error %s", m.Type, m.Payload, err, kg.EUNAUTHENTICATED)
		}
		bad, err := dialWSRaw(ctx, srv, map[string]string{"authorization": "Bearer not-a-token"})
		if err == nil {
			defer bad.CloseNow()
			_, _, err = bad.Read(ctx)
		}
		var closed websocket.CloseError
		if !errors.As(err, &closed) || closed.Code != 4403 || !strings.Contains(closed.Reason, kg.EUNAUTHENTICATED) {
			t.Errorf("a connection_init with a bad token: %v, want a close 4403 naming %s", err, kg.EUNAUTHENTICATED)
		}
		if r := send(t, srv, "POST", "/query", gql(subscription), map[string]string{"Authorization": bearer(liveReader)}); r.status != 400 || code(t, r.body) != "STREAM_REQUIRED" {
			t.Errorf("a subscription as a plain POST: %d %s", r.status, r.body)
		}
		if r := send(t, srv, "POST", "/query", gql(subscription), map[string]string{"Accept": "text/event-stream"}); !strings.Contains(r.body, kg.EUNAUTHENTICATED) {
			t.Errorf("an SSE subscription without a token: %d %s", r.status, r.body)
		}
	})
}

// waitSubscribers waits until the hub serves n subscribers, so
// that a write made next is after their start.
func waitSubscribers(t testing.TB, ctx context.Context, hub *live.Hub, n int) {
	t.Helper()
	for hub.Stats().Subscriptions != n { // those of earlier tests leave as their connections close
		if ctx.Err() != nil {
			t.Fatalf("%d subscribers, want %d", hub.Stats().Subscriptions, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestSlowConsumer writes 5,000 changes while a WebSocket subscriber reads
// nothing: the hub ends it with SLOW_CONSUMER and the cursor of the last
// change it was sent, and holds a bounded number of entries throughout.
//
// On Neo4j, where writes are slower, 1,500 heavier changes fill the
// socket's buffers and the subscriber's as surely. The journaled store
// would add nothing here but fsyncs.
func TestSlowConsumer(t *testing.T) {
	t.Run("memory", func(t *testing.T) { testSlowConsumer(t, testenv.Memory(t), 5000, 40) })
	t.Run("neo4j", func(t *testing.T) { testSlowConsumer(t, testenv.Neo4j(t), 1500, 180) })
}

// testSlowConsumer makes writes changes, each with a description of pads
// times some 50 bytes (before and after: twice that in a message).
func testSlowConsumer(t *testing.T, store kg.Store, writes, pads int) {
	srv, hub := liveServer(t, store, live.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute) // a bound on the writes, not a speed
	defer cancel()
	ws, _ := dialWS(t, ctx, srv, map[string]string{"authorization": bearer(liveReader)})
	doc := `subscription { graphChanged { cursor sequence items(first: 1000) { before after } } }`
	p, _ := json.Marshal(map[string]any{"query": doc})
	ws.send(ctx, wsMsg{ID: "slow", Type: "subscribe", Payload: p})
	waitSubscribers(t, ctx, hub, 1)

	from, err := store.LastChange(ctx)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	svc := service.New(store, service.Options{})
	pad := strings.Repeat("a long description that makes each message weigh ", pads)
	// The most the hub may hold: its window, the subscriber's buffer, and
	// one read of the log past it before the subscriber is ended.
	bound := live.DefaultWindow + live.DefaultBuffer + 500
	most, start := 0, time.Now()
	for i := range writes {
		e := &kg.Entity{ID: "person:live-slow", Kind: kg.KindPerson, Name: "Slow", Description: fmt.Sprint(i, pad),
			Sources: []string{"source:07-li-zhanshu-alva-meeting"}}
		if err := svc.UpsertEntity(ctx, service.EntityInput{Entity: e}, kg.Stamp{By: "editor#slow", At: time.Now()}); err != nil {
			t.Fatal(err)
		}
		if i%50 == 0 {
			most = max(most, hub.Stats().Buffered)
		}
	}
	waitSubscribers(t, ctx, hub, 0)
	runtime.GC()
	runtime.ReadMemStats(&after)
	if most > bound {
		t.Errorf("the hub held %d entries, over %d", most, bound)
	}
	// The store's own log holds the 5,000 entries (some 10 MB); the hub
	// must add no more than its bound.
	if grown := int64(after.HeapAlloc) - int64(before.HeapAlloc); grown > 256<<20 {
		t.Errorf("the heap grew by %d MB", grown>>20)
	}
	t.Logf("%d writes in %v; the hub held at most %d entries; the heap grew by %d MB", writes, time.Since(start).Round(time.Millisecond), most, (int64(after.HeapAlloc)-int64(before.HeapAlloc))>>20)

	// Reading again: the changes sent before the cut, if any, then the
	// error with the cursor of the last of them.
	last := kg.ChangeCursor(from)
	for {
		m, err := ws.read(ctx)
		if err != nil {
			t.Fatalf("after %s: %v", last, err)
		}
		if m.Type == "next" {
			var r struct {
				Data struct{ GraphChanged struct{ Cursor string } }
			}
			json.Unmarshal(m.Payload, &r)
			last = r.Data.GraphChanged.Cursor
			continue
		}
		var errs []struct{ Extensions map[string]string }
		if err := json.Unmarshal(m.Payload, &errs); m.Type != "error" || err != nil || len(errs) != 1 {
			t.Fatalf("got %s %.300s, want an error", m.Type, m.Payload)
		}
		if errs[0].Extensions["code"] != live.CodeSlowConsumer || errs[0].Extensions["cursor"] != last {
			t.Fatalf("ended with %v, want %s and the cursor of the last change sent, %s", errs[0].Extensions, live.CodeSlowConsumer, last)
		}
		return
	}
}

// TestHistory checks Entity.history and changes: who wrote, and the fields
// before and after, for an upsert, a merge and a delete.
func TestHistory(t *testing.T) {
	for _, b := range testenv.Backends() {
		t.Run(b.Name, func(t *testing.T) { testHistory(t, b.Open(t)) })
	}
}

type historyEntry struct {
	Operation string
	Actor     string
	Items     []struct {
		Kind, Action, ID string
		From, To         *string
		Before, After    map[string]any
	}
}

func testHistory(t *testing.T, store kg.Store) {
	srv, _ := liveServer(t, store, live.Options{})
	rename(t, srv, "h", "Old Name")
	rename(t, srv, "h", "New Name")
	rename(t, srv, "h2", "Duplicate")
	runQuery(t, srv, liveAdmin, `mutation { mergeEntities(keepId: "person:live-h", mergeIds: ["person:live-h2"]) { id } }`)
	rename(t, srv, "h3", "Doomed")
	runQuery(t, srv, liveAdmin, `mutation { deleteEntity(id: "person:live-h3") { id } }`)

	const sel = `nodes { operation actor items(first: 100) { kind action id from to before after } } pageInfo { endCursor hasNextPage }`
	var r struct {
		Entity struct {
			ID      string
			History struct{ Nodes []historyEntry }
		}
		Changes struct {
			Nodes    []historyEntry
			PageInfo struct{ EndCursor string }
		}
	}
	// Through the merged-away ID: the kept entity, whose history holds the merge.
	data := runQuery(t, srv, liveReader, `{ entity(id: "person:live-h2") { id history { `+sel+` } }
		changes(ids: ["person:live-h3"], first: 10) { `+sel+` } }`)
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	h := r.Entity.History.Nodes
	if r.Entity.ID != "person:live-h" || len(h) != 3 {
		t.Fatalf("history of %s: %+v, want the kept entity's three changes", r.Entity.ID, h)
	}
	created, updated, merged := h[0], h[1], h[2]
	if created.Operation != "UPSERT_ENTITY" || !strings.HasPrefix(created.Actor, "editor#") ||
		created.Items[0].Action != "CREATED" || created.Items[0].Before != nil || created.Items[0].After["name"] != "Old Name" {
		t.Errorf("creation: %+v", created)
	}
	if it := updated.Items[0]; updated.Operation != "UPSERT_ENTITY" || it.Action != "UPDATED" ||
		it.Before["name"] != "Old Name" || it.After["name"] != "New Name" {
		t.Errorf("update: %+v", updated)
	}
	redirected := false
	for _, it := range merged.Items {
		redirected = redirected || it.Kind == "REDIRECT" && *it.From == "person:live-h2" && *it.To == "person:live-h"
	}
	if merged.Operation != "MERGE_ENTITIES" || !strings.HasPrefix(merged.Actor, "admin#") || !redirected {
		t.Errorf("merge: %+v", merged)
	}
	d := r.Changes.Nodes
	if len(d) != 2 || d[1].Operation != "DELETE_ENTITY" || !strings.HasPrefix(d[1].Actor, "admin#") ||
		d[1].Items[0].Action != "DELETED" || d[1].Items[0].Before["name"] != "Doomed" || d[1].Items[0].After != nil {
		t.Errorf("changes of a deleted entity: %+v", d)
	}

	// An idle poll keeps its cursor.
	end := r.Changes.PageInfo.EndCursor
	data = runQuery(t, srv, liveReader, fmt.Sprintf(`{ changes(ids: ["person:live-h3"], after: %q, first: 10) { `+sel+` } }`, end))
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Changes.Nodes) != 0 || r.Changes.PageInfo.EndCursor != end {
		t.Errorf("an idle poll: %+v, want no change and the cursor %s", r.Changes, end)
	}
}

// TestTwoInstances serves one store through two servers, each with its
// hub: a write through the first reaches a subscriber of the second by
// the second's polling of the log.
func TestTwoInstances(t *testing.T) {
	t.Run("memory", func(t *testing.T) {
		store := testenv.Memory(t)
		testTwoInstances(t, store, store)
	})
	t.Run("neo4j", func(t *testing.T) {
		// Two connections to one database, as two processes would have.
		first := testenv.Neo4j(t)
		testTwoInstances(t, first, testenv.Neo4jAgain(t))
	})
}

func testTwoInstances(t *testing.T, first, second kg.Store) {
	one, _ := liveServer(t, first, live.Options{})
	two, hub := liveServer(t, second, live.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second) // connecting
	defer cancel()
	sse := openSSEGet(t, ctx, two, bearer(liveReader))
	waitSubscribers(t, ctx, hub, 1)
	rename(t, one, "two", "Written through the first")
	event, data := nextWithin(t, sse, 2*time.Second)
	if event != "next" {
		t.Fatalf("the second server's subscriber: %q %s", event, data)
	}
	if c := graphChanged(t, []byte(data)); len(c.IDs) != 1 || c.IDs[0] != "person:live-two" {
		t.Errorf("got %+v", c)
	}
}

// openSSEGet subscribes to the changes of person:live-two with GET and
// Accept: text/event-stream, after the cursor when one is given.
func openSSEGet(t testing.TB, ctx context.Context, srv *httptest.Server, auth string, after ...string) *sseClient {
	t.Helper()
	vars, _ := json.Marshal(map[string]any{"ids": []string{"person:live-two"}, "after": append(after, "")[0]})
	if len(after) == 0 {
		vars = []byte(`{"ids":["person:live-two"]}`)
	}
	u := srv.URL + "/query?query=" + url.QueryEscape(subscription) + "&variables=" + url.QueryEscape(string(vars))
	req, _ := http.NewRequestWithContext(ctx, "GET", u, nil)
	req.Header.Set("Authorization", auth)
	return stream(t, req)
}

// TestStreamsOutliveTimeouts serves streams with the HTTP server's own
// timeouts set short: a WebSocket and an event stream opened before the
// read and write timeouts passed still receive a change after.
func TestStreamsOutliveTimeouts(t *testing.T) {
	store := testenv.Memory(t)
	cfg, _, err := parseConfig([]string{"-api-tokens", liveReader + "," + liveEditor, "-query-timeout", "300ms"})
	if err != nil {
		t.Fatal(err)
	}
	cfg.http = httpTimeouts{readHeader: 300 * time.Millisecond, read: 300 * time.Millisecond, idle: 300 * time.Millisecond, writeMargin: 300 * time.Millisecond}
	cfg.hub = live.New(store, live.Options{})
	t.Cleanup(cfg.hub.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := httpServer(cfg, routes(cfg, store, quietLogger(), observe.New(nil)))
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	srv := &httptest.Server{URL: "http://" + ln.Addr().String()}

	open, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	ws, _ := dialWS(t, open, srv, map[string]string{"authorization": bearer(liveReader)})
	ws.subscribe(open, "1", nil)
	stream, stop := context.WithCancel(context.Background())
	defer stop()
	sse := openSSE(t, stream, srv, bearer(liveReader), nil)
	waitSubscribers(t, open, cfg.hub, 2)
	time.Sleep(5 * cfg.http.read) // past every timeout of the server
	rename(t, srv, "late", "After the timeouts")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if c := ws.next(ctx); c.IDs[0] != "person:live-late" {
		t.Errorf("WebSocket: %+v", c)
	}
	if event, data, err := sse.event(); err != nil || event != "next" || !strings.Contains(data, "person:live-late") {
		t.Errorf("SSE: %q %s %v", event, data, err)
	}
}

// TestTwoProcesses runs two puente processes on one Neo4j database, with
// nothing between them but the database: a write through the first
// reaches a subscriber of the second within 2 s, by the second's tailing
// of the change log.
func TestTwoProcesses(t *testing.T) {
	store := testenv.Neo4j(t) // takes the server, emptied and seeded, for this test
	bin := buildPuente(t)
	env := []string{"NEO4J_URI=" + testenv.Neo4jURI(), "API_TOKENS=" + liveReader + "," + liveEditor, "LOG_LEVEL=warn"}
	one := &httptest.Server{URL: startServer(t, bin, env).url}
	two := &httptest.Server{URL: startServer(t, bin, env).url}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second) // connecting
	defer cancel()
	// From the log's current end, so that the write below is delivered
	// however soon after it the subscription starts.
	last, err := store.LastChange(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sse := openSSEGet(t, ctx, two, bearer(liveReader), kg.ChangeCursor(last))
	rename(t, one, "two", "Written through the first process")
	event, data := nextWithin(t, sse, 2*time.Second)
	if event != "next" {
		t.Fatalf("the second process's subscriber: %q %s", event, data)
	}
	if c := graphChanged(t, []byte(data)); len(c.IDs) != 1 || c.IDs[0] != "person:live-two" || c.Actor == nil {
		t.Errorf("got %+v", c)
	}
}

// nextWithin reads the next event of the stream, failing the test unless
// it comes within d.
func nextWithin(t testing.TB, sse *sseClient, d time.Duration) (event, data string) {
	t.Helper()
	type sseEvent struct {
		event, data string
		err         error
	}
	got := make(chan sseEvent, 1)
	go func() {
		event, data, err := sse.event()
		got <- sseEvent{event, data, err}
	}()
	select {
	case <-time.After(d):
		t.Fatalf("no event within %v", d)
	case e := <-got:
		if e.err != nil {
			t.Fatalf("reading the stream: %v", e.err)
		}
		return e.event, e.data
	}
	return "", ""
}

// deadline returns the context's deadline.
func deadline(ctx context.Context) time.Time {
	d, _ := ctx.Deadline()
	return d
}
