package graph

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/puente-kg/puente/internal/testenv"
	"github.com/puente-kg/puente/loaders"
)

// TestMarshalListInTurnOrConcurrently marshals a list whose second item
// panics, with loaders that fetch at once (items in turn) and with loaders
// that wait (gqlgen's goroutine per item): both give the items in order,
// null for the one that panicked, and one error at its index.
func TestMarshalListInTurnOrConcurrently(t *testing.T) {
	store := testenv.Memory(t)
	for _, wait := range []time.Duration{0, time.Millisecond} {
		t.Run(wait.String(), func(t *testing.T) {
			l := loaders.New(store, loaders.Config{Wait: wait})
			if l.Immediate() != (wait == 0) {
				t.Fatalf("Immediate() = %v with wait %v", l.Immediate(), wait)
			}
			ctx := graphql.WithResponseContext(loaders.With(context.Background(), l),
				func(ctx context.Context, err error) *gqlerror.Error { return graphql.DefaultErrorPresenter(ctx, err) },
				func(ctx context.Context, v any) error { return errors.New("recovered") })
			ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: graphql.CollectedField{}})
			var immediateItems int
			ret := marshalList(ctx, 3, 0, false, func(ctx context.Context, i int) graphql.Marshaler {
				if i == 1 {
					panic("item 1")
				}
				if idx := graphql.GetFieldContext(ctx).Index; idx == nil || *idx != i {
					t.Errorf("item %d has index %v in its field context", i, idx)
				}
				if wait == 0 {
					immediateItems++ // no goroutines: no race
				}
				return graphql.MarshalInt(i)
			})
			var out bytes.Buffer
			ret.MarshalGQL(&out)
			if out.String() != "[0,null,2]" {
				t.Errorf("marshalled %s, want [0,null,2]", out.String())
			}
			errs := graphql.GetErrors(ctx)
			if len(errs) != 1 || errs[0].Message != "recovered" || errs[0].Path.String() != "[1]" {
				t.Errorf("errors %v, want one at index 1", errs)
			}
			if wait == 0 && immediateItems != 2 {
				t.Errorf("%d items marshalled in turn, want 2", immediateItems)
			}
		})
	}
}
