package neo4jstore

import (
	"cmp"
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// TestChangeLogPlans checks that reading and pruning the change log follow
// the seq index in its order and stop at their limit, rather than sort
// every entry after the cursor: a client that resumes near the end of a
// long log must not make the database read all of it. (It asks the test
// server of internal/testenv, which this package's own tests cannot import.)
func TestChangeLogPlans(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s := openPlanStore(ctx, t)
	params := map[string]any{"after": 0, "ids": []string{}, "kinds": []string{}, "categories": []string{}, "first": 10,
		"keep": 5, "sec": 1, "nsec": 0, "batch": 10}
	for name, cypher := range map[string]string{"changes": cypherChanges, "prune": cypherPruneChanges} {
		ops := planOperators(ctx, t, s, cypher, params)
		seek, sorted := false, false
		for _, op := range ops {
			seek = seek || op == "NodeUniqueIndexSeekByRange"
			sorted = sorted || strings.Contains(op, "Sort") || op == "Top"
		}
		if !seek || sorted {
			t.Errorf("%s: plan %v, want a range seek of the seq index and no sort", name, ops)
		}
	}
}

// TestPutRelationsPlans checks that writing a relation expands between its
// two ends rather than scanning every relationship for each row, which
// made a bulk import quadratic in the size of the database.
func TestPutRelationsPlans(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s := openPlanStore(ctx, t)
	rows := []any{map[string]any{"from": "a", "to": "b", "props": map[string]any{"id": "c"}}}
	for typ, cypher := range cypherPutRelations {
		ops := planOperators(ctx, t, s, cypher, map[string]any{"rows": rows})
		into, scan := false, false
		for _, op := range ops {
			into = into || op == "Expand(Into)"
			scan = scan || strings.Contains(op, "RelationshipsScan") || strings.Contains(op, "RelationshipTypeScan")
		}
		if !into || scan {
			t.Errorf("%s: plan %v, want an expansion between the two ends and no scan of relationships", typ, ops)
		}
	}
}

// TestNoDynamicRelationshipTypes checks that no statement merges or
// matches a relationship of a type given as a parameter: Neo4j 5.26 may
// plan such a pattern as a scan of every relationship per row, depending
// on the statistics of the moment (it did in a bulk import at 1M
// entities), where a static type lets it expand between the two ends.
func TestNoDynamicRelationshipTypes(t *testing.T) {
	statements := []string{}
	for _, c := range cypherPutRelations {
		statements = append(statements, c)
	}
	for _, c := range cypherPaths {
		statements = append(statements, c)
	}
	for i, c := range statements {
		if strings.Contains(c, "]->") && strings.Contains(c, ":$(") {
			t.Errorf("statement %d has a relationship of a dynamic type:\n%s", i, c)
		}
	}
	if len(cypherPutRelations) == 0 {
		t.Fatal("no statements to check")
	}
}

// openPlanStore opens the test server of internal/testenv (which this
// package's own tests cannot import) and migrates it, or fails the test.
func openPlanStore(ctx context.Context, t *testing.T) *Store {
	t.Helper()
	uri := os.Getenv("NEO4J_TEST_URI")
	if uri == "" {
		uri = "bolt://127.0.0.1:" + cmp.Or(os.Getenv("NEO4J_BOLT_PORT"), "7687")
	}
	s, err := Open(ctx, Config{URI: uri, Username: os.Getenv("NEO4J_USERNAME"), Password: os.Getenv("NEO4J_PASSWORD")})
	if err != nil {
		t.Fatalf("Neo4j is not reachable at %s: %v (start it with scripts/neo4j-local start)", uri, err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

// planOperators returns the operators of the statement's plan (EXPLAIN),
// depth first.
func planOperators(ctx context.Context, t *testing.T, s *Store, cypher string, params map[string]any) []string {
	t.Helper()
	res, err := neo4j.ExecuteQuery(ctx, s.driver, "EXPLAIN "+cypher, params, neo4j.EagerResultTransformer)
	if err != nil {
		t.Fatal(err)
	}
	var ops []string
	var walk func(p neo4j.Plan)
	walk = func(p neo4j.Plan) {
		ops = append(ops, strings.Split(p.Operator(), "@")[0])
		for _, c := range p.Children() {
			walk(c)
		}
	}
	walk(res.Summary.Plan())
	return ops
}

// TestRelationsByIDPlans checks that finding relations by ID expands from
// the end with fewer relations between the two ends it names, rather than
// every relation of one end (often a hub) for each row.
func TestRelationsByIDPlans(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s := openPlanStore(ctx, t)
	rows := []any{map[string]any{"id": "c", "from": "a", "to": "b"}}
	for name, c := range map[string]struct {
		cypher string
		params map[string]any
	}{
		"relations by ID": {cypherRelationsByID, map[string]any{"rows": rows}},
		"lookup":          {cypherLookup, map[string]any{"ids": []string{"a"}, "rels": rows}},
	} {
		ops := planOperators(ctx, t, s, c.cypher, c.params)
		if !slices.Contains(ops, "Expand(Into)") || slices.Contains(ops, "Expand(All)") {
			t.Errorf("%s: plan %v, want an expansion between the two ends only", name, ops)
		}
	}
}
