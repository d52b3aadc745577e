package graph

import (
	"context"
	"errors"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/puente-kg/puente/auth"
	"github.com/puente-kg/puente/graph/model"
	"github.com/puente-kg/puente/graphqlhttp"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/live"
)

// subscribe starts a subscription to the change log through the hub,
// after the cursor when there is one, and returns its channel. When the
// hub ends it (a slow consumer, a store failure), the error goes to the
// stream before the channel closes.
func (r *Resolver) subscribe(ctx context.Context, q kg.ChangeQuery, after *string) (<-chan *model.Change, error) {
	if r.needReader {
		if err := auth.Require(ctx, auth.Reader); err != nil {
			return nil, err
		}
	}
	seq, err := kg.ChangeAfter(str(after))
	if err != nil {
		return nil, err
	}
	q.After = seq
	sub, err := r.Hub.Subscribe(ctx, q, str(after) != "")
	if err != nil {
		return nil, err
	}
	out := make(chan *model.Change)
	go func() {
		defer close(out)
		for c := range sub.C {
			select {
			case out <- &model.Change{Change: c}:
			case <-ctx.Done():
				return
			}
		}
		if err := sub.Err(); err != nil {
			graphqlhttp.EndStream(ctx, r.streamError(ctx, err))
		}
	}()
	return out, nil
}

// streamError presents the error that ends a subscription: a slow
// consumer's carries the cursor to resume after.
func (r *Resolver) streamError(ctx context.Context, err error) *gqlerror.Error {
	var slow *live.SlowConsumerError
	if errors.As(err, &slow) {
		return &gqlerror.Error{Message: slow.Error(), Extensions: map[string]any{
			"code": live.CodeSlowConsumer, "cursor": kg.ChangeCursor(slow.Delivered),
		}}
	}
	return r.present(ctx, err)
}
