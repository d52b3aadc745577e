package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/puente-kg/puente/kg"
)

// CytoscapeDocument is the Cytoscape.js JSON that WriteCytoscape writes:
// what cy.json() gives and what Cytoscape (desktop) imports as .cyjs.
type CytoscapeDocument struct {
	FormatVersion string `json:"format_version"`
	GeneratedBy   string `json:"generated_by"`
	// TargetVersion is the Cytoscape.js version the document is meant for.
	TargetVersion string            `json:"target_cytoscapejs_version"`
	Data          map[string]any    `json:"data"`
	Elements      CytoscapeElements `json:"elements"`
}

// CytoscapeElements holds the nodes and edges of a document.
type CytoscapeElements struct {
	Nodes []CytoscapeElement `json:"nodes"`
	Edges []CytoscapeElement `json:"edges"`
}

// CytoscapeElement is a node or an edge: its data. A node's data has id,
// label, kind and the other node attributes; an edge's has id (the
// relation ID), source, target and the edge attributes. Doubles are JSON
// numbers, everything else strings.
type CytoscapeElement struct {
	Data map[string]any `json:"data"`
}

// WriteCytoscape writes the graph as Cytoscape.js JSON.
func WriteCytoscape(w io.Writer, g *Graph) error { return Write(w, Cytoscape, g) }

// cytoscapeWriter writes a CytoscapeDocument element by element, with the
// text json.Encoder gives it when indenting by two spaces: the formats'
// byte-for-byte output does not depend on whether it was streamed.
type cytoscapeWriter struct {
	sink
	// compact and indented are reused for each element.
	compact, indented bytes.Buffer
}

// cytoscapeIndent is the indentation of an element in elements.nodes or
// elements.edges.
const cytoscapeIndent = "      "

func (x *cytoscapeWriter) Begin(title string) error {
	if err := x.check("Begin", phaseNew); err != nil {
		return err
	}
	name, err := json.Marshal(title)
	if err != nil {
		x.err = fmt.Errorf("export: title: %w", err)
		return x.err
	}
	x.raw("{\n" +
		"  \"format_version\": \"1.0\",\n" +
		"  \"generated_by\": \"Puente\",\n" +
		"  \"target_cytoscapejs_version\": \"~3.0\",\n" +
		"  \"data\": {\n" +
		"    \"name\": " + string(name) + "\n" +
		"  },\n" +
		"  \"elements\": {\n" +
		"    \"nodes\": [")
	x.phase = phaseNodes
	return x.err
}

// element writes one element's data after the ones before it in the list,
// of which there are n.
func (x *cytoscapeWriter) element(n int, data map[string]any) {
	if x.err != nil {
		return
	}
	x.compact.Reset()
	x.indented.Reset()
	enc := json.NewEncoder(&x.compact)
	if err := enc.Encode(CytoscapeElement{Data: data}); err != nil {
		x.err = fmt.Errorf("export: %v: %w", data["id"], err)
		return
	}
	if err := json.Indent(&x.indented, bytes.TrimSuffix(x.compact.Bytes(), []byte("\n")), cytoscapeIndent, "  "); err != nil {
		x.err = fmt.Errorf("export: %v: %w", data["id"], err)
		return
	}
	if n > 0 {
		x.raw(",")
	}
	x.raw("\n" + cytoscapeIndent)
	if x.err == nil {
		_, x.err = x.w.Write(x.indented.Bytes())
	}
}

// closeList ends a list of n elements.
func (x *cytoscapeWriter) closeList(n int) {
	if n > 0 {
		x.raw("\n    ")
	}
	x.raw("]")
}

func (x *cytoscapeWriter) Node(e *kg.Entity) error {
	if err := x.check("Node", phaseNodes); err != nil {
		return err
	}
	data := map[string]any{"id": e.ID}
	for _, a := range nodeAttrs {
		if v, ok := a.get(e); ok {
			data[a.Name] = typed(a.Type, v)
		}
	}
	x.element(x.nodes, data)
	x.nodes++
	return x.err
}

// toEdges closes the nodes and opens the edges, once.
func (x *cytoscapeWriter) toEdges() {
	if x.phase == phaseNodes {
		x.closeList(x.nodes)
		x.raw(",\n    \"edges\": [")
		x.phase = phaseEdges
	}
}

func (x *cytoscapeWriter) Edge(r *kg.Relation) error {
	if err := x.check("Edge", phaseNodes, phaseEdges); err != nil {
		return err
	}
	x.toEdges()
	data := map[string]any{"id": r.ID, "source": r.From, "target": r.To}
	for _, a := range edgeAttrs {
		if v, ok := a.get(r); ok {
			data[a.Name] = typed(a.Type, v)
		}
	}
	x.element(x.edges, data)
	x.edges++
	return x.err
}

func (x *cytoscapeWriter) End() error {
	if err := x.check("End", phaseNodes, phaseEdges); err != nil {
		return err
	}
	x.toEdges()
	x.closeList(x.edges)
	x.raw("\n  }\n}\n")
	x.phase = phaseEnded
	return x.flush()
}

// typed returns a value as JSON should carry it: a number for a double.
func typed(t Type, v string) any {
	if t == Double {
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return f
		}
	}
	return v
}
