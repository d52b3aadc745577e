package export

// The writers as they were before they streamed (commit 29e537f), kept as
// the reference that the streaming writers must match byte for byte.

import (
	"bufio"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// esc escapes s for an attribute value or character data; characters that
// XML 1.0 does not allow become U+FFFD.
func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// legacyXMLWriter writes XML text, remembering the first error.
type legacyXMLWriter struct {
	w   *bufio.Writer
	err error
}

func newLegacyXMLWriter(w io.Writer) *legacyXMLWriter {
	x := &legacyXMLWriter{w: bufio.NewWriter(w)}
	x.raw(xml.Header)
	return x
}

func (x *legacyXMLWriter) raw(s string) {
	if x.err == nil {
		_, x.err = x.w.WriteString(s)
	}
}

// tag writes an element's start tag with its attributes, given as name,
// value pairs, closing it when empty is true.
func (x *legacyXMLWriter) tag(indent int, name string, empty bool, attrs ...string) {
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
func (x *legacyXMLWriter) element(indent int, name, text string, attrs ...string) {
	x.tag(indent, name, false, attrs...)
	x.raw(esc(text) + "</" + name + ">\n")
}

func (x *legacyXMLWriter) flush() error {
	if x.err != nil {
		return x.err
	}
	return x.w.Flush()
}

// legacyGraphML is WriteGraphML as it was before writers streamed.
func legacyGraphML(w io.Writer, g *Graph) error {
	x := newLegacyXMLWriter(w)
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

// legacyGEXF is WriteGEXF as it was before writers streamed.
func legacyGEXF(w io.Writer, g *Graph, now time.Time) error {
	x := newLegacyXMLWriter(w)
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

// legacyCytoscape is WriteCytoscape as it was before writers streamed.
func legacyCytoscape(w io.Writer, g *Graph) error {
	doc := CytoscapeDocument{
		FormatVersion: "1.0",
		GeneratedBy:   "Puente",
		TargetVersion: "~3.0",
		Data:          map[string]any{"name": g.Title},
		Elements: CytoscapeElements{
			Nodes: make([]CytoscapeElement, 0, len(g.Nodes)),
			Edges: make([]CytoscapeElement, 0, len(g.Edges)),
		},
	}
	for _, e := range g.Nodes {
		data := map[string]any{"id": e.ID}
		for _, a := range nodeAttrs {
			if v, ok := a.get(e); ok {
				data[a.Name] = typed(a.Type, v)
			}
		}
		doc.Elements.Nodes = append(doc.Elements.Nodes, CytoscapeElement{Data: data})
	}
	for _, r := range g.Edges {
		data := map[string]any{"id": r.ID, "source": r.From, "target": r.To}
		for _, a := range edgeAttrs {
			if v, ok := a.get(r); ok {
				data[a.Name] = typed(a.Type, v)
			}
		}
		doc.Elements.Edges = append(doc.Elements.Edges, CytoscapeElement{Data: data})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
