package web_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/puente-kg/puente/internal/testenv"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/web/export"
)

// parsed is an export read back: nodes and edges with their attributes as
// text, whatever the format.
type parsed struct {
	nodes []pnode
	edges []pedge
}

type pnode struct {
	id    string
	attrs map[string]string
}

type pedge struct {
	id, source, target string // id is the relation ID
	attrs              map[string]string
}

func (p *parsed) nodeIDs() []string {
	out := make([]string, len(p.nodes))
	for i, n := range p.nodes {
		out[i] = n.id
	}
	return out
}

func (p *parsed) edgeIDs() []string {
	out := make([]string, len(p.edges))
	for i, e := range p.edges {
		out[i] = e.id
	}
	return out
}

// The GraphML document, as the GraphML schema structures it.
type gmlDoc struct {
	XMLName xml.Name
	Keys    []struct {
		ID   string `xml:"id,attr"`
		For  string `xml:"for,attr"`
		Name string `xml:"attr.name,attr"`
		Type string `xml:"attr.type,attr"`
	} `xml:"key"`
	Graphs []struct {
		EdgeDefault string    `xml:"edgedefault,attr"`
		Nodes       []gmlElem `xml:"node"`
		Edges       []gmlElem `xml:"edge"`
	} `xml:"graph"`
}

type gmlElem struct {
	ID     string `xml:"id,attr"`
	Source string `xml:"source,attr"`
	Target string `xml:"target,attr"`
	Data   []struct {
		Key   string `xml:"key,attr"`
		Value string `xml:",chardata"`
	} `xml:"data"`
}

// GraphML's attr.type values.
var graphmlTypes = []string{"boolean", "int", "long", "float", "double", "string"}

// parseGraphML reads GraphML back and checks its structure: the namespace,
// one directed graph, keys declared once with a GraphML type, every data
// value under a declared key of its domain and parsing as its type, unique
// node and edge IDs, and edges between declared nodes.
func parseGraphML(t *testing.T, b []byte) *parsed {
	t.Helper()
	var doc gmlDoc
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("GraphML does not parse: %v", err)
	}
	if doc.XMLName.Space != export.GraphMLNamespace || doc.XMLName.Local != "graphml" {
		t.Fatalf("root element %v", doc.XMLName)
	}
	if len(doc.Graphs) != 1 || doc.Graphs[0].EdgeDefault != "directed" {
		t.Fatalf("want one directed graph, got %d", len(doc.Graphs))
	}
	type key struct{ domain, name, typ string }
	keys := map[string]key{}
	for _, k := range doc.Keys {
		if _, dup := keys[k.ID]; dup {
			t.Errorf("key %s declared twice", k.ID)
		}
		if !slices.Contains(graphmlTypes, k.Type) || (k.For != "node" && k.For != "edge") {
			t.Errorf("key %s: for=%q attr.type=%q", k.ID, k.For, k.Type)
		}
		keys[k.ID] = key{k.For, k.Name, k.Type}
	}
	attrs := func(domain string, e gmlElem) map[string]string {
		out := map[string]string{}
		for _, d := range e.Data {
			k, ok := keys[d.Key]
			if !ok || k.domain != domain {
				t.Errorf("%s %s: data under key %q, which is not a %s key", domain, e.ID, d.Key, domain)
				continue
			}
			checkValue(t, domain+" "+e.ID+" "+k.name, k.typ, d.Value)
			out[k.name] = d.Value
		}
		return out
	}
	p := &parsed{}
	nodes := map[string]bool{}
	for _, n := range doc.Graphs[0].Nodes {
		if nodes[n.ID] {
			t.Errorf("node %s twice", n.ID)
		}
		nodes[n.ID] = true
		p.nodes = append(p.nodes, pnode{n.ID, attrs("node", n)})
	}
	edgeIDs := map[string]bool{}
	for _, e := range doc.Graphs[0].Edges {
		if edgeIDs[e.ID] || !nodes[e.Source] || !nodes[e.Target] {
			t.Errorf("edge %s (%s → %s): duplicate or dangling", e.ID, e.Source, e.Target)
		}
		edgeIDs[e.ID] = true
		a := attrs("edge", e)
		p.edges = append(p.edges, pedge{a["relation"], e.Source, e.Target, a})
	}
	return p
}

// The GEXF document, as the GEXF 1.3 schema structures it.
type gexfDoc struct {
	XMLName xml.Name
	Version string `xml:"version,attr"`
	Meta    struct {
		LastModified string `xml:"lastmodifieddate,attr"`
		Creator      string `xml:"creator"`
	} `xml:"meta"`
	Graph struct {
		DefaultEdgeType string `xml:"defaultedgetype,attr"`
		Mode            string `xml:"mode,attr"`
		Attributes      []struct {
			Class string `xml:"class,attr"`
			Attrs []struct {
				ID    string `xml:"id,attr"`
				Title string `xml:"title,attr"`
				Type  string `xml:"type,attr"`
			} `xml:"attribute"`
		} `xml:"attributes"`
		Nodes []gexfElem `xml:"nodes>node"`
		Edges []gexfElem `xml:"edges>edge"`
	} `xml:"graph"`
}

type gexfElem struct {
	ID        string `xml:"id,attr"`
	Label     string `xml:"label,attr"`
	Source    string `xml:"source,attr"`
	Target    string `xml:"target,attr"`
	AttValues []struct {
		For   string `xml:"for,attr"`
		Value string `xml:"value,attr"`
	} `xml:"attvalues>attvalue"`
}

// GEXF 1.3's attribute types (attrtype-type).
var gexfTypes = []string{
	"integer", "long", "double", "float", "boolean", "string", "anyURI", "liststring",
	"bigdecimal", "biginteger", "byte", "short", "char",
	"listinteger", "listlong", "listfloat", "listdouble", "listboolean", "listbyte",
	"listshort", "listbigdecimal", "listbiginteger", "listchar",
}

// parseGEXF reads GEXF back and checks its structure against the GEXF 1.3
// rules: the namespace and version, the meta date, the graph's edge type
// and mode, node and edge attribute classes with GEXF types and unique
// IDs, every attvalue for a declared attribute of its class and parsing as
// its type, unique node and edge IDs, and edges between declared nodes.
func parseGEXF(t *testing.T, b []byte) *parsed {
	t.Helper()
	var doc gexfDoc
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("GEXF does not parse: %v", err)
	}
	if doc.XMLName.Space != export.GEXFNamespace || doc.XMLName.Local != "gexf" || doc.Version != "1.3" {
		t.Fatalf("root element %v version %q", doc.XMLName, doc.Version)
	}
	if _, err := time.Parse(time.DateOnly, doc.Meta.LastModified); err != nil || doc.Meta.Creator == "" {
		t.Errorf("meta: lastmodifieddate %q creator %q", doc.Meta.LastModified, doc.Meta.Creator)
	}
	if doc.Graph.DefaultEdgeType != "directed" || doc.Graph.Mode != "static" {
		t.Errorf("graph: defaultedgetype %q mode %q", doc.Graph.DefaultEdgeType, doc.Graph.Mode)
	}
	types := map[string]map[string]string{}
	for _, a := range doc.Graph.Attributes {
		if a.Class != "node" && a.Class != "edge" || types[a.Class] != nil {
			t.Errorf("attributes class %q: unknown or twice", a.Class)
		}
		types[a.Class] = map[string]string{}
		for _, at := range a.Attrs {
			if !slices.Contains(gexfTypes, at.Type) || at.Title == "" {
				t.Errorf("attribute %s: type %q title %q", at.ID, at.Type, at.Title)
			}
			if _, dup := types[a.Class][at.ID]; dup {
				t.Errorf("attribute %s declared twice", at.ID)
			}
			types[a.Class][at.ID] = at.Type
		}
	}
	attrs := func(class string, e gexfElem) map[string]string {
		out := map[string]string{}
		for _, v := range e.AttValues {
			typ, ok := types[class][v.For]
			if !ok {
				t.Errorf("%s %s: value for undeclared attribute %q", class, e.ID, v.For)
				continue
			}
			checkValue(t, class+" "+e.ID+" "+v.For, typ, v.Value)
			out[v.For] = v.Value
		}
		return out
	}
	p := &parsed{}
	nodes := map[string]bool{}
	for _, n := range doc.Graph.Nodes {
		if nodes[n.ID] || n.Label == "" {
			t.Errorf("node %s: twice or without a label", n.ID)
		}
		nodes[n.ID] = true
		a := attrs("node", n)
		if a["label"] != n.Label {
			t.Errorf("node %s: label %q, label attribute %q", n.ID, n.Label, a["label"])
		}
		p.nodes = append(p.nodes, pnode{n.ID, a})
	}
	edges := map[string]bool{}
	for _, e := range doc.Graph.Edges {
		if edges[e.ID] || !nodes[e.Source] || !nodes[e.Target] {
			t.Errorf("edge %s (%s → %s): duplicate or dangling", e.ID, e.Source, e.Target)
		}
		edges[e.ID] = true
		a := attrs("edge", e)
		if a["relation"] != e.ID || a["label"] != e.Label {
			t.Errorf("edge %s: relation %q, label %q and label attribute %q", e.ID, a["relation"], e.Label, a["label"])
		}
		p.edges = append(p.edges, pedge{e.ID, e.Source, e.Target, a})
	}
	return p
}

// parseCytoscape reads Cytoscape.js JSON back: elements.nodes and
// elements.edges with their data, numbers for doubles.
func parseCytoscape(t *testing.T, b []byte) *parsed {
	t.Helper()
	var doc struct {
		Elements struct {
			Nodes []struct{ Data map[string]any } `json:"nodes"`
			Edges []struct{ Data map[string]any } `json:"edges"`
		} `json:"elements"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("Cytoscape JSON does not parse: %v", err)
	}
	typeOf := map[string]export.Type{}
	for _, a := range export.NodeAttributes() {
		typeOf["node "+a.Name] = a.Type
	}
	for _, a := range export.EdgeAttributes() {
		typeOf["edge "+a.Name] = a.Type
	}
	text := func(domain string, data map[string]any) map[string]string {
		out := map[string]string{}
		for k, v := range data {
			switch v := v.(type) {
			case string:
				if typeOf[domain+" "+k] == export.Double {
					t.Errorf("%s %v: %s is a string, want a number", domain, data["id"], k)
				}
				out[k] = v
			case float64:
				if typeOf[domain+" "+k] != export.Double {
					t.Errorf("%s %v: %s is a number, want a string", domain, data["id"], k)
				}
				out[k] = strconv.FormatFloat(v, 'f', -1, 64)
			default:
				t.Errorf("%s %v: %s is %T", domain, data["id"], k, v)
			}
		}
		return out
	}
	p := &parsed{}
	nodes := map[string]bool{}
	for _, n := range doc.Elements.Nodes {
		a := text("node", n.Data)
		nodes[a["id"]] = true
		p.nodes = append(p.nodes, pnode{a["id"], a})
	}
	for _, e := range doc.Elements.Edges {
		a := text("edge", e.Data)
		if !nodes[a["source"]] || !nodes[a["target"]] {
			t.Errorf("edge %s dangles", a["id"])
		}
		a["relation"] = a["id"]
		p.edges = append(p.edges, pedge{a["id"], a["source"], a["target"], a})
	}
	return p
}

// checkValue checks that a value parses as its declared type, and that
// dates are ISO 8601 dates of the precision they claim.
func checkValue(t *testing.T, where, typ, v string) {
	t.Helper()
	switch typ {
	case "double", "float":
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			t.Errorf("%s: %q is not a %s", where, v, typ)
		}
	case "int", "long", "integer":
		if _, err := strconv.ParseInt(v, 10, 64); err != nil {
			t.Errorf("%s: %q is not an %s", where, v, typ)
		}
	}
	name := where[strings.LastIndexByte(where, ' ')+1:]
	switch name {
	case "date", "endDate", "startDate":
		if _, err := kg.ParseDate(v); err != nil {
			t.Errorf("%s: %v", where, err)
		}
	case "dateStart", "dateEnd":
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			t.Errorf("%s: %q is not YYYY-MM-DD", where, v)
		}
	}
}

// fetchExport gets an export and checks the response's headers.
func fetchExport(t *testing.T, srv *httptest.Server, f export.Format, query url.Values) []byte {
	t.Helper()
	path := "/export/" + string(f)
	if len(query) > 0 {
		path += "?" + query.Encode()
	}
	resp, body := get(t, srv, path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: status %d: %s", path, resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != f.ContentType() {
		t.Errorf("%s: Content-Type %q", path, ct)
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment; filename=") ||
		!strings.HasSuffix(cd, "."+f.Extension()+`"`) {
		t.Errorf("%s: Content-Disposition %q", path, cd)
	}
	return body
}

// parseExport validates and reads back an export of any format.
func parseExport(t *testing.T, f export.Format, body []byte) *parsed {
	t.Helper()
	switch f {
	case export.GraphML:
		validateGraphML(t, body)
		return parseGraphML(t, body)
	case export.GEXF:
		validateGEXF(t, body)
		return parseGEXF(t, body)
	}
	return parseCytoscape(t, body)
}

// subgraph is the GraphQL neighborhood answer.
type subgraph struct {
	Truncated bool
	Nodes     []struct {
		ID, Label, Kind string
		Entity          struct {
			Category string
			Date     *string
			Amount   *struct {
				Amount   float64
				Currency string
			}
		}
	}
	Edges []struct{ ID, Source, Target, Type, Label string }
}

const neighborhoodQuery = `query($id: ID!, $depth: Int!, $limit: Int!) {
  neighborhood(id: $id, depth: $depth, limit: $limit) {
    truncated
    nodes { id label kind entity { ... on Event { category date amount { amount currency } } } }
    edges { id source target type label }
  }
}`

// TestExportNeighborhood exports neighborhoods in every format from every
// backend, validates each file, reads it back and compares it with the
// GraphQL answer for the same arguments: the same nodes in the same order,
// the same edges, and the same labels, kinds, categories, dates, amounts,
// types and roles.
func TestExportNeighborhood(t *testing.T) {
	cases := []struct {
		id           string
		depth, limit int
	}{
		{"org:xiaomi", 1, 0},
		{"org:xiaomi", 2, 0},
		{"person:li-zhanshu", 3, 0},
		{"country:argentina", 2, 7},
	}
	for _, b := range testenv.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			srv := newServer(t, b.Open(t))
			for _, tc := range cases {
				limit := tc.limit
				q := url.Values{"id": {tc.id}, "depth": {strconv.Itoa(tc.depth)}}
				if limit == 0 {
					limit = kg.MaxSubgraphLimit
				} else {
					q.Set("limit", strconv.Itoa(limit))
				}
				var want struct{ Neighborhood subgraph }
				query(t, srv, neighborhoodQuery, map[string]any{"id": tc.id, "depth": tc.depth, "limit": limit}, &want)
				sub := want.Neighborhood
				if len(sub.Nodes) < 2 || len(sub.Edges) < 1 {
					t.Fatalf("%s depth %d: GraphQL gives %d nodes, %d edges", tc.id, tc.depth, len(sub.Nodes), len(sub.Edges))
				}
				if tc.limit > 0 && !sub.Truncated {
					t.Errorf("%s: limit %d does not cut", tc.id, tc.limit)
				}
				for _, f := range export.Formats {
					t.Run(fmt.Sprintf("%s/%d/%s", tc.id, tc.depth, f), func(t *testing.T) {
						got := parseExport(t, f, fetchExport(t, srv, f, q))
						compareSubgraph(t, sub, got)
					})
				}
			}
		})
	}
}

func compareSubgraph(t *testing.T, want subgraph, got *parsed) {
	t.Helper()
	if len(got.nodes) != len(want.Nodes) || len(got.edges) != len(want.Edges) {
		t.Fatalf("%d nodes and %d edges, GraphQL has %d and %d", len(got.nodes), len(got.edges), len(want.Nodes), len(want.Edges))
	}
	for i, w := range want.Nodes {
		n := got.nodes[i]
		if n.id != w.ID || n.attrs["label"] != w.Label || n.attrs["kind"] != w.Kind || n.attrs["category"] != w.Entity.Category {
			t.Errorf("node %d: %s %v, GraphQL has %+v", i, n.id, n.attrs, w)
		}
		if d := w.Entity.Date; d != nil && n.attrs["date"] != *d {
			t.Errorf("node %s: date %q, GraphQL has %q", w.ID, n.attrs["date"], *d)
		}
		if a := w.Entity.Amount; a != nil {
			if n.attrs["amount"] != strconv.FormatFloat(a.Amount, 'f', -1, 64) || n.attrs["currency"] != a.Currency {
				t.Errorf("node %s: amount %s %s, GraphQL has %v %s", w.ID, n.attrs["amount"], n.attrs["currency"], a.Amount, a.Currency)
			}
		}
	}
	for i, w := range want.Edges {
		e := got.edges[i]
		if e.id != w.ID || e.source != w.Source || e.target != w.Target || e.attrs["type"] != w.Type || e.attrs["label"] != w.Label {
			t.Errorf("edge %d: %s %s→%s %v, GraphQL has %+v", i, e.id, e.source, e.target, e.attrs, w)
		}
		if strings.HasPrefix(w.Type, "PARTICIPATED_IN") && e.attrs["role"] != w.Label {
			t.Errorf("edge %s: role %q, GraphQL label %q", w.ID, e.attrs["role"], w.Label)
		}
	}
}

// TestExportWholeGraph exports the whole graph in every format from every
// backend and compares it with what GraphQL lists: every entity, and every
// relation any entity has.
func TestExportWholeGraph(t *testing.T) {
	const page = `query($after: String) {
  entities(first: 100, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id relationships { id } } }
  }
}`
	for _, b := range testenv.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			srv := newServer(t, b.Open(t))
			var nodes, edges []string
			total := 0
			var after any
			for {
				var data struct {
					Entities struct {
						TotalCount int
						PageInfo   struct {
							HasNextPage bool
							EndCursor   string
						}
						Edges []struct {
							Node struct {
								ID            string
								Relationships []struct{ ID string }
							}
						}
					}
				}
				query(t, srv, page, map[string]any{"after": after}, &data)
				total = data.Entities.TotalCount
				for _, e := range data.Entities.Edges {
					nodes = append(nodes, e.Node.ID)
					for _, r := range e.Node.Relationships {
						if !slices.Contains(edges, r.ID) {
							edges = append(edges, r.ID)
						}
					}
				}
				if !data.Entities.PageInfo.HasNextPage {
					break
				}
				after = data.Entities.PageInfo.EndCursor
			}
			slices.Sort(nodes)
			slices.Sort(edges)
			if total != len(nodes) || total < 50 || len(edges) < 90 {
				t.Fatalf("GraphQL lists %d of %d entities and %d relations", len(nodes), total, len(edges))
			}
			for _, f := range export.Formats {
				t.Run(string(f), func(t *testing.T) {
					got := parseExport(t, f, fetchExport(t, srv, f, nil))
					gotNodes, gotEdges := got.nodeIDs(), got.edgeIDs()
					slices.Sort(gotNodes)
					slices.Sort(gotEdges)
					if !slices.Equal(gotNodes, nodes) {
						t.Errorf("%d nodes, GraphQL lists %d entities", len(gotNodes), len(nodes))
					}
					if !slices.Equal(gotEdges, edges) {
						t.Errorf("%d edges, GraphQL lists %d relations", len(gotEdges), len(edges))
					}
				})
			}
		})
	}
}

// TestExportSelection posts a selection, as the explorer does: the named
// entities that exist, and the named relations among them.
func TestExportSelection(t *testing.T) {
	srv := newServer(t, testenv.Memory(t))
	var want struct{ Neighborhood subgraph }
	query(t, srv, neighborhoodQuery, map[string]any{"id": "org:xiaomi", "depth": 2, "limit": 1000}, &want)
	var nodes, edges []string
	for _, n := range want.Neighborhood.Nodes {
		nodes = append(nodes, n.ID)
	}
	for _, e := range want.Neighborhood.Edges[1:] { // leave one relation out
		edges = append(edges, e.ID)
	}
	body, _ := json.Marshal(map[string]any{"title": "test", "nodes": append(nodes, "org:no-such-thing"), "edges": edges})
	for _, f := range export.Formats {
		resp, err := http.Post(srv.URL+"/export/"+string(f), "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d: %s", f, resp.StatusCode, b.Bytes())
		}
		got := parseExport(t, f, b.Bytes())
		if !slices.Equal(got.nodeIDs(), nodes) || !slices.Equal(got.edgeIDs(), edges) {
			t.Errorf("%s: %d nodes and %d edges, want %d and %d", f, len(got.nodes), len(got.edges), len(nodes), len(edges))
		}
	}
}

// TestExportErrors checks that bad parameters get 400 with a JSON body and
// code BAD_USER_INPUT, and unknown entities or paths 404.
func TestExportErrors(t *testing.T) {
	srv := newServer(t, testenv.Memory(t))
	for _, tc := range []struct {
		method, path, body string
		status             int
		code               string
	}{
		{"GET", "/export/pdf", "", 400, "BAD_USER_INPUT"},
		{"GET", "/export/graphml?id=org:xiaomi&depth=0", "", 400, "BAD_USER_INPUT"},
		{"GET", "/export/graphml?id=org:xiaomi&depth=4", "", 400, "BAD_USER_INPUT"},
		{"GET", "/export/gexf?id=org:xiaomi&depth=two", "", 400, "BAD_USER_INPUT"},
		{"GET", "/export/gexf?id=org:xiaomi&limit=0", "", 400, "BAD_USER_INPUT"},
		{"GET", "/export/gexf?id=org:xiaomi&limit=1001", "", 400, "BAD_USER_INPUT"},
		{"GET", "/export/cytoscape?id=Xiaomi", "", 400, "BAD_USER_INPUT"},
		{"GET", "/export/cytoscape?depth=2", "", 400, "BAD_USER_INPUT"},
		{"GET", "/export/graphml?id=org:no-such-company", "", 404, "NOT_FOUND"},
		{"GET", "/export/", "", 404, "NOT_FOUND"},
		{"GET", "/export/graphml/extra", "", 404, "NOT_FOUND"},
		{"POST", "/export/graphml", "{", 400, "BAD_USER_INPUT"},
		{"POST", "/export/graphml", `{"nodes": []}`, 400, "BAD_USER_INPUT"},
		{"POST", "/export/graphml", `{"nodes": ["not an id"]}`, 400, "BAD_USER_INPUT"},
		{"POST", "/export/graphml", `{"nodes": ["org:xiaomi"], "extra": 1}`, 400, "BAD_USER_INPUT"},
		{"POST", "/export/svg", `{"nodes": ["org:xiaomi"]}`, 400, "BAD_USER_INPUT"},
	} {
		req, _ := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader(tc.body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var e struct{ Error, Code string }
		err = json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if resp.StatusCode != tc.status || err != nil || e.Code != tc.code || e.Error == "" ||
			!strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Errorf("%s %s: status %d, body %+v (%v), want %d %s", tc.method, tc.path, resp.StatusCode, e, err, tc.status, tc.code)
		}
	}
}

// TestSchemasRejectInvalid makes sure the XSD checks have teeth: a
// document the schema forbids is refused.
func TestSchemasRejectInvalid(t *testing.T) {
	srv := newServer(t, testenv.Memory(t))
	q := url.Values{"id": {"org:xiaomi"}}
	gml := fetchExport(t, srv, export.GraphML, q)
	bad := bytes.Replace(gml, []byte(`edgedefault="directed"`), []byte(`edgedefault="sideways"`), 1)
	if err := xsdCheck(t, bad, "graphml.xsd"); err == nil {
		t.Error("the GraphML XSD accepts edgedefault=sideways")
	}
	gexf := gexf12(t, fetchExport(t, srv, export.GEXF, q))
	bad = bytes.Replace(gexf, []byte(`type="double"`), []byte(`type="money"`), 1)
	if err := xsdCheck(t, bad, "gexf.xsd"); err == nil {
		t.Error("the GEXF XSD accepts type=money")
	}
}

// TestExportBasis checks that every format carries each relation's basis,
// and that statedOnly keeps only the relations a source states, for the
// whole graph and for a neighborhood, on every backend.
func TestExportBasis(t *testing.T) {
	for _, b := range testenv.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			srv := newServer(t, b.Open(t))
			for _, f := range export.Formats {
				t.Run(string(f), func(t *testing.T) {
					all := parseExport(t, f, fetchExport(t, srv, f, nil))
					bases := map[string]int{}
					for _, e := range all.edges {
						bases[e.attrs["basis"]]++
					}
					if bases["STATED"] == 0 || bases["INFERRED"] == 0 || bases["BACKGROUND"] == 0 || len(bases) != 3 {
						t.Fatalf("bases of the whole graph's edges: %v, want STATED, INFERRED and BACKGROUND only", bases)
					}
					stated := parseExport(t, f, fetchExport(t, srv, f, url.Values{"statedOnly": {"true"}}))
					if len(stated.edges) != bases["STATED"] || len(stated.nodes) != len(all.nodes) {
						t.Errorf("statedOnly: %d edges and %d nodes, want the %d stated edges and all %d nodes",
							len(stated.edges), len(stated.nodes), bases["STATED"], len(all.nodes))
					}
					for _, e := range stated.edges {
						if e.attrs["basis"] != "STATED" {
							t.Errorf("statedOnly kept %s, basis %q", e.id, e.attrs["basis"])
						}
					}
					around := url.Values{"id": {"person:li-zhanshu"}, "depth": {"2"}}
					nb := parseExport(t, f, fetchExport(t, srv, f, around))
					around.Set("statedOnly", "true")
					nbStated := parseExport(t, f, fetchExport(t, srv, f, around))
					if len(nbStated.edges) >= len(nb.edges) {
						t.Errorf("a neighborhood of stated facts only has %d edges, the whole one %d", len(nbStated.edges), len(nb.edges))
					}
					for _, e := range nbStated.edges {
						if e.attrs["basis"] != "STATED" {
							t.Errorf("neighborhood with statedOnly kept %s, basis %q", e.id, e.attrs["basis"])
						}
					}
				})
			}
			resp, _ := get(t, srv, "/export/graphml?statedOnly=maybe")
			if resp.StatusCode != 400 {
				t.Errorf("statedOnly=maybe: HTTP %d, want 400", resp.StatusCode)
			}
		})
	}
}
