package export

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
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

// xmlWriter writes XML text, remembering the first error.
type xmlWriter struct {
	w   *bufio.Writer
	err error
}

func newXMLWriter(w io.Writer) *xmlWriter {
	x := &xmlWriter{w: bufio.NewWriter(w)}
	x.raw(xml.Header)
	return x
}

func (x *xmlWriter) raw(s string) {
	if x.err == nil {
		_, x.err = x.w.WriteString(s)
	}
}

// esc escapes s for an attribute value or character data; characters that
// XML 1.0 does not allow become U+FFFD.
func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// tag writes an element's start tag with its attributes, given as name,
// value pairs, closing it when empty is true.
func (x *xmlWriter) tag(indent int, name string, empty bool, attrs ...string) {
	x.raw(strings.Repeat("  ", indent) + "<" + name)
	for i := 0; i+1 < len(attrs); i += 2 {
		x.raw(" " + attrs[i] + `="` + esc(attrs[i+1]) + `"`)
	}
	if empty {
		x.raw("/>\n")
	} else {
		x.raw(">")
	}
}

// element writes <name attrs...>text</name> on one line.
func (x *xmlWriter) element(indent int, name, text string, attrs ...string) {
	x.tag(indent, name, false, attrs...)
	x.raw(esc(text) + "</" + name + ">\n")
}

func (x *xmlWriter) flush() error {
	if x.err != nil {
		return x.err
	}
	return x.w.Flush()
}

// WriteGraphML writes the graph as GraphML: one <key> per attribute, typed
// with attr.type, a directed graph whose node IDs are entity IDs and whose
// edges are numbered e1, e2… (GraphML IDs are NMTOKENs, which relation IDs
// are not), each with the relation ID in its "relation" data.
func WriteGraphML(w io.Writer, g *Graph) error {
	x := newXMLWriter(w)
	x.tag(0, "graphml", false, "xmlns", GraphMLNamespace, "xmlns:xsi", xsiNamespace,
		"xsi:schemaLocation", GraphMLNamespace+" "+GraphMLSchema)
	x.raw("\n")
	if g.Title != "" {
		x.element(1, "desc", g.Title)
	}
	for _, a := range nodeAttrs {
		x.tag(1, "key", false, "id", "n_"+a.Name, "for", "node", "attr.name", a.Name, "attr.type", string(a.Type))
		x.raw("<desc>" + esc(a.Title) + "</desc></key>\n")
	}
	for _, a := range edgeAttrs {
		x.tag(1, "key", false, "id", "e_"+a.Name, "for", "edge", "attr.name", a.Name, "attr.type", string(a.Type))
		x.raw("<desc>" + esc(a.Title) + "</desc></key>\n")
	}
	x.tag(1, "graph", false, "id", "puente", "edgedefault", "directed")
	x.raw("\n")
	for _, e := range g.Nodes {
		x.tag(2, "node", false, "id", e.ID)
		x.raw("\n")
		for _, a := range nodeAttrs {
			if v, ok := a.get(e); ok {
				x.element(3, "data", v, "key", "n_"+a.Name)
			}
		}
		x.raw("    </node>\n")
	}
	for i, r := range g.Edges {
		x.tag(2, "edge", false, "id", fmt.Sprintf("e%d", i+1), "source", r.From, "target", r.To)
		x.raw("\n")
		for _, a := range edgeAttrs {
			if v, ok := a.get(r); ok {
				x.element(3, "data", v, "key", "e_"+a.Name)
			}
		}
		x.raw("    </edge>\n")
	}
	x.raw("  </graph>\n</graphml>\n")
	return x.flush()
}

// WriteGEXF writes the graph as GEXF 1.3: a static, directed graph with
// node and edge attribute classes, typed attributes and one <attvalue> per
// value present. Node and edge labels are GEXF's own label attributes;
// edge IDs are relation IDs.
func WriteGEXF(w io.Writer, g *Graph) error {
	return writeGEXF(w, g, time.Now())
}

func writeGEXF(w io.Writer, g *Graph, now time.Time) error {
	x := newXMLWriter(w)
	x.tag(0, "gexf", false, "xmlns", GEXFNamespace, "xmlns:xsi", xsiNamespace,
		"xsi:schemaLocation", GEXFNamespace+" "+GEXFSchema, "version", GEXFVersion)
	x.raw("\n")
	x.tag(1, "meta", false, "lastmodifieddate", now.UTC().Format(time.DateOnly))
	x.raw("\n")
	x.element(2, "creator", "Puente")
	if g.Title != "" {
		x.element(2, "description", g.Title)
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
	for _, e := range g.Nodes {
		x.tag(3, "node", false, "id", e.ID, "label", e.Name)
		x.raw("\n        <attvalues>\n")
		for _, a := range nodeAttrs {
			if v, ok := a.get(e); ok {
				x.tag(5, "attvalue", true, "for", a.Name, "value", v)
			}
		}
		x.raw("        </attvalues>\n      </node>\n")
	}
	x.raw("    </nodes>\n    <edges>\n")
	for _, r := range g.Edges {
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
	}
	x.raw("    </edges>\n  </graph>\n</gexf>\n")
	return x.flush()
}
