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
	"strings"
	"time"

	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/service"
)

// DefaultWait is how long a loader collects keys before it fetches them,
// for a store where each fetch is a round trip to a database.
const DefaultWait = time.Millisecond

// Loaders holds one loader per kind of lookup.
type Loaders struct {
	// Entity loads entities by ID; unknown IDs give nil.
	Entity *Loader[string, *kg.Entity]
	// Source loads sources by ID; unknown IDs give nil.
	Source *Loader[string, *kg.Source]
	// Relation loads relations by ID; unknown IDs give nil.
	Relation *Loader[string, *kg.Relation]
	// Links loads one page of an entity's links; keys that ask for the
	// same page of the same kind of list are fetched in one round trip.
	Links *Loader[LinkKey, kg.LinkPage]
	// Country loads the ID of an entity's country ("" for none), one round
	// trip per step towards it for every entity of a level at once.
	Country *Loader[string, string]
}

// LinkKey asks for one page of an entity's links: the entity, the query
// (types joined by commas, as a key must be comparable) and the page.
type LinkKey struct {
	ID        string
	Types     string
	Direction kg.Direction
	Role      kg.Role
	Category  kg.Category
	Order     kg.LinkOrder
	Page      kg.PageRequest
}

// NewLinkKey returns the key of a page of the entity's links.
func NewLinkKey(id string, q kg.LinkQuery, p kg.PageRequest) LinkKey {
	types := make([]string, len(q.Types))
	for i, t := range q.Types {
		types[i] = string(t)
	}
	return LinkKey{ID: id, Types: strings.Join(types, ","), Direction: q.Direction, Role: q.Role,
		Category: q.Category, Order: q.Order, Page: p}
}

// query returns the key's kg.LinkQuery.
func (k LinkKey) query() kg.LinkQuery {
	q := kg.LinkQuery{Direction: k.Direction, Role: k.Role, Category: k.Category, Order: k.Order}
	if k.Types != "" {
		for _, t := range strings.Split(k.Types, ",") {
			q.Types = append(q.Types, kg.RelationType(t))
		}
	}
	return q
}

// Config tunes the loaders.
type Config struct {
	// Wait is how long a loader collects keys before it fetches them. 0
	// fetches at once, in the caller, which suits a store whose lookups
	// cost no round trip (see Loader).
	Wait time.Duration
	// OnBatch, when set, is told the size of each batch fetched.
	OnBatch func(loader string, keys int)
}

// observed reports each batch's size before fetching it.
func observed[K comparable, V any](name string, cfg Config, fetch func(context.Context, []K) ([]V, []error)) func(context.Context, []K) ([]V, []error) {
	if cfg.OnBatch == nil {
		return fetch
	}
	return func(ctx context.Context, keys []K) ([]V, []error) {
		cfg.OnBatch(name, len(keys))
		return fetch(ctx, keys)
	}
}

// New returns fresh loaders over the store.
func New(store kg.Reader, cfg Config) *Loaders {
	wait := cfg.Wait
	return &Loaders{
		Entity:   newLoader(observed("entity", cfg, byID(store.Entities, func(e *kg.Entity) string { return e.ID })), wait),
		Source:   newLoader(observed("source", cfg, byID(store.Sources, func(s *kg.Source) string { return s.ID })), wait),
		Relation: newLoader(observed("relation", cfg, byID(store.RelationsByID, func(r *kg.Relation) string { return r.ID })), wait),
		Links:    newLoader(observed("links", cfg, linksFetch(store)), wait),
		Country:  newLoader(observed("country", cfg, countryFetch(store)), wait),
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

// linksFetch groups the keys by query and page and asks the store once
// per group, which is once per level of a query in the usual case.
func linksFetch(store kg.LinkReader) func(context.Context, []LinkKey) ([]kg.LinkPage, []error) {
	return func(ctx context.Context, keys []LinkKey) ([]kg.LinkPage, []error) {
		type group struct {
			ids []string
			at  []int
		}
		groups := map[LinkKey]*group{}
		var order []LinkKey
		for i, k := range keys {
			g := k
			g.ID = ""
			if groups[g] == nil {
				groups[g] = &group{}
				order = append(order, g)
			}
			groups[g].ids = append(groups[g].ids, k.ID)
			groups[g].at = append(groups[g].at, i)
		}
		out := make([]kg.LinkPage, len(keys))
		for _, g := range order {
			pages, err := store.Links(ctx, groups[g].ids, g.query(), g.Page)
			if err != nil {
				return nil, []error{err}
			}
			for j, i := range groups[g].at {
				out[i] = pages[j]
			}
		}
		return out, nil
	}
}

// countryFetch finds the country of every key at once.
func countryFetch(store kg.LinkReader) func(context.Context, []string) ([]string, []error) {
	return func(ctx context.Context, keys []string) ([]string, []error) {
		countries, err := service.CountriesOf(ctx, store, keys)
		if err != nil {
			return nil, []error{err}
		}
		out := make([]string, len(keys))
		for i, k := range keys {
			out[i] = countries[k]
		}
		return out, nil
	}
}

type ctxKey struct{}

// With returns a context carrying the loaders.
func With(ctx context.Context, l *Loaders) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// From returns the loaders of the request, and whether there are any.
func From(ctx context.Context) (*Loaders, bool) {
	l, ok := ctx.Value(ctxKey{}).(*Loaders)
	return l, ok
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
	l.Relation.ClearAll()
	l.Links.ClearAll()
	l.Country.ClearAll()
}

// Immediate reports whether the loaders fetch at once, in the caller,
// rather than collect the keys of concurrent callers for a while (see
// Config.Wait): then there is nothing to gain from asking for keys
// concurrently.
func (l *Loaders) Immediate() bool { return l.Entity.batched == nil }
