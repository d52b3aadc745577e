// Package loaders batches the per-entity lookups of one GraphQL request:
// every entity, source and relation list asked for while resolving one
// level of a query is fetched in one round trip to the store.
//
// A Loaders value is built per request by Middleware and fetched from the
// context with For.
package loaders

import (
	"context"
	"net/http"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/puente-kg/puente/kg"
)

// DefaultWait is how long a loader collects keys before it fetches them,
// for a store where each fetch is a round trip to a database.
const DefaultWait = time.Millisecond

// Loaders holds one loader per kind of lookup.
type Loaders struct {
	// Entity loads entities by ID; unknown IDs give nil.
	Entity *dataloadgen.Loader[string, *kg.Entity]
	// Source loads sources by ID; unknown IDs give nil.
	Source *dataloadgen.Loader[string, *kg.Source]
	// Relations loads every relation touching an entity, ordered by ID.
	Relations *dataloadgen.Loader[string, []*kg.Relation]
}

// Config tunes the loaders.
type Config struct {
	// Wait is how long a loader collects keys before it fetches them. 0
	// fetches at once, which suits a store whose lookups cost no round trip.
	Wait time.Duration
	// OnBatch, when set, is told the size of each batch fetched.
	OnBatch func(loader string, keys int)
}

// observed reports each batch's size before fetching it.
func observed[V any](name string, cfg Config, fetch func(context.Context, []string) ([]V, []error)) func(context.Context, []string) ([]V, []error) {
	if cfg.OnBatch == nil {
		return fetch
	}
	return func(ctx context.Context, keys []string) ([]V, []error) {
		cfg.OnBatch(name, len(keys))
		return fetch(ctx, keys)
	}
}

// New returns fresh loaders over the store.
func New(store kg.Reader, cfg Config) *Loaders {
	wait := dataloadgen.WithWait(cfg.Wait)
	return &Loaders{
		Entity:    dataloadgen.NewLoader(observed("entity", cfg, byID(store.Entities, func(e *kg.Entity) string { return e.ID })), wait),
		Source:    dataloadgen.NewLoader(observed("source", cfg, byID(store.Sources, func(s *kg.Source) string { return s.ID })), wait),
		Relations: dataloadgen.NewLoader(observed("relations", cfg, relationsFetch(store)), wait),
	}
}

// byID adapts a store lookup that returns what it found, in any order, to
// a loader fetch that returns one value per key, nil when not found.
func byID[V any](get func(context.Context, []string) ([]V, error), id func(V) string) func(context.Context, []string) ([]V, []error) {
	return func(ctx context.Context, keys []string) ([]V, []error) {
		found, err := get(ctx, keys)
		if err != nil {
			return nil, []error{err}
		}
		index := make(map[string]V, len(found))
		for _, v := range found {
			index[id(v)] = v
		}
		out := make([]V, len(keys))
		for i, k := range keys {
			out[i] = index[k]
		}
		return out, nil
	}
}

func relationsFetch(store kg.Reader) func(context.Context, []string) ([][]*kg.Relation, []error) {
	return func(ctx context.Context, keys []string) ([][]*kg.Relation, []error) {
		rels, err := store.Relations(ctx, keys)
		if err != nil {
			return nil, []error{err}
		}
		index := make(map[string][]*kg.Relation, len(keys))
		for _, r := range rels {
			index[r.From] = append(index[r.From], r)
			if r.To != r.From {
				index[r.To] = append(index[r.To], r)
			}
		}
		out := make([][]*kg.Relation, len(keys))
		for i, k := range keys {
			out[i] = index[k]
		}
		return out, nil
	}
}

type ctxKey struct{}

// With returns a context carrying the loaders.
func With(ctx context.Context, l *Loaders) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// For returns the loaders of the request. It panics when Middleware did
// not run, which is a wiring bug.
func For(ctx context.Context) *Loaders {
	l, ok := ctx.Value(ctxKey{}).(*Loaders)
	if !ok {
		panic("loaders: no loaders in context; wrap the handler with loaders.Middleware")
	}
	return l
}

// Middleware gives each request its own loaders over the store.
func Middleware(store kg.Reader, cfg Config, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(With(r.Context(), New(store, cfg))))
	})
}

// Entities loads the entities with the given IDs in one batch, skipping
// unknown ones and keeping the order of ids.
func (l *Loaders) Entities(ctx context.Context, ids []string) ([]*kg.Entity, error) {
	all, err := l.Entity.LoadAll(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := all[:0:0]
	for _, e := range all {
		if e != nil {
			out = append(out, e)
		}
	}
	return out, nil
}

// Sources loads the sources with the given IDs, skipping unknown ones.
func (l *Loaders) Sources(ctx context.Context, ids []string) ([]*kg.Source, error) {
	all, err := l.Source.LoadAll(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := all[:0:0]
	for _, s := range all {
		if s != nil {
			out = append(out, s)
		}
	}
	return out, nil
}

// Prime stores entities the caller already holds, so that later lookups of
// their IDs need no round trip.
func (l *Loaders) Prime(entities ...*kg.Entity) {
	for _, e := range entities {
		l.Entity.Prime(e.ID, e)
	}
}

// Forget empties the caches, so that what a mutation wrote is read afresh
// by the fields resolved after it.
func (l *Loaders) Forget() {
	l.Entity.ClearAll()
	l.Source.ClearAll()
	l.Relations.ClearAll()
}
