package web_test

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/puente-kg/puente/internal/testenv"
)

var updateScreenshot = flag.Bool("update-screenshot", false, "copy the explorer screenshot to docs/explorer.png")

// chromiumPath is Debian's Chromium, which scripts/test installs.
const chromiumPath = "/usr/bin/chromium"

// browserLog collects what the page did: every request URL, and every
// exception and error logged (Content-Security-Policy violations among
// them).
type browserLog struct {
	mu       sync.Mutex
	requests []string
	problems []string
}

func (l *browserLog) listen(ev any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		l.requests = append(l.requests, e.Request.URL)
	case *runtime.EventExceptionThrown:
		d := e.ExceptionDetails
		msg := d.Text
		if d.Exception != nil {
			msg += " " + d.Exception.Description
		}
		l.problems = append(l.problems, fmt.Sprintf("exception: %s at %s:%d", msg, d.URL, d.LineNumber))
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.ConsoleAPICalledTypeError {
			var args []string
			for _, a := range e.Args {
				args = append(args, string(a.Value)+a.Description)
			}
			l.problems = append(l.problems, "console.error: "+strings.Join(args, " "))
		}
	case *log.EventEntryAdded:
		if e.Entry.Level == log.EntryLevelError {
			l.problems = append(l.problems, fmt.Sprintf("%s: %s %s", e.Entry.Source, e.Entry.Text, e.Entry.URL))
		}
	}
}

// check fails the test for any request to another host than the server's
// (data: and blob: URLs stay in the page) and for any problem logged.
func (l *browserLog) check(t *testing.T, host string) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.requests) == 0 {
		t.Error("no request recorded")
	}
	for _, r := range l.requests {
		u, err := url.Parse(r)
		if err != nil {
			t.Errorf("request to %q: %v", r, err)
			continue
		}
		if u.Scheme == "data" || u.Scheme == "blob" {
			continue
		}
		if u.Host != host || (u.Scheme != "http" && u.Scheme != "https") {
			t.Errorf("request to another host: %s", r)
		}
	}
	for _, p := range l.problems {
		t.Errorf("the page logged %s", p)
	}
	l.requests, l.problems = nil, nil
}

// reset forgets what was recorded so far.
func (l *browserLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.requests, l.problems = nil, nil
}

// TestBrowser drives headless Chromium through both pages, served with the
// embedded store on 127.0.0.1: GraphiQL renders with the explorer plugin
// and runs an example; the explorer searches "xiaomi", draws its
// neighborhood with as many nodes as the GraphQL answer, shows a node's
// sources on hover, filters, expands a node and downloads what it shows.
// No request may leave for another host, and the pages must log no error
// (a Content-Security-Policy violation would be one). Screenshots go to
// test-output/web/.
func TestBrowser(t *testing.T) {
	store := testenv.Memory(t)
	srv := newServer(t, store)
	host := strings.TrimPrefix(srv.URL, "http://")
	out := outputDir(t)
	browserCtx, blog, downloads := startBrowser(t)

	t.Run("graphiql", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(browserCtx, time.Minute)
		defer cancel()
		err := chromedp.Do(ctx,
			chromedp.Navigate(srv.URL+"/"),
			chromedp.WaitVisible(chromedp.CSS(`.graphiql-execute-button`)),
			// The explorer plugin lists the query fields once the schema
			// has loaded.
			// The explorer plugin's pane is open, not folded away, and
			// lists the query fields once the schema has loaded.
			void(chromedp.Poll[bool](`(() => {
				const pane = document.querySelector('.graphiql-plugin');
				const root = pane && pane.querySelector('.graphiql-explorer-root');
				const box = pane && pane.getBoundingClientRect();
				return !!root && box.left >= 0 && box.width > 200 && getComputedStyle(pane).opacity === '1' &&
					root.innerText.includes('whoMet');
			})()`, chromedp.WithPollingTimeout(20*time.Second))),
		)
		if err != nil {
			screenshot(browserCtx, t, filepath.Join(out, "graphiql-failed.png"))
			t.Fatalf("GraphiQL explorer plugin: %v", err)
		}
		err = chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS(`.graphiql-execute-button`)),
		)
		if err != nil {
			screenshot(browserCtx, t, filepath.Join(out, "graphiql-failed.png"))
			t.Fatalf("GraphiQL: %v", err)
		}
		result, err := chromedp.Run(ctx, chromedp.Poll[string](`(() => {
			const cm = document.querySelector('.result-window .CodeMirror');
			const v = cm && cm.CodeMirror.getValue();
			return v && v.includes('María del Carmen Alva') ? v : false;
		})()`, chromedp.WithPollingTimeout(30*time.Second)))
		if err != nil {
			screenshot(browserCtx, t, filepath.Join(out, "graphiql-failed.png"))
			t.Fatalf("GraphiQL result: %v", err)
		}
		if !strings.Contains(result, `"whoMet"`) || strings.Contains(result, `"errors"`) {
			t.Errorf("result:\n%s", result)
		}
		screenshot(ctx, t, filepath.Join(out, "graphiql.png"))
		blog.check(t, host)
	})

	t.Run("explore", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(browserCtx, time.Minute)
		defer cancel()
		err := chromedp.Do(ctx,
			chromedp.Navigate(srv.URL+"/explore"),
			chromedp.WaitVisible(chromedp.ID("search")),
			void(chromedp.Poll[bool](`document.querySelectorAll('#categories input').length > 0`)),
			chromedp.SendKeys(chromedp.ID("search"), "xiaomi"),
			chromedp.WaitVisible(chromedp.CSS(`#suggestions li`)),
		)
		var firstHit chromedp.AttributeResult
		if err == nil {
			firstHit, err = chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`#suggestions li`), "data-id"))
		}
		if err == nil {
			err = chromedp.Do(ctx,
				chromedp.Click(chromedp.CSS(`#suggestions li`)),
				void(chromedp.Poll[bool](`window.puente.state === 'drawn' && window.cy.nodes().length > 0`)),
			)
		}
		if err != nil {
			screenshot(browserCtx, t, filepath.Join(out, "explore-failed.png"))
			t.Fatalf("explorer: %v (state %s)", err, pageState(browserCtx))
		}
		if firstHit.Value != "org:xiaomi" {
			t.Errorf("the first hit for xiaomi is %q", firstHit.Value)
		}
		depth := eval[string](ctx, t, `document.getElementById('depth').value`)
		drawn := eval[int](ctx, t, `window.cy.nodes().length`)
		edges := eval[int](ctx, t, `window.cy.edges().length`)
		var want struct{ Neighborhood subgraph }
		query(t, srv, `query($id: ID!, $depth: Int!) { neighborhood(id: $id, depth: $depth) {
			truncated nodes { id label kind entity { ... on Event { category date amount { amount currency } } } }
			edges { id source target type label } } }`,
			map[string]any{"id": "org:xiaomi", "depth": depth}, &want)
		if drawn != len(want.Neighborhood.Nodes) || edges != len(want.Neighborhood.Edges) || drawn < 10 {
			t.Errorf("drawn %d nodes and %d edges at depth %s; GraphQL answers %d and %d",
				drawn, edges, depth, len(want.Neighborhood.Nodes), len(want.Neighborhood.Edges))
		}
		screenshot(ctx, t, filepath.Join(out, "explore.png"))
		if *updateScreenshot {
			b, err := os.ReadFile(filepath.Join(out, "explore.png"))
			if err == nil {
				err = os.WriteFile(filepath.Join(repoRoot(t), "docs", "explorer.png"), b, 0o644)
			}
			if err != nil {
				t.Errorf("update docs/explorer.png: %v", err)
			}
		}

		// Hovering over a node shows its sources.
		eval[bool](ctx, t, `window.cy.getElementById('org:xiaomi').emit('mouseover'); true`)
		tip, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("tooltip"), chromedp.NodeVisible))
		screenshot(ctx, t, filepath.Join(out, "explore-hover.png"))
		eval[bool](ctx, t, `window.cy.getElementById('org:xiaomi').emit('mouseout'); true`)
		if err != nil || !strings.Contains(tip, "Sources") || !strings.Contains(tip, "Xiaomi") {
			t.Errorf("tooltip %q (%v)", tip, err)
		}

		// Facts no source states are drawn dashed, and the switch hides them.
		var bases struct {
			Neighborhood struct{ Edges []struct{ Basis string } }
		}
		query(t, srv, `query($id: ID!, $depth: Int!) { neighborhood(id: $id, depth: $depth) { edges { basis } } }`,
			map[string]any{"id": "org:xiaomi", "depth": depth}, &bases)
		unstated := 0
		for _, e := range bases.Neighborhood.Edges {
			if e.Basis != "STATED" {
				unstated++
			}
		}
		dashed := eval[int](ctx, t, `window.cy.edges().filter(e => e.style('line-style') === 'dashed').length`)
		switched := eval[int](ctx, t, `(() => {
			const box = document.getElementById('unstated');
			box.click();
			const hidden = window.cy.edges('.filtered').length;
			box.click();
			return hidden + 1000 * window.cy.edges('.filtered').length;
		})()`)
		if unstated == 0 || dashed != unstated || switched != unstated {
			t.Errorf("%d edges no source states: %d drawn dashed; the switch hid %d and left %d hidden after", unstated, dashed, switched%1000, switched/1000)
		}

		// Unticking every category hides every event but the center.
		eval[bool](ctx, t, `document.getElementById('no-categories').click(); true`)
		hidden := eval[int](ctx, t, `window.cy.nodes('.filtered').length`)
		events := eval[int](ctx, t, `window.cy.nodes('[kind = "EVENT"]').length`)
		eval[bool](ctx, t, `document.getElementById('all-categories').click(); true`)
		if hidden != events || events == 0 {
			t.Errorf("no categories: %d nodes hidden, %d events", hidden, events)
		}

		// A date range keeps the events it overlaps.
		shown := eval[int](ctx, t, `(() => {
			for (const [id, v] of [['from', '2021-11-05'], ['to', '2021-11-05']]) {
				const el = document.getElementById(id);
				el.value = v;
				el.dispatchEvent(new Event('change'));
			}
			return window.cy.nodes('[kind = "EVENT"]').not('.filtered').length;
		})()`)
		inRange := 0
		for _, n := range want.Neighborhood.Nodes {
			if d := n.Entity.Date; n.Kind == "EVENT" && d != nil && (*d == "2021-11-05" || *d == "2021-11" || *d == "2021") {
				inRange++
			}
		}
		if shown != inRange || inRange == 0 {
			t.Errorf("events of 2021-11-05: %d shown, GraphQL has %d", shown, inRange)
		}
		eval[bool](ctx, t, `(() => {
			for (const id of ['from', 'to']) {
				const el = document.getElementById(id);
				el.value = '';
				el.dispatchEvent(new Event('change'));
			}
			return true;
		})()`)

		// Clicking a node expands it with its own neighborhood.
		const target = "place:downtown-san-jose"
		eval[bool](ctx, t, fmt.Sprintf(`window.cy.getElementById(%q).emit('tap'); true`, target))
		err = chromedp.Do(ctx, void(chromedp.Poll[bool](fmt.Sprintf(
			`window.puente.state === 'drawn' && window.cy.getElementById(%q).data('expanded') === true`, target))))
		expanded := eval[int](ctx, t, `window.cy.nodes().length`)
		var more struct{ Neighborhood subgraph }
		query(t, srv, neighborhoodQuery, map[string]any{"id": target, "depth": 1, "limit": 200}, &more)
		union := map[string]bool{}
		for _, n := range append(want.Neighborhood.Nodes, more.Neighborhood.Nodes...) {
			union[n.ID] = true
		}
		if err != nil || expanded != len(union) || expanded <= drawn {
			t.Errorf("after expanding %s: %d nodes drawn, the union of both neighborhoods has %d (%v)", target, expanded, len(union), err)
		}

		// Downloading GraphML saves what is shown.
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`button[data-format="graphml"]`))); err != nil {
			t.Fatal(err)
		}
		file := waitForDownload(t, downloads, ".graphml")
		screenshot(ctx, t, filepath.Join(out, "explore-expanded.png"))
		got := parseGraphML(t, file)
		validateGraphML(t, file)
		if len(got.nodes) != expanded {
			t.Errorf("the download has %d nodes, the drawing %d", len(got.nodes), expanded)
		}
		blog.check(t, host)
	})
}

// startBrowser starts headless Chromium with a blank tab, downloads
// allowed into a temporary directory, and a log of what its pages do. The
// browser ends with the test.
func startBrowser(t *testing.T) (context.Context, *browserLog, string) {
	t.Helper()
	exe := needTool(t, chromiumPath, "apt-get install -y --no-install-recommends chromium")
	downloads := t.TempDir()

	blog := &browserLog{}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter,AutofillServerCommunication"),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1400, 900),
	)
	t.Cleanup(cancelAlloc)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx, chromedp.WithListener(blog.listen))
	t.Cleanup(cancelBrowser)
	// The first call starts the browser, which lives as long as its
	// context: no timeout on that one.
	if _, err := chromedp.CallBrowser(browserCtx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads,
	}); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	if err := chromedp.Do(browserCtx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	blog.reset()
	return browserCtx, blog, downloads
}

// void makes an action that drops its value.
func void[T any](a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := a(ctx, t)
		return chromedp.Void{}, err
	}
}

// eval evaluates a JavaScript expression in the page, failing the test on
// an error.
func eval[T any](ctx context.Context, t *testing.T, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// waitForDownload waits for a finished file with the extension in dir.
func waitForDownload(t *testing.T, dir, ext string) []byte {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ext) {
				b, err := os.ReadFile(filepath.Join(dir, e.Name()))
				if err == nil && len(b) > 0 {
					return b
				}
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	t.Fatalf("no %s file downloaded into %s (found %v)", ext, dir, names)
	return nil
}

// screenshot saves a PNG of the whole window.
func screenshot(ctx context.Context, t *testing.T, path string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Errorf("screenshot %s: %v", path, err)
		return
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Errorf("screenshot: %v", err)
		return
	}
	t.Logf("screenshot: %s", path)
}

// pageState returns the explorer's state and status line, for failures.
func pageState(ctx context.Context) string {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify({state: window.puente && window.puente.state,
		error: window.puente && window.puente.error, status: document.getElementById('status').textContent})`))
	return s
}
