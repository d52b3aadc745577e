package testenv

import (
	"fmt"

	"github.com/puente-kg/puente/kg"
)

// The entities of GraphData that the graph tests ask about.
const (
	// GraphCenter has a hub one step out and another two steps out.
	GraphCenter = "org:gt-center"
	// GraphAlone has no relations.
	GraphAlone = "org:gt-alone"
	// GraphFrom is joined to GraphTo by 1 path of length 1, 2 of length 2
	// (one through a person) and GraphFanWidth² walks of length 4.
	GraphFrom = "org:gt-from"
	// GraphTo is where GraphFrom's paths end.
	GraphTo = "org:gt-to"
	// GraphFanWidth is how many entities GraphFrom's walks of length 4
	// pass through on each side of their middle.
	GraphFanWidth = 150
	// graphSource is the source every fact of GraphData cites.
	graphSource = "source:gt-graph"
)

// GraphData returns a graph for neighborhoods and paths, apart from the
// seed dataset's: around GraphCenter, a hub one step out (60 relations),
// a hub two steps out (55), relations within a level, a node reached
// twice, a chain of persons four steps long and relations that are not
// stated; from GraphFrom to GraphTo, few short paths and, through hubs,
// more walks of length four than kg.MaxPathCandidates, so that asking
// for every length at once is refused but asking length by length is
// not.
func GraphData() *kg.Dataset {
	src := &kg.Source{ID: graphSource, Title: "Graph test"}
	d := &kg.Dataset{Sources: []*kg.Source{src}}
	entity := func(id string) {
		kind := kg.KindOfID(id)
		d.Entities = append(d.Entities, &kg.Entity{ID: id, Kind: kind, Name: "GT " + id, Sources: []string{src.ID}})
	}
	rel := func(from, to string, basis kg.Basis) {
		r := &kg.Relation{Type: kg.RelMemberOf, From: from, To: to, Basis: basis, Sources: []string{src.ID}}
		if basis == kg.BasisBackground {
			r.Note = "Known from the graph test's own design."
		}
		d.Relations = append(d.Relations, r)
	}
	for _, id := range []string{GraphCenter, GraphAlone, "org:gt-a", "org:gt-b", "org:gt-c", "person:gt-d", "org:gt-e",
		"org:gt-f", "org:gt-g", "org:gt-h", "org:gt-h2", "person:gt-p2", "person:gt-p3", "person:gt-p4"} {
		entity(id)
	}
	rel("org:gt-a", GraphCenter, "")
	rel("org:gt-b", GraphCenter, "")
	rel(GraphCenter, "org:gt-c", "")
	rel("person:gt-d", GraphCenter, "")
	rel("org:gt-e", GraphCenter, kg.BasisBackground)
	rel("org:gt-b", "org:gt-c", "")
	rel("org:gt-b", "org:gt-f", kg.BasisBackground)
	rel("org:gt-e", "org:gt-f", "")
	rel("org:gt-f", "org:gt-g", "")
	rel("org:gt-g", "org:gt-h", "")
	rel("org:gt-c", "org:gt-h2", "")
	rel("person:gt-p2", "person:gt-d", "")
	rel("person:gt-p3", "person:gt-p2", "")
	rel("person:gt-p4", "person:gt-p3", "")
	for i := range kg.HubDegree + 10 {
		leaf := fmt.Sprintf("org:gt-a-leaf-%02d", i)
		entity(leaf)
		rel(leaf, "org:gt-a", "")
	}
	for i := range kg.HubDegree + 5 {
		leaf := fmt.Sprintf("org:gt-h2-leaf-%02d", i)
		entity(leaf)
		rel(leaf, "org:gt-h2", "")
	}
	for _, id := range []string{GraphFrom, GraphTo, "org:gt-z1", "person:gt-z2", "org:gt-mid"} {
		entity(id)
	}
	rel(GraphFrom, GraphTo, "")
	rel(GraphFrom, "org:gt-z1", "")
	rel("org:gt-z1", GraphTo, kg.BasisBackground)
	rel("person:gt-z2", GraphFrom, "")
	rel("person:gt-z2", GraphTo, "")
	for i := range GraphFanWidth {
		x, y := fmt.Sprintf("org:gt-x-%03d", i), fmt.Sprintf("org:gt-y-%03d", i)
		entity(x)
		entity(y)
		rel(GraphFrom, x, "")
		rel(x, "org:gt-mid", "")
		rel("org:gt-mid", y, "")
		rel(y, GraphTo, "")
	}
	return d
}
