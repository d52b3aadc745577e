package memstore

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/puente-kg/puente/kg"
)

// TestChangeLogReplay journals the workload's writes with their change-log
// entries, prunes, and reopens the store: the log comes back whole, with
// its numbers and times, and the next write takes the next number.
func TestChangeLogReplay(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, _ := reopen(t, dir)
	logged := 0
	for i, st := range workload(20) {
		switch err := st(ctx, s); {
		case err == nil && i > 0:
			logged++
		case err != nil && !errors.Is(err, errSkip):
			t.Fatalf("step %d: %v", i, err)
		}
	}
	want := changesJSON(t, s)
	if last, _ := s.LastChange(ctx); last != int64(logged) || logged < 10 {
		t.Fatalf("last change %d after %d logged writes", last, logged)
	}
	// Pruning is not journaled: the entries come back on replay.
	if n, err := s.PruneChanges(ctx, time.Now().Add(time.Hour), 5); n != 5 || err != nil {
		t.Fatalf("prune: %d, %v", n, err)
	}
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
	s, _ = reopen(t, dir)
	if got := changesJSON(t, s); got != want {
		t.Errorf("after reopening, the log is\n%s\nwant\n%s", got, want)
	}
	if err := rename(ctx, s, "org:test-company-0", "Renamed after reopening", kg.OpUpsertEntity); err != nil {
		t.Fatal(err)
	}
	cs, err := s.Changes(ctx, kg.ChangeQuery{After: int64(logged), First: 10})
	if err != nil || len(cs) != 1 || cs[0].Seq != int64(logged)+1 {
		t.Fatalf("the write after reopening: %v %v, want entry %d", cs, err, logged+1)
	}
	// A prune before the restart does not let numbers go back.
	s.PruneChanges(ctx, time.Now().Add(time.Hour), math.MaxInt64)
	s.Close(ctx)
	s, _ = reopen(t, dir)
	if last, _ := s.LastChange(ctx); last != int64(logged)+1 {
		t.Errorf("last change %d after reopening, want %d", last, logged+1)
	}
}

func changesJSON(t *testing.T, s *Store) string {
	t.Helper()
	cs, err := s.Changes(context.Background(), kg.ChangeQuery{First: math.MaxInt})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(cs)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
