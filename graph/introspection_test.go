package graph_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/puente-kg/puente/graph"
	"github.com/puente-kg/puente/internal/testenv"
)

// graphiQLIntrospection is the introspection query GraphiQL and most tools
// send to learn the schema, with every option of graphql-js's
// getIntrospectionQuery on and type references unwrapped through nine
// levels of ofType.
func graphiQLIntrospection() string {
	ref := "kind name"
	for range 8 {
		ref = "kind name ofType { " + ref + " }"
	}
	return `query IntrospectionQuery {
  __schema {
    description
    queryType { name kind }
    mutationType { name kind }
    subscriptionType { name kind }
    types { ...FullType }
    directives { name description isRepeatable locations args(includeDeprecated: true) { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description specifiedByURL isOneOf
  fields(includeDeprecated: true) {
    name description args(includeDeprecated: true) { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason
  }
  inputFields(includeDeprecated: true) { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue {
  name description type { ...TypeRef } defaultValue isDeprecated deprecationReason
}
fragment TypeRef on __Type { ` + ref + ` }`
}

// aliasedOver repeats field under n aliases spread over fragments of per
// aliases each, all spread in the root selection.
func aliasedOver(n, per int, field string, fragments string) string {
	var root, frags strings.Builder
	root.WriteString("{")
	for i := 0; i < n; i += per {
		fmt.Fprintf(&root, " ...F%d", i)
		fmt.Fprintf(&frags, "\nfragment F%d on Query {", i)
		for j := i; j < min(i+per, n); j++ {
			fmt.Fprintf(&frags, " s%d: %s", j, field)
		}
		frags.WriteString(" }")
	}
	root.WriteString(" }")
	return root.String() + frags.String() + "\n" + fragments
}

// TestIntrospectionPrice checks that introspection costs what it returns:
// each __schema or __type selection adds to the operation's cost one per
// value it would answer, aliases and fragments included, and the operation
// is refused over MAX_QUERY_COMPLEXITY; GraphiQL's own introspection query
// still passes under the default limit.
func TestIntrospectionPrice(t *testing.T) {
	store := testenv.Memory(t)
	const typesAndFields = `__schema { types { name fields { name type { name } } } }`
	runLimitCases(t, serverWith(t, store, graph.Options{}), []limitCase{
		{name: "GraphiQL's introspection query", query: graphiQLIntrospection()},
		{name: "one type", query: `{ __type(name: "Query") { name fields { name args { name type { name kind } } } } }`},
		{
			// What a hostile user sent: 1,800 aliases in 25 kB answered 49 MB.
			name:    "1800 aliased __schema spread over fragments",
			query:   aliasedOver(1800, 100, "__schema { ...T }", `fragment T on __Schema { types { name kind description fields { name description type { name kind ofType { name kind } } } } }`),
			code:    graph.CodeTooComplex,
			maxBody: 1 << 10,
		},
		{
			// Few fields (under MAX_QUERY_FIELDS), but each alias answers
			// every type and field of the schema.
			name:    "50 aliases of every type and field",
			query:   aliasedOver(50, 10, typesAndFields, ""),
			code:    graph.CodeTooComplex,
			message: "introspection",
			maxBody: 1 << 10,
		},
		{
			name:    "GraphiQL's introspection query under 10 aliases",
			query:   aliasedOver(10, 5, "__schema { ...S }", introspectionFragments()),
			code:    graph.CodeTooComplex,
			message: "introspection",
			maxBody: 1 << 10,
		},
		{
			name: "400 aliases of __type, by variable",
			query: "query($t: String!) {" + func() string {
				var b strings.Builder
				for i := range 400 {
					fmt.Fprintf(&b, " t%d: __type(name: $t) { fields { name args { name type { name kind } } } }", i)
				}
				return b.String()
			}() + " }",
			vars:    map[string]any{"t": "Query"},
			code:    graph.CodeTooComplex,
			message: "introspection",
			maxBody: 1 << 10,
		},
	})

	t.Run("a lower limit", func(t *testing.T) {
		runLimitCases(t, serverWith(t, store, graph.Options{MaxComplexity: 1000}), []limitCase{
			{name: "the query type's name", query: `{ __schema { queryType { name } } }`},
			{name: "every type's name", query: `{ __schema { types { name } } }`},
			{name: "every type and field", query: "{ " + typesAndFields + " }", code: graph.CodeTooComplex, message: "introspection"},
		})
	})
}

// introspectionFragments is graphiQLIntrospection's selection of the
// schema as a fragment S, with the fragments it spreads.
func introspectionFragments() string {
	q := graphiQLIntrospection()
	body := q[strings.Index(q, "__schema {")+len("__schema {") : strings.Index(q, "\nfragment FullType")]
	body = strings.TrimSpace(body)
	body = strings.TrimSuffix(body, "}")
	return "fragment S on __Schema {" + body + q[strings.Index(q, "\nfragment FullType"):]
}
