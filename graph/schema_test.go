package graph_test

import (
	"bytes"
	"os"
	"slices"
	"testing"

	"github.com/puente-kg/puente/graph"
	"github.com/puente-kg/puente/kg"
)

// TestSchemaGolden keeps the public contract in review: the whole SDL, as
// the server sees it and serves it at /schema.graphql, is checked in as
// testdata/schema.graphql.
func TestSchemaGolden(t *testing.T) {
	buf := bytes.NewBuffer(graph.SchemaSDL())
	const golden = "testdata/schema.graphql"
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./graph -update)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		os.WriteFile(golden+".got", buf.Bytes(), 0o644)
		t.Errorf("the schema differs from %s: if the change is meant, run go test ./graph -update and commit it", golden)
	}
}

// TestEvidenceEnums keeps the schema's bases and inference rules the ones
// the domain validates, in the same order.
func TestEvidenceEnums(t *testing.T) {
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	values := func(name string) []string {
		var out []string
		for _, v := range schema.Types[name].EnumValues {
			out = append(out, v.Name)
		}
		return out
	}
	var bases, rules []string
	for _, b := range kg.Bases {
		bases = append(bases, string(b))
	}
	for _, r := range kg.Rules {
		rules = append(rules, string(r))
	}
	if got := values("Basis"); !slices.Equal(got, bases) {
		t.Errorf("enum Basis %v, kg.Bases %v", got, bases)
	}
	if got := values("InferenceRule"); !slices.Equal(got, rules) {
		t.Errorf("enum InferenceRule %v, kg.Rules %v", got, rules)
	}
}
