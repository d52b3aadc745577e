package bulk_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/puente-kg/puente/bulk"
	"github.com/puente-kg/puente/internal/testenv"
	"github.com/puente-kg/puente/kg"
)

// synthetic returns a file of about n records: organizations, meetings
// between them (four participants each) and a few sources.
func synthetic(n int) []byte {
	d := &kg.Dataset{}
	for i := range 10 {
		d.Sources = append(d.Sources, &kg.Source{ID: fmt.Sprintf("source:bench-%d", i), Title: "Bench"})
	}
	orgs := n / 2
	events := n / 10
	for i := range orgs {
		d.Entities = append(d.Entities, &kg.Entity{ID: fmt.Sprintf("org:bench-%d", i), Kind: kg.KindOrganization,
			Name: fmt.Sprintf("Bench Org %d", i), Sources: []string{fmt.Sprintf("source:bench-%d", i%10)}})
	}
	for i := range events {
		ev := &kg.Entity{ID: fmt.Sprintf("event:bench-%d", i), Kind: kg.KindEvent, Name: fmt.Sprintf("Bench meeting %d", i),
			Category: kg.CategoryMeeting, Date: kg.MustParseDate("2021-11-10"), Sources: []string{"source:bench-0"}}
		d.Entities = append(d.Entities, ev)
		for j := range 4 {
			r := &kg.Relation{Type: kg.RelParticipatedIn, From: fmt.Sprintf("org:bench-%d", (i*7+j*13)%orgs), To: ev.ID,
				Role: "PARTICIPANT", Sources: []string{"source:bench-0"}}
			r.ID = kg.RelationID(r.Type, r.From, r.To, r.Role)
			d.Relations = append(d.Relations, r)
		}
	}
	var buf bytes.Buffer
	bulk.Write(&buf, d)
	return buf.Bytes()
}

// BenchmarkImport imports a file of 100,000 records (read, checked and
// written in batches of 1000) into an empty store of each backend and
// reports records per second.
func BenchmarkImport(b *testing.B) {
	file := synthetic(100_000)
	p, errs := bulk.Read(bytes.NewReader(file))
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	d := p.Dataset
	records := len(d.Sources) + len(d.Entities) + len(d.Relations)
	for _, backend := range testenv.Backends() {
		if backend.Name == "memory" {
			continue // the journaled store is the one imports write to
		}
		b.Run(backend.Name, func(b *testing.B) {
			ctx := context.Background()
			s := backend.Empty(b)
			for b.Loop() {
				b.StopTimer()
				if n, ok := s.(interface{ DeleteAll(context.Context) error }); ok {
					n.DeleteAll(ctx)
				} else {
					s = backend.Empty(b)
				}
				b.StartTimer()
				p, _ := bulk.Read(bytes.NewReader(file))
				if errs, err := bulk.Check(ctx, p, s); err != nil || len(errs) > 0 {
					b.Fatal(err, errs)
				}
				if err := bulk.Import(ctx, s, p, bulk.Options{Batch: 1000}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(records)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
