package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/puente-kg/puente/graph/model"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/loaders"
)

// The root fields look at their selection (gqlgen's field collection) to
// fetch, in the root's own round trip, the entities their nested fields
// show, and put them into the request's loaders; the nested resolvers
// then find them there. A selection they do not recognise costs the
// loaders' round trips, as before.

// implementors are the GraphQL types an entity of each kind satisfies, to
// collect the fields selected on it (nil, for an unknown kind, collects
// the fields of every fragment).
var implementors = map[kg.Kind][]string{
	kg.KindCountry:      countryImplementors,
	kg.KindPerson:       personImplementors,
	kg.KindOrganization: organizationImplementors,
	kg.KindPlace:        placeImplementors,
	kg.KindEvent:        eventImplementors,
}

// itemFields returns the fields selected on the items of the list being
// resolved: on the list itself, or for a connection under nodes and
// edges.node.
func itemFields(ctx context.Context, connection bool) []graphql.CollectedField {
	fields := graphql.CollectFieldsCtx(ctx, nil)
	if !connection {
		return fields
	}
	op := graphql.GetOperationContext(ctx)
	var out []graphql.CollectedField
	for _, f := range fields {
		switch f.Name {
		case "nodes":
			out = append(out, graphql.CollectFields(op, f.Selections, nil)...)
		case "edges":
			for _, e := range graphql.CollectFields(op, f.Selections, nil) {
				if e.Name == "node" {
					out = append(out, graphql.CollectFields(op, e.Selections, nil)...)
				}
			}
		}
	}
	return out
}

// selects reports whether any of the fields has one of the names.
func selects(fields []graphql.CollectedField, names ...string) bool {
	for _, f := range fields {
		for _, n := range names {
			if f.Name == n {
				return true
			}
		}
	}
	return false
}

// meetingsWanted returns how many meetings of each contact the selection
// shows (the largest first of its meetings fields), 0 for none.
func meetingsWanted(ctx context.Context, fields []graphql.CollectedField) int {
	op := graphql.GetOperationContext(ctx)
	n := 0
	for _, f := range fields {
		if f.Name == "meetings" {
			if first, ok := model.FirstArg(f.ArgumentMap(op.Variables)); ok {
				n = max(n, first)
			}
		}
	}
	return n
}

// primeGraph fetches, in one round trip, the entities and relations that
// the nodes and edges of a subgraph or of paths show, and primes the
// loaders with them; it fetches nothing the selection does not show.
func (r *queryResolver) primeGraph(ctx context.Context, fields []graphql.CollectedField, nodes, edges []string) error {
	op := graphql.GetOperationContext(ctx)
	var wantNodes, wantEdges bool
	for _, f := range fields {
		sub := graphql.CollectFields(op, f.Selections, nil)
		switch f.Name {
		case "nodes":
			wantNodes = wantNodes || selects(sub, "label", "entity")
		case "edges":
			wantEdges = true
		}
	}
	if !wantNodes {
		nodes = nil
	}
	if !wantEdges {
		edges = nil
	}
	if len(nodes) == 0 && len(edges) == 0 {
		return nil
	}
	es, rels, err := r.Service.Lookup(ctx, nodes, edges)
	if err != nil {
		return err
	}
	l := loaders.For(ctx)
	l.Prime(es...)
	for _, rel := range rels {
		l.Relation.Prime(rel.ID, rel)
	}
	primeUnknown(l, nodes, edges, es, rels)
	return nil
}

// primeUnknown primes nil for the IDs a lookup did not find, so that the
// loaders do not ask again.
func primeUnknown(l *loaders.Loaders, nodes, edges []string, es []*kg.Entity, rels []*kg.Relation) {
	found := make(map[string]bool, len(es)+len(rels))
	for _, e := range es {
		found[e.ID] = true
	}
	for _, r := range rels {
		found[r.ID] = true
	}
	for _, id := range nodes {
		if !found[id] {
			l.Entity.Prime(id, nil)
		}
	}
	for _, id := range edges {
		if !found[id] {
			l.Relation.Prime(id, nil)
		}
	}
}

// missing returns the IDs that none of the entities has.
func missing(ids []string, es []*kg.Entity) []string {
	have := make(map[string]bool, len(es))
	for _, e := range es {
		have[e.ID] = true
	}
	var out []string
	for _, id := range ids {
		if !have[id] {
			out = append(out, id)
		}
	}
	return out
}

// missingRelations returns the IDs that none of the relations has.
func missingRelations(ids []string, rels []*kg.Relation) []string {
	have := make(map[string]bool, len(rels))
	for _, r := range rels {
		have[r.ID] = true
	}
	var out []string
	for _, id := range ids {
		if !have[id] {
			out = append(out, id)
		}
	}
	return out
}
