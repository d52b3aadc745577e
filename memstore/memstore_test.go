package memstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/puente-kg/puente/dataset"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/memstore"
)

// extra is a small dataset of one source and one organization, numbered so
// that each call adds new entities.
func extra(n int) *kg.Dataset {
	src := &kg.Source{ID: fmt.Sprintf("source:test-%d", n), Title: fmt.Sprintf("Test source %d", n)}
	return &kg.Dataset{
		Sources: []*kg.Source{src},
		Entities: []*kg.Entity{{
			ID: fmt.Sprintf("org:test-company-%d", n), Kind: kg.KindOrganization,
			Name: fmt.Sprintf("Test Company %d", n), Sources: []string{src.ID},
		}},
	}
}

func mustOpen(t *testing.T, dir string) (*memstore.Store, memstore.ReplayReport) {
	t.Helper()
	s, rep, err := memstore.Open(dir)
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	return s, rep
}

func stats(t *testing.T, s kg.Store) kg.Stats {
	t.Helper()
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestJournalReplay reopens a data directory and finds every write.
func TestJournalReplay(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, rep := mustOpen(t, dir)
	if rep.Records != 0 || !s.Durable() {
		t.Fatalf("new journal: %+v, durable %v", rep, s.Durable())
	}
	if _, err := kg.Seed(ctx, s, dataset.MustDigest()); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := kg.Seed(ctx, s, extra(i)); err != nil {
			t.Fatal(err)
		}
	}
	want := stats(t, s)
	s.Close(ctx)

	again, rep := mustOpen(t, dir)
	if rep.Records != 4 || rep.TornBytes != 0 {
		t.Errorf("replay report %+v, want 4 records and no torn bytes", rep)
	}
	if got := stats(t, again); got != want {
		t.Errorf("after replay %+v, want %+v", got, want)
	}
	es, _ := again.Entities(ctx, []string{"org:test-company-2", "person:li-zhanshu"})
	if len(es) != 2 {
		t.Errorf("after replay found %d of 2 entities", len(es))
	}
}

// TestTornLastRecord cuts the journal in the middle of its last record, as
// a crash during a write would, and checks that reopening reports and drops
// that record only, and that writing goes on after it.
func TestTornLastRecord(t *testing.T) {
	ctx := context.Background()
	for _, cut := range []int{1, 7, 40} {
		t.Run(fmt.Sprintf("cut %d bytes", cut), func(t *testing.T) {
			dir := t.TempDir()
			s, _ := mustOpen(t, dir)
			for i := range 3 {
				if _, err := kg.Seed(ctx, s, extra(i)); err != nil {
					t.Fatal(err)
				}
			}
			s.Close(ctx)
			path := filepath.Join(dir, memstore.JournalFile)
			info, _ := os.Stat(path)
			if err := os.Truncate(path, info.Size()-int64(cut)); err != nil {
				t.Fatal(err)
			}

			again, rep := mustOpen(t, dir)
			if rep.Records != 2 || rep.TornBytes == 0 {
				t.Errorf("report %+v, want 2 records and a torn tail", rep)
			}
			if es, _ := again.Entities(ctx, []string{"org:test-company-0", "org:test-company-1", "org:test-company-2"}); len(es) != 2 {
				t.Errorf("kept %d entities, want the 2 written before the torn record", len(es))
			}
			if _, err := kg.Seed(ctx, again, extra(9)); err != nil {
				t.Fatal(err)
			}
			again.Close(ctx)
			third, rep := mustOpen(t, dir)
			if rep.Records != 3 || rep.TornBytes != 0 {
				t.Errorf("after a write past the torn tail: %+v, want 3 clean records", rep)
			}
			if es, _ := third.Entities(ctx, []string{"org:test-company-9"}); len(es) != 1 {
				t.Error("the write after recovery was lost")
			}
		})
	}
}

// TestCorruptChecksums tells a torn last record from damage before it.
func TestCorruptChecksums(t *testing.T) {
	ctx := context.Background()
	write := func(t *testing.T) (string, []byte) {
		dir := t.TempDir()
		s, _ := mustOpen(t, dir)
		for i := range 2 {
			if _, err := kg.Seed(ctx, s, extra(i)); err != nil {
				t.Fatal(err)
			}
		}
		s.Close(ctx)
		b, err := os.ReadFile(filepath.Join(dir, memstore.JournalFile))
		if err != nil {
			t.Fatal(err)
		}
		return dir, b
	}
	t.Run("last record", func(t *testing.T) {
		dir, b := write(t)
		b[len(b)-2] ^= 0xff
		os.WriteFile(filepath.Join(dir, memstore.JournalFile), b, 0o644)
		_, rep := mustOpen(t, dir)
		if rep.Records != 1 || rep.TornBytes == 0 {
			t.Errorf("report %+v, want the last record dropped", rep)
		}
	})
	t.Run("first record", func(t *testing.T) {
		dir, b := write(t)
		b[20] ^= 0xff
		os.WriteFile(filepath.Join(dir, memstore.JournalFile), b, 0o644)
		_, _, err := memstore.Open(dir)
		if err == nil || !strings.Contains(err.Error(), "damaged") {
			t.Errorf("Open of a journal damaged before its last record: %v, want an error", err)
		}
	})
}

// TestRefusedWriteIsNotJournaled keeps invalid writes out of the journal.
func TestRefusedWriteIsNotJournaled(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, _ := mustOpen(t, dir)
	bad := extra(1)
	bad.Entities[0].Sources = nil
	if _, err := kg.Seed(ctx, s, bad); kg.ErrorCode(err) != kg.EINVALID {
		t.Fatalf("Seed without a source: %v, want %s", err, kg.EINVALID)
	}
	s.Close(ctx)
	_, rep := mustOpen(t, dir)
	if rep.Records != 0 {
		t.Errorf("the refused write was journaled: %+v", rep)
	}
}

// TestConcurrentReadsAndWrites runs readers against writers; run it with
// -race.
func TestConcurrentReadsAndWrites(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t, t.TempDir())
	if _, err := kg.Seed(ctx, s, dataset.MustDigest()); err != nil {
		t.Fatal(err)
	}
	const writers, readers, rounds = 2, 6, 40
	var wg sync.WaitGroup
	errs := make(chan error, writers*rounds+readers*rounds)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				if _, err := kg.Seed(ctx, s, extra(w*rounds+i)); err != nil {
					errs <- err
				}
			}
		}()
	}
	for range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				page, err := s.ListEntities(ctx, kg.EntityFilter{Kinds: []kg.Kind{kg.KindOrganization}}, kg.PageRequest{First: 10})
				if err != nil {
					errs <- err
					continue
				}
				if len(page.Entities) == 0 {
					errs <- fmt.Errorf("empty page")
				}
				if _, err := s.Search(ctx, kg.SearchQuery{Text: "test comp", First: 5}); err != nil {
					errs <- err
				}
				if _, err := s.WhoMet(ctx, kg.WhoMetQuery{ID: "person:li-zhanshu"}); err != nil {
					errs <- err
				}
				if _, err := s.Relations(ctx, []string{"org:xiaomi"}); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	digest := dataset.MustDigest()
	if got, want := stats(t, s).Entities, len(digest.Entities)+writers*rounds; got != want {
		t.Errorf("%d entities after the writes, want %d", got, want)
	}
}

// TestOneProcessPerDataDir refuses a second store on a journal in use.
func TestOneProcessPerDataDir(t *testing.T) {
	dir := t.TempDir()
	mustOpen(t, dir)
	if _, _, err := memstore.Open(dir); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Errorf("second Open of %s: %v, want a refusal", dir, err)
	}
}
