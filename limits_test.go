package main

import (
	"encoding/json"
	"testing"

	"github.com/puente-kg/puente/internal/testenv"
	"github.com/puente-kg/puente/kg"
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
		// noData says the body must have no data member: the operation
		// never ran.
		noData bool
	}{
		{name: "deadline passed", flags: []string{"-query-timeout", "1ns"}, body: entity, code: kg.ETIMEOUT, noData: true},
		{name: "response over the cap", flags: []string{"-max-response-bytes", "1000"}, body: gql(`{ __schema { types { name } } }`), code: "RESPONSE_TOO_LARGE"},
		{name: "response under the cap", flags: []string{"-max-response-bytes", "1000"}, body: entity},
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
			var members map[string]json.RawMessage
			json.Unmarshal([]byte(r.body), &members)
			if _, ok := members["data"]; ok && tt.noData {
				t.Errorf("a data member, want none: %.300s", r.body)
			}
			if tt.code != "" && len(r.body) > 1000 {
				t.Errorf("a %d-byte refusal", len(r.body))
			}
		})
	}
}
