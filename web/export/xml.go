package export

import (
	"encoding/xml"
	"io"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/puente-kg/puente/kg"
)

// The XML namespaces and schema locations the formats declare.
const (
	GraphMLNamespace = "http://graphml.graphdrawing.org/xmlns"
	GraphMLSchema    = "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"
	GEXFNamespace    = "http://gexf.net/1.3"
	GEXFSchema       = "http://gexf.net/1.3/gexf.xsd"
	GEXFVersion      = "1.3"
	xsiNamespace     = "http://www.w3.org/2001/XMLSchema-instance"
)

// esc writes s escaped for an attribute value or character data, as
// xml.EscapeText does (the same bytes), without copying s: characters that
// XML 1.0 does not allow become U+FFFD.
func (s *sink) esc(t string) {
	last := 0
	for i := 0; i < len(t); {
		r, width := utf8.DecodeRuneInString(t[i:])
		i += width
		var e string
		switch r {
		case '"':
			e = "&#34;"
		case '\'':
			e = "&#39;"
		case '&':
			e = "&amp;"
		case '<':
			e = "&lt;"
		case '>':
			e = "&gt;"
		case '\t':
			e = "&#x9;"
		case '\n':
			e = "&#xA;"
		case '\r':
			e = "&#xD;"
		default:
			if inXMLCharRange(r) && (r != utf8.RuneError || width > 1) {
				continue
			}
			e = "\uFFFD"
		}
		s.raw(t[last : i-width])
		s.raw(e)
		last = i
	}
	s.raw(t[last:])
}

// inXMLCharRange reports whether XML 1.0 allows the character.
func inXMLCharRange(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

// indents holds the indentation of every level the formats use.
const indents = "            "

// tag writes an element's start tag with its attributes, given as name,
// value pairs, closing it when empty is true.
func (s *sink) tag(indent int, name string, empty bool, attrs ...string) {
	s.raw(indents[:2*indent])
	s.raw("<")
	s.raw(name)
	for i := 0; i+1 < len(attrs); i += 2 {
		s.raw(" ")
		s.raw(attrs[i])
		s.raw(`="`)
		s.esc(attrs[i+1])
		s.raw(`"`)
	}
	if empty {
		s.raw("/>\n")
	} else {
		s.raw(">")
	}
}

// element writes <name attrs...>text</name> on one line.
func (s *sink) element(indent int, name, text string, attrs ...string) {
	s.tag(indent, name, false, attrs...)
	s.esc(text)
	s.raw("</")
	s.raw(name)
	s.raw(">\n")
}

// WriteGraphML writes the graph as GraphML: one <key> per attribute, typed
// with attr.type, a directed graph whose node IDs are entity IDs and whose
// edges are numbered e1, e2… (GraphML IDs are NMTOKENs, which relation IDs
// are not), each with the relation ID in its "relation" data.
func WriteGraphML(w io.Writer, g *Graph) error { return Write(w, GraphML, g) }

// graphmlWriter writes GraphML as WriteGraphML describes.
type graphmlWriter struct{ sink }

func (x *graphmlWriter) Begin(title string) error {
	if err := x.check("Begin", phaseNew); err != nil {
		return err
	}
	x.raw(xml.Header)
	x.tag(0, "graphml", false, "xmlns", GraphMLNamespace, "xmlns:xsi", xsiNamespace,
		"xsi:schemaLocation", GraphMLNamespace+" "+GraphMLSchema)
	x.raw("\n")
	if title != "" {
		x.element(1, "desc", title)
	}
	for _, a := range nodeAttrs {
		x.tag(1, "key", false, "id", "n_"+a.Name, "for", "node", "attr.name", a.Name, "attr.type", string(a.Type))
		x.raw("<desc>")
		x.esc(a.Title)
		x.raw("</desc></key>\n")
	}
	for _, a := range edgeAttrs {
		x.tag(1, "key", false, "id", "e_"+a.Name, "for", "edge", "attr.name", a.Name, "attr.type", string(a.Type))
		x.raw("<desc>")
		x.esc(a.Title)
		x.raw("</desc></key>\n")
	}
	x.tag(1, "graph", false, "id", "puente", "edgedefault", "directed")
	x.raw("\n")
	x.phase = phaseNodes
	return x.err
}

func (x *graphmlWriter) Node(e *kg.Entity) error {
	if err := x.check("Node", phaseNodes); err != nil {
		return err
	}
	x.tag(2, "node", false, "id", e.ID)
	x.raw("\n")
	for _, a := range nodeAttrs {
		if v, ok := a.get(e); ok {
			x.element(3, "data", v, "key", "n_"+a.Name)
		}
	}
	x.raw("    </node>\n")
	x.nodes++
	return x.err
}

func (x *graphmlWriter) Edge(r *kg.Relation) error {
	if err := x.check("Edge", phaseNodes, phaseEdges); err != nil {
		return err
	}
	x.phase = phaseEdges
	x.edges++
	x.tag(2, "edge", false, "id", "e"+strconv.Itoa(x.edges), "source", r.From, "target", r.To)
	x.raw("\n")
	for _, a := range edgeAttrs {
		if v, ok := a.get(r); ok {
			x.element(3, "data", v, "key", "e_"+a.Name)
		}
	}
	x.raw("    </edge>\n")
	return x.err
}

func (x *graphmlWriter) End() error {
	if err := x.check("End", phaseNodes, phaseEdges); err != nil {
		return err
	}
	x.raw("  </graph>\n</graphml>\n")
	x.phase = phaseEnded
	return x.flush()
}

// WriteGEXF writes the graph as GEXF 1.3: a static, directed graph with
// node and edge attribute classes, typed attributes and one <attvalue> per
// value present. Node and edge labels are GEXF's own label attributes;
// edge IDs are relation IDs.
func WriteGEXF(w io.Writer, g *Graph) error { return Write(w, GEXF, g) }

// gexfWriter writes GEXF as WriteGEXF describes; now is the date of the
// document's meta.
type gexfWriter struct {
	sink
	now time.Time
}

func (x *gexfWriter) Begin(title string) error {
	if err := x.check("Begin", phaseNew); err != nil {
		return err
	}
	x.raw(xml.Header)
	x.tag(0, "gexf", false, "xmlns", GEXFNamespace, "xmlns:xsi", xsiNamespace,
		"xsi:schemaLocation", GEXFNamespace+" "+GEXFSchema, "version", GEXFVersion)
	x.raw("\n")
	x.tag(1, "meta", false, "lastmodifieddate", x.now.UTC().Format(time.DateOnly))
	x.raw("\n")
	x.element(2, "creator", "Puente")
	if title != "" {
		x.element(2, "description", title)
	}
	x.raw("  </meta>\n")
	x.tag(1, "graph", false, "defaultedgetype", "directed", "mode", "static")
	x.raw("\n")
	x.tag(2, "attributes", false, "class", "node")
	x.raw("\n")
	for _, a := range nodeAttrs {
		x.tag(3, "attribute", true, "id", a.Name, "title", a.Name, "type", string(a.Type))
	}
	x.raw("    </attributes>\n")
	x.tag(2, "attributes", false, "class", "edge")
	x.raw("\n")
	for _, a := range edgeAttrs {
		x.tag(3, "attribute", true, "id", a.Name, "title", a.Name, "type", string(a.Type))
	}
	x.raw("    </attributes>\n")
	x.raw("    <nodes>\n")
	x.phase = phaseNodes
	return x.err
}

func (x *gexfWriter) Node(e *kg.Entity) error {
	if err := x.check("Node", phaseNodes); err != nil {
		return err
	}
	x.tag(3, "node", false, "id", e.ID, "label", e.Name)
	x.raw("\n        <attvalues>\n")
	for _, a := range nodeAttrs {
		if v, ok := a.get(e); ok {
			x.tag(5, "attvalue", true, "for", a.Name, "value", v)
		}
	}
	x.raw("        </attvalues>\n      </node>\n")
	x.nodes++
	return x.err
}

// toEdges closes the nodes and opens the edges, once.
func (x *gexfWriter) toEdges() {
	if x.phase == phaseNodes {
		x.raw("    </nodes>\n    <edges>\n")
		x.phase = phaseEdges
	}
}

func (x *gexfWriter) Edge(r *kg.Relation) error {
	if err := x.check("Edge", phaseNodes, phaseEdges); err != nil {
		return err
	}
	x.toEdges()
	attrs := []string{"id", r.ID, "source", r.From, "target", r.To}
	if l := EdgeLabel(r); l != "" {
		attrs = append(attrs, "label", l)
	}
	x.tag(3, "edge", false, attrs...)
	x.raw("\n        <attvalues>\n")
	for _, a := range edgeAttrs {
		if v, ok := a.get(r); ok {
			x.tag(5, "attvalue", true, "for", a.Name, "value", v)
		}
	}
	x.raw("        </attvalues>\n      </edge>\n")
	x.edges++
	return x.err
}

func (x *gexfWriter) End() error {
	if err := x.check("End", phaseNodes, phaseEdges); err != nil {
		return err
	}
	x.toEdges()
	x.raw("    </edges>\n  </graph>\n</gexf>\n")
	x.phase = phaseEnded
	return x.flush()
}
