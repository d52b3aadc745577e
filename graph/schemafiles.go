package graph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
)

// SchemaSDL returns the schema in the GraphQL schema language, with its
// descriptions: what GET /schema.graphql serves, for clients' code
// generators (graphql-codegen, gql), and what testdata/schema.graphql
// holds.
var SchemaSDL = sync.OnceValue(func() []byte {
	var buf bytes.Buffer
	formatter.NewFormatter(&buf, formatter.WithComments()).FormatSchema(NewExecutableSchema(Config{}).Schema())
	return buf.Bytes()
})

// PossibleTypes returns, for each interface and union of the schema, the
// object types that implement it or belong to it, in name order: the map
// Apollo Client's InMemoryCache and urql's Graphcache take as
// possibleTypes, so that fragments on interfaces (... on Person) match.
func PossibleTypes() map[string][]string {
	schema := NewExecutableSchema(Config{}).Schema()
	out := map[string][]string{}
	for name, def := range schema.Types {
		if def.BuiltIn || (def.Kind != ast.Interface && def.Kind != ast.Union) {
			continue
		}
		var names []string
		for _, t := range schema.GetPossibleTypes(def) {
			// Object types only, as introspection's possibleTypes lists
			// them (Entity, an interface, implements Node).
			if t.Kind == ast.Object {
				names = append(names, t.Name)
			}
		}
		slices.Sort(names)
		out[name] = names
	}
	return out
}

// possibleTypesJSON is PossibleTypes as GET /possible-types.json serves it.
var possibleTypesJSON = sync.OnceValue(func() []byte {
	b, err := json.MarshalIndent(PossibleTypes(), "", "  ")
	if err != nil {
		panic(fmt.Sprintf("graph: marshal the possible types: %v", err))
	}
	return append(b, '\n')
})

// SchemaFile serves SchemaSDL, for GET /schema.graphql.
func SchemaFile() http.Handler {
	return staticFile("text/plain; charset=utf-8", SchemaSDL())
}

// PossibleTypesFile serves PossibleTypes as JSON, for GET
// /possible-types.json.
func PossibleTypesFile() http.Handler {
	return staticFile("application/json", possibleTypesJSON())
}

func staticFile(contentType string, body []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Write(body)
	})
}
