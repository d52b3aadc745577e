package graph

import (
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// gqlparserLoad parses and validates a query against the schema.
func gqlparserLoad(schema *ast.Schema, query string) (*ast.QueryDocument, error) {
	doc, errs := gqlparser.LoadQueryWithRules(schema, query, nil)
	if errs != nil {
		return nil, errs
	}
	return doc, nil
}

// TestEveryListIsPriced walks the schema: every field that returns a list
// or a connection must have a price in the cost model (a first or limit
// argument, or an entry in boundedLists), so that no list escapes
// MAX_QUERY_COMPLEXITY.
func TestEveryListIsPriced(t *testing.T) {
	schema := NewExecutableSchema(Config{Resolvers: &Resolver{}}).Schema()
	lists := 0
	for name, def := range schema.Types {
		if strings.HasPrefix(name, "__") || def.Kind != ast.Object && def.Kind != ast.Interface {
			continue // introspection is priced apart; inputs return nothing
		}
		for _, f := range def.Fields {
			if f.Type.Elem == nil && !strings.HasSuffix(f.Type.Name(), "Connection") {
				continue
			}
			lists++
			if _, ok := itemsOf(name, f, map[string]any{}); !ok {
				t.Errorf("%s.%s returns a list without a price: give it a first argument or an entry in boundedLists", name, f.Name)
			}
		}
	}
	if lists < 40 {
		t.Errorf("found %d list fields; the walk missed the schema", lists)
	}
	t.Logf("%d list fields, each priced", lists)
}

// TestListPrices checks the price of a few fields against what they can
// return.
func TestListPrices(t *testing.T) {
	schema := NewExecutableSchema(Config{Resolvers: &Resolver{}}).Schema()
	tests := []struct {
		typ, field string
		args       map[string]any
		want       int
	}{
		{"Person", "related", map[string]any{"first": 7}, 7},
		{"Person", "aliases", nil, 100},
		{"Query", "paths", map[string]any{"limit": 5, "maxLength": 4}, 20},
		{"Query", "neighborhood", map[string]any{"limit": 200}, 200},
		{"EntityConnection", "edges", nil, 1},
		{"Organization", "membersConnection", map[string]any{"first": 30}, 30},
		{"Person", "name", nil, 1},
	}
	for _, tt := range tests {
		f := schema.Types[tt.typ].Fields.ForName(tt.field)
		if got, ok := itemsOf(tt.typ, f, tt.args); !ok || got != tt.want {
			t.Errorf("%s.%s: %d items (priced %v), want %d", tt.typ, tt.field, got, ok, tt.want)
		}
	}
}

// TestPricedByVariables checks which operations have a cost that depends
// on their variables, and so must not be remembered.
func TestPricedByVariables(t *testing.T) {
	schema := NewExecutableSchema(Config{Resolvers: &Resolver{}}).Schema()
	tests := []struct {
		query string
		want  bool
	}{
		{`query($id: ID!) { entity(id: $id) { name ... on Person { participations(first: 10) { role } } } }`, false},
		{`query($n: Int) { entities(first: $n) { edges { node { id } } } }`, true},
		{`query($id: ID!, $l: Int) { neighborhood(id: $id, limit: $l) { truncated } }`, true},
		{`query($a: ID!, $b: ID!, $m: Int) { paths(from: $a, to: $b, maxLength: $m) { length } }`, true},
		{`query($n: Int) { ...F } fragment F on Query { search(query: "x", first: $n) { score } }`, true},
		{`query($id: ID!, $n: Int) { entity(id: $id) { ... on Person { related(first: $n) { id } } } }`, true},
		{`query($id: ID!) { ...F ...F } fragment F on Query { entity(id: $id) { id } }`, false},
	}
	for _, tt := range tests {
		doc, errs := gqlparserLoad(schema, tt.query)
		if errs != nil {
			t.Fatalf("%s: %v", tt.query, errs)
		}
		if got := pricedByVariables(doc.Operations[0].SelectionSet, map[string]bool{}); got != tt.want {
			t.Errorf("%s: pricedByVariables = %v, want %v", tt.query, got, tt.want)
		}
	}
}
