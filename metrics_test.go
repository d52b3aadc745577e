package main

import (
	"bufio"
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/puente-kg/puente/internal/testenv"
	"github.com/puente-kg/puente/observe"
)

// TestMetricsAndLogsAreBounded sends 3,000 operations of distinct 10 kB
// names: /metrics must stay under 1 MB, labelling them "other", and each
// access log line under 1 kB. The shipped examples' operations and the
// configured ones keep their names.
func TestMetricsAndLogsAreBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("3,000 requests: skipped in -short mode")
	}
	cfg, _, err := parseConfig([]string{"-metrics-operations", "Dashboard, Nightly"})
	if err != nil {
		t.Fatal(err)
	}
	var logs lockedBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	srv := httptest.NewServer(routes(cfg, testenv.Memory(t), logger, observe.New(nil)))
	defer srv.Close()

	metrics := func() string { return send(t, srv, "GET", "/metrics", "", nil).body }
	const n, nameSize = 3000, 10 << 10
	for i := range n {
		name := fmt.Sprintf("Q%d_%s", i, strings.Repeat("x", nameSize))
		r := send(t, srv, "POST", "/query", gql("query "+name+" { __typename }"), nil)
		if r.status != http.StatusOK {
			t.Fatalf("HTTP %d: %.200s", r.status, r.body)
		}
		if i+1 == 100 || i+1 == n {
			if m := metrics(); len(m) > 1<<20 {
				t.Fatalf("/metrics is %d bytes after %d operations, want under 1 MB", len(m), i+1)
			} else {
				t.Logf("/metrics is %d bytes after %d operations of %d-byte names", len(m), i+1, len(name))
			}
		}
	}
	for _, name := range []string{"WhoMetLiZhanshu", "XiaomiNeighborhood", "Search", "Dashboard", "Nightly"} {
		send(t, srv, "POST", "/query", gql("query "+name+" { __typename }"), nil)
	}
	send(t, srv, "POST", "/query", gql("{ __typename }"), nil)
	m := metrics()
	for _, want := range []string{
		fmt.Sprintf(`puente_graphql_operations_total{operation="other",outcome="ok"} %d`, n),
		`puente_graphql_operations_total{operation="WhoMetLiZhanshu",outcome="ok"} 1`,
		`puente_graphql_operations_total{operation="XiaomiNeighborhood",outcome="ok"} 1`,
		`puente_graphql_operations_total{operation="Search",outcome="ok"} 1`,
		`puente_graphql_operations_total{operation="Dashboard",outcome="ok"} 1`,
		`puente_graphql_operations_total{operation="Nightly",outcome="ok"} 1`,
		`puente_graphql_operations_total{operation="anonymous",outcome="ok"} 1`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	lines, longest := 0, 0
	sc := bufio.NewScanner(strings.NewReader(logs.String()))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		lines++
		longest = max(longest, len(sc.Bytes()))
		if len(sc.Bytes()) >= 1<<10 {
			t.Fatalf("a %d-byte log line: %.300s…", len(sc.Bytes()), sc.Bytes())
		}
	}
	t.Logf("%d log lines, the longest %d bytes", lines, longest)
	if lines < n {
		t.Errorf("%d log lines, want one per request", lines)
	}
}

// lockedBuffer is a bytes.Buffer safe for concurrent writes.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestOperationLabelsCoverShippedPages checks that metrics label by name
// every operation the server's own pages send: GraphiQL's example tabs and
// the explorer's queries.
func TestOperationLabelsCoverShippedPages(t *testing.T) {
	labels := operationLabels(nil)
	js, err := os.ReadFile("web/static/explore.js")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"WhoMetLiZhanshu", "WhereXiaomiInvested", "HowLiZhanshuConnectsToCongressOfPeru", "ArgentinaTimeline", "XiaomiNeighborhood"}
	for _, m := range regexp.MustCompile(`(?:query|mutation) ([A-Za-z_][A-Za-z0-9_]*)`).FindAllStringSubmatch(string(js), -1) {
		want = append(want, m[1])
	}
	for _, w := range want {
		if !slices.Contains(labels, w) {
			t.Errorf("operation %s is labelled other; labels are %v", w, labels)
		}
	}
}
