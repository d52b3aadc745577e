package model

import (
	"context"
	"encoding/json"

	"github.com/99designs/gqlgen/graphql"

	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/loaders"
)

// The lists under an entity read through the loaders, a round trip per
// level. When the selection under a root entity has a shape the store can
// fetch whole (a list of links and, under the entities at their other
// ends, another: participations → event → participants), Expansion
// compiles it into a kg.Expansion, and PrimeTree puts what the store
// returned into the loaders under the very keys the list fields ask for,
// so that they find it without a round trip. Whatever the compiler does
// not cover reads through the loaders as before.

// Expansion compiles the fields selected on an entity (those of the
// entity field being resolved, collected for the entity's GraphQL type
// and the interfaces it implements) into the links the store can fetch
// with the entity: the first list field it recognises (participations,
// participants, relationships, related, members; not connections) and,
// under it, the first such list of the entities at the other ends. It
// returns nil when there is none.
func Expansion(ctx context.Context, fields []graphql.CollectedField) *kg.Expansion {
	return expansion(graphql.GetOperationContext(ctx), fields, kg.MaxExpansionDepth)
}

func expansion(op *graphql.OperationContext, fields []graphql.CollectedField, depth int) *kg.Expansion {
	if depth == 0 {
		return nil
	}
	for _, f := range fields {
		l, first, others, ok := compileList(op, f)
		if !ok {
			continue
		}
		x := &kg.Expansion{Query: l.q, First: first}
		if others != nil {
			x.Next = expansion(op, others, depth-1)
		}
		return x
	}
	return nil
}

// compileList returns the list of links a field of an entity reads, its
// page size, and the fields selected on the entities at the other ends
// (nil when none are); ok is false for any other field, or for arguments
// that the field itself would refuse.
func compileList(op *graphql.OperationContext, f graphql.CollectedField) (l linkList, first int, others []graphql.CollectedField, ok bool) {
	args := f.ArgumentMap(op.Variables)
	first, ok = FirstArg(args)
	if !ok {
		return l, 0, nil, false
	}
	role, ok1 := enumArg[kg.Role](args["role"])
	category, ok2 := enumArg[kg.Category](args["category"])
	types, ok3 := typesArg(args["types"])
	if !ok1 || !ok2 || !ok3 {
		return l, 0, nil, false
	}
	// via names the field that leads to the entity at the other end; "."
	// for the list field itself.
	var via string
	switch f.Name {
	case "participations":
		l, via = participationList(role, category), "event"
	case "participants":
		l, via = participantList(role), "entity"
	case "relationships":
		l = relationshipList(types)
	case "related":
		l, via = relatedList(types), "."
	case "members":
		l, via = memberList, "."
	default:
		return l, 0, nil, false
	}
	switch via {
	case "":
	case ".":
		others = graphql.CollectFields(op, f.Selections, nil)
	default:
		for _, sub := range graphql.CollectFields(op, f.Selections, nil) {
			if sub.Name == via {
				others = append(others, graphql.CollectFields(op, sub.Selections, nil)...)
			}
		}
	}
	return l, first, others, true
}

// FirstArg returns the page size that a list field's arguments ask for,
// as ListSize checks it; ok is false for a size ListSize refuses.
func FirstArg(args map[string]any) (int, bool) {
	v, given := args["first"]
	if !given || v == nil {
		n, _ := ListSize(nil)
		return n, true
	}
	var n int
	switch v := v.(type) {
	case int:
		n = v
	case int64:
		n = int(v)
	case float64:
		n = int(v)
		if float64(n) != v {
			return 0, false
		}
	case json.Number:
		i, err := v.Int64()
		if err != nil {
			return 0, false
		}
		n = int(i)
	default:
		return 0, false
	}
	n, err := ListSize(&n)
	return n, err == nil
}

func enumArg[T ~string](v any) (*T, bool) {
	switch v := v.(type) {
	case nil:
		return nil, true
	case string:
		t := T(v)
		return &t, true
	}
	return nil, false
}

func typesArg(v any) ([]kg.RelationType, bool) {
	switch v := v.(type) {
	case nil:
		return nil, true
	case []any:
		out := make([]kg.RelationType, len(v))
		for i, x := range v {
			s, ok := x.(string)
			if !ok {
				return nil, false
			}
			out[i] = kg.RelationType(s)
		}
		return out, true
	}
	return nil, false
}

// PrimeTree puts into the request's loaders the entities of the tree and
// its pages of links, under the keys the list fields of the expansion x
// ask for.
func PrimeTree(ctx context.Context, t *kg.Tree, x *kg.Expansion) {
	l := loaders.For(ctx)
	if t.Root != nil {
		l.Prime(t.Root)
	}
	l.Prime(t.Entities...)
	for n := 0; x != nil && n < len(t.Pages); n, x = n+1, x.Next {
		for id, page := range t.Pages[n] {
			l.Links.Prime(loaders.NewLinkKey(id, x.Query, kg.PageRequest{First: x.First}), page)
		}
	}
}
