package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/puente-kg/puente/loaders"
)

// marshalList marshals the items of a list of objects; the generated
// executor calls it where gqlgen's would call
// graphql.MarshalSliceConcurrently (see internal/listmarshal).
//
// gqlgen marshals each item in a goroutine of its own, so that the items'
// fields ask the loaders for their keys at the same time and are fetched
// in one batch: that is what a store with a round trip per fetch needs,
// and what marshalList does for it. On a store whose loaders fetch at once
// (the embedded store, loaders.Loaders.Immediate) there is nothing to
// batch, and a goroutine per item (started, its stack grown, waited for)
// cost more than the item itself: there the items are marshalled in turn,
// in the caller, each with the field context and the panic recovery gqlgen
// gives it.
func marshalList(ctx context.Context, length int, workerLimit int64, omitPanicHandler bool,
	marshalItem func(ctx context.Context, i int) graphql.Marshaler) graphql.Array {
	if length <= 1 || !immediate(ctx) {
		return graphql.MarshalSliceConcurrently(ctx, length, workerLimit, omitPanicHandler, marshalItem)
	}
	ret := make(graphql.Array, length)
	for i := range length {
		itemCtx := graphql.WithFieldContext(ctx, &graphql.FieldContext{Index: &i})
		if omitPanicHandler {
			ret[i] = marshalItem(itemCtx, i)
			continue
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					graphql.AddError(itemCtx, graphql.Recover(itemCtx, r))
					ret[i] = graphql.Null
				}
			}()
			ret[i] = marshalItem(itemCtx, i)
		}()
	}
	return ret
}

// immediate reports whether the request's loaders fetch at once.
func immediate(ctx context.Context) bool {
	l, ok := loaders.From(ctx)
	return ok && l.Immediate()
}
