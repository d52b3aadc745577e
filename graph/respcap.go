package graph

import (
	"context"
	"encoding/json"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/middleware"
)

// CodeResponseTooLarge marks an answer larger than MaxResponseBytes; it is
// the code middleware.ResponseCap uses too.
const CodeResponseTooLarge = middleware.CodeResponseTooLarge

// responseCap replaces an answer whose data and errors, marshalled, are
// over max bytes by a RESPONSE_TOO_LARGE error and null data, before the
// transport copies them into a body.
type responseCap struct {
	max     int
	present graphql.ErrorPresenterFunc
}

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = responseCap{}

func (responseCap) ExtensionName() string                   { return "ResponseCap" }
func (responseCap) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptResponse measures the answer.
func (c responseCap) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil {
		return nil
	}
	size := len(resp.Data)
	if size <= c.max && len(resp.Errors) > 0 {
		b, err := json.Marshal(resp.Errors)
		if err != nil {
			return resp
		}
		size += len(b)
	}
	if size <= c.max {
		return resp
	}
	err := kg.Errorf(CodeResponseTooLarge,
		"the answer is over %d bytes (MAX_RESPONSE_BYTES): ask for fewer items (first, limit) or fewer fields", c.max)
	// The operation ran: its answer keeps a data member, null.
	return &graphql.Response{Errors: gqlerror.List{c.present(ctx, err)}, Data: json.RawMessage("null")}
}
