package graph

import (
	"context"
	"errors"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/puente-kg/puente/kg"
)

// errTimeout is what a client whose deadline passed is told.
var errTimeout = kg.Errorf(kg.ETIMEOUT, "the query did not finish within its deadline (QUERY_TIMEOUT); ask for less, or try again")

// deadline answers an operation whose deadline passed before it could run
// (during parsing, validation or the limits' checks, which do not look at
// the clock) with a TIMEOUT error and no data. gqlgen's executor answers
// such an operation with no response at all, which gqlgen's own HTTP
// transports would write as a bare null. A deadline that passes while the operation runs
// fails the fields still resolving, each with TIMEOUT (see present).
type deadline struct {
	present graphql.ErrorPresenterFunc
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = deadline{}

func (deadline) ExtensionName() string                   { return "Deadline" }
func (deadline) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptOperation replaces the missing first response of an operation
// whose deadline passed.
func (d deadline) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	responses := next(ctx)
	first := true
	return func(ctx context.Context) *graphql.Response {
		resp := responses(ctx)
		if resp != nil || !first || !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			first = false
			return resp
		}
		first = false
		// No data: the operation never ran, and the transport writes no
		// data member.
		return &graphql.Response{Errors: gqlerror.List{d.present(ctx, errTimeout)}}
	}
}

// timedOut reports whether err is the request's deadline passing: the
// error says so (context.DeadlineExceeded, however wrapped), or it is an
// internal or unavailable store error and the deadline has passed, as when
// the database aborts a transaction at the same deadline.
func timedOut(ctx context.Context, err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return false
	}
	var ke *kg.Error
	if !errors.As(err, &ke) {
		var gqlErr *gqlerror.Error
		// gqlgen's own errors about the request keep their code.
		return !errors.As(err, &gqlErr) || gqlErr.Err != nil
	}
	return ke.Code == kg.EINTERNAL || ke.Code == kg.EUNAVAILABLE || ke.Code == kg.ETIMEOUT
}
