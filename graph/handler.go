package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/loaders"
)

// Options tunes the GraphQL endpoint.
type Options struct {
	// BatchWait is how long the loaders collect keys before a fetch:
	// loaders.DefaultWait for a database, 0 for the embedded store, where a
	// lookup costs no round trip.
	BatchWait time.Duration
}

// OptionsFor returns the options that suit the store: a store that knows
// its best batch wait says so with a BatchWait method (the embedded store
// answers 0); any other gets loaders.DefaultWait.
func OptionsFor(store kg.Store) Options {
	if w, ok := store.(interface{ BatchWait() time.Duration }); ok {
		return Options{BatchWait: w.BatchWait()}
	}
	return Options{BatchWait: loaders.DefaultWait}
}

// NewHandler returns the GraphQL endpoint over the store: GET and POST
// requests, per-request loaders, and errors presented with a code in
// extensions.code and without internal details.
func NewHandler(store kg.Store, logger *slog.Logger, opts Options) http.Handler {
	srv := handler.New(NewExecutableSchema(Config{Resolvers: &Resolver{Store: store}}))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.Use(extension.Introspection{})
	srv.SetErrorPresenter(ErrorPresenter(logger))
	srv.SetRecoverFunc(func(ctx context.Context, v any) error {
		logger.ErrorContext(ctx, "panic in resolver", "panic", fmt.Sprint(v),
			"path", graphql.GetPath(ctx).String())
		return kg.Errorf(kg.EINTERNAL, "internal error")
	})
	return loaders.Middleware(store, opts.BatchWait, srv)
}

// ErrorPresenter returns gqlgen's error presenter for Puente: an error
// carrying a *kg.Error shows its message and code (and the field at fault);
// errors gqlgen itself raised with a code keep it; anything else becomes
// "internal error" with code INTERNAL, and is logged in full.
func ErrorPresenter(logger *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		if gqlErr.Extensions == nil {
			gqlErr.Extensions = map[string]any{}
		}
		var ke *kg.Error
		switch {
		case errors.As(err, &ke):
			gqlErr.Message = ke.Error()
			gqlErr.Extensions["code"] = ke.Code
			if ke.Field != "" {
				gqlErr.Extensions["field"] = ke.Field
			}
			if ke.Code == kg.EINTERNAL || ke.Code == kg.EUNAVAILABLE {
				logger.ErrorContext(ctx, "request failed", "code", ke.Code, "err", err.Error(),
					"path", gqlErr.Path.String())
			}
		case gqlErr.Extensions["code"] != nil:
		default:
			logger.ErrorContext(ctx, "request failed", "code", kg.EINTERNAL, "err", err.Error(),
				"path", gqlErr.Path.String())
			gqlErr.Message = "internal error"
			gqlErr.Extensions["code"] = kg.EINTERNAL
		}
		return gqlErr
	}
}
