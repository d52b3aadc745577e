// Package live serves the change log to subscribers as it grows: one Hub
// per process tails the store's log by sequence number, keeps a bounded
// window of recent entries, and hands each subscriber the entries that
// match its filters, each once and in order.
//
// The hub polls the log (every Options.Poll, and at once when Notify says
// a write of this process committed), so that writes through other
// processes on the same database reach its subscribers too, with no
// other infrastructure. It imports nothing of ours but kg.
package live

import (
	"context"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/puente-kg/puente/kg"
)

// Options tune a Hub. Zero values take the defaults.
type Options struct {
	// Poll is how often the hub reads the log for new entries while it
	// has subscribers (DefaultPoll).
	Poll time.Duration
	// Window is how many recent entries the hub keeps in memory for its
	// subscribers (DefaultWindow); a subscriber further behind reads the
	// store.
	Window int
	// Buffer is how many entries a subscriber may have waiting to be sent
	// (DefaultBuffer); one that falls further behind is ended with
	// CodeSlowConsumer.
	Buffer int
	// MaxSubscriptions caps the subscriptions of the process
	// (DefaultMaxSubscriptions).
	MaxSubscriptions int
	// MaxPerConnection caps the subscriptions of one connection
	// (DefaultMaxPerConnection).
	MaxPerConnection int
	// Logger logs failures to read the log (slog.Default when nil).
	Logger *slog.Logger
}

// Defaults of Options.
const (
	DefaultPoll             = 250 * time.Millisecond
	DefaultWindow           = 1024
	DefaultBuffer           = 256
	DefaultMaxSubscriptions = 1000
	DefaultMaxPerConnection = 20
)

// pollPage is how many entries one read of the log takes.
const pollPage = 500

// Codes of the hub's errors.
const (
	// CodeSlowConsumer ends a subscriber that fell too far behind.
	CodeSlowConsumer = "SLOW_CONSUMER"
	// CodeTooManySubscriptions refuses a subscription over a cap.
	CodeTooManySubscriptions = "TOO_MANY_SUBSCRIPTIONS"
)

// Hub tails the change log and serves its subscribers.
type Hub struct {
	log  kg.ChangeLog
	opts Options

	mu sync.Mutex
	// last is the sequence number of the last entry the hub has read;
	// window holds the entries read after from, in order (every entry in
	// (from, last]).
	last, from int64
	window     []*kg.Change
	// signal is closed, and replaced, when entries arrive.
	signal  chan struct{}
	subs    map[*subscriber]struct{}
	running bool
	// stopped is closed when the tail loop returns; closed refuses new
	// subscribers after Close.
	stopped chan struct{}
	closed  bool

	// wake asks the tail loop to read the log now.
	wake chan struct{}
}

// New returns the hub of the log. It reads nothing until a subscriber
// comes, and stops reading when the last one leaves.
func New(log kg.ChangeLog, opts Options) *Hub {
	if opts.Poll <= 0 {
		opts.Poll = DefaultPoll
	}
	if opts.Window <= 0 {
		opts.Window = DefaultWindow
	}
	if opts.Buffer <= 0 {
		opts.Buffer = DefaultBuffer
	}
	if opts.MaxSubscriptions <= 0 {
		opts.MaxSubscriptions = DefaultMaxSubscriptions
	}
	if opts.MaxPerConnection <= 0 {
		opts.MaxPerConnection = DefaultMaxPerConnection
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Hub{
		log: log, opts: opts,
		signal: make(chan struct{}),
		subs:   map[*subscriber]struct{}{},
		wake:   make(chan struct{}, 1),
	}
}

// Notify tells the hub that a write of this process committed, so that
// its subscribers hear of it without waiting for the next poll.
func (h *Hub) Notify() {
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// Keep returns the sequence number up to which every connected subscriber
// has received the log: retention must not prune the entries after it.
// With no subscriber, it returns math.MaxInt64.
func (h *Hub) Keep() int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	keep := int64(math.MaxInt64)
	for s := range h.subs {
		keep = min(keep, s.seen.Load())
	}
	return keep
}

// Stats are the hub's counters.
type Stats struct {
	// Subscriptions is how many subscribers are connected.
	Subscriptions int
	// Buffered is how many entries the hub holds: its window, and those
	// waiting in the subscribers' buffers.
	Buffered int
	// Last is the sequence number of the last entry the hub read.
	Last int64
}

// Stats returns the hub's counters.
func (h *Hub) Stats() Stats {
	h.mu.Lock()
	defer h.mu.Unlock()
	st := Stats{Subscriptions: len(h.subs), Buffered: len(h.window), Last: h.last}
	for s := range h.subs {
		st.Buffered += int(s.queued.Load())
	}
	return st
}

// start starts the tail loop if it is not running, from the end of the
// log. It is called with h.mu held, and releases it while it reads.
func (h *Hub) start(ctx context.Context) error {
	if h.closed {
		return kg.Errorf(kg.EUNAVAILABLE, "the server is shutting down")
	}
	if h.running {
		return nil
	}
	h.mu.Unlock()
	last, err := h.log.LastChange(ctx)
	h.mu.Lock()
	if err != nil {
		return err
	}
	if h.running {
		return nil
	}
	if last != h.last || len(h.window) == 0 {
		// The log moved while nobody listened: start a new window.
		h.window, h.from, h.last = nil, last, last
	}
	h.running = true
	h.stopped = make(chan struct{})
	go h.run(h.stopped)
	return nil
}

// Close stops the hub before the store it reads closes: it refuses new
// subscribers, and returns once the tail loop has stopped reading the
// log. Subscribers still connected receive nothing more.
func (h *Hub) Close() {
	h.mu.Lock()
	h.closed = true
	running, stopped := h.running, h.stopped
	h.mu.Unlock()
	if running {
		h.Notify()
		<-stopped
	}
}

// run reads the log while there are subscribers, and closes stopped when
// it returns.
func (h *Hub) run(stopped chan struct{}) {
	defer close(stopped)
	t := time.NewTicker(h.opts.Poll)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-h.wake:
		}
		h.mu.Lock()
		if len(h.subs) == 0 || h.closed {
			h.running = false
			h.mu.Unlock()
			return
		}
		h.mu.Unlock()
		h.poll()
	}
}

// poll reads the entries after the last one read, and hands them to the
// subscribers.
func (h *Hub) poll() {
	for {
		h.mu.Lock()
		after := h.last
		h.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		cs, err := h.log.Changes(ctx, kg.ChangeQuery{After: after, First: pollPage})
		if kg.ErrorCode(err) == kg.EEXPIRED {
			// The hub slept (no subscriber) past the retention: start again
			// from the log's end, with an empty window, so that subscribers
			// behind it read the store (and learn that their cursor expired).
			err = h.restart(ctx)
		}
		cancel()
		if err != nil {
			h.opts.Logger.Warn("live: reading the change log failed; trying again at the next poll", "err", err)
			return
		}
		if len(cs) == 0 {
			return
		}
		h.mu.Lock()
		h.window = append(h.window, cs...)
		h.last = cs[len(cs)-1].Seq
		if over := len(h.window) - h.opts.Window; over > 0 {
			h.from = h.window[over-1].Seq
			h.window = append([]*kg.Change(nil), h.window[over:]...)
		}
		close(h.signal)
		h.signal = make(chan struct{})
		h.mu.Unlock()
		if len(cs) < pollPage {
			return
		}
	}
}

// restart forgets the window and goes on from the log's last entry.
func (h *Hub) restart(ctx context.Context) error {
	last, err := h.log.LastChange(ctx)
	if err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.window, h.last, h.from = nil, last, last
	close(h.signal)
	h.signal = make(chan struct{})
	return nil
}

// since returns the entries of the window after seq that match q, and the
// sequence number they run to, when the window holds every entry after
// seq; ok is false when seq is older than the window.
func (h *Hub) since(seq int64, q kg.ChangeQuery) (out []*kg.Change, to int64, ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if seq < h.from {
		return nil, seq, false
	}
	if seq >= h.last {
		return nil, seq, true
	}
	for _, c := range h.window {
		if c.Seq > seq && q.Matches(c) {
			out = append(out, c)
		}
	}
	return out, h.last, true
}
