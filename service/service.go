// Package service holds Puente's use cases, between the transports (the
// GraphQL resolvers, the export endpoints, the command line) and the
// stores: planning a write and retrying it, walking a neighborhood,
// finding paths, building a timeline, an aggregate, and the defaults and
// cursors of every list.
//
// It takes and returns the values of package kg, and depends on nothing
// but kg and the store interfaces: a transport translates its own types to
// a service call and back, and a store only fetches and writes what it is
// asked, within the bounds it is given. The caller's identity arrives as a
// kg.Stamp made by the transport.
package service

import (
	"context"
	"time"

	"github.com/puente-kg/puente/kg"
)

// Service answers every use case over one store.
type Service struct {
	store kg.Store
	// expensive caps how many neighborhoods, paths and whole-graph exports
	// run at once.
	expensive *Gate
	onWrite   func()
}

// Options tune a Service.
type Options struct {
	// MaxExpensive is how many neighborhood, paths and whole-graph export
	// requests may run at once (0: DefaultMaxExpensive); more wait up to
	// a second, then fail with TOO_MANY_REQUESTS.
	MaxExpensive int
	// OnWrite, when set, is called after each write the service commits,
	// such as a live hub's Notify.
	OnWrite func()
}

// DefaultMaxExpensive is the default of Options.MaxExpensive.
const DefaultMaxExpensive = 8

// New returns the service over the store.
func New(store kg.Store, opts Options) *Service {
	if opts.MaxExpensive <= 0 {
		opts.MaxExpensive = DefaultMaxExpensive
	}
	return &Service{store: store, expensive: NewGate(opts.MaxExpensive, time.Second), onWrite: opts.OnWrite}
}

// Expensive takes one slot of the expensive requests, waiting up to a
// second, and returns the function that frees it; it fails with
// TOO_MANY_REQUESTS when no slot frees in time.
func (s *Service) Expensive(ctx context.Context) (func(), error) { return s.expensive.Enter(ctx) }

// CodeBusy is the code of a refusal for too many expensive requests.
const CodeBusy = "TOO_MANY_REQUESTS"

// Gate caps how many expensive requests run at once.
type Gate struct {
	slots chan struct{}
	wait  time.Duration
}

// NewGate returns a gate of n slots whose callers wait up to wait.
func NewGate(n int, wait time.Duration) *Gate {
	return &Gate{slots: make(chan struct{}, n), wait: wait}
}

// Enter takes a slot, waiting up to the gate's wait, and returns the
// function that frees it.
func (g *Gate) Enter(ctx context.Context) (func(), error) {
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return func() { <-g.slots }, nil
	case <-t.C:
	case <-ctx.Done():
	}
	return nil, kg.Errorf(CodeBusy, "too many expensive requests (neighborhood, paths, exports) are running; try again shortly")
}
