package graph_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/puente-kg/puente/auth"
	"github.com/puente-kg/puente/graph"
	"github.com/puente-kg/puente/internal/testenv"
	"github.com/puente-kg/puente/kg"
)

const (
	readerToken = "reader-token-0001"
	editorToken = "editor-token-0001"
	adminToken  = "admin-token-00001"
)

// guarded serves the GraphQL endpoint behind the token check, as the
// server does.
func guarded(t *testing.T, store kg.Store, requireReads bool) *httptest.Server {
	t.Helper()
	tokens, err := auth.ParseTokens("reader:" + readerToken + ",editor:" + editorToken + ",admin:" + adminToken)
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := httptest.NewServer(auth.Middleware(tokens, requireReads, graph.NewHandler(store, logger, graph.OptionsFor(store))))
	t.Cleanup(srv.Close)
	return srv
}

type gqlResponse struct {
	Status int
	Data   map[string]json.RawMessage
	Errors []struct {
		Message    string
		Extensions struct{ Code, Field string }
	}
}

func do(t *testing.T, srv *httptest.Server, token, query string, vars map[string]any) gqlResponse {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out gqlResponse
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	out.Status = resp.StatusCode
	return out
}

func (r gqlResponse) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	return r.Errors[0].Extensions.Code
}

const upsertEvent = `mutation($in: EventInput!) {
  upsertEvent(input: $in) {
    id name date category
    participants { role entity { id } }
    place { id }
    updated { updatedBy updatedAt createdBy }
  }
}`

func meeting() map[string]any {
	return map[string]any{
		"id": "event:2021-11-22-li-zhanshu-gonzalez-meeting", "name": "Meeting of Li Zhanshu and Pablo González",
		"category": "MEETING", "date": "2021-11-22", "channel": "VIDEO_CALL",
		"sources": []string{"source:07-li-zhanshu-alva-meeting"},
		"places":  []string{"place:shanghai"},
		"participants": []map[string]any{
			{"entity": "person:li-zhanshu", "role": "HOST"},
			{"entity": "person:pablo-gonzalez", "role": "GUEST", "quote": "via video call on November 10"},
		},
	}
}

// TestMutations runs each mutation through GraphQL on every backend: its
// success, its refusals, and who may call it.
func TestMutations(t *testing.T) {
	for _, b := range testenv.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			srv := guarded(t, b.Open(t), false)

			t.Run("auth", func(t *testing.T) {
				vars := map[string]any{"in": meeting()}
				if r := do(t, srv, "", upsertEvent, vars); r.code() != kg.EUNAUTHENTICATED {
					t.Errorf("no token: %+v, want UNAUTHENTICATED", r)
				}
				if r := do(t, srv, "wrong-token-123", upsertEvent, vars); r.code() != kg.EUNAUTHENTICATED || r.Status != 401 {
					t.Errorf("wrong token: %+v, want 401 UNAUTHENTICATED", r)
				}
				if r := do(t, srv, readerToken, upsertEvent, vars); r.code() != kg.EFORBIDDEN {
					t.Errorf("reader: %+v, want FORBIDDEN", r)
				}
				if r := do(t, srv, editorToken, `mutation { deleteEntity(id: "org:xiaomi") { id } }`, nil); r.code() != kg.EFORBIDDEN {
					t.Errorf("editor deleting: %+v, want FORBIDDEN", r)
				}
				if r := do(t, srv, "", `{ entity(id: "org:xiaomi") { name } }`, nil); len(r.Errors) > 0 {
					t.Errorf("anonymous read: %+v, want it open", r.Errors)
				}
			})

			t.Run("upsertEvent", func(t *testing.T) {
				r := do(t, srv, editorToken, upsertEvent, map[string]any{"in": meeting()})
				if len(r.Errors) > 0 {
					t.Fatalf("errors: %+v", r.Errors)
				}
				got := string(r.Data["upsertEvent"])
				for _, want := range []string{`"role":"GUEST"`, `"id":"place:shanghai"`, `"updatedBy":"editor#`, `"createdBy":"editor#`} {
					if !strings.Contains(got, want) {
						t.Errorf("upsertEvent = %s, want %s", got, want)
					}
				}
				met := do(t, srv, "", `{ whoMet(id: "person:pablo-gonzalez") { entity { id } } }`, nil)
				if !strings.Contains(string(met.Data["whoMet"]), "person:li-zhanshu") {
					t.Errorf("whoMet(Pablo González) = %s, want Li Zhanshu", met.Data["whoMet"])
				}
			})

			t.Run("edit down", func(t *testing.T) {
				// The reproduction: [A HOST, B GUEST], then [A HOST].
				m := meeting()
				m["participants"] = m["participants"].([]map[string]any)[:1]
				m["places"] = []string{}
				r := do(t, srv, editorToken, upsertEvent, map[string]any{"in": m})
				if len(r.Errors) > 0 {
					t.Fatalf("removing a participant and the place: %+v", r.Errors)
				}
				if got := string(r.Data["upsertEvent"]); strings.Contains(got, "pablo-gonzalez") || strings.Contains(got, "place:shanghai") {
					t.Errorf("after the edit: %s", got)
				}
				const relations = `mutation($rels: [RelationInput!]) {
  upsertEntity(input: {id: "person:test-edit", kind: PERSON, name: "Test Edit", sources: ["source:07-li-zhanshu-alva-meeting"], relations: $rels}) {
    id country { id }
  }
}`
				cit := []map[string]any{{"type": "CITIZEN_OF", "to": "country:peru", "sources": []string{"source:07-li-zhanshu-alva-meeting"}}}
				if r := do(t, srv, editorToken, relations, map[string]any{"rels": cit}); len(r.Errors) > 0 {
					t.Fatalf("with a citizenship: %+v", r.Errors)
				}
				r = do(t, srv, editorToken, relations, map[string]any{"rels": []map[string]any{}})
				if len(r.Errors) > 0 || !strings.Contains(string(r.Data["upsertEntity"]), `"country":null`) {
					t.Errorf("relations: [] after a citizenship: %s %+v", r.Data["upsertEntity"], r.Errors)
				}
			})

			t.Run("validation", func(t *testing.T) {
				tests := []struct {
					name  string
					edit  func(m map[string]any)
					field string
				}{
					{"no sources", func(m map[string]any) { m["sources"] = []string{} }, "sources"},
					{"unknown source", func(m map[string]any) { m["sources"] = []string{"source:nope"} }, "sources"},
					{"bad id", func(m map[string]any) { m["id"] = "Meeting 1" }, "id"},
					{"end before start", func(m map[string]any) { m["endDate"] = "2021-11-01" }, "endDate"},
					{"negative amount", func(m map[string]any) { m["amount"] = map[string]any{"amount": -5, "currency": "USD"} }, "amount.amount"},
					{"unknown currency", func(m map[string]any) { m["amount"] = map[string]any{"amount": 5, "currency": "ABC"} }, "amount.currency"},
					{"unknown participant", func(m map[string]any) {
						m["participants"] = []map[string]any{{"entity": "person:nobody", "role": "HOST"}}
					}, "participants[0].entity"},
					{"unknown place", func(m map[string]any) { m["places"] = []string{"place:atlantis"} }, "places[0]"},
				}
				for _, tt := range tests {
					t.Run(tt.name, func(t *testing.T) {
						m := meeting()
						m["id"] = "event:2021-11-23-test"
						tt.edit(m)
						r := do(t, srv, editorToken, upsertEvent, map[string]any{"in": m})
						if r.code() != kg.EINVALID || r.Errors[0].Extensions.Field != tt.field {
							t.Errorf("got %+v, want BAD_USER_INPUT on %s", r.Errors, tt.field)
						}
					})
				}
				if r := do(t, srv, "", `{ entity(id: "event:2021-11-23-test") { id } }`, nil); string(r.Data["entity"]) != "null" {
					t.Errorf("a refused write left %s", r.Data["entity"])
				}
				bad := map[string]any{"in": map[string]any{"id": "event:x", "name": "X", "category": "PARTY", "sources": []string{"source:x"}}}
				if r := do(t, srv, editorToken, upsertEvent, bad); len(r.Errors) == 0 || r.Errors[0].Extensions.Code == "" {
					t.Errorf("unknown enum value: %+v, want an error with a code", r)
				}
			})

			t.Run("upsertEntity and source", func(t *testing.T) {
				r := do(t, srv, editorToken, `mutation {
  upsertSource(input: {id: "source:test-2021-11-24", title: "Test report", url: "https://example.org/r", publishedAt: "2021-11-24"}) { id publishedAt }
}`, nil)
				if len(r.Errors) > 0 {
					t.Fatalf("upsertSource: %+v", r.Errors)
				}
				r = do(t, srv, editorToken, `mutation {
  upsertEntity(input: {id: "org:test-lithium", kind: ORGANIZATION, name: "Test Lithium", orgType: COMPANY,
    sources: ["source:test-2021-11-24"],
    relations: [{type: BASED_IN, to: "country:argentina", sources: ["source:test-2021-11-24"]}]}) {
    id country { id } ... on Organization { orgType }
  }
}`, nil)
				if len(r.Errors) > 0 || !strings.Contains(string(r.Data["upsertEntity"]), `"country:argentina"`) {
					t.Errorf("upsertEntity: %s %+v", r.Data["upsertEntity"], r.Errors)
				}
				r = do(t, srv, editorToken, `mutation { upsertSource(input: {id: "source:x", title: "X", url: "ftp://x"}) { id } }`, nil)
				if r.code() != kg.EINVALID || r.Errors[0].Extensions.Field != "url" {
					t.Errorf("bad URL: %+v", r.Errors)
				}
				r = do(t, srv, editorToken, `mutation { upsertEntity(input: {id: "country:x", kind: COUNTRY, name: "X", countryCode: "QQ", sources: ["source:test-2021-11-24"]}) { id } }`, nil)
				if r.code() != kg.EINVALID || r.Errors[0].Extensions.Field != "countryCode" {
					t.Errorf("bad country code: %+v", r.Errors)
				}
			})

			t.Run("evidence", func(t *testing.T) { testEvidenceMutations(t, srv) })

			t.Run("merge", func(t *testing.T) {
				r := do(t, srv, adminToken, `mutation { mergeEntities(keepId: "person:pablo-gonzalez", mergeIds: ["person:chen-junwei"]) { id aliases } }`, nil)
				if len(r.Errors) > 0 || !strings.Contains(string(r.Data["mergeEntities"]), "Chen Junwei") {
					t.Fatalf("merge: %s %+v", r.Data["mergeEntities"], r.Errors)
				}
				r = do(t, srv, "", `{ entity(id: "person:chen-junwei") { id } }`, nil)
				if string(r.Data["entity"]) != `{"id":"person:pablo-gonzalez"}` {
					t.Errorf("the merged ID resolves to %s, want the kept entity", r.Data["entity"])
				}
			})

			t.Run("delete", func(t *testing.T) {
				r := do(t, srv, adminToken, `mutation { deleteEntity(id: "org:asppor") { id deletedRelations orphanedEvents { id } } }`, nil)
				if len(r.Errors) > 0 {
					t.Fatalf("delete: %+v", r.Errors)
				}
				var res struct {
					DeletedRelations int
					OrphanedEvents   []struct{ ID string }
				}
				json.Unmarshal(r.Data["deleteEntity"], &res)
				if res.DeletedRelations == 0 {
					t.Errorf("delete reported no relations: %s", r.Data["deleteEntity"])
				}
				r = do(t, srv, "", `{ entity(id: "org:asppor") { id } }`, nil)
				if string(r.Data["entity"]) != "null" {
					t.Errorf("deleted entity still resolves: %s", r.Data["entity"])
				}
				if r := do(t, srv, adminToken, `mutation { deleteEntity(id: "org:asppor") { id } }`, nil); r.code() != kg.ENOTFOUND {
					t.Errorf("deleting again: %+v, want NOT_FOUND", r.Errors)
				}
			})
		})
	}
}

// TestRequireAuthForReads closes reads to requests without a token.
func TestRequireAuthForReads(t *testing.T) {
	srv := guarded(t, testenv.Memory(t), true)
	if r := do(t, srv, "", `{ entity(id: "org:xiaomi") { name } }`, nil); r.Status != 401 || r.code() != kg.EUNAUTHENTICATED {
		t.Errorf("anonymous read: %+v, want 401 UNAUTHENTICATED", r)
	}
	if r := do(t, srv, readerToken, `{ entity(id: "org:xiaomi") { name } }`, nil); len(r.Errors) > 0 {
		t.Errorf("reader: %+v", r.Errors)
	}
}

// testEvidenceMutations writes facts of each basis through GraphQL, reads
// their evidence back, and checks the refusals: a STATED fact without a
// source, a quote not in its source's text, an inferred fact resting on
// one that is not stated, a background fact without a note, a discrepancy
// the source does not say.
func testEvidenceMutations(t *testing.T, srv *httptest.Server) {
	const src = "source:07-li-zhanshu-alva-meeting"
	li := "PARTICIPATED_IN:person:li-zhanshu>event:2021-11-25-test-call:PARTICIPANT"
	position := "HOLDS_POSITION:person:li-zhanshu>org:npc-standing-committee"
	call := func() map[string]any {
		return map[string]any{
			"id": "event:2021-11-25-test-call", "name": "Test call", "category": "MEETING", "sources": []string{src},
			"discrepancies": []map[string]any{{"source": src, "about": "channel", "says": "via video call", "known": "It was a phone call."}},
			"participants": []map[string]any{
				{"entity": "person:li-zhanshu", "role": "PARTICIPANT", "quote": "Li Zhanshu, chairperson of the Standing Committee"},
				{"entity": "org:npc-standing-committee", "role": "PARTICIPANT", "basis": "INFERRED",
					"rule": "OFFICE_HOLDER_REPRESENTS", "restsOn": []string{li, position}},
				{"entity": "org:apec", "role": "ATTENDEE", "basis": "BACKGROUND", "note": "A test of background knowledge."},
			},
		}
	}
	const read = `{ entity(id: "event:2021-11-25-test-call") {
  discrepancies { source { id } about says known }
  ... on Event { participants { role basis rule note quote sources { id } restsOn { id basis } entity { id } } }
} }`
	r := do(t, srv, editorToken, upsertEvent, map[string]any{"in": call()})
	if len(r.Errors) > 0 {
		t.Fatalf("a call with a fact of each basis: %+v", r.Errors)
	}
	got := strings.ReplaceAll(string(do(t, srv, "", read, nil).Data["entity"]), `\u003e`, ">")
	for _, want := range []string{
		`"basis":"INFERRED","rule":"OFFICE_HOLDER_REPRESENTS","note":null,"quote":null,"sources":[],"restsOn":[{"id":"` + li + `","basis":"STATED"},{"id":"` + position + `","basis":"STATED"}]`,
		`"basis":"BACKGROUND","rule":null,"note":"A test of background knowledge.","quote":null,"sources":[],"restsOn":[]`,
		`"basis":"STATED","rule":null,"note":null,"quote":"Li Zhanshu, chairperson of the Standing Committee","sources":[{"id":"` + src + `"}]`,
		`"discrepancies":[{"source":{"id":"` + src + `"},"about":"channel","says":"via video call","known":"It was a phone call."}]`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the call reads back as %s, want %s", got, want)
		}
	}
	tests := []struct {
		name  string
		edit  func(m map[string]any)
		field string
	}{
		{"a quote that is not the source's", func(m map[string]any) {
			m["participants"].([]map[string]any)[0]["quote"] = "Li met Alva."
		}, "participants[0].quote"},
		{"a quote that the event's sources do not hold", func(m map[string]any) {
			m["participants"].([]map[string]any)[2] = map[string]any{"entity": "org:apec", "role": "ATTENDEE", "quote": "APEC attended."}
		}, "participants[2].quote"},
		{"inferred from an inferred fact", func(m map[string]any) {
			m["participants"].([]map[string]any)[1]["restsOn"] = []string{"PARTICIPATED_IN:org:apec>event:2021-11-25-test-call:ATTENDEE"}
		}, "participants[1].restsOn"},
		{"inferred from nothing known", func(m map[string]any) {
			m["participants"].([]map[string]any)[1]["restsOn"] = []string{"BASED_IN:org:xiaomi>country:peru"}
		}, "participants[1].restsOn"},
		{"inferred with a source", func(m map[string]any) {
			m["participants"].([]map[string]any)[1]["sources"] = []string{src}
		}, "participants[1].sources"},
		{"background without a note", func(m map[string]any) {
			delete(m["participants"].([]map[string]any)[2], "note")
		}, "participants[2].note"},
		{"a discrepancy the source does not say", func(m map[string]any) {
			m["discrepancies"].([]map[string]any)[0]["says"] = "by phone"
		}, "discrepancies[0].says"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := call()
			tt.edit(m)
			r := do(t, srv, editorToken, upsertEvent, map[string]any{"in": m})
			if r.code() != kg.EINVALID || r.Errors[0].Extensions.Field != tt.field {
				t.Errorf("got %+v, want BAD_USER_INPUT on %s", r.Errors, tt.field)
			}
		})
	}
	const entity = `mutation($rels: [RelationInput!]) {
  upsertEntity(input: {id: "person:test-evidence", kind: PERSON, name: "Test Evidence", sources: ["` + src + `"], relations: $rels}) { id }
}`
	for _, tt := range []struct {
		rel   map[string]any
		field string
	}{
		{map[string]any{"type": "CITIZEN_OF", "to": "country:peru"}, "relations[0].sources"},
		{map[string]any{"type": "CITIZEN_OF", "to": "country:peru", "sources": []string{src}, "quote": "a citizen of Peru"}, "relations[0].quote"},
		{map[string]any{"type": "CITIZEN_OF", "to": "country:peru", "basis": "BACKGROUND"}, "relations[0].note"},
		{map[string]any{"type": "CITIZEN_OF", "to": "country:peru", "basis": "INFERRED", "restsOn": []string{li}}, "relations[0].rule"},
	} {
		r := do(t, srv, editorToken, entity, map[string]any{"rels": []map[string]any{tt.rel}})
		if r.code() != kg.EINVALID || r.Errors[0].Extensions.Field != tt.field {
			t.Errorf("relation %v: %+v, want BAD_USER_INPUT on %s", tt.rel, r.Errors, tt.field)
		}
	}
	bg := map[string]any{"type": "CITIZEN_OF", "to": "country:peru", "basis": "BACKGROUND", "note": "Known from elsewhere."}
	if r := do(t, srv, editorToken, entity, map[string]any{"rels": []map[string]any{bg}}); len(r.Errors) > 0 {
		t.Errorf("a background citizenship without a source: %+v", r.Errors)
	}
}
