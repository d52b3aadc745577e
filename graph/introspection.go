package graph

import (
	"context"
	"fmt"
	"strings"

	gqlcomplexity "github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// introspectionPrice prices an operation's introspection: each __schema
// and __type selection costs one per value it returns (each field of each
// type, argument, enum value and type reference it selects), counted
// against the schema itself, so aliases add up and fragments count at each
// use. The price is added to the operation's cost (see complexity), and an
// operation over max is refused with QUERY_TOO_COMPLEX before it runs.
//
// The cost model of complexity prices every field once, and the depth
// limit does not look inside introspection, so without this price a 25 kB
// query of a thousand aliased __schema selections answers tens of
// megabytes. GraphiQL's own introspection query, the largest one a tool
// normally sends, costs about 7,000 on today's schema, a seventh of the
// default limit (TestIntrospectionPrice checks that it passes).
type introspectionPrice struct {
	max int
	es  graphql.ExecutableSchema
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = &introspectionPrice{}

func (*introspectionPrice) ExtensionName() string { return "IntrospectionPrice" }

func (p *introspectionPrice) Validate(schema graphql.ExecutableSchema) error {
	p.es = schema
	return nil
}

// MutateOperationContext adds the price of the operation's introspection
// to its cost, and refuses it past the limit.
func (p *introspectionPrice) MutateOperationContext(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	op := rc.Operation
	if op == nil {
		return nil
	}
	c := &introCounter{schema: p.es.Schema(), frags: rc.Doc.Fragments, vars: rc.Variables, left: p.max}
	roots := c.roots(op.SelectionSet, nil, 0)
	if len(roots) == 0 {
		return nil
	}
	c.left = p.max - gqlcomplexity.Calculate(ctx, p.es, op, rc.Variables)
	before := c.left
	for _, f := range roots {
		c.root(f)
		if c.left < 0 {
			return &gqlerror.Error{
				Message: fmt.Sprintf("the query costs more than %d: introspection (__schema, __type) costs one for each value "+
					"it returns; ask for the schema once, or for fewer fields of it", p.max),
				Extensions: map[string]any{"code": CodeTooComplex},
			}
		}
	}
	addCost(rc, before-c.left)
	return nil
}

// maxSpreads bounds how deep fragment spreads nest while pricing; the
// field budget (checkFields) and validation have bounded them already.
const maxSpreads = 64

// introCounter counts the values introspection selections return.
type introCounter struct {
	schema *ast.Schema
	frags  ast.FragmentDefinitionList
	vars   map[string]any
	// left is what the introspection may still cost; below zero, the
	// operation is over its limit and counting stops.
	left    int
	spreads int
	// hasRoots remembers which fragments hold introspection (see
	// introspects).
	hasRoots map[string]bool
}

// roots appends the __schema and __type fields of the operation's root
// selection set to out, following fragments at each use, and stops once
// there are more than c.left of them (each costs at least one).
func (c *introCounter) roots(set ast.SelectionSet, out []*ast.Field, spreads int) []*ast.Field {
	for _, sel := range set {
		if len(out) > c.left {
			return out
		}
		switch s := sel.(type) {
		case *ast.Field:
			if isIntrospection(s) {
				out = append(out, s)
			}
		case *ast.InlineFragment:
			out = c.roots(s.SelectionSet, out, spreads)
		case *ast.FragmentSpread:
			if c.fragmentIntrospects(s.Name, spreads+1) {
				out = c.roots(c.frags.ForName(s.Name).SelectionSet, out, spreads+1)
			}
		}
	}
	return out
}

// introspects reports whether a root selection set holds a __schema or
// __type field, its fragments included, remembering each fragment's
// answer: a fragment without one is then skipped at each use.
func (c *introCounter) introspects(set ast.SelectionSet, spreads int) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if isIntrospection(s) {
				return true
			}
		case *ast.InlineFragment:
			if c.introspects(s.SelectionSet, spreads) {
				return true
			}
		case *ast.FragmentSpread:
			if c.fragmentIntrospects(s.Name, spreads+1) {
				return true
			}
		}
	}
	return false
}

// fragmentIntrospects reports, remembered, whether the named fragment
// holds a __schema or __type field; spreads is its nesting.
func (c *introCounter) fragmentIntrospects(name string, spreads int) bool {
	known, ok := c.hasRoots[name]
	if !ok {
		f := c.frags.ForName(name)
		known = f != nil && spreads <= maxSpreads && c.introspects(f.SelectionSet, spreads)
		if c.hasRoots == nil {
			c.hasRoots = map[string]bool{}
		}
		c.hasRoots[name] = known
	}
	return known
}

func isIntrospection(f *ast.Field) bool { return f.Name == "__schema" || f.Name == "__type" }

// introNode is a value of one of the introspection types: the schema, a
// named type (def) or a wrapping type (ref: a list or non-null type), a
// field, an input value (an argument or input field), an enum value or a
// directive.
type introNode struct {
	kind  string
	def   *ast.Definition
	ref   *ast.Type
	field *ast.FieldDefinition
	arg   *ast.ArgumentDefinition
	dir   *ast.DirectiveDefinition
}

const (
	kindSchema     = "__Schema"
	kindType       = "__Type"
	kindField      = "__Field"
	kindInputValue = "__InputValue"
	kindEnumValue  = "__EnumValue"
	kindDirective  = "__Directive"
)

// root counts one __schema or __type field.
func (c *introCounter) root(f *ast.Field) {
	c.left--
	switch f.Name {
	case "__schema":
		c.count(introNode{kind: kindSchema}, f.SelectionSet)
	case "__type":
		name, _ := f.ArgumentMap(c.vars)["name"].(string)
		if def := c.schema.Types[name]; def != nil {
			c.count(introNode{kind: kindType, def: def}, f.SelectionSet)
		}
	}
}

// count counts the values the selection set returns of n: one per field,
// plus, for a field of objects, each object and what it returns.
func (c *introCounter) count(n introNode, set ast.SelectionSet) {
	for _, sel := range set {
		if c.left < 0 {
			return
		}
		switch s := sel.(type) {
		case *ast.Field:
			c.left--
			if s.Name == "locations" && n.dir != nil {
				c.left -= len(n.dir.Locations)
			}
			if len(s.SelectionSet) == 0 {
				continue
			}
			children := c.children(n, s.Name)
			c.left -= len(children)
			for _, child := range children {
				if c.left < 0 {
					return
				}
				c.count(child, s.SelectionSet)
			}
		case *ast.InlineFragment:
			c.count(n, s.SelectionSet)
		case *ast.FragmentSpread:
			if f := c.frags.ForName(s.Name); f != nil && c.spreads < maxSpreads {
				c.spreads++
				c.count(n, f.SelectionSet)
				c.spreads--
			}
		}
	}
}

// children returns the objects the named field of n returns, as gqlgen's
// introspection does (package graphql/introspection).
func (c *introCounter) children(n introNode, field string) []introNode {
	switch n.kind {
	case kindSchema:
		switch field {
		case "types":
			out := make([]introNode, 0, len(c.schema.Types))
			for _, def := range c.schema.Types {
				out = append(out, introNode{kind: kindType, def: def})
			}
			return out
		case "queryType":
			return c.named(c.schema.Query)
		case "mutationType":
			return c.named(c.schema.Mutation)
		case "subscriptionType":
			return c.named(c.schema.Subscription)
		case "directives":
			out := make([]introNode, 0, len(c.schema.Directives))
			for _, d := range c.schema.Directives {
				out = append(out, introNode{kind: kindDirective, dir: d})
			}
			return out
		}
	case kindType:
		return c.typeChildren(n, field)
	case kindField:
		switch field {
		case "args":
			return args(n.field.Arguments)
		case "type":
			return c.typeOf(n.field.Type)
		}
	case kindInputValue:
		if field == "type" {
			if n.arg != nil {
				return c.typeOf(n.arg.Type)
			}
			return c.typeOf(n.field.Type)
		}
	case kindDirective:
		if field == "args" {
			return args(n.dir.Arguments)
		}
	}
	return nil
}

// typeChildren returns the objects the named field of a __Type returns.
func (c *introCounter) typeChildren(n introNode, field string) []introNode {
	if n.ref != nil {
		if field != "ofType" {
			return nil
		}
		if n.ref.NonNull {
			inner := *n.ref
			inner.NonNull = false
			return c.typeOf(&inner)
		}
		return c.typeOf(n.ref.Elem)
	}
	def := n.def
	var out []introNode
	switch field {
	case "fields":
		if def.Kind == ast.Object || def.Kind == ast.Interface {
			for _, f := range def.Fields {
				if !strings.HasPrefix(f.Name, "__") {
					out = append(out, introNode{kind: kindField, field: f})
				}
			}
		}
	case "inputFields":
		if def.Kind == ast.InputObject {
			for _, f := range def.Fields {
				out = append(out, introNode{kind: kindInputValue, field: f})
			}
		}
	case "interfaces":
		if def.Kind == ast.Object || def.Kind == ast.Interface {
			for _, name := range def.Interfaces {
				out = append(out, c.named(c.schema.Types[name])...)
			}
		}
	case "possibleTypes":
		if def.Kind == ast.Interface || def.Kind == ast.Union {
			for _, t := range c.schema.GetPossibleTypes(def) {
				out = append(out, introNode{kind: kindType, def: t})
			}
		}
	case "enumValues":
		if def.Kind == ast.Enum {
			for range def.EnumValues {
				out = append(out, introNode{kind: kindEnumValue})
			}
		}
	}
	return out
}

// named returns the __Type of a named type, or nothing for nil.
func (c *introCounter) named(def *ast.Definition) []introNode {
	if def == nil {
		return nil
	}
	return []introNode{{kind: kindType, def: def}}
}

// typeOf returns the __Type of a type reference, as
// introspection.WrapTypeFromType does.
func (c *introCounter) typeOf(t *ast.Type) []introNode {
	switch {
	case t == nil:
		return nil
	case !t.NonNull && t.NamedType != "":
		return c.named(c.schema.Types[t.NamedType])
	default:
		return []introNode{{kind: kindType, ref: t}}
	}
}

func args(list ast.ArgumentDefinitionList) []introNode {
	out := make([]introNode, len(list))
	for i, a := range list {
		out[i] = introNode{kind: kindInputValue, arg: a}
	}
	return out
}
