package neo4jstore_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

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

// removeBasis makes a relationship look as if it was written before bases
// existed.
const removeBasis = `MATCH (:Entity {id: $from})-[r {id: $id}]->(:Entity {id: $to}) REMOVE r.basis RETURN count(r) AS n`

// TestRelationWithoutBasis reads a relationship of an older database,
// which has no basis, as STATED: in what it returns and in what the
// stated-only reads follow.
func TestRelationWithoutBasis(t *testing.T) {
	if os.Getenv("PUENTE_SKIP_NEO4J") != "" {
		t.Skip("PUENTE_SKIP_NEO4J is set")
	}
	s := testenv.Neo4j(t)
	ctx := context.Background()
	driver, err := neo4j.NewDriverWithContext(testenv.Neo4jURI(), neo4j.NoAuth())
	if user, pass := os.Getenv("NEO4J_USERNAME"), os.Getenv("NEO4J_PASSWORD"); pass != "" {
		driver, err = neo4j.NewDriverWithContext(testenv.Neo4jURI(), neo4j.BasicAuth(user, pass, ""))
	}
	if err != nil {
		t.Fatal(err)
	}
	defer driver.Close(ctx)
	const li, call = "person:li-zhanshu", "event:2021-11-10-li-zhanshu-alva-video-call"
	id := kg.RelationID(kg.RelParticipatedIn, li, call, "PARTICIPANT")
	res, err := neo4j.ExecuteQuery(ctx, driver, removeBasis, map[string]any{"from": li, "to": call, "id": id}, neo4j.EagerResultTransformer)
	if err != nil || len(res.Records) != 1 || res.Records[0].Values[0].(int64) != 1 {
		t.Fatalf("remove the basis of %s: %v", id, err)
	}
	rels, err := s.Relations(ctx, []string{li}, 100, kg.BasisStated)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rels {
		if r.ID == id {
			found = r.Basis == kg.BasisStated
		}
	}
	if !found {
		t.Errorf("stated relations of Li Zhanshu: %v, want %s, STATED", rels, id)
	}
	byID, err := s.RelationsByID(ctx, []string{id})
	if err != nil || len(byID) != 1 || byID[0].Basis != kg.BasisStated {
		t.Errorf("RelationsByID(%s) = %v, %v; want it STATED", id, byID, err)
	}
	met, err := s.WhoMet(ctx, kg.WhoMetQuery{ID: li, StatedOnly: true}, kg.PageRequest{First: 10})
	if err != nil || !slices.ContainsFunc(met.Contacts, func(c kg.Contact) bool { return c.EntityID == "person:maria-del-carmen-alva" }) {
		t.Errorf("whoMet(Li, stated only) = %+v, %v; want Alva among them", met, err)
	}
}
