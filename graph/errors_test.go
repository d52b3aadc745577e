package graph_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/puente-kg/puente/graph"
	"github.com/puente-kg/puente/internal/testenv"
	"github.com/puente-kg/puente/kg"
)

// failing is a real embedded store whose link lookups (Links, and Expand
// with them) fail the way a database driver does, with details no client should see.
type failing struct{ kg.Store }

func (failing) Links(ctx context.Context, ids []string, q kg.LinkQuery, p kg.PageRequest) ([]kg.LinkPage, error) {
	return nil, fmt.Errorf("links: %w", fmt.Errorf("Neo4jError: Neo.DatabaseError.General.UnknownError (secret detail at bolt://10.0.0.7)"))
}

// Expand fails like Links: it reads the lists under an entity.
func (f failing) Expand(ctx context.Context, id string, x *kg.Expansion) (*kg.Tree, error) {
	_, err := f.Links(ctx, nil, kg.LinkQuery{}, kg.PageRequest{})
	return nil, err
}

// TestInternalErrorsAreHidden shows a failure in the store to the client
// as "internal error" with code INTERNAL, and logs it in full.
func TestInternalErrorsAreHidden(t *testing.T) {
	var log bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&log, nil))
	srv := httptest.NewServer(graph.NewHandler(failing{testenv.Memory(t)}, logger, graph.Options{}))
	defer srv.Close()
	status, body := post(t, srv.URL, `{ ok: entity(id: "org:xiaomi") { name } failed: entity(id: "org:xiaomi") { related { id } } }`, nil)
	if status != 200 {
		t.Errorf("HTTP %d, want 200 with a GraphQL error", status)
	}
	if strings.Contains(string(body), "secret") || strings.Contains(string(body), "Neo4jError") {
		t.Errorf("the response leaks the driver's message: %s", body)
	}
	if !strings.Contains(string(body), `"code":"INTERNAL"`) || !strings.Contains(string(body), `"message":"internal error"`) {
		t.Errorf("response %s, want an internal error with code INTERNAL", body)
	}
	if !strings.Contains(string(body), `"name":"Xiaomi"`) {
		t.Errorf("response %s, want the field that did resolve", body)
	}
	if !strings.Contains(log.String(), "secret detail") {
		t.Errorf("the log lacks the full error: %s", log.String())
	}
}
