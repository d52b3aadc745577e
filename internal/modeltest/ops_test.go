package modeltest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/puente-kg/puente/bulk"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/service"
)

type opKind string

// The operations of a sequence.
const (
	opSource opKind = "source" // service.PlanSource
	opEntity opKind = "entity" // service.PlanEntity
	opEvent  opKind = "event"  // service.PlanEvent
	opDelete opKind = "delete" // service.PlanDelete
	opMerge  opKind = "merge"  // service.PlanMerge
	opImport opKind = "import" // bulk.Read, bulk.Check, bulk.Import
	opSeed   opKind = "seed"   // service.Seed
)

// op is one write, self-contained so that a sequence replays (and shrinks)
// as data. It prints as one JSON line.
type op struct {
	Kind opKind `json:"op"`
	// Source of opSource.
	Source *kg.Source `json:"source,omitempty"`
	// Entity of opEntity and the event of opEvent.
	Entity *kg.Entity `json:"entity,omitempty"`
	// Relations and Replace of opEntity (service.EntityInput).
	Relations []*kg.Relation `json:"relations,omitempty"`
	Replace   bool           `json:"replace,omitempty"`
	// Participants and Places of opEvent (service.EventInput).
	Participants []*kg.Relation `json:"participants,omitempty"`
	Places       []string       `json:"places,omitempty"`
	// ID of opDelete.
	ID string `json:"id,omitempty"`
	// Keep and Merge of opMerge.
	Keep  string   `json:"keep,omitempty"`
	Merge []string `json:"merge,omitempty"`
	// Import is the file of opImport.
	Import *importFile `json:"import,omitempty"`
	// Dataset of opSeed.
	Dataset *kg.Dataset `json:"dataset,omitempty"`
}

func (o *op) String() string {
	b, err := json.Marshal(o)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// fresh returns a deep copy of o: planners write into their inputs.
func (o *op) fresh() *op {
	var c op
	if err := json.Unmarshal([]byte(o.String()), &c); err != nil {
		panic(err)
	}
	return &c
}

// importFile is an import file as records: sources, entity and event
// lines (in line order) with the relations each line holds, redirects,
// and the batch size of the import.
type importFile struct {
	Sources   []*kg.Source   `json:"sources,omitempty"`
	Records   []importRecord `json:"records,omitempty"`
	Redirects []kg.Redirect  `json:"redirects,omitempty"`
	Batch     int            `json:"batch,omitempty"`
}

// importRecord is an entity or event line. Links are its relations with
// both ends set: for an entity, the relations it starts; for an event, its
// participants and then its places.
type importRecord struct {
	Entity *kg.Entity     `json:"entity"`
	Links  []*kg.Relation `json:"links,omitempty"`
}

// links counts the relations of the file's records.
func (f *importFile) links() int {
	n := 0
	for _, rec := range f.Records {
		n += len(rec.Links)
	}
	return n
}

// jsonl writes the file in the import format.
func (f *importFile) jsonl() []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	put := func(l bulk.Line) {
		if err := enc.Encode(l); err != nil {
			panic(err)
		}
	}
	for _, s := range f.Sources {
		put(bulk.Line{Source: s})
	}
	for _, rec := range f.Records {
		if rec.Entity.Kind == kg.KindEvent {
			l := &bulk.EventLine{Entity: *rec.Entity}
			for _, r := range rec.Links {
				ll := &bulk.LinkLine{StartDate: r.StartDate, EndDate: r.EndDate, Quote: r.Quote, Sources: r.Sources,
					Basis: r.Basis, Rule: r.Rule, RestsOn: r.RestsOn, Note: r.Note}
				if r.Type == kg.RelParticipatedIn {
					ll.Entity, ll.Role = r.From, r.Role
					l.Participants = append(l.Participants, ll)
				} else {
					ll.To = r.To
					l.Places = append(l.Places, ll)
				}
			}
			put(bulk.Line{Event: l})
			continue
		}
		l := &bulk.EntityLine{Entity: *rec.Entity}
		for _, r := range rec.Links {
			l.Relations = append(l.Relations, &bulk.LinkLine{Type: r.Type, To: r.To, Title: r.Title,
				StartDate: r.StartDate, EndDate: r.EndDate, Quote: r.Quote, Sources: r.Sources,
				Basis: r.Basis, Rule: r.Rule, RestsOn: r.RestsOn, Note: r.Note})
		}
		put(bulk.Line{Entity: l})
	}
	for _, rd := range f.Redirects {
		put(bulk.Line{Redirect: &rd})
	}
	return buf.Bytes()
}

// stamp is the provenance of every write of the test, so that the exports
// of the backends compare byte for byte.
var stamp = kg.Stamp{By: "model#test", At: time.Date(2022, 3, 4, 5, 6, 7, 0, time.UTC)}

// importError is an import that bulk.Read or bulk.Check refused.
type importError struct {
	code string
	errs []bulk.LineError
}

func (e *importError) Error() string {
	var msgs []string
	for _, le := range e.errs {
		msgs = append(msgs, le.Error())
	}
	return e.code + ": " + strings.Join(msgs, "; ")
}

// codeOf returns the code a run of an operation ended with, "" for none.
func codeOf(err error) string {
	if ie, ok := err.(*importError); ok {
		return ie.code
	}
	return kg.ErrorCode(err)
}

// run applies o to the store the way the API and the CLI do: through the
// service's use cases, which log each write.
func (o *op) run(ctx context.Context, s kg.Store) error {
	o = o.fresh()
	svc := service.New(s, service.Options{})
	switch o.Kind {
	case opSource:
		return svc.UpsertSource(ctx, o.Source, stamp)
	case opEntity:
		return svc.UpsertEntity(ctx, service.EntityInput{Entity: o.Entity, Relations: o.Relations, ReplaceRelations: o.Replace}, stamp)
	case opEvent:
		return svc.UpsertEvent(ctx, service.EventInput{Event: o.Entity, Participants: o.Participants, Places: o.Places}, stamp)
	case opDelete:
		_, err := svc.DeleteEntity(ctx, o.ID, stamp)
		return err
	case opMerge:
		return svc.MergeEntities(ctx, o.Keep, slices.Clone(o.Merge), stamp)
	case opImport:
		return importBytes(ctx, s, o.Import.jsonl(), o.Import.Batch)
	case opSeed:
		_, err := service.Seed(ctx, s, o.Dataset)
		return err
	}
	return fmt.Errorf("unknown operation %q", o.Kind)
}

// importBytes imports a file as `puente import` does: read, check against
// the store, import in batches.
func importBytes(ctx context.Context, s kg.Store, file []byte, batch int) error {
	p, lineErrs := bulk.Read(bytes.NewReader(file))
	if len(lineErrs) > 0 {
		return &importError{codeRead, lineErrs}
	}
	refErrs, err := bulk.Check(ctx, p, s)
	if err != nil {
		return err
	}
	if len(refErrs) > 0 {
		return &importError{codeCheck, refErrs}
	}
	return bulk.Import(ctx, s, p, bulk.Options{Batch: batch})
}
