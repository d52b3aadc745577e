// Package graph is the GraphQL layer: gqlgen's generated executor and the
// thin resolvers that answer it through the loaders and the kg.Store.
package graph

import "github.com/puente-kg/puente/kg"

// Resolver is the root resolver. It holds the store for list and analysis
// queries; per-entity lookups go through the request's loaders.
type Resolver struct {
	Store kg.Store
	// expensive caps concurrent neighborhood and paths queries.
	expensive *gate
}
