// Package graph is the GraphQL layer: gqlgen's generated executor and the
// thin resolvers that answer it through the service (root fields and
// mutations) and the request's loaders (the fields under an entity).
package graph

import (
	"github.com/99designs/gqlgen/graphql"

	"github.com/puente-kg/puente/live"
	"github.com/puente-kg/puente/service"
)

// Resolver is the root resolver. Root fields and mutations call the
// service; per-entity fields go through the request's loaders.
type Resolver struct {
	Service *service.Service
	// Hub serves the subscriptions.
	Hub *live.Hub
	// present presents the error that ends a subscription.
	present graphql.ErrorPresenterFunc
	// needReader refuses subscriptions to callers below reader.
	needReader bool
}
