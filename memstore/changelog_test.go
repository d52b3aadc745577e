package memstore

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
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

// TestChangeLogItemsFromJournal checks that a journaled store, which keeps
// the items of its entries in the journal rather than in memory, answers
// with the same entries as a store in memory, before and after a restart,
// and refuses to answer from a damaged frame.
func TestChangeLogItemsFromJournal(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, _ := reopen(t, dir)
	mem := New()
	for i, st := range workload(20) {
		err := st(ctx, s)
		if merr := st(ctx, mem); (err == nil) != (merr == nil) {
			t.Fatalf("step %d: %v in the journaled store, %v in memory", i, err, merr)
		}
	}
	want := dumpJSON(t, mem)
	if !strings.Contains(want, `"items":[{`) {
		t.Fatalf("the workload logs no items: %s", want)
	}
	for _, e := range s.log.entries {
		if e.at == 0 || e.Items != nil {
			t.Errorf("entry %d: at %d, %d items in memory; want them in the journal", e.Seq, e.at, len(e.Items))
		}
	}
	if got := dumpJSON(t, s); got != want {
		t.Errorf("journaled store:\n%s\nwant\n%s", got, want)
	}
	s.Close(ctx)
	again, _ := reopen(t, dir)
	if got := dumpJSON(t, again); got != want {
		t.Errorf("after a restart:\n%s\nwant\n%s", got, want)
	}

	last := again.log.entries[len(again.log.entries)-1]
	b, err := os.ReadFile(filepath.Join(dir, JournalFile))
	if err != nil {
		t.Fatal(err)
	}
	b[last.at+frameHeader+5] ^= 0x20
	if err := os.WriteFile(filepath.Join(dir, JournalFile), b, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = again.Changes(ctx, kg.ChangeQuery{After: last.Seq - 1, First: 1})
	if kg.ErrorCode(err) != kg.EUNAVAILABLE {
		t.Errorf("reading a damaged entry: %v, want EUNAVAILABLE", err)
	}
}
