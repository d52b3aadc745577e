package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/puente-kg/puente/internal/testenv"
)

// TestReadmeExamples runs every query of the README's graphql blocks
// against the server with its default limits: the documented examples
// must answer without an error. Mutations need a token and are left out.
func TestReadmeExamples(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```graphql\n(.*?)```").FindAllStringSubmatch(string(readme), -1)
	if len(blocks) < 5 {
		t.Fatalf("found %d graphql blocks in the README", len(blocks))
	}
	srv := testServer(t, testenv.Memory(t))
	ran := 0
	for _, b := range blocks {
		query := b[1]
		if strings.HasPrefix(strings.TrimSpace(query), "mutation") {
			continue
		}
		ran++
		r := send(t, srv, "POST", "/query", gql(query), nil)
		if code(t, r.body) != "" || r.status != 200 {
			t.Errorf("README example\n%s\nanswers HTTP %d: %.300s", query, r.status, r.body)
		}
	}
	t.Logf("ran %d README examples", ran)
}
