package main

import (
	"testing"

	"github.com/puente-kg/puente/internal/testenv"
)

// TestLimitFlags checks that limits of the GraphQL endpoint are wired to
// their flags, and that each answers with a code.
func TestLimitFlags(t *testing.T) {
	entity := gql(`{ entity(id: "org:xiaomi") { id name kind } }`)
	tests := []struct {
		name  string
		flags []string
		body  string
		code  string
	}{
		{name: "fields over the budget", flags: []string{"-max-query-fields", "2"}, body: entity, code: "QUERY_TOO_COMPLEX"},
		{name: "fields within the budget", flags: []string{"-max-query-fields", "4"}, body: entity},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := testServer(t, testenv.Memory(t), tt.flags...)
			r := send(t, srv, "POST", "/query", tt.body, nil)
			if got := code(t, r.body); got != tt.code {
				t.Errorf("code %q, want %q: %.300s", got, tt.code, r.body)
			}
			if tt.code != "" && len(r.body) > 1000 {
				t.Errorf("a %d-byte refusal", len(r.body))
			}
		})
	}
}
