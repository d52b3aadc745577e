package neo4jstore_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/puente-kg/puente/internal/testenv"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/neo4jstore"
)

// TestRoutingURI reads through a neo4j:// (routing) URI as well as bolt://.
func TestRoutingURI(t *testing.T) {
	if os.Getenv("PUENTE_SKIP_NEO4J") != "" {
		t.Skip("PUENTE_SKIP_NEO4J is set")
	}
	testenv.Neo4j(t) // seeds the server and holds the lock
	ctx := context.Background()
	uri := strings.Replace(testenv.Neo4jURI(), "bolt://", "neo4j://", 1)
	s, err := neo4jstore.Open(ctx, neo4jstore.Config{
		URI: uri, Username: os.Getenv("NEO4J_USERNAME"), Password: os.Getenv("NEO4J_PASSWORD"),
	})
	if err != nil {
		t.Fatalf("open %s: %v", uri, err)
	}
	defer s.Close(ctx)
	es, err := s.Entities(ctx, []string{"person:li-zhanshu"})
	if err != nil || len(es) != 1 || es[0].Name != "Li Zhanshu" {
		t.Fatalf("Entities over %s = %v, %v", uri, es, err)
	}
	if err := s.Ready(ctx); err != nil {
		t.Errorf("Ready after migrations: %v", err)
	}
}

// TestUnreachable gives the code UNAVAILABLE, with the driver's message
// kept for the log but not in the client-safe text.
func TestUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: "bolt://127.0.0.1:1"})
	if err == nil {
		t.Fatal("opened a store on a closed port")
	}
	if code := kg.ErrorCode(err); code != kg.EUNAVAILABLE {
		t.Errorf("code %q (%v), want %s", code, err, kg.EUNAVAILABLE)
	}
	if msg := kg.ErrorMessage(err); strings.Contains(msg, "127.0.0.1") || strings.Contains(msg, "connect") {
		t.Errorf("client-safe message %q leaks driver details", msg)
	}
}
