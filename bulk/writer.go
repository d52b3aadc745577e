package bulk

import (
	"bufio"
	"encoding/json"
	"io"

	"github.com/puente-kg/puente/kg"
)

// Writer writes the format line by line, buffered: a file of any size
// costs the memory of one line. Call Flush at the end.
type Writer struct {
	bw    *bufio.Writer
	enc   *json.Encoder
	lines int
}

// NewWriter returns a Writer to w.
func NewWriter(w io.Writer) *Writer {
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &Writer{bw: bw, enc: enc}
}

// Owner returns the ID of the entity in whose line a relation is written:
// the event for a participation, the entity it starts from otherwise.
func Owner(r *kg.Relation) string {
	if r.Type == kg.RelParticipatedIn {
		return r.To
	}
	return r.From
}

// Lines returns how many lines were written.
func (w *Writer) Lines() int { return w.lines }

func (w *Writer) put(l Line) error {
	w.lines++
	return w.enc.Encode(l)
}

// Source writes a source line.
func (w *Writer) Source(s *kg.Source) error { return w.put(Line{Source: s}) }

// Redirect writes a redirect line.
func (w *Writer) Redirect(r kg.Redirect) error { return w.put(Line{Redirect: &r}) }

// Entity writes the line of an entity or event with the relations it owns
// (see Owner), in the order given; Write gives them by ID.
func (w *Writer) Entity(e *kg.Entity, owned []*kg.Relation) error {
	if e.Kind == kg.KindEvent {
		l := &EventLine{Entity: *e}
		for _, r := range owned {
			ll := link(r)
			if r.Type == kg.RelParticipatedIn {
				ll.Entity, ll.Role = r.From, r.Role
				l.Participants = append(l.Participants, ll)
			} else {
				ll.To = r.To
				l.Places = append(l.Places, ll)
			}
		}
		return w.put(Line{Event: l})
	}
	l := &EntityLine{Entity: *e}
	for _, r := range owned {
		ll := link(r)
		ll.Type, ll.To = r.Type, r.To
		l.Relations = append(l.Relations, ll)
	}
	return w.put(Line{Entity: l})
}

// Flush writes what is buffered.
func (w *Writer) Flush() error { return w.bw.Flush() }
