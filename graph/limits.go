package graph

import (
	"context"
	"fmt"
	"strings"

	gqlcomplexity "github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/puente-kg/puente/service"
)

// Error codes of the limits.
const (
	CodeTooDeep    = "QUERY_TOO_DEEP"
	CodeTooComplex = "QUERY_TOO_COMPLEX"
	CodeBusy       = service.CodeBusy
)

// depthLimit refuses operations whose selections nest deeper than max.
type depthLimit struct{ max int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = depthLimit{}

func (depthLimit) ExtensionName() string                          { return "DepthLimit" }
func (depthLimit) Validate(schema graphql.ExecutableSchema) error { return nil }

// MutateOperationContext measures the depth of the operation, following
// fragments, and refuses it with QUERY_TOO_DEEP past the limit.
func (d depthLimit) MutateOperationContext(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	if rc.Operation == nil {
		return nil
	}
	if depth := selectionDepth(rc.Operation.SelectionSet, rc.Doc.Fragments, 0, d.max); depth > d.max {
		return &gqlerror.Error{
			Message:    fmt.Sprintf("the query nests %d levels or more; at most %d are allowed", depth, d.max),
			Extensions: map[string]any{"code": CodeTooDeep},
		}
	}
	return nil
}

// selectionDepth returns the depth of the selection set, stopping once it
// passes max (which also ends fragment cycles).
func selectionDepth(set ast.SelectionSet, frags ast.FragmentDefinitionList, depth, max int) int {
	if depth > max {
		return depth
	}
	deepest := depth
	for _, sel := range set {
		var d int
		switch s := sel.(type) {
		case *ast.Field:
			// Introspection (__schema, __type) is bounded by the schema
			// itself, and GraphiQL's own query nests 13 levels.
			if len(s.SelectionSet) == 0 || strings.HasPrefix(s.Name, "__") {
				d = depth + 1
			} else {
				d = selectionDepth(s.SelectionSet, frags, depth+1, max)
			}
		case *ast.InlineFragment:
			d = selectionDepth(s.SelectionSet, frags, depth, max)
		case *ast.FragmentSpread:
			if f := frags.ForName(s.Name); f != nil {
				d = selectionDepth(f.SelectionSet, frags, depth, max)
			}
		}
		deepest = max2(deepest, d)
	}
	return deepest
}

func max2(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// complexityLimit refuses operations that cost more than max (see
// complexity) with QUERY_TOO_COMPLEX, before anything runs.
type complexityLimit struct {
	max int
	es  graphql.ExecutableSchema
	// costs remembers the cost of the operations whose cost does not
	// depend on their variables, by query text and operation name: the
	// same query sent again with another ID costs the same.
	costs *lru.LRU[int]
}

// newComplexityLimit returns the limit, remembering the costs of up to
// 1000 operations.
func newComplexityLimit(max int) *complexityLimit {
	return &complexityLimit{max: max, costs: lru.New[int](1000)}
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = &complexityLimit{}

func (*complexityLimit) ExtensionName() string { return "ComplexityLimit" }

func (c *complexityLimit) Validate(schema graphql.ExecutableSchema) error {
	c.es = schema
	return nil
}

// MutateOperationContext computes the operation's cost.
func (c *complexityLimit) MutateOperationContext(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	op := rc.Doc.Operations.ForName(rc.OperationName)
	if op == nil {
		return nil
	}
	key := rc.RawQuery
	if rc.OperationName != "" {
		key += "\x00" + rc.OperationName
	}
	cost, ok := c.costs.Get(ctx, key)
	if !ok {
		cost = gqlcomplexity.Calculate(ctx, pricedSchema{c.es}, op, rc.Variables)
		if len(key) <= maxCachedQuery && !pricedByVariables(op.SelectionSet, map[string]bool{}) {
			c.costs.Add(ctx, key, cost)
		}
	}
	addCost(rc, cost)
	if cost > c.max {
		return &gqlerror.Error{
			Message: fmt.Sprintf("the query costs %d, over the limit of %d: ask for fewer items (first, limit) or fewer nested lists",
				cost, c.max),
			Extensions: map[string]any{"code": CodeTooComplex},
		}
	}
	return nil
}

// costKey is the operation statistics' key of the operation's cost.
const costKey = "Cost"

// addCost adds to the cost recorded for the operation.
func addCost(rc *graphql.OperationContext, n int) {
	c, _ := rc.Stats.GetExtension(costKey).(int)
	rc.Stats.SetExtension(costKey, c+n)
}

// operationCost returns the cost of an operation that passed the limits:
// its fields' (see complexity) and its introspection's (see
// introspectionPrice).
func operationCost(rc *graphql.OperationContext) int {
	c, _ := rc.Stats.GetExtension(costKey).(int)
	return c
}

// MaxSelections is the most fields one selection set may hold, with its
// fragments spread in. The GraphQL validator's check that fields merge
// costs the square of that number, so a query repeating one field ten
// thousand times would take seconds to validate; this budget refuses it
// before validation.
const MaxSelections = 500

// fieldLimit is the extension that parses the query of an operation
// (cheaply, once) and refuses it with QUERY_TOO_COMPLEX when it selects
// more than maxFields fields or a selection set holds more than
// MaxSelections, fragments counted at each spread (see checkFields), before
// gqlgen validates it. A query in the cache has passed already; one that
// does not parse goes on to the executor, which reports its errors itself.
// It runs after the persisted queries, so that it sees the query a hash
// stands for.
type fieldLimit struct {
	maxTokens, maxFields int
	cache                graphql.Cache[*ast.QueryDocument]
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = fieldLimit{}

func (fieldLimit) ExtensionName() string                   { return "FieldBudget" }
func (fieldLimit) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters counts the query's fields.
func (b fieldLimit) MutateOperationParameters(ctx context.Context, raw *graphql.RawParams) *gqlerror.Error {
	if raw.Query == "" {
		return nil
	}
	if _, ok := b.cache.Get(ctx, raw.Query); ok {
		return nil
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: raw.Query}, b.maxTokens)
	if err != nil {
		return nil
	}
	if msg := checkFields(doc, b.maxFields, MaxSelections); msg != "" {
		return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": CodeTooComplex}}
	}
	return nil
}

// boundedCache caches parsed queries, but not long ones: the cache holds a
// fixed number of entries, which must not each be a megabyte.
type boundedCache struct {
	inner graphql.Cache[*ast.QueryDocument]
}

// maxCachedQuery is the longest query text the cache keeps.
const maxCachedQuery = 16 << 10

func (c boundedCache) Get(ctx context.Context, key string) (*ast.QueryDocument, bool) {
	return c.inner.Get(ctx, key)
}

func (c boundedCache) Add(ctx context.Context, key string, value *ast.QueryDocument) {
	if len(key) <= maxCachedQuery {
		c.inner.Add(ctx, key, value)
	}
}
