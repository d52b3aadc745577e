package live

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/puente-kg/puente/kg"
)

// SlowConsumerError ends a subscriber whose buffer filled: it carries the
// sequence number of the last entry the subscriber was sent, to resume
// after.
type SlowConsumerError struct {
	// Delivered is the sequence number of the last entry sent.
	Delivered int64
}

// Error says what happened and how to resume.
func (e *SlowConsumerError) Error() string {
	return fmt.Sprintf("the subscriber fell more than its buffer behind the change log and was ended; resume after cursor %s", kg.ChangeCursor(e.Delivered))
}

// Subscription is one subscriber's stream of entries.
type Subscription struct {
	// C carries the entries, in order; it is closed when the subscription
	// ends (see Err).
	C <-chan *kg.Change
	s *subscriber
}

// Err returns why the subscription ended once C is closed: nil when its
// context ended, a *SlowConsumerError, or the store's error.
func (s *Subscription) Err() error {
	s.s.mu.Lock()
	defer s.s.mu.Unlock()
	return s.s.err
}

// subscriber is the hub's side of a subscription.
type subscriber struct {
	q   kg.ChangeQuery
	out chan *kg.Change
	// backlogTo is the log's last entry when the subscriber came: it
	// catches up to it as fast as it reads, and must keep up after.
	backlogTo int64
	conn      *Conn
	// delivered is the sequence number of the last entry sent; seen is
	// the one up to which every matching entry was sent (later than
	// delivered when entries after it did not match); queued is how many
	// entries wait in the buffer.
	delivered, seen, queued atomic.Int64

	mu  sync.Mutex
	err error
}

// Conn counts the subscriptions of one connection, for
// MaxPerConnection.
type Conn struct{ n int }

type connKey struct{}

// WithConn returns a context for the operations of one connection: the
// subscriptions started with it count against MaxPerConnection together.
func WithConn(ctx context.Context) context.Context {
	return context.WithValue(ctx, connKey{}, &Conn{})
}

// Subscribe starts a subscription to the entries that match q's filters:
// after q.After when resume is set (first those already in the log, read
// in pages, then new ones), else those committed from now on. It ends
// when ctx does, or when the subscriber's buffer fills (see
// SlowConsumerError). It fails with CodeTooManySubscriptions over a cap.
func (h *Hub) Subscribe(ctx context.Context, q kg.ChangeQuery, resume bool) (*Subscription, error) {
	last, err := h.log.LastChange(ctx)
	if err != nil {
		return nil, err
	}
	if !resume {
		q.After = last
	}
	conn, _ := ctx.Value(connKey{}).(*Conn)
	s := &subscriber{q: q, out: make(chan *kg.Change), conn: conn, backlogTo: last}
	s.delivered.Store(q.After)
	s.seen.Store(q.After)
	h.mu.Lock()
	switch {
	case len(h.subs) >= h.opts.MaxSubscriptions:
		h.mu.Unlock()
		return nil, kg.Errorf(CodeTooManySubscriptions, "the server serves %d subscriptions already; try again later", h.opts.MaxSubscriptions)
	case conn != nil && conn.n >= h.opts.MaxPerConnection:
		h.mu.Unlock()
		return nil, kg.Errorf(CodeTooManySubscriptions, "a connection may hold %d subscriptions at once", h.opts.MaxPerConnection)
	}
	h.subs[s] = struct{}{}
	if conn != nil {
		conn.n++
	}
	if err := h.start(ctx); err != nil {
		h.drop(s)
		h.mu.Unlock()
		return nil, err
	}
	h.mu.Unlock()
	go h.serve(ctx, s)
	return &Subscription{C: s.out, s: s}, nil
}

// drop forgets a subscriber; h.mu is held.
func (h *Hub) drop(s *subscriber) {
	delete(h.subs, s)
	if s.conn != nil {
		s.conn.n--
	}
}

// serve feeds one subscriber until its context ends or it falls behind.
// The entries after pos are those it has not yet taken into its queue;
// while pos is older than the hub's window it reads them from the store,
// a page at a time as its buffer frees (catching up is not being slow);
// once within the window it takes every new entry at once, and a buffer
// that overflows ends it, as does a full buffer once the window has left
// it behind. (A subscriber the window left behind with room in its buffer,
// one the scheduler did not run for a while, reads the store.)
func (h *Hub) serve(ctx context.Context, s *subscriber) {
	var err error
	defer func() {
		h.mu.Lock()
		h.drop(s)
		h.mu.Unlock()
		s.queued.Store(0)
		s.mu.Lock()
		s.err = err
		s.mu.Unlock()
		close(s.out)
	}()
	pos := s.q.After
	var queue []*kg.Change
	for {
		h.mu.Lock()
		signal, last := h.signal, h.last
		h.mu.Unlock()
		fresh, to, inWindow := h.since(pos, s.q)
		more := false // more of the backlog waits
		room := h.opts.Buffer - len(queue)
		switch {
		case inWindow && pos >= s.backlogTo:
			// Live: every new entry at once.
			pos = to
			queue = append(queue, fresh...)
			if len(queue) > h.opts.Buffer {
				err = &SlowConsumerError{Delivered: s.delivered.Load()}
				return
			}
		case room <= 0 && !inWindow && pos >= s.backlogTo:
			// Live, and left behind by the window with a full buffer.
			err = &SlowConsumerError{Delivered: s.delivered.Load()}
			return
		case room <= 0:
			more = true
		case inWindow:
			// Catching up from the window, as the buffer frees.
			if len(fresh) > room {
				fresh, to, more = fresh[:room], fresh[room-1].Seq, true
			}
			pos = to
			queue = append(queue, fresh...)
		default:
			q := s.q
			q.After, q.First = pos, room
			page, rerr := h.log.Changes(ctx, q)
			if rerr != nil {
				if ctx.Err() == nil {
					err = rerr
				}
				return
			}
			queue = append(queue, page...)
			if len(page) == room {
				pos, more = page[len(page)-1].Seq, true
			} else {
				// Every entry up to last was committed before the read.
				pos = last
				if len(page) > 0 {
					pos = max(pos, page[len(page)-1].Seq)
				}
			}
		}
		s.mark(pos, queue)

		var out chan *kg.Change
		var head *kg.Change
		if len(queue) > 0 {
			out, head = s.out, queue[0]
		}
		if more && len(queue) < h.opts.Buffer {
			signal = closed // read the next page of the backlog at once
		}
		select {
		case out <- head:
			queue[0] = nil
			queue = queue[1:]
			s.delivered.Store(head.Seq)
			s.mark(pos, queue)
		case <-signal:
		case <-ctx.Done():
			return
		}
	}
}

// mark records how far the subscriber is: every matching entry up to pos
// was sent, except those in the queue.
func (s *subscriber) mark(pos int64, queue []*kg.Change) {
	s.queued.Store(int64(len(queue)))
	if len(queue) > 0 {
		pos = queue[0].Seq - 1
	}
	s.seen.Store(pos)
}

// closed is a closed channel.
var closed = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()
