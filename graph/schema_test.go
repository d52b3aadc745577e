package graph_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/puente-kg/puente/graph"
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
