package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// TestDiff finds the first difference, in order, with null equal to an
// absent field and numbers compared by value.
func TestDiff(t *testing.T) {
	a := map[string]any{"xs": []any{map[string]any{"id": "1", "n": 2.0}, map[string]any{"id": "2"}}, "t": true}
	same := map[string]any{"t": true, "xs": []any{map[string]any{"id": "1", "n": 2.0 + 1e-12}, map[string]any{"id": "2", "date": nil}}}
	if d := Diff("", a, same); d != "" {
		t.Errorf("equal answers differ: %s", d)
	}
	for _, c := range []struct {
		got  any
		want string
	}{
		{map[string]any{"t": true, "xs": []any{map[string]any{"id": "2"}, map[string]any{"id": "1", "n": 2.0}}}, `xs[0].id: Puente has "1", got "2"`},
		{map[string]any{"t": true, "xs": []any{map[string]any{"id": "1", "n": 2.0}}}, "xs: Puente has 2 items, got 1"},
		{map[string]any{"t": false, "xs": a["xs"]}, "t: Puente has true, got false"},
		{map[string]any{"t": true, "xs": nil}, "xs: Puente has"},
		{map[string]any{"t": true, "xs": []any{map[string]any{"id": "1", "n": 3.0}, map[string]any{"id": "2"}}}, "xs[0].n: Puente has 2, got 3"},
	} {
		if d := Diff("", a, c.got); !strings.HasPrefix(d, c.want) {
			t.Errorf("Diff = %q, want %q…", d, c.want)
		}
	}
}

// TestNormalize takes the one root field, whatever its name, turns
// numbers into float64 and drops cursors.
func TestNormalize(t *testing.T) {
	puente := map[string]any{"events": map[string]any{"totalCount": 3.0, "edges": []any{map[string]any{"cursor": "abc", "node": map[string]any{"id": "e"}}},
		"pageInfo": map[string]any{"hasNextPage": true, "endCursor": "abc"}}}
	floor := map[string]any{"eventsConnection": map[string]any{"totalCount": int64(3), "edges": []any{map[string]any{"node": map[string]any{"id": "e"}}},
		"pageInfo": map[string]any{"hasNextPage": true}}}
	a, err := Normalize(puente, nil, "eventsPage")
	if err != nil {
		t.Fatal(err)
	}
	b, err := Normalize(floor, nil, "eventsPage")
	if err != nil {
		t.Fatal(err)
	}
	if d := Diff("", a, b); d != "" {
		t.Errorf("normalized answers differ: %s", d)
	}
	if _, err := Normalize(map[string]any{"a": 1, "b": 2}, nil, "x"); err == nil {
		t.Error("two root fields normalized")
	}
}

// TestPeerShape turns the peer's connection edges into Puente's
// participations.
func TestPeerShape(t *testing.T) {
	peer := []any{map[string]any{"id": "person:p", "name": "P", "participationsConnection": map[string]any{"edges": []any{
		map[string]any{"properties": map[string]any{"role": "HOST"}, "node": map[string]any{"id": "event:e", "name": "E",
			"participantsConnection": map[string]any{"edges": []any{
				map[string]any{"properties": map[string]any{"role": "GUEST"}, "node": map[string]any{"id": "org:o", "name": "O"}}}}}}}}}}
	puente := map[string]any{"id": "person:p", "name": "P", "participations": []any{map[string]any{"role": "HOST",
		"event": map[string]any{"id": "event:e", "name": "E", "participants": []any{map[string]any{"role": "GUEST",
			"entity": map[string]any{"id": "org:o", "name": "O"}}}}}}}
	if d := Diff("", puente, PeerShape("entityNested", peer)); d != "" {
		t.Error(d)
	}
	if PeerShape("entityNested", []any{}) != nil {
		t.Error("no person should give null")
	}
}

// TestWorkloadsAskForTheSameBounds checks that every list of every
// Puente workload document has its first or limit written out (Puente's
// defaults would silently cut what the peer and the floor return), that
// the values are the floor's bounds, and that the peer's documents ask for
// the same.
func TestWorkloadsAskForTheSameBounds(t *testing.T) {
	files, err := filepath.Glob("../schema/*.graphqls")
	if err != nil || len(files) == 0 {
		t.Fatalf("schema files: %v %v", files, err)
	}
	var sources []*ast.Source
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, &ast.Source{Name: f, Input: string(b)})
	}
	schema, err := gqlparser.LoadSchema(sources...)
	if err != nil {
		t.Fatalf("schema: %v", err)
	}
	ours, err := LoadWorkloads("workloads/puente.json")
	if err != nil {
		t.Fatal(err)
	}
	peer, err := LoadWorkloads("neo4j-graphql/workloads.json")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"entityNested":    {fmt.Sprintf("participations(first: %d)", ParticipationsFirst), fmt.Sprintf("participants(first: %d)", ParticipantsFirst)},
		"whoMet":          {fmt.Sprintf("first: %d)", ContactsFirst), fmt.Sprintf("meetings(first: %d)", MeetingsFirst)},
		"investmentsInto": {fmt.Sprintf("first: %d)", InvestmentsFirst)},
		"neighborhood":    {fmt.Sprintf("depth: 2, limit: %d)", NeighborhoodLimit)},
		"paths":           {fmt.Sprintf("maxLength: 4, limit: %d)", PathsLimit)},
		"search":          {fmt.Sprintf("first: %d)", SearchFirst)},
		"eventsPage":      {fmt.Sprintf("first: %d)", EventsFirst)},
	}
	wantPeer := map[string][]string{
		"entityNested":    {fmt.Sprintf("participationsConnection(first: %d,", ParticipationsFirst), fmt.Sprintf("participantsConnection(first: %d,", ParticipantsFirst)},
		"whoMet":          {fmt.Sprintf("first: %d, meetingsFirst: %d)", ContactsFirst, MeetingsFirst)},
		"investmentsInto": {fmt.Sprintf("first: %d)", InvestmentsFirst)},
		"neighborhood":    {fmt.Sprintf("depth: 2, limit: %d)", NeighborhoodLimit)},
		"paths":           {fmt.Sprintf("maxLength: 4, limit: %d)", PathsLimit)},
		"search":          {fmt.Sprintf("first: %d)", SearchFirst)},
		"eventsPage":      {fmt.Sprintf("first: %d\n", EventsFirst)},
	}
	for _, wl := range Workloads {
		w, ok := ours[wl]
		if !ok {
			t.Errorf("no Puente document for %s", wl)
			continue
		}
		doc, errs := gqlparser.LoadQuery(schema, w.Query)
		if len(errs) > 0 {
			t.Errorf("%s: %v", wl, errs)
			continue
		}
		for _, op := range doc.Operations {
			checkBounds(t, wl, op.SelectionSet)
		}
		for _, s := range want[wl] {
			if !strings.Contains(w.Query, s) {
				t.Errorf("Puente's %s lacks %q:\n%s", wl, s, w.Query)
			}
		}
		for _, s := range wantPeer[wl] {
			if !strings.Contains(peer[wl].Query, s) {
				t.Errorf("the peer's %s lacks %q:\n%s", wl, s, peer[wl].Query)
			}
		}
	}
}

// checkBounds fails on a list field, or a connection, that takes first or
// limit and is not given it.
func checkBounds(t *testing.T, wl string, set ast.SelectionSet) {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			def := s.Definition
			if def != nil && (def.Type.Elem != nil || strings.HasSuffix(def.Type.Name(), "Connection")) {
				for _, arg := range []string{"first", "limit"} {
					if def.Arguments.ForName(arg) != nil && s.Arguments.ForName(arg) == nil {
						t.Errorf("%s: %s does not give %s", wl, s.Name, arg)
					}
				}
			}
			checkBounds(t, wl, s.SelectionSet)
		case *ast.InlineFragment:
			checkBounds(t, wl, s.SelectionSet)
		case *ast.FragmentSpread:
			checkBounds(t, wl, s.Definition.SelectionSet)
		}
	}
}
