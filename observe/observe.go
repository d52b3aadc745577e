// Package observe measures and traces the server: Prometheus metrics
// (requests and latency by operation, errors by code, store round trips and
// their latency, loader batch sizes, requests in flight) and OpenTelemetry
// spans for requests, operations and store calls, exported over OTLP when
// OTEL_EXPORTER_OTLP_ENDPOINT is set.
package observe

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// Observer holds the metrics and the tracer.
type Observer struct {
	registry *prometheus.Registry
	tracer   trace.Tracer
	// tracing is false when no tracer provider was given: then no span
	// is started at all, rather than a no-op one per request and call.
	tracing    bool
	requests   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	errors     *prometheus.CounterVec
	storeCalls *prometheus.HistogramVec
	batches    *prometheus.HistogramVec
	inFlight   prometheus.Gauge
	// operations is the allow-list of operation names (see
	// AllowOperations).
	operations atomic.Pointer[map[string]bool]
	// bound holds the metrics of each label value seen, bound to it (see
	// boundTo): the label sets are fixed, and looking a metric up by its
	// labels hashes them on every request and store call.
	bound sync.Map
}

// New returns an observer with a fresh registry (Go runtime and process
// metrics included) and the given tracer provider; nil means no tracing.
func New(tp trace.TracerProvider) *Observer {
	tracing := tp != nil
	if tp == nil {
		tp = noop.NewTracerProvider()
	}
	o := &Observer{
		registry: prometheus.NewRegistry(),
		tracer:   tp.Tracer("github.com/puente-kg/puente"),
		tracing:  tracing,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "puente_graphql_operations_total", Help: "GraphQL operations served, by operation name and outcome.",
		}, []string{"operation", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "puente_graphql_operation_seconds", Help: "Latency of GraphQL operations, by operation name.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16),
		}, []string{"operation"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "puente_graphql_errors_total", Help: "Errors returned to clients, by extensions.code.",
		}, []string{"code"}),
		storeCalls: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "puente_store_call_seconds", Help: "Store calls (each a round trip to Neo4j on that backend) and their latency, by method.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 18),
		}, []string{"method", "outcome"}),
		batches: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "puente_loader_batch_size", Help: "Keys fetched per loader batch, by loader.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 12),
		}, []string{"loader"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "puente_http_requests_in_flight", Help: "HTTP requests being served.",
		}),
	}
	o.registry.MustRegister(o.requests, o.latency, o.errors, o.storeCalls, o.batches, o.inFlight,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return o
}

// Handler serves the metrics in Prometheus' text format.
func (o *Observer) Handler() http.Handler {
	return promhttp.HandlerFor(o.registry, promhttp.HandlerOpts{Registry: o.registry})
}

// HTTP counts requests in flight and wraps each in a span.
func (o *Observer) HTTP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.inFlight.Inc()
		defer o.inFlight.Dec()
		if !o.tracing {
			next.ServeHTTP(w, r)
			return
		}
		ctx, span := o.tracer.Start(r.Context(), r.Method+" "+tracedName(r.URL.Path), trace.WithSpanKind(trace.SpanKindServer))
		defer span.End()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// Operation times one GraphQL operation and wraps it in a span. Its
// metrics are labelled by the operation's name when AllowOperations allowed
// it, else by "other" (or "anonymous").
func (o *Observer) Operation(ctx context.Context, name string, next func(context.Context) *graphql.Response) *graphql.Response {
	span := noSpan
	if o.tracing {
		traced := tracedName(name)
		ctx, span = o.tracer.Start(ctx, "graphql "+traced, trace.WithAttributes(attribute.String("graphql.operation.name", traced)))
		defer span.End()
	}
	start := time.Now()
	resp := next(ctx)
	failed := resp != nil && len(resp.Errors) > 0
	if failed {
		span.SetStatus(codes.Error, "errors")
	}
	label := o.operationLabel(name)
	o.boundTo(boundKey{kind: operations, label: label, outcome: outcome(failed)}).Observe(1)
	o.boundTo(boundKey{kind: operationLatency, label: label}).Observe(time.Since(start).Seconds())
	return resp
}

// Error counts an error returned to a client.
func (o *Observer) Error(ctx context.Context, code string) {
	o.errors.WithLabelValues(code).Inc()
}

// Batch records the size of a loader batch.
func (o *Observer) Batch(loader string, size int) {
	o.boundTo(boundKey{kind: batches, label: loader}).Observe(float64(size))
}

// call times a store call and wraps it in a span.
func call[T any](ctx context.Context, o *Observer, method string, f func(context.Context) (T, error)) (T, error) {
	span := noSpan
	if o.tracing {
		ctx, span = o.tracer.Start(ctx, "store."+method, trace.WithSpanKind(trace.SpanKindClient))
		defer span.End()
	}
	start := time.Now()
	v, err := f(ctx)
	if err != nil && o.tracing {
		span.SetStatus(codes.Error, err.Error())
	}
	o.boundTo(boundKey{kind: storeCalls, label: method, outcome: outcome(err != nil)}).Observe(time.Since(start).Seconds())
	return v, err
}
