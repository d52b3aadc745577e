package observe_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/puente-kg/puente/internal/testenv"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/observe"
)

// TestTracesReachTheCollector points the OTLP exporter at a collector
// stand-in (an HTTP server receiving OTLP/HTTP), makes store calls, and
// checks that their spans arrive.
func TestTracesReachTheCollector(t *testing.T) {
	var mu sync.Mutex
	var paths []string
	var bodies int
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		paths = append(paths, r.URL.Path)
		if strings.Contains(string(b), "store.Entities") {
			bodies++
		}
		mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	defer collector.Close()
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", collector.URL)
	t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")

	ctx := context.Background()
	tp, shutdown, err := observe.Tracing(ctx)
	if err != nil || tp == nil {
		t.Fatalf("tracing with an endpoint: %v %v", tp, err)
	}
	store := observe.New(tp).Store(testenv.Memory(t))
	if es, err := store.Entities(ctx, []string{"org:xiaomi"}); err != nil || len(es) != 1 {
		t.Fatalf("Entities through the observer: %v %v", es, err)
	}
	if _, err := store.Search(ctx, kg.SearchQuery{Text: "peru", First: 3}); err != nil {
		t.Fatal(err)
	}
	if err := shutdown(ctx); err != nil {
		t.Fatalf("flushing spans: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(paths) == 0 || paths[0] != "/v1/traces" || bodies == 0 {
		t.Errorf("collector saw %v (%d bodies naming store.Entities), want spans posted to /v1/traces", paths, bodies)
	}
}

// TestTracingOff returns no provider without an endpoint.
func TestTracingOff(t *testing.T) {
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "")
	t.Setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "")
	tp, shutdown, err := observe.Tracing(context.Background())
	if tp != nil || err != nil || shutdown(context.Background()) != nil {
		t.Errorf("tracing without an endpoint: %v %v", tp, err)
	}
}
