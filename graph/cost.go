package graph

import (
	"context"
	"slices"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/puente-kg/puente/kg"
)

// The cost model: a field costs 1 plus what it selects; a field that
// returns many things costs 1 plus what it selects times the most it can
// return. That is its first or limit argument (the schema's default when
// the query gives none) for a list or a connection, limit times maxLength
// for paths, and the bound the validation of writes sets (boundedLists)
// for the few lists that take no argument. The lists inside a connection
// or a subgraph are counted by the field that returned it. Every list has
// a price: TestEveryListIsPriced fails on one that has not.

// boundedLists prices the list fields that take neither first nor limit,
// by type and field ("*" for every type): the most items they can hold.
var boundedLists = map[string]int{
	"*.aliases":       kg.MaxAliases,
	"*.notes":         kg.MaxNotes,
	"*.discrepancies": kg.MaxDiscrepancies,
	// Counted by the neighborhood's limit and the paths' limit × maxLength.
	"Subgraph.nodes": 1, "Subgraph.edges": 1, "Subgraph.hubs": 1,
	"Path.nodes": 1, "Path.edges": 1,
	// A change's IDs come from its items: an entity's, or a relation's or
	// a redirect's two ends.
	"Change.ids": 2 * kg.MaxChangeItems,
}

// pricedSchema gives gqlgen's complexity calculation the cost model.
type pricedSchema struct{ graphql.ExecutableSchema }

// Complexity returns the cost of one field given what it selects.
func (p pricedSchema) Complexity(ctx context.Context, typeName, field string, child int, args map[string]any) (int, bool) {
	if strings.HasPrefix(typeName, "__") || strings.HasPrefix(field, "__") {
		return 1 + child, true // introspection has a price of its own (see introspectionPrice)
	}
	def := p.Schema().Types[typeName]
	if def == nil {
		return 1 + child, true
	}
	f := def.Fields.ForName(field)
	if f == nil {
		return 1 + child, true
	}
	n, ok := itemsOf(typeName, f, args)
	if !ok {
		n = kg.MaxListSize // a list without a price: assume the worst
	}
	return costOf(n, child), true
}

// costOf multiplies the cost of one item by how many there may be, plus
// one for the field itself, saturating rather than overflowing.
func costOf(n, child int) int {
	if child > 0 && n > (1<<40)/child {
		return 1 << 40
	}
	return 1 + n*child
}

// itemsOf returns how many items the field of typeName can return at most:
// 1 for a field that returns one thing, and whether it knows.
func itemsOf(typeName string, f *ast.FieldDefinition, args map[string]any) (int, bool) {
	switch {
	case typeName == "Query" && f.Name == "paths":
		return intOf(args["limit"]) * intOf(args["maxLength"]), true
	case typeName == "Query" && f.Name == "neighborhood":
		return intOf(args["limit"]), true
	case strings.HasSuffix(typeName, "Connection") && (f.Name == "edges" || f.Name == "nodes"):
		return 1, true // counted by the connection's first
	}
	if f.Type.Elem == nil && !strings.HasSuffix(f.Type.Name(), "Connection") {
		return 1, true
	}
	for _, arg := range []string{"first", "limit"} {
		if f.Arguments.ForName(arg) != nil {
			return intOf(args[arg]), true
		}
	}
	for _, key := range []string{typeName + "." + f.Name, "*." + f.Name} {
		if n, ok := boundedLists[key]; ok {
			return n, true
		}
	}
	return 0, false
}

// pricedArguments are the arguments itemsOf reads.
var pricedArguments = []string{"first", "limit", "maxLength"}

// pricedByVariables reports whether a priced argument of a field of the
// selection set, fragments included, takes a variable: only then does the
// operation's cost depend on its variables. seen holds the fragments
// visited.
func pricedByVariables(set ast.SelectionSet, seen map[string]bool) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			for _, arg := range s.Arguments {
				if slices.Contains(pricedArguments, arg.Name) && hasVariable(arg.Value) {
					return true
				}
			}
			if pricedByVariables(s.SelectionSet, seen) {
				return true
			}
		case *ast.InlineFragment:
			if pricedByVariables(s.SelectionSet, seen) {
				return true
			}
		case *ast.FragmentSpread:
			if seen[s.Name] {
				continue
			}
			seen[s.Name] = true
			if s.Definition == nil || pricedByVariables(s.Definition.SelectionSet, seen) {
				return true
			}
		}
	}
	return false
}

// hasVariable reports whether the value is or holds a variable.
func hasVariable(v *ast.Value) bool {
	if v == nil {
		return false
	}
	if v.Kind == ast.Variable {
		return true
	}
	for _, c := range v.Children {
		if hasVariable(c.Value) {
			return true
		}
	}
	return false
}

// intOf reads an integer argument; a missing or odd one counts as the
// largest list.
func intOf(v any) int {
	switch n := v.(type) {
	case int:
		return n
	case int64:
		return int(n)
	}
	return kg.MaxListSize
}
