// Package export writes a part of the knowledge graph in the exchange
// formats that graph tools read: GraphML (yEd, Gephi, NetworkX, igraph),
// GEXF 1.3 (Gephi) and Cytoscape.js JSON (Cytoscape, Cytoscape.js).
//
// Every format carries the same attributes with the same names and types:
// nodes have their kind, label, event category, dates, amounts and sources;
// edges have their relation type, role or title, dates, quote and sources.
// Amounts are numbers (double); dates are ISO 8601 text, the date as the
// source gives it ("2021", "2021-11", "2021-11-10") with the first and last
// day of the period it names ("2021-11-01", "2021-11-30") beside it, so that
// tools can both sort and show them.
package export

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/puente-kg/puente/kg"
)

// Graph is the subgraph to write: entities and the relations among them.
type Graph struct {
	// Title describes the graph, such as "Neighborhood of org:xiaomi,
	// depth 2"; the formats that have a description carry it.
	Title string
	// Nodes are the entities, in the order to write them.
	Nodes []*kg.Entity
	// Edges are relations whose both ends are among Nodes, in the order to
	// write them.
	Edges []*kg.Relation
}

// Format is an export format.
type Format string

// The export formats.
const (
	GraphML   Format = "graphml"
	GEXF      Format = "gexf"
	Cytoscape Format = "cytoscape"
)

// Formats lists every format.
var Formats = []Format{GraphML, GEXF, Cytoscape}

// ParseFormat returns the format of that name, or an EINVALID error.
func ParseFormat(s string) (Format, error) {
	f := Format(s)
	if !slices.Contains(Formats, f) {
		return "", kg.Invalid("format", "%q is not an export format: want graphml, gexf or cytoscape", s)
	}
	return f, nil
}

// ContentType returns the media type of the format.
func (f Format) ContentType() string {
	switch f {
	case GraphML:
		return "application/graphml+xml; charset=utf-8"
	case GEXF:
		return "application/gexf+xml; charset=utf-8"
	}
	return "application/json; charset=utf-8"
}

// Extension returns the usual file name extension of the format, without
// the dot.
func (f Format) Extension() string {
	if f == Cytoscape {
		return "cyjs"
	}
	return string(f)
}

// Writer writes one document as it goes, so that a graph of any size can
// be written while holding only what is being written: Begin, then every
// node, then every edge, then End. Output goes through a buffer of its own
// and reaches the underlying writer in chunks; End flushes it. A writer
// remembers the first error, which every later call returns.
type Writer interface {
	// Begin writes the head of the document: the title, when not empty,
	// and the attribute declarations.
	Begin(title string) error
	// Node writes an entity as a node. It fails once an edge is written:
	// the formats list every node before any edge.
	Node(e *kg.Entity) error
	// Edge writes a relation as an edge; its ends should be written nodes.
	Edge(r *kg.Relation) error
	// End finishes the document and flushes it.
	End() error
}

// NewWriter returns a writer of a document in the format to w.
func NewWriter(w io.Writer, f Format) (Writer, error) {
	return newWriter(w, f, time.Now())
}

// newWriter is NewWriter with the time GEXF's meta gives as the document's
// last modification.
func newWriter(w io.Writer, f Format, now time.Time) (Writer, error) {
	switch f {
	case GraphML:
		return &graphmlWriter{sink: newSink(w)}, nil
	case GEXF:
		return &gexfWriter{sink: newSink(w), now: now}, nil
	case Cytoscape:
		return &cytoscapeWriter{sink: newSink(w)}, nil
	}
	return nil, fmt.Errorf("export: unknown format %q", f)
}

// Write writes the graph in the format.
func Write(w io.Writer, f Format, g *Graph) error {
	return write(w, f, g, time.Now())
}

func write(w io.Writer, f Format, g *Graph, now time.Time) error {
	x, err := newWriter(w, f, now)
	if err != nil {
		return err
	}
	if err := x.Begin(g.Title); err != nil {
		return err
	}
	for _, e := range g.Nodes {
		if err := x.Node(e); err != nil {
			return err
		}
	}
	for _, r := range g.Edges {
		if err := x.Edge(r); err != nil {
			return err
		}
	}
	return x.End()
}

// sink buffers a document's text and remembers the first error, and the
// part of the document the writer is in.
type sink struct {
	w     *bufio.Writer
	err   error
	phase phase
	// nodes and edges count what was written.
	nodes, edges int
}

// phase is where a writer is in its document.
type phase int

const (
	phaseNew phase = iota
	phaseNodes
	phaseEdges
	phaseEnded
)

// sinkBuffer is the size of a writer's buffer: what reaches the underlying
// writer at once.
const sinkBuffer = 32 << 10

func newSink(w io.Writer) sink { return sink{w: bufio.NewWriterSize(w, sinkBuffer)} }

func (s *sink) raw(t string) {
	if s.err == nil {
		_, s.err = s.w.WriteString(t)
	}
}

// check returns the first error, or an error when the writer is not in
// one of the phases op may come in.
func (s *sink) check(op string, in ...phase) error {
	if s.err != nil {
		return s.err
	}
	if !slices.Contains(in, s.phase) {
		names := [...]string{"before Begin", "among the nodes", "among the edges", "after End"}
		return fmt.Errorf("export: %s %s: a document is Begin, nodes, edges, End", op, names[s.phase])
	}
	return nil
}

// flush writes out what is buffered and returns the first error.
func (s *sink) flush() error {
	if s.err != nil {
		return s.err
	}
	s.err = s.w.Flush()
	return s.err
}

// Type is the type of an attribute.
type Type string

// The attribute types: GraphML's and GEXF's names for them are the same.
const (
	String Type = "string"
	Double Type = "double"
)

// Attribute is a node or edge attribute that every format carries.
type Attribute struct {
	// Name is the attribute's name in every format.
	Name string
	// Type is its type.
	Type Type
	// Title describes it; GraphML and GEXF carry it as a comment or title.
	Title string
}

// nodeAttr is a node attribute and the way to read it from an entity: ok
// is false when the entity has no value.
type nodeAttr struct {
	Attribute
	get func(e *kg.Entity) (v string, ok bool)
}

// edgeAttr is an edge attribute and the way to read it from a relation.
type edgeAttr struct {
	Attribute
	get func(r *kg.Relation) (v string, ok bool)
}

func text(s string) (string, bool) { return s, s != "" }

func number(f float64) (string, bool) { return strconv.FormatFloat(f, 'f', -1, 64), true }

func date(d kg.Date) (string, bool) { return d.String(), !d.IsZero() }

func list(ss []string) (string, bool) { return strings.Join(ss, "; "), len(ss) > 0 }

// nodeAttrs are the node attributes, in the order formats declare them.
var nodeAttrs = []nodeAttr{
	{Attribute{"label", String, "display name"}, func(e *kg.Entity) (string, bool) { return text(e.Name) }},
	{Attribute{"kind", String, "COUNTRY, PERSON, ORGANIZATION, PLACE or EVENT"}, func(e *kg.Entity) (string, bool) { return text(string(e.Kind)) }},
	{Attribute{"aliases", String, "other names, separated by '; '"}, func(e *kg.Entity) (string, bool) { return list(e.Aliases) }},
	{Attribute{"description", String, "short factual description"}, func(e *kg.Entity) (string, bool) { return text(e.Description) }},
	{Attribute{"notes", String, "remarks for analysts, separated by '; '"}, func(e *kg.Entity) (string, bool) { return list(e.Notes) }},
	{Attribute{"countryCode", String, "ISO 3166-1 alpha-2 code of a country"}, func(e *kg.Entity) (string, bool) { return text(e.CountryCode) }},
	{Attribute{"orgType", String, "kind of organization"}, func(e *kg.Entity) (string, bool) { return text(string(e.OrgType)) }},
	{Attribute{"placeType", String, "kind of place"}, func(e *kg.Entity) (string, bool) { return text(string(e.PlaceType)) }},
	{Attribute{"category", String, "event category, such as MEETING"}, func(e *kg.Entity) (string, bool) { return text(string(e.Category)) }},
	{Attribute{"date", String, "event date as the source gives it: YYYY, YYYY-MM or YYYY-MM-DD"}, func(e *kg.Entity) (string, bool) { return date(e.Date) }},
	{Attribute{"endDate", String, "end of a multi-day event: YYYY, YYYY-MM or YYYY-MM-DD"}, func(e *kg.Entity) (string, bool) { return date(e.EndDate) }},
	{Attribute{"dateStart", String, "first day of the event's period, YYYY-MM-DD"}, func(e *kg.Entity) (string, bool) { first, _ := e.DateRange(); return text(first) }},
	{Attribute{"dateEnd", String, "last day of the event's period, YYYY-MM-DD"}, func(e *kg.Entity) (string, bool) { _, last := e.DateRange(); return text(last) }},
	{Attribute{"status", String, "event status as the source reports it"}, func(e *kg.Entity) (string, bool) { return text(string(e.Status)) }},
	{Attribute{"channel", String, "how the participants took part"}, func(e *kg.Entity) (string, bool) { return text(string(e.Channel)) }},
	{Attribute{"amount", Double, "money involved, in units of currency"}, func(e *kg.Entity) (string, bool) {
		if e.Amount == nil {
			return "", false
		}
		return number(e.Amount.Amount)
	}},
	{Attribute{"currency", String, "ISO 4217 currency of amount"}, func(e *kg.Entity) (string, bool) {
		if e.Amount == nil {
			return "", false
		}
		return text(e.Amount.Currency)
	}},
	{Attribute{"amountQualifier", String, "how the source qualifies amount, such as MORE_THAN"}, func(e *kg.Entity) (string, bool) {
		if e.Amount == nil {
			return "", false
		}
		return text(string(e.Amount.Qualifier))
	}},
	{Attribute{"amountPer", String, "unit a price is given for"}, func(e *kg.Entity) (string, bool) {
		if e.Amount == nil {
			return "", false
		}
		return text(e.Amount.Per)
	}},
	{Attribute{"amountBaseline", Double, "earlier amount the source compares with"}, func(e *kg.Entity) (string, bool) {
		if e.Amount == nil || e.Amount.Baseline == nil {
			return "", false
		}
		return number(*e.Amount.Baseline)
	}},
	{Attribute{"quantity", Double, "counted or measured quantity"}, func(e *kg.Entity) (string, bool) {
		if e.Quantity == nil {
			return "", false
		}
		return number(e.Quantity.Amount)
	}},
	{Attribute{"quantityUnit", String, "unit of quantity"}, func(e *kg.Entity) (string, bool) {
		if e.Quantity == nil {
			return "", false
		}
		return text(e.Quantity.Unit)
	}},
	{Attribute{"sources", String, "IDs of the sources that attest the entity, separated by '; '"}, func(e *kg.Entity) (string, bool) { return list(e.Sources) }},
}

// edgeAttrs are the edge attributes, in the order formats declare them.
var edgeAttrs = []edgeAttr{
	{Attribute{"relation", String, "stable ID of the relation"}, func(r *kg.Relation) (string, bool) { return text(r.ID) }},
	{Attribute{"type", String, "relation type, such as PARTICIPATED_IN"}, func(r *kg.Relation) (string, bool) { return text(string(r.Type)) }},
	{Attribute{"label", String, "role of a participation or title of a position"}, func(r *kg.Relation) (string, bool) { return text(EdgeLabel(r)) }},
	{Attribute{"role", String, "role in the event, for PARTICIPATED_IN"}, func(r *kg.Relation) (string, bool) { return text(string(r.Role)) }},
	{Attribute{"title", String, "title of the position, for HOLDS_POSITION"}, func(r *kg.Relation) (string, bool) { return text(r.Title) }},
	{Attribute{"startDate", String, "since when: YYYY, YYYY-MM or YYYY-MM-DD"}, func(r *kg.Relation) (string, bool) { return date(r.StartDate) }},
	{Attribute{"endDate", String, "until when: YYYY, YYYY-MM or YYYY-MM-DD"}, func(r *kg.Relation) (string, bool) { return date(r.EndDate) }},
	{Attribute{"basis", String, "how the relation is known: STATED, INFERRED or BACKGROUND"}, func(r *kg.Relation) (string, bool) { return text(string(r.EffectiveBasis())) }},
	{Attribute{"quote", String, "sentence of the source the relation rests on"}, func(r *kg.Relation) (string, bool) { return text(r.Quote) }},
	{Attribute{"sources", String, "IDs of the sources that attest the relation, separated by '; '"}, func(r *kg.Relation) (string, bool) { return list(r.Sources) }},
}

// NodeAttributes returns the node attributes every format carries.
func NodeAttributes() []Attribute {
	out := make([]Attribute, len(nodeAttrs))
	for i, a := range nodeAttrs {
		out[i] = a.Attribute
	}
	return out
}

// EdgeAttributes returns the edge attributes every format carries.
func EdgeAttributes() []Attribute {
	out := make([]Attribute, len(edgeAttrs))
	for i, a := range edgeAttrs {
		out[i] = a.Attribute
	}
	return out
}

// EdgeLabel returns what the GraphQL API gives as an edge's label: the role
// of a participation or the title of a position, or "".
func EdgeLabel(r *kg.Relation) string {
	if r.Role != "" {
		return string(r.Role)
	}
	return r.Title
}
