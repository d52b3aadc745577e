package bulk

import (
	"context"

	"github.com/puente-kg/puente/kg"
)

// ImportFile writes a file that CheckFile found no problem in, reading it
// again: sources first, then the entities and events of each run of lines
// with their relations, then redirects, each batch of about opt.Batch
// records written by Import. When a relation names an entity defined on a
// later line, the entities are all written first, on one pass, and the
// relations on another. Records are merged by ID, as Import merges them.
func ImportFile(ctx context.Context, store Store, f *File, opt Options) error {
	if opt.Batch <= 0 {
		opt.Batch = 1000
	}
	done := 0
	write := func(d *kg.Dataset) error {
		n := len(d.Sources) + len(d.Entities) + len(d.Relations) + len(d.Redirects)
		if n == 0 {
			return nil
		}
		o := opt
		if opt.Progress != nil {
			o.Progress = func(d, _ int) { opt.Progress(done+d, f.records) }
		}
		if err := Import(ctx, store, &Parsed{Dataset: d}, o); err != nil {
			return err
		}
		done += n
		return nil
	}
	if err := write(&kg.Dataset{Sources: f.sources}); err != nil {
		return err
	}
	passes := [][2]bool{{true, true}} // entities, relations
	if f.forward {
		passes = [][2]bool{{true, false}, {false, true}}
	}
	for _, pass := range passes {
		batch := &kg.Dataset{}
		var dec lineDecoder
		_, _, err := eachLine(ctx, f.open, func(n int, raw []byte) error {
			rec, err := dec.parse(raw)
			if err != nil || rec.entity == nil {
				return nil
			}
			if pass[0] {
				batch.Entities = append(batch.Entities, rec.entity)
			}
			if pass[1] {
				batch.Relations = append(batch.Relations, rec.relations...)
			}
			if len(batch.Entities)+len(batch.Relations) < opt.Batch {
				return nil
			}
			err = write(batch)
			batch = &kg.Dataset{}
			return err
		})
		if err != nil {
			return err
		}
		if err := write(batch); err != nil {
			return err
		}
	}
	if err := write(&kg.Dataset{Redirects: f.redirects}); err != nil {
		return err
	}
	if opt.Progress != nil && f.records == 0 {
		opt.Progress(0, 0)
	}
	return nil
}
