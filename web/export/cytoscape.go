package export

import (
	"encoding/json"
	"io"
	"strconv"
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
func WriteCytoscape(w io.Writer, g *Graph) error {
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

// typed returns a value as JSON should carry it: a number for a double.
func typed(t Type, v string) any {
	if t == Double {
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return f
		}
	}
	return v
}
