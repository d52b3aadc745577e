package observe

import (
	"maps"

	"github.com/puente-kg/puente/middleware"
)

// Labels of operations outside the allow-list (see AllowOperations).
const (
	// OtherOperation labels the metrics of a named operation that is not
	// in the allow-list.
	OtherOperation = "other"
	// AnonymousOperation labels the metrics of an operation without a name.
	AnonymousOperation = "anonymous"
)

// AllowOperations adds names to the operations whose metrics carry their
// own name. Every other named operation is counted as "other", so that
// clients, who choose the names, cannot grow the metrics without bound.
// It is meant to be called while wiring, before requests are served.
func (o *Observer) AllowOperations(names ...string) {
	allowed := map[string]bool{}
	if old := o.operations.Load(); old != nil {
		allowed = maps.Clone(*old)
	}
	for _, n := range names {
		if n != "" {
			allowed[n] = true
		}
	}
	o.operations.Store(&allowed)
}

// operationLabel returns the label of the named operation in metrics.
func (o *Observer) operationLabel(name string) string {
	if name == AnonymousOperation {
		return name
	}
	if allowed := o.operations.Load(); allowed != nil && (*allowed)[name] {
		return name
	}
	return OtherOperation
}

// tracedName returns a name the client chose (an operation's, a path) as
// traces keep it: cut to middleware.MaxLoggedName characters.
func tracedName(name string) string {
	return middleware.Cut(name, middleware.MaxLoggedName)
}
