package live_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/puente-kg/puente/internal/testenv"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/live"
	"github.com/puente-kg/puente/service"
)

// write upserts the person id, named name, through the service.
func write(t *testing.T, svc *service.Service, id, name string) {
	t.Helper()
	e := &kg.Entity{ID: id, Kind: kg.KindPerson, Name: name, Sources: []string{"source:07-li-zhanshu-alva-meeting"}}
	if err := svc.UpsertEntity(context.Background(), service.EntityInput{Entity: e}, kg.Stamp{By: "test", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
}

// next receives one entry within the context's deadline.
func next(t *testing.T, ctx context.Context, sub *live.Subscription) *kg.Change {
	t.Helper()
	select {
	case c, ok := <-sub.C:
		if !ok {
			t.Fatalf("the subscription ended: %v", sub.Err())
		}
		return c
	case <-ctx.Done():
		t.Fatal("no entry within 2 s")
	}
	return nil
}

func TestHub(t *testing.T) {
	for _, b := range testenv.Backends() {
		t.Run(b.Name, func(t *testing.T) { testHub(t, b.Open(t)) })
	}
}

func testHub(t *testing.T, store kg.Store) {
	svc := service.New(store, service.Options{})
	hub := live.New(store, live.Options{Buffer: 8, MaxPerConnection: 2, MaxSubscriptions: 3})
	t.Cleanup(hub.Close) // before the store closes

	t.Run("live, filtered, in order", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		sub, err := hub.Subscribe(ctx, kg.ChangeQuery{IDs: []string{"person:hub-b"}}, false)
		if err != nil {
			t.Fatal(err)
		}
		write(t, svc, "person:hub-a", "A")
		write(t, svc, "person:hub-b", "B")
		hub.Notify()
		c := next(t, ctx, sub)
		if len(c.IDs) != 1 || c.IDs[0] != "person:hub-b" {
			t.Fatalf("got the change of %v, want person:hub-b's only", c.IDs)
		}
	})

	t.Run("resume from a cursor: the backlog once, then live", func(t *testing.T) {
		from, err := store.LastChange(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for i := range 20 { // more than the buffer: read in pages
			write(t, svc, fmt.Sprintf("person:hub-r%d", i), "R")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		sub, err := hub.Subscribe(ctx, kg.ChangeQuery{After: from}, true)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 25 {
			if i == 20 {
				for j := range 5 {
					write(t, svc, fmt.Sprintf("person:hub-l%d", j), "L")
				}
			}
			if c := next(t, ctx, sub); c.Seq != from+int64(i)+1 {
				t.Fatalf("entry %d has sequence %d, want %d", i, c.Seq, from+int64(i)+1)
			}
		}
		for hub.Keep() != from+25 { // the hub marks an entry sent just after the send
			if ctx.Err() != nil {
				t.Fatalf("Keep() = %d, want %d", hub.Keep(), from+25)
			}
			time.Sleep(time.Millisecond)
		}
	})

	t.Run("a slow consumer is ended with its cursor", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		sub, err := hub.Subscribe(ctx, kg.ChangeQuery{}, false)
		if err != nil {
			t.Fatal(err)
		}
		write(t, svc, "person:hub-s", "S0")
		first := next(t, ctx, sub)
		for i := range 30 {
			write(t, svc, "person:hub-s", fmt.Sprint("S", i+1))
			hub.Notify()
		}
		var slow *live.SlowConsumerError
		for hub.Stats().Subscriptions > 0 { // not reading: wait for the hub to end it
			if ctx.Err() != nil {
				t.Fatal("the slow consumer was not ended within 2 s")
			}
			time.Sleep(10 * time.Millisecond)
		}
		if _, ok := <-sub.C; ok {
			t.Fatal("an ended subscription still sends")
		}
		if !errors.As(sub.Err(), &slow) || slow.Delivered != first.Seq {
			t.Fatalf("ended with %v, want a SlowConsumerError after %d", sub.Err(), first.Seq)
		}
		if st := hub.Stats(); st.Buffered > live.DefaultWindow {
			t.Errorf("the hub holds %d entries", st.Buffered)
		}
	})

	t.Run("caps", func(t *testing.T) {
		ctx, cancel := context.WithCancel(live.WithConn(context.Background()))
		defer cancel()
		for range 2 {
			if _, err := hub.Subscribe(ctx, kg.ChangeQuery{}, false); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := hub.Subscribe(ctx, kg.ChangeQuery{}, false); kg.ErrorCode(err) != live.CodeTooManySubscriptions {
			t.Fatalf("a third subscription on a connection: %v, want %s", err, live.CodeTooManySubscriptions)
		}
		if _, err := hub.Subscribe(context.Background(), kg.ChangeQuery{}, false); err != nil {
			t.Fatal(err)
		}
		if _, err := hub.Subscribe(context.Background(), kg.ChangeQuery{}, false); kg.ErrorCode(err) != live.CodeTooManySubscriptions {
			t.Fatalf("a fourth subscription: %v, want %s", err, live.CodeTooManySubscriptions)
		}
	})
}

// TestHubClose stops a hub that is reading the log for a subscriber: Close
// returns once the hub reads no more, and the hub then refuses new
// subscribers with UNAVAILABLE.
func TestHubClose(t *testing.T) {
	store := testenv.Memory(t)
	hub := live.New(store, live.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := hub.Subscribe(ctx, kg.ChangeQuery{}, false); err != nil {
		t.Fatal(err)
	}
	hub.Close()
	if _, err := hub.Subscribe(ctx, kg.ChangeQuery{}, false); kg.ErrorCode(err) != kg.EUNAVAILABLE {
		t.Errorf("subscribing after Close: %v, want %s", err, kg.EUNAVAILABLE)
	}
}
