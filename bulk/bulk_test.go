package bulk_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/puente-kg/puente/bulk"
	"github.com/puente-kg/puente/internal/testenv"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/service"
)

func dumpJSON(t *testing.T, s kg.Store) string {
	t.Helper()
	d, err := s.Dump(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(d)
	return string(b)
}

// exported writes a merge and an event (for provenance and a redirect) and
// exports the store.
func exported(t *testing.T, s kg.Store) (string, []byte) {
	t.Helper()
	ctx := context.Background()
	stamp := kg.Stamp{By: "editor#test", At: time.Date(2021, 11, 25, 9, 0, 0, 0, time.UTC)}
	if err := service.Write(ctx, s, func(ctx context.Context) (*kg.ChangeSet, error) {
		return service.PlanMerge(ctx, s, "person:pablo-gonzalez", []string{"person:alberto-hensel"}, stamp)
	}); err != nil {
		t.Fatal(err)
	}
	d, err := s.Dump(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := bulk.Write(&buf, d); err != nil {
		t.Fatal(err)
	}
	return dumpJSON(t, s), buf.Bytes()
}

func importInto(t *testing.T, s kg.Store, file []byte) {
	t.Helper()
	ctx := context.Background()
	p, lineErrs := bulk.Read(bytes.NewReader(file))
	if len(lineErrs) > 0 {
		t.Fatalf("read: %v", lineErrs)
	}
	refErrs, err := bulk.Check(ctx, p, s)
	if err != nil || len(refErrs) > 0 {
		t.Fatalf("check: %v %v", err, refErrs)
	}
	if err := bulk.Import(ctx, s, p, bulk.Options{Batch: 17}); err != nil {
		t.Fatal(err)
	}
}

// TestRoundTrip exports a store (the seed dataset plus written records
// with provenance and a redirect), imports the file into an empty store of
// the same backend, and finds the same graph; importing again changes
// nothing.
func TestRoundTrip(t *testing.T) {
	for _, b := range testenv.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			var want string
			var file []byte
			if b.Name == "neo4j" {
				// One Neo4j server: export, then empty the same database.
				s := b.Empty(t)
				seeded := testenv.Memory(t)
				d, _ := seeded.Dump(context.Background())
				if _, err := service.Seed(context.Background(), s, d); err != nil {
					t.Fatal(err)
				}
				want, file = exported(t, s)
				if err := s.(interface{ DeleteAll(context.Context) error }).DeleteAll(context.Background()); err != nil {
					t.Fatal(err)
				}
				importInto(t, s, file)
				if got := dumpJSON(t, s); got != want {
					t.Errorf("export then import into an empty store changed the graph")
				}
				importInto(t, s, file)
				if got := dumpJSON(t, s); got != want {
					t.Errorf("importing twice changed the graph")
				}
				return
			}
			want, file = exported(t, b.Open(t))
			empty := b.Empty(t)
			importInto(t, empty, file)
			if got := dumpJSON(t, empty); got != want {
				t.Errorf("export then import into an empty store changed the graph")
			}
			importInto(t, empty, file)
			if got := dumpJSON(t, empty); got != want {
				t.Errorf("importing twice changed the graph")
			}
			if !bytes.Contains(file, []byte(`{"redirect":{"from":"person:alberto-hensel","to":"person:pablo-gonzalez"}}`)) {
				t.Error("the export lacks the merge's redirect")
			}
		})
	}
}

// TestBadLines reports every bad line with its number and writes nothing.
func TestBadLines(t *testing.T) {
	file := badFile
	for _, b := range testenv.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			s := b.Open(t)
			if err := service.Write(context.Background(), s, func(ctx context.Context) (*kg.ChangeSet, error) {
				return service.PlanMerge(ctx, s, "person:pablo-gonzalez", []string{"person:alberto-hensel"}, kg.Stamp{By: "admin#test"})
			}); err != nil {
				t.Fatal(err)
			}
			before := dumpJSON(t, s)
			p, lineErrs := bulk.Read(strings.NewReader(file))
			refErrs, err := bulk.Check(context.Background(), p, s)
			if err != nil {
				t.Fatal(err)
			}
			lines := map[int]bool{}
			for _, e := range append(lineErrs, refErrs...) {
				lines[e.Line] = true
			}
			for _, want := range []int{3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17} {
				if !lines[want] {
					t.Errorf("line %d: no error reported (got %v %v)", want, lineErrs, refErrs)
				}
			}
			if lines[1] || lines[2] {
				t.Errorf("good lines reported: %v %v", lineErrs, refErrs)
			}
			if dumpJSON(t, s) != before {
				t.Error("checking a bad file wrote to the store")
			}
		})
	}
}

// TestImportChangeLog imports a file in batches: each batch writes one
// change-log entry naming its records without their values, and importing
// the file again writes none.
func TestImportChangeLog(t *testing.T) {
	ctx := context.Background()
	d, err := testenv.Memory(t).Dump(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := bulk.Write(&buf, d); err != nil {
		t.Fatal(err)
	}
	const batch = 17
	batches := 0
	for _, n := range []int{len(d.Sources), len(d.Entities), len(d.Relations), len(d.Redirects)} {
		batches += (n + batch - 1) / batch
	}
	records := len(d.Sources) + len(d.Entities) + len(d.Relations) + len(d.Redirects)
	for _, b := range testenv.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			s := b.Empty(t)
			for round := range 2 {
				p, lineErrs := bulk.Read(bytes.NewReader(buf.Bytes()))
				if len(lineErrs) > 0 {
					t.Fatal(lineErrs)
				}
				if err := bulk.Import(ctx, s, p, bulk.Options{Batch: batch, Actor: "admin#import"}); err != nil {
					t.Fatal(err)
				}
				if last, err := s.LastChange(ctx); err != nil || last != int64(batches) {
					t.Fatalf("import %d: last change %d (%v), want one per batch: %d", round+1, last, err, batches)
				}
			}
			cs, err := s.Changes(ctx, kg.ChangeQuery{First: batches + 1})
			if err != nil {
				t.Fatal(err)
			}
			items := 0
			for i, c := range cs {
				if c.Seq != int64(i+1) || c.Op != kg.OpImport || c.Actor != "admin#import" || len(c.Items) > batch || c.Truncated {
					t.Errorf("entry %d: seq %d, op %s by %q, %d items", i, c.Seq, c.Op, c.Actor, len(c.Items))
				}
				for _, it := range c.Items {
					if it.Before != nil || it.After != nil || it.Action != kg.ActionCreated || it.ID == "" {
						t.Fatalf("entry %d: item %+v, want a created record named without values", c.Seq, it)
					}
				}
				items += len(c.Items)
			}
			if len(cs) != batches || items != records {
				t.Errorf("%d entries naming %d records, want %d naming %d", len(cs), items, batches, records)
			}
		})
	}
}

// badFile has a problem on every line but the first two (see TestBadLines).
var badFile = strings.Join([]string{
	`{"source": {"id": "source:test-a", "title": "A"}}`,
	`{"entity": {"id": "org:test-a", "kind": "ORGANIZATION", "name": "A", "sources": ["source:test-a"]}}`,
	`{"entity": {"id": "org:test-b", "kind": "ORGANIZATION", "name": "B", "sources": ["source:test-a"], "colour": "red"}}`,
	`not json`,
	`{"event": {"id": "event:test-c", "name": "C", "category": "PARTY", "sources": ["source:test-a"]}}`,
	`{"event": {"id": "event:test-d", "name": "D", "category": "MEETING", "sources": ["source:test-a"],` +
		` "participants": [{"entity": "person:nobody", "role": "HOST"}]}}`,
	`{"entity": {"id": "org:test-e", "kind": "ORGANIZATION", "name": "E", "sources": ["source:missing"]}}`,
	`{"entity": {"id": "org:test-a", "kind": "ORGANIZATION", "name": "A again", "sources": ["source:test-a"]}}`,
	`{"source": {"id": "source:test-f", "title": "F"}, "entity": {"id": "org:f"}}`,
	// Merged away in the store (see below): writing it again is refused.
	`{"entity": {"id": "person:alberto-hensel", "kind": "PERSON", "name": "Alberto Hensel", "sources": ["source:test-a"]}}`,
	// An entity of the store cannot become a redirect.
	`{"redirect": {"from": "org:xiaomi", "to": "org:test-a"}}`,
	`{"entity": {"id": "org:test-g", "kind": "ORGANIZATION", "name": "` + strings.Repeat("g", kg.MaxNameBytes+1) + `", "sources": ["source:test-a"]}}`,
	`{"event": {"id": "event:test-h", "name": "H", "category": "INVESTMENT", "sources": ["source:test-a"], "amount": {"amount": 1e308, "currency": "USD"}}}`,
	`{"event": {"id": "event:test-i", "name": "I", "category": "MEETING", "sources": ["source:test-a"], "places": [{"to": "place:shanghai", "quote": "` + strings.Repeat("q", kg.MaxQuoteBytes+1) + `"}]}}`,
	// A quote that is not the source's words.
	`{"event": {"id": "event:test-j", "name": "J", "category": "MEETING", "sources": ["source:test-a"],` +
		` "participants": [{"entity": "person:li-zhanshu", "role": "HOST", "quote": "Li hosted J.", "sources": ["source:test-a"]}]}}`,
	// A new text for a source of the store, without the words its facts quote.
	`{"source": {"id": "source:07-li-zhanshu-alva-meeting", "title": "Li and Alva", "excerpt": "Nothing of what they said."}}`,
	// A stated fact without a source.
	`{"entity": {"id": "org:test-l", "kind": "ORGANIZATION", "name": "L", "sources": ["source:test-a"], "relations": [{"type": "BASED_IN", "to": "country:peru"}]}}`,
}, "\n")
