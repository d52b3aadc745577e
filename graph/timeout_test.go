package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/puente-kg/puente/graph"
	"github.com/puente-kg/puente/internal/testenv"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/middleware"
)

// stalled is the embedded store whose search waits for the request's
// deadline, then fails with fail's error, as a database driver does.
type stalled struct {
	kg.Store
	fail func(ctx context.Context) error
}

func (s stalled) Search(ctx context.Context, q kg.SearchQuery) ([]kg.SearchHit, error) {
	<-ctx.Done()
	return nil, s.fail(ctx)
}

// TestDeadline checks that a request whose deadline passes is answered
// with a TIMEOUT error, never a bare null: with no data when the operation
// never ran, on the fields still resolving when it did, and without the
// driver's text.
func TestDeadline(t *testing.T) {
	const search = `{ search(query: "peru") { score } }`
	tests := []struct {
		name    string
		timeout time.Duration
		fail    func(ctx context.Context) error
		// ran says whether the operation ran: the answer then has a data
		// member.
		ran bool
	}{
		{name: "passed before parsing", timeout: time.Nanosecond},
		{
			name: "driver error wrapping the deadline", timeout: 50 * time.Millisecond, ran: true,
			fail: func(ctx context.Context) error {
				return fmt.Errorf("neo4j: read from bolt://10.0.0.7:7687: %w", ctx.Err())
			},
		},
		{
			name: "store unavailable after the deadline", timeout: 50 * time.Millisecond, ran: true,
			fail: func(ctx context.Context) error {
				return kg.Errorf(kg.EUNAVAILABLE, "the database is unavailable")
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var store kg.Store = testenv.Memory(t)
			if tt.fail != nil {
				store = stalled{store, tt.fail}
			}
			srv := serverWith(t, store, graph.Options{}, middleware.Timeout(tt.timeout))
			status, body := post(t, srv.URL, search, nil)
			if bytes.Equal(bytes.TrimSpace(body), []byte("null")) {
				t.Fatalf("HTTP %d: a bare null", status)
			}
			a := checkAnswer(t, status, body)
			if status != http.StatusOK {
				t.Errorf("HTTP %d, want 200", status)
			}
			if len(a.Errors) == 0 {
				t.Fatalf("no error: %s", body)
			}
			for _, e := range a.Errors {
				if e.code() != kg.ETIMEOUT {
					t.Errorf("code %s, want %s: %s", e.code(), kg.ETIMEOUT, e.Raw)
				}
			}
			if bytes.Contains(body, []byte("bolt")) || bytes.Contains(body, []byte("unavailable")) {
				t.Errorf("the answer carries the store's text: %s", body)
			}
			var members map[string]json.RawMessage
			json.Unmarshal(body, &members)
			if _, ok := members["data"]; ok != tt.ran {
				t.Errorf("data member present: %v, want %v: %s", ok, tt.ran, body)
			}
		})
	}
}
