package graph_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/puente-kg/puente/internal/testenv"
)

type pageInfo struct {
	HasNextPage, HasPreviousPage bool
	StartCursor, EndCursor       *string
}

type connection struct {
	TotalCount int
	PageInfo   pageInfo
	Nodes      []struct{ ID string }
	Edges      []struct{ Cursor string }
}

type gqlResult struct {
	Data   json.RawMessage
	Errors []struct {
		Message    string
		Extensions struct{ Code, Field string }
	}
}

func ask(t *testing.T, url, query string, vars map[string]any) gqlResult {
	t.Helper()
	_, body := post(t, url, query, vars)
	var r gqlResult
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return r
}

// TestConnections pages through the lists under an entity and at the root
// on every backend: Relay's page info, nodes beside edges, pages that chain,
// totals, and cursors that belong to their list and filter.
func TestConnections(t *testing.T) {
	const relPage = `query($after: String) { entity(id: "person:li-zhanshu") {
  relationshipsConnection(first: 2, after: $after) {
    totalCount nodes { id } edges { cursor } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  } } }`
	for _, b := range testenv.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			srv := server(t, b.Open(t))
			var walked []string
			var after any
			total := -1
			for page := 0; ; page++ {
				r := ask(t, srv.URL, relPage, map[string]any{"after": after})
				if len(r.Errors) > 0 {
					t.Fatalf("page %d: %+v", page, r.Errors)
				}
				var d struct {
					Entity struct{ RelationshipsConnection connection }
				}
				json.Unmarshal(r.Data, &d)
				c := d.Entity.RelationshipsConnection
				if total >= 0 && c.TotalCount != total {
					t.Errorf("page %d: totalCount %d, first page said %d", page, c.TotalCount, total)
				}
				total = c.TotalCount
				if c.PageInfo.HasPreviousPage != (page > 0) || len(c.Nodes) != len(c.Edges) || len(c.Nodes) == 0 ||
					*c.PageInfo.StartCursor != c.Edges[0].Cursor || *c.PageInfo.EndCursor != c.Edges[len(c.Edges)-1].Cursor {
					t.Fatalf("page %d: %+v", page, c)
				}
				for _, n := range c.Nodes {
					walked = append(walked, n.ID)
				}
				if !c.PageInfo.HasNextPage {
					break
				}
				after = *c.PageInfo.EndCursor
			}
			r := ask(t, srv.URL, `{ entity(id: "person:li-zhanshu") { relationships(first: 1000) { id } } }`, nil)
			var d struct {
				Entity struct{ Relationships []struct{ ID string } }
			}
			json.Unmarshal(r.Data, &d)
			var want []string
			for _, rel := range d.Entity.Relationships {
				want = append(want, rel.ID)
			}
			if !slices.Equal(walked, want) || total != len(want) {
				t.Errorf("pages of 2 walked %v (total %d), want %v", walked, total, want)
			}

			// A cursor belongs to its list, filter and order.
			first := ask(t, srv.URL, relPage, nil)
			var fd struct {
				Entity struct{ RelationshipsConnection connection }
			}
			json.Unmarshal(first.Data, &fd)
			cursor := *fd.Entity.RelationshipsConnection.PageInfo.EndCursor
			misuses := map[string]string{
				"another list":   `query($c: String) { entity(id: "person:li-zhanshu") { participationsConnection(first: 2, after: $c) { totalCount } } }`,
				"another filter": `query($c: String) { entity(id: "person:li-zhanshu") { relationshipsConnection(first: 2, after: $c, types: [HOLDS_POSITION]) { totalCount } } }`,
				"a root list":    `query($c: String) { events(first: 2, after: $c) { totalCount } }`,
				"another order":  `query($c: String) { events(first: 2, after: $c, order: DATE_DESC) { totalCount } }`,
			}
			eventsCursor := func() string {
				r := ask(t, srv.URL, `{ events(first: 2) { pageInfo { endCursor } } }`, nil)
				var d struct{ Events struct{ PageInfo pageInfo } }
				json.Unmarshal(r.Data, &d)
				return *d.Events.PageInfo.EndCursor
			}()
			for name, q := range misuses {
				c := cursor
				if name == "another order" {
					c = eventsCursor
				}
				r := ask(t, srv.URL, q, map[string]any{"c": c})
				if len(r.Errors) == 0 || r.Errors[0].Extensions.Code != "BAD_USER_INPUT" || r.Errors[0].Extensions.Field != "after" {
					t.Errorf("a cursor passed to %s: %+v, want BAD_USER_INPUT on after", name, r.Errors)
				}
			}
			r = ask(t, srv.URL, `{ entity(id: "org:xiaomi") { related(first: 1001) { id } } }`, nil)
			if len(r.Errors) == 0 || r.Errors[0].Extensions.Code != "BAD_USER_INPUT" {
				t.Errorf("first: 1001: %+v, want BAD_USER_INPUT", r.Errors)
			}
		})
	}
}
