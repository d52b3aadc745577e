package graph_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/puente-kg/puente/graph"
)

// batchAnswer is one answer of a batch.
type batchAnswer struct {
	Data   map[string]json.RawMessage `json:"data"`
	Errors []struct {
		Message    string
		Extensions struct{ Code string }
	} `json:"errors"`
	raw json.RawMessage
}

func (a batchAnswer) code() string {
	if len(a.Errors) == 0 {
		return ""
	}
	return a.Errors[0].Extensions.Code
}

// sendBatch posts the requests as one batch and returns the answers.
func sendBatch(t *testing.T, r reply) []batchAnswer {
	t.Helper()
	var raws []json.RawMessage
	if err := json.Unmarshal(r.Body, &raws); err != nil {
		t.Fatalf("HTTP %d: not a JSON array: %.300s", r.Status, r.Body)
	}
	out := make([]batchAnswer, len(raws))
	for i, raw := range raws {
		if err := json.Unmarshal(raw, &out[i]); err != nil {
			t.Fatalf("answer %d: %v: %s", i, err, raw)
		}
		out[i].raw = raw
	}
	return out
}

// TestBatch checks batches: every operation answered in order, each with
// its own errors; a mutation between queries runs after the queries
// before it and before those after it; the cost limit holds for the batch
// as a whole, and so does the answer's size.
func TestBatch(t *testing.T) {
	srv := transportServer(t, graph.Options{MaxComplexity: 500}, time.Minute)
	const name = `query Name { entity(id: "org:xiaomi") { name } }`
	rename := func(n string) map[string]any {
		return map[string]any{
			"query": `mutation($in: EntityInput!) { upsertEntity(input: $in) { name } }`,
			"variables": map[string]any{"in": map[string]any{
				"id": "org:xiaomi", "kind": "ORGANIZATION", "name": n, "sources": []string{"source:03-xiaomi-costa-rica-store"},
			}},
		}
	}
	for _, media := range []string{mediaJSON, mediaGQL} {
		r := exchange{accept: media, token: editorToken, body: jsonBody([]any{
			map[string]any{"query": name},
			map[string]any{"query": `{ nope }`},
			rename("Xiaomi (" + media + ")"),
			map[string]any{"query": name},
			"not an object",
			map[string]any{"query": `{ entity(id: "bad id") { id } }`},
		})}.send(t, srv)
		if r.Status != 200 || r.Header.Get("Content-Type") != media {
			t.Fatalf("%s: HTTP %d %s: %.300s", media, r.Status, r.Header.Get("Content-Type"), r.Body)
		}
		got := sendBatch(t, r)
		if len(got) != 6 {
			t.Fatalf("%d answers, want 6: %s", len(got), r.Body)
		}
		if got[0].code() != "" || got[3].code() != "" || got[2].code() != "" {
			t.Fatalf("errors: %s", r.Body)
		}
		var before, after struct{ Name string }
		json.Unmarshal(got[0].Data["entity"], &before)
		json.Unmarshal(got[3].Data["entity"], &after)
		if before.Name == after.Name || after.Name != "Xiaomi ("+media+")" {
			t.Errorf("names %q then %q: the mutation did not run between the queries", before.Name, after.Name)
		}
		for i, want := range map[int]string{1: "GRAPHQL_VALIDATION_FAILED", 4: "BAD_REQUEST", 5: "BAD_USER_INPUT"} {
			if got[i].code() != want {
				t.Errorf("answer %d: %s, want code %s", i, got[i].raw, want)
			}
		}
		if _, has := got[1].Data["x"]; has || strings.Contains(string(got[1].raw), `"data"`) {
			t.Errorf("a request error with a data member: %s", got[1].raw)
		}
	}

	// Each costs 211, under the limit of 500; three cost 633.
	costly := map[string]any{"query": `{ entities(first: 70) { edges { node { id } } } }`}
	got := sendBatch(t, exchange{body: jsonBody([]any{costly, costly})}.send(t, srv))
	if got[0].code() != "" || got[1].code() != "" {
		t.Fatalf("two within the limit: %s %s", got[0].raw, got[1].raw)
	}
	got = sendBatch(t, exchange{body: jsonBody([]any{costly, costly, costly, map[string]any{"query": "{"}})}.send(t, srv))
	for i, a := range got[:3] {
		if a.code() != "QUERY_TOO_COMPLEX" || !strings.Contains(a.Errors[0].Message, "together") {
			t.Errorf("answer %d of a batch over the cost limit: %s", i, a.raw)
		}
	}
	if got[3].code() != "GRAPHQL_PARSE_FAILED" {
		t.Errorf("answer 3: %s", got[3].raw)
	}
}

// TestBatchResponseCap checks that the answers of a batch together stay
// within MAX_RESPONSE_BYTES, the ones past it replaced by an error.
func TestBatchResponseCap(t *testing.T) {
	srv := transportServer(t, graph.Options{MaxResponseBytes: 3000}, time.Minute)
	q := map[string]any{"query": `{ entities(first: 10) { edges { node { id name } } } }`}
	r := exchange{body: jsonBody([]any{q, q, q, q, q, q})}.send(t, srv)
	if len(r.Body) > 3000 {
		t.Errorf("a %d-byte answer over the 3000-byte cap", len(r.Body))
	}
	got := sendBatch(t, r)
	if got[0].code() != "" || got[len(got)-1].code() != "RESPONSE_TOO_LARGE" {
		t.Errorf("first %s, last %s: want data, then RESPONSE_TOO_LARGE", got[0].raw, got[len(got)-1].raw)
	}
}
