// Package bulk reads and writes Puente's import/export format, JSON Lines:
// one source, entity, event or redirect per line, so that every problem
// points at a line. Writer writes a file line by line, so that a file of
// any size costs one line of memory; Read parses the whole file into
// memory, since Check compares every record with every other before
// anything is written. See README.md beside this file.
package bulk

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"slices"

	"github.com/puente-kg/puente/kg"
)

// Line is one line of the format: exactly one of its fields is set.
type Line struct {
	Source   *kg.Source   `json:"source,omitempty"`
	Entity   *EntityLine  `json:"entity,omitempty"`
	Event    *EventLine   `json:"event,omitempty"`
	Redirect *kg.Redirect `json:"redirect,omitempty"`
}

// EntityLine is an entity other than an event, with the relations it
// starts (BASED_IN, HOLDS_POSITION...).
type EntityLine struct {
	kg.Entity
	Relations []*LinkLine `json:"relations,omitempty"`
}

// EventLine is an event with its participants and places.
type EventLine struct {
	kg.Entity
	Participants []*LinkLine `json:"participants,omitempty"`
	Places       []*LinkLine `json:"places,omitempty"`
}

// LinkLine is a relation written inside the line of the entity or event
// it belongs to: a relation the entity starts (Type and To), a participant
// (Entity and Role) or a place (To).
type LinkLine struct {
	Type      kg.RelationType `json:"type,omitempty"`
	To        string          `json:"to,omitempty"`
	Entity    string          `json:"entity,omitempty"`
	Role      kg.Role         `json:"role,omitempty"`
	Title     string          `json:"title,omitempty"`
	StartDate kg.Date         `json:"startDate,omitzero"`
	EndDate   kg.Date         `json:"endDate,omitzero"`
	Quote     string          `json:"quote,omitempty"`
	Sources   []string        `json:"sources,omitempty"`
	// Basis says how the relation is known; a line without one (such as
	// one exported before bases existed) is STATED.
	Basis     kg.Basis `json:"basis,omitempty"`
	Rule      kg.Rule  `json:"rule,omitempty"`
	RestsOn   []string `json:"restsOn,omitempty"`
	Note      string   `json:"note,omitempty"`
	UpdatedAt string   `json:"updatedAt,omitempty"`
	UpdatedBy string   `json:"updatedBy,omitempty"`
}

func link(r *kg.Relation) *LinkLine {
	return &LinkLine{Title: r.Title, StartDate: r.StartDate, EndDate: r.EndDate, Quote: r.Quote,
		Sources: r.Sources, Basis: r.EffectiveBasis(), Rule: r.Rule, RestsOn: r.RestsOn, Note: r.Note,
		UpdatedAt: r.UpdatedAt, UpdatedBy: r.UpdatedBy}
}

func (l *LinkLine) relation(t kg.RelationType, from, to string) *kg.Relation {
	r := &kg.Relation{Type: t, From: from, To: to, Role: l.Role, Title: l.Title, StartDate: l.StartDate,
		EndDate: l.EndDate, Quote: l.Quote, Sources: l.Sources, Basis: l.Basis, Rule: l.Rule, RestsOn: l.RestsOn,
		Note: l.Note, UpdatedAt: l.UpdatedAt, UpdatedBy: l.UpdatedBy}
	r.ID = kg.RelationID(r.Type, r.From, r.To, r.Role)
	return r
}

// Write writes the dataset as JSON Lines: sources, then entities, then
// events, then redirects, each by ID. Every relation is written once, in
// the line of the entity it belongs to: participations and places with
// their event, other relations with the entity they start from.
func Write(w io.Writer, d *kg.Dataset) (int, error) {
	lw := NewWriter(w)
	d.Sort()
	own := map[string][]*kg.Relation{}
	for _, r := range d.Relations {
		owner := Owner(r)
		own[owner] = append(own[owner], r)
	}
	for _, s := range d.Sources {
		if err := lw.Source(s); err != nil {
			return lw.Lines(), err
		}
	}
	for _, pass := range []bool{false, true} {
		for _, e := range d.Entities {
			if (e.Kind == kg.KindEvent) != pass {
				continue
			}
			if err := lw.Entity(e, own[e.ID]); err != nil {
				return lw.Lines(), err
			}
		}
	}
	for _, r := range d.Redirects {
		if err := lw.Redirect(r); err != nil {
			return lw.Lines(), err
		}
	}
	return lw.Lines(), lw.Flush()
}

// LineError is a problem with one line of an import file.
type LineError struct {
	Line int
	Err  error
}

func (e LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

// Parsed is an import file read into memory: the dataset, and for each
// record the line it came from.
type Parsed struct {
	Dataset *kg.Dataset
	// lines maps "kind:id" of each record to its line number.
	lines map[string]int
	Lines int
}

// Read parses a file in the format. It reads to the end and returns every
// problem it finds on a line of its own (syntax, unknown fields, values that
// are invalid on their own); references between records are checked by
// Check.
func Read(r io.Reader) (*Parsed, []LineError) {
	p := &Parsed{Dataset: &kg.Dataset{Version: 1}, lines: map[string]int{}}
	var errs []LineError
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	n := 0
	for sc.Scan() {
		n++
		raw := bytes.TrimSpace(sc.Bytes())
		if len(raw) == 0 {
			continue
		}
		if err := p.add(n, raw); err != nil {
			errs = append(errs, LineError{n, err})
		}
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, LineError{n + 1, err})
	}
	p.Lines = n
	return p, errs
}

func (p *Parsed) add(n int, raw []byte) error {
	rec, err := parseLine(raw)
	if err != nil {
		return err
	}
	d := p.Dataset
	seen := func(key string) error {
		if prev, dup := p.lines[key]; dup {
			return fmt.Errorf("%s is already defined on line %d", key, prev)
		}
		p.lines[key] = n
		return nil
	}
	switch {
	case rec.source != nil:
		d.Sources = append(d.Sources, rec.source)
		return seen(rec.source.ID)
	case rec.redirect != nil:
		d.Redirects = append(d.Redirects, *rec.redirect)
		return seen("redirect " + rec.redirect.From)
	}
	d.Relations = append(d.Relations, rec.relations...)
	d.Entities = append(d.Entities, rec.entity)
	return seen(rec.entity.ID)
}

// record is one line of the format, parsed: a source, an entity or event
// with the relations written in its line, or a redirect.
type record struct {
	source    *kg.Source
	entity    *kg.Entity
	relations []*kg.Relation
	redirect  *kg.Redirect
}

// key returns the key a record is defined under: its ID, or "redirect "
// and the ID a redirect starts from.
func (rec record) key() string {
	switch {
	case rec.source != nil:
		return rec.source.ID
	case rec.redirect != nil:
		return "redirect " + rec.redirect.From
	}
	return rec.entity.ID
}

// parseLine parses one line and checks what can be checked on its own.
func parseLine(raw []byte) (record, error) {
	return new(lineDecoder).parse(raw)
}

// parse parses one line as parseLine does, with the decoder of the lines
// before it.
func (d *lineDecoder) parse(raw []byte) (record, error) {
	var l Line
	if err := d.decode(raw, &l); err != nil {
		return record{}, fmt.Errorf("not a record: %w", err)
	}
	set := 0
	for _, ok := range []bool{l.Source != nil, l.Entity != nil, l.Event != nil, l.Redirect != nil} {
		if ok {
			set++
		}
	}
	if set != 1 {
		return record{}, fmt.Errorf("a line holds exactly one of source, entity, event or redirect")
	}
	switch {
	case l.Source != nil:
		if err := kg.ValidateSource(l.Source); err != nil {
			return record{}, err
		}
		return record{source: l.Source}, nil
	case l.Redirect != nil:
		return record{redirect: l.Redirect}, nil
	case l.Entity != nil:
		e := &l.Entity.Entity
		if e.Kind == kg.KindEvent {
			return record{}, fmt.Errorf("events go on event lines")
		}
		if err := e.Validate(); err != nil {
			return record{}, err
		}
		rec := record{entity: e}
		for i, ll := range l.Entity.Relations {
			r := ll.relation(ll.Type, e.ID, ll.To)
			if err := r.Validate(); err != nil {
				return record{}, fmt.Errorf("relations[%d]: %w", i, err)
			}
			rec.relations = append(rec.relations, r)
		}
		return rec, nil
	}
	ev := &l.Event.Entity
	if ev.Kind == "" {
		ev.Kind = kg.KindEvent
	}
	if err := ev.Validate(); err != nil {
		return record{}, err
	}
	if ev.Kind != kg.KindEvent {
		return record{}, fmt.Errorf("event lines hold events")
	}
	rec := record{entity: ev}
	for i, ll := range l.Event.Participants {
		r := ll.relation(kg.RelParticipatedIn, ll.Entity, ev.ID)
		if err := r.Validate(); err != nil {
			return record{}, fmt.Errorf("participants[%d]: %w", i, err)
		}
		rec.relations = append(rec.relations, r)
	}
	for i, ll := range l.Event.Places {
		r := ll.relation(kg.RelHeldAt, ev.ID, ll.To)
		if err := r.Validate(); err != nil {
			return record{}, fmt.Errorf("places[%d]: %w", i, err)
		}
		rec.relations = append(rec.relations, r)
	}
	return rec, nil
}

// LineOf returns the line a record (an entity or source ID) came from, 0
// when it is not in the file.
func (p *Parsed) LineOf(id string) int { return p.lines[id] }

// sortErrors orders line errors by line.
func sortErrors(errs []LineError) {
	slices.SortStableFunc(errs, func(a, b LineError) int { return a.Line - b.Line })
}
