package export

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/puente-kg/puente/dataset"
	"github.com/puente-kg/puente/kg"
)

// seedGraph returns the whole seed dataset as a graph, in its order.
func seedGraph(t *testing.T) *Graph {
	t.Helper()
	d := dataset.MustDigest()
	return &Graph{Title: "The whole Puente knowledge graph", Nodes: d.Entities, Edges: d.Relations}
}

// oddGraph has text that every format must escape or replace.
func oddGraph() *Graph {
	amount := 12.5
	return &Graph{
		Title: `Quotes " ' <tags> & ampersands, control \x01 and bad UTF-8 ` + "\xff, 中文",
		Nodes: []*kg.Entity{
			{ID: "org:a", Kind: kg.KindOrganization, Name: "A & <B> \"C\"", Aliases: []string{"x", "y\x02"}},
			{ID: "event:b", Kind: kg.KindEvent, Name: "Évènement", Category: kg.CategoryInvestment,
				Date: kg.Date{Year: 2021, Month: 11}, Amount: &kg.Money{Amount: 1e21, Currency: "USD", Baseline: &amount}},
		},
		Edges: []*kg.Relation{{ID: "PARTICIPATED_IN:org:a>event:b:INVESTOR", Type: kg.RelParticipatedIn,
			From: "org:a", To: "event:b", Role: "INVESTOR", Quote: "\"Invested\" <more> & \u2028 more"}},
	}
}

// TestWritersMatchBeforeStreaming writes graphs with the streaming writers
// and with the writers as they were before (legacy_test.go): the bytes
// must be the same, so that streaming changed no file.
func TestWritersMatchBeforeStreaming(t *testing.T) {
	now := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	seed := seedGraph(t)
	graphs := []struct {
		name string
		g    *Graph
	}{
		{"seed", seed},
		{"seed nodes only", &Graph{Title: seed.Title, Nodes: seed.Nodes}},
		{"one node", &Graph{Nodes: seed.Nodes[:1]}},
		{"empty", &Graph{}},
		{"odd text", oddGraph()},
	}
	legacy := map[Format]func(io.Writer, *Graph) error{
		GraphML:   legacyGraphML,
		GEXF:      func(w io.Writer, g *Graph) error { return legacyGEXF(w, g, now) },
		Cytoscape: legacyCytoscape,
	}
	for _, tc := range graphs {
		for _, f := range Formats {
			t.Run(tc.name+"/"+string(f), func(t *testing.T) {
				var want, got bytes.Buffer
				if err := legacy[f](&want, tc.g); err != nil {
					t.Fatal(err)
				}
				if err := write(&got, f, tc.g, now); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got.Bytes(), want.Bytes()) {
					t.Errorf("the streaming writer differs from the one before it:\n%s", firstDiff(got.Bytes(), want.Bytes()))
				}
			})
		}
	}
}

// FuzzEscape checks that the writers escape text exactly as
// xml.EscapeText does.
func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", "plain", `<a href="x">&'</a>`, "tab\tnl\ncr\r", "\x00\x01\x1f", "\xff\xfe", "\uFFFD\uFFFE\uD7FF", "中文 \U0001F600", oddGraph().Title} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var b bytes.Buffer
		x := newSink(&b)
		x.esc(s)
		if err := x.flush(); err != nil {
			t.Fatal(err)
		}
		if want := esc(s); b.String() != want {
			t.Errorf("esc(%q) = %q, xml.EscapeText gives %q", s, b.String(), want)
		}
	})
}

// firstDiff shows where two outputs part.
func firstDiff(got, want []byte) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	from := max(0, i-80)
	return fmt.Sprintf("at byte %d (got %d bytes, want %d):\ngot:  %q\nwant: %q",
		i, len(got), len(want), got[from:min(len(got), i+80)], want[from:min(len(want), i+80)])
}

// countingWriter records how many bytes each write to it carried.
type countingWriter struct{ writes []int }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.writes = append(c.writes, len(p))
	return len(p), nil
}

// TestWriterStreams checks that a writer hands its output on in chunks of
// a bounded size as it goes, rather than all at the end.
func TestWriterStreams(t *testing.T) {
	g := seedGraph(t)
	for _, f := range Formats {
		t.Run(string(f), func(t *testing.T) {
			var c countingWriter
			x, err := NewWriter(&c, f)
			if err != nil {
				t.Fatal(err)
			}
			if err := x.Begin(g.Title); err != nil {
				t.Fatal(err)
			}
			for range 5 { // the seed nodes make about 60 kB
				for _, e := range g.Nodes {
					if err := x.Node(e); err != nil {
						t.Fatal(err)
					}
				}
			}
			before := len(c.writes)
			for _, r := range g.Edges {
				if err := x.Edge(r); err != nil {
					t.Fatal(err)
				}
			}
			if err := x.End(); err != nil {
				t.Fatal(err)
			}
			if before < 4 || slices.Max(c.writes) > sinkBuffer {
				t.Errorf("%d writes before the edges, largest %d bytes: want several before, none over %d",
					before, slices.Max(c.writes), sinkBuffer)
			}
		})
	}
}

// TestWriterOrder checks that a writer refuses calls out of order: nodes
// before Begin, after an edge or after End.
func TestWriterOrder(t *testing.T) {
	n := &kg.Entity{ID: "org:a", Kind: kg.KindOrganization, Name: "A"}
	r := &kg.Relation{ID: "PART_OF:org:a>org:a", Type: kg.RelPartOf, From: "org:a", To: "org:a"}
	cases := []struct {
		name string
		run  func(Writer) error
	}{
		{"node before Begin", func(x Writer) error { return x.Node(n) }},
		{"End before Begin", func(x Writer) error { return x.End() }},
		{"Begin twice", func(x Writer) error { x.Begin(""); return x.Begin("") }},
		{"node after edge", func(x Writer) error { x.Begin(""); x.Node(n); x.Edge(r); return x.Node(n) }},
		{"edge after End", func(x Writer) error { x.Begin(""); x.End(); return x.Edge(r) }},
		{"End twice", func(x Writer) error { x.Begin(""); x.End(); return x.End() }},
	}
	for _, f := range Formats {
		for _, tc := range cases {
			x, err := NewWriter(io.Discard, f)
			if err != nil {
				t.Fatal(err)
			}
			if err := tc.run(x); err == nil || !strings.Contains(err.Error(), "Begin, nodes, edges, End") {
				t.Errorf("%s: %s: error %v", f, tc.name, err)
			}
		}
	}
	if _, err := NewWriter(io.Discard, "pdf"); err == nil {
		t.Error("NewWriter accepts format pdf")
	}
}
