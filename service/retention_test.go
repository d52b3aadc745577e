package service_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/puente-kg/puente/internal/testenv"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/service"
)

// TestPruneChangesEvery runs the retention loop with a short interval on
// the memory store: it prunes the entries older than the retention up to
// what the readers have seen, round after round.
func TestPruneChangesEvery(t *testing.T) {
	ctx := context.Background()
	s := testenv.Memory(t)
	svc := service.New(s, service.Options{})
	e := &kg.Entity{ID: "org:retention-test", Kind: kg.KindOrganization, Name: "Retention Test",
		Sources: []string{"source:07-li-zhanshu-alva-meeting"}}
	for i := range 5 {
		e.Description = fmt.Sprintf("write %d", i)
		if err := svc.UpsertEntity(ctx, service.EntityInput{Entity: e}, kg.Stamp{By: "editor#test"}); err != nil {
			t.Fatal(err)
		}
	}
	// Entries 1 to 6, all older than a retention of a nanosecond. A reader
	// has seen up to 3 in the first round, and none is left in the next.
	keeps := []int64{3, service.NoReaders}
	// The loop asks keep before each round, and waits there until the
	// test has read the log the round before left.
	asked, read := make(chan int), make(chan struct{})
	loopCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		round := 0
		service.PruneChangesEvery(loopCtx, s, time.Nanosecond, time.Millisecond, func() int64 {
			round++
			asked <- round
			<-read
			if round > len(keeps) {
				cancel() // the rounds asked for are done
				<-loopCtx.Done()
				return 0
			}
			return keeps[round-1]
		})
	}()
	after := map[int][]int64{}
	for round := range asked {
		// Round r's keep is asked after round r-1 pruned.
		cs, err := s.Changes(ctx, kg.ChangeQuery{First: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			after[round] = append(after[round], c.Seq)
		}
		read <- struct{}{}
		if round > len(keeps) {
			break
		}
	}
	<-done
	if got := after[2]; len(got) != 3 || got[0] != 4 {
		t.Errorf("after the first round (a reader at 3): %v, want 4 5 6", got)
	}
	if got := after[3]; len(got) != 0 {
		t.Errorf("after the second round (no reader): %v, want none", got)
	}
	if last, _ := s.LastChange(ctx); last != 6 {
		t.Errorf("last change %d, want 6", last)
	}
}

// TestPruneChangesForever keeps every entry with a retention of 0.
func TestPruneChangesForever(t *testing.T) {
	ctx := context.Background()
	s := testenv.Memory(t)
	service.PruneChangesEvery(ctx, s, 0, time.Millisecond, nil) // returns at once
	if n, err := service.PruneChanges(ctx, s, 0, service.NoReaders); n != 0 || err != nil {
		t.Errorf("pruning with no retention: %d, %v", n, err)
	}
	if cs, _ := s.Changes(ctx, kg.ChangeQuery{First: 10}); len(cs) != 1 {
		t.Errorf("log %v, want the seed's entry", cs)
	}
}
