package bulk

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/puente-kg/puente/kg"
)

// fileCheck is the state of CheckFile between its passes: per entity of
// the file (and of the store that the file names) its line and kind, and
// the file's sources whole. That is all it keeps of the file.
type fileCheck struct {
	f         *File
	entities  map[string]entry
	sources   map[string]*kg.Source
	srcLines  map[string]int
	redirLine []int
	// wantEntities and wantSources are the IDs the file names and does
	// not define (at the point they are named, for entities).
	wantEntities map[string]struct{}
	wantSources  map[string]struct{}
	// shared are the IDs of participations written in an entity's line:
	// only those can also be written in another line, their event's.
	shared     map[string]struct{}
	mergedAway map[string]string
	// quoting are the store's facts quoting a source whose text the file
	// changes; inFile marks those the file writes again.
	quoting  quotingFacts
	inFile   map[string]bool
	lineErrs []LineError
	dec      lineDecoder
}

// CheckFile checks a file as Read and Check do, reading it through open
// twice: once for each line on its own, keeping the line and kind of each
// entity and the sources, once for the references between records and to
// the store. Its memory follows the number of entities and sources of the
// file, never its size. It returns the problems of single lines (as Read
// does) followed by the others (as Check does, ordered by line); a file
// with problems must not be imported.
func CheckFile(ctx context.Context, open Opener, store kg.Reader) (*File, []LineError, error) {
	c := &fileCheck{
		f:            &File{open: open},
		entities:     map[string]entry{},
		sources:      map[string]*kg.Source{},
		srcLines:     map[string]int{},
		wantEntities: map[string]struct{}{},
		wantSources:  map[string]struct{}{},
		shared:       map[string]struct{}{},
		mergedAway:   map[string]string{},
		inFile:       map[string]bool{},
	}
	lines, lerr, err := eachLine(ctx, open, c.scan)
	if err != nil {
		return nil, nil, err
	}
	c.f.Lines = lines
	if lerr != nil {
		c.lineErrs = append(c.lineErrs, *lerr)
	}
	if err := c.resolve(ctx, store); err != nil {
		return nil, nil, err
	}
	refErrs, err := c.references(ctx)
	if err != nil {
		return nil, nil, err
	}
	return c.f, append(c.lineErrs, refErrs...), nil
}

// scan is the first pass's work on a line.
func (c *fileCheck) scan(n int, raw []byte) error {
	rec, err := c.dec.parse(raw)
	if err != nil {
		c.lineErrs = append(c.lineErrs, LineError{n, err})
		return nil
	}
	dup := func(prev int) {
		c.lineErrs = append(c.lineErrs, LineError{n, fmt.Errorf("%s is already defined on line %d", rec.key(), prev)})
	}
	switch {
	case rec.source != nil:
		c.f.records++
		if prev, ok := c.srcLines[rec.source.ID]; ok {
			dup(prev)
			return nil
		}
		c.srcLines[rec.source.ID] = n
		c.sources[rec.source.ID] = rec.source
		c.f.sources = append(c.f.sources, rec.source)
		return nil
	case rec.redirect != nil:
		c.f.records++
		r := *rec.redirect
		at := n // where its problems are reported: its first line
		for i, prev := range c.f.redirects {
			if prev.From == r.From {
				at = c.redirLine[i]
				dup(at) // and checked below, as Check does
				break
			}
		}
		c.f.redirects = append(c.f.redirects, r)
		c.redirLine = append(c.redirLine, at)
		c.wantEntities[r.To] = struct{}{}
		c.wantEntities[r.From] = struct{}{} // a redirect's ID must not be an entity of the store
		return nil
	}
	e := rec.entity
	c.f.records += 1 + len(rec.relations)
	if prev, ok := c.entities[e.ID]; ok {
		dup(int(prev.line))
		return nil
	}
	c.entities[e.ID] = entry{int32(n), kindIndex(e.Kind)}
	c.cite(e.Sources)
	c.cite(e.DiscrepancySources())
	for _, r := range rec.relations {
		for _, id := range []string{r.From, r.To} {
			if _, ok := c.entities[id]; !ok {
				c.wantEntities[id] = struct{}{}
			}
		}
		if r.Type == kg.RelParticipatedIn && r.From == e.ID {
			c.shared[r.ID] = struct{}{}
		}
		c.cite(r.Sources)
	}
	return nil
}

func (c *fileCheck) cite(ids []string) {
	for _, id := range ids {
		if c.sources[id] == nil {
			c.wantSources[id] = struct{}{}
		}
	}
}

// resolve asks the store about what the file names and does not define,
// about entities of the file merged away in the store, and about the
// store's facts quoting a source whose text the file changes.
func (c *fileCheck) resolve(ctx context.Context, store kg.Reader) error {
	for id := range c.wantEntities {
		if _, ok := c.entities[id]; ok {
			delete(c.wantEntities, id)
			c.f.forward = true // defined on a later line
		}
	}
	for id := range c.wantSources {
		if c.sources[id] != nil {
			delete(c.wantSources, id)
		}
	}
	for chunk := range slices.Chunk(slices.Collect(maps.Keys(c.wantEntities)), lookupChunk) {
		es, err := store.Entities(ctx, chunk)
		if err != nil {
			return err
		}
		for _, e := range es {
			c.entities[e.ID] = entry{0, kindIndex(e.Kind)}
		}
	}
	c.wantEntities = nil
	chunk := make([]string, 0, lookupChunk)
	askRedirects := func() error {
		rs, err := store.Redirects(ctx, chunk)
		for _, r := range rs {
			c.mergedAway[r.From] = r.To
		}
		chunk = chunk[:0]
		return err
	}
	for id, e := range c.entities {
		if e.line == 0 {
			continue
		}
		if chunk = append(chunk, id); len(chunk) == lookupChunk {
			if err := askRedirects(); err != nil {
				return err
			}
		}
	}
	if len(chunk) > 0 {
		if err := askRedirects(); err != nil {
			return err
		}
	}
	for chunk := range slices.Chunk(slices.Collect(maps.Keys(c.wantSources)), lookupChunk) {
		ss, err := store.Sources(ctx, chunk)
		if err != nil {
			return err
		}
		for _, s := range ss {
			c.sources[s.ID] = s
		}
	}
	c.wantSources = nil
	var err error
	c.quoting, err = quotingOf(ctx, c.f.sources, store, c.sources)
	return err
}
