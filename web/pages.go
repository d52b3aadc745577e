package web

import (
	"embed"
	"fmt"
	"io/fs"
	"net/http"
	"slices"
)

//go:embed examples/*.graphql
var examplesFS embed.FS

// Example is an operation the GraphiQL page opens in a tab of its own.
type Example struct {
	// Name is the file name under examples/, such as "1-who-met-whom.graphql".
	Name string
	// Query is the operation, with comments that say what it asks.
	Query string
}

// Examples returns the example operations, in the order of their tabs.
func Examples() []Example {
	names, err := fs.Glob(examplesFS, "examples/*.graphql")
	if err != nil {
		panic(fmt.Sprintf("web: examples: %v", err))
	}
	slices.Sort(names)
	out := make([]Example, 0, len(names))
	for _, n := range names {
		b, err := examplesFS.ReadFile(n)
		if err != nil {
			panic(fmt.Sprintf("web: examples: %v", err))
		}
		out = append(out, Example{Name: n[len("examples/"):], Query: string(b)})
	}
	return out
}

// TokenPlaceholder is the Authorization header each GraphiQL tab starts
// with. Requests leave it out until the bearer token is filled in, so the
// examples run without one.
const TokenPlaceholder = `{"Authorization": "Bearer <token>"}`

// graphiqlTab is a tab of GraphiQL's defaultTabs.
type graphiqlTab struct {
	Query     string `json:"query"`
	Variables string `json:"variables"`
	Headers   string `json:"headers"`
}

// GraphiQL returns the GraphiQL page for the GraphQL endpoint at the given
// path: the explorer plugin open, one tab per example operation, and the
// headers pane open with an Authorization header ready for a bearer token.
func GraphiQL(endpoint string) http.Handler {
	tabs := []graphiqlTab{}
	for _, e := range Examples() {
		tabs = append(tabs, graphiqlTab{Query: e.Query, Variables: "", Headers: TokenPlaceholder})
	}
	s := theSite
	return page("graphiql.html", map[string]any{
		"Title": "Puente — GraphiQL",
		"Icon":  s.own("favicon.svg").URL,
		"Styles": []Asset{
			s.vendored("graphiql", "graphiql.min.css"),
			s.vendored("@graphiql/plugin-explorer", "dist/style.css"),
			s.own("puente.css"),
		},
		"Scripts": []Asset{
			s.vendored("react", "umd/react.production.min.js"),
			s.vendored("react-dom", "umd/react-dom.production.min.js"),
			s.vendored("graphiql", "graphiql.min.js"),
			s.vendored("@graphiql/plugin-explorer", "dist/index.umd.js"),
			s.own("graphiql.js"),
		},
		"Config": map[string]any{
			"endpoint":       endpoint,
			"tabs":           tabs,
			"defaultHeaders": TokenPlaceholder,
		},
	})
}

// Explorer returns the network explorer page, which asks the GraphQL
// endpoint at the given path for search hits and neighborhoods and the
// export endpoints under /export/ for downloads.
func Explorer(endpoint string) http.Handler {
	s := theSite
	return page("explore.html", map[string]any{
		"Title": "Puente — Explorer",
		"Icon":  s.own("favicon.svg").URL,
		"Styles": []Asset{
			s.own("puente.css"),
			s.own("explore.css"),
		},
		"Scripts": []Asset{
			s.vendored("cytoscape", "dist/cytoscape.min.js"),
			s.vendored("layout-base", "layout-base.js"),
			s.vendored("cose-base", "cose-base.js"),
			s.vendored("cytoscape-fcose", "cytoscape-fcose.js"),
			s.own("explore.js"),
		},
		"Config": map[string]any{
			"endpoint": endpoint,
			"export":   "/export/",
		},
	})
}
