package observe

import (
	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// noSpan stands for the span of an operation or call when tracing is off.
var noSpan trace.Span = noop.Span{}

// outcome returns the outcome label of a call or an operation.
func outcome(failed bool) string {
	if failed {
		return "error"
	}
	return "ok"
}

// Kinds of bound metrics.
const (
	storeCalls = iota
	operations
	operationLatency
	batches
)

// boundKey names a metric by its kind and label values.
type boundKey struct {
	kind           int
	label, outcome string
}

// boundTo returns the metric of the key, looked up by its labels once and
// then remembered: a lookup by labels hashes them on every request and
// store call. The labels come from fixed sets (store methods, allowed
// operation names, loaders, outcomes), so the map stays small; a metric is
// made on its first use only, as WithLabelValues would.
func (o *Observer) boundTo(k boundKey) prometheus.Observer {
	if m, ok := o.bound.Load(k); ok {
		return m.(prometheus.Observer)
	}
	var m prometheus.Observer
	switch k.kind {
	case storeCalls:
		m = o.storeCalls.WithLabelValues(k.label, k.outcome)
	case operations:
		m = counterObserver{o.requests.WithLabelValues(k.label, k.outcome)}
	case operationLatency:
		m = o.latency.WithLabelValues(k.label)
	case batches:
		m = o.batches.WithLabelValues(k.label)
	}
	actual, _ := o.bound.LoadOrStore(k, m)
	return actual.(prometheus.Observer)
}

// counterObserver counts observations, so that a counter is held as the
// histograms are.
type counterObserver struct{ prometheus.Counter }

func (c counterObserver) Observe(float64) { c.Inc() }
