package memstore_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/puente-kg/puente/dataset"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/memstore"
	"github.com/puente-kg/puente/service"
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
	if _, err := service.Seed(ctx, s, dataset.MustDigest()); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := service.Seed(ctx, s, extra(i)); err != nil {
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
				if _, err := service.Seed(ctx, s, extra(i)); err != nil {
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
			if _, err := service.Seed(ctx, again, extra(9)); err != nil {
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
			if _, err := service.Seed(ctx, s, extra(i)); err != nil {
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
	if _, err := service.Seed(ctx, s, bad); kg.ErrorCode(err) != kg.EINVALID {
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
	if _, err := service.Seed(ctx, s, dataset.MustDigest()); err != nil {
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
				if _, err := service.Seed(ctx, s, extra(w*rounds+i)); err != nil {
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
				if _, err := s.WhoMet(ctx, kg.WhoMetQuery{ID: "person:li-zhanshu"}, kg.PageRequest{First: 10}); err != nil {
					errs <- err
				}
				if _, err := s.Relations(ctx, []string{"org:xiaomi"}, 100); err != nil {
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

// put writes the dataset's new sources and entities through Apply. (The
// journal tests write through Apply rather than a seed, whose rules are not
// what they test.)
func put(ctx context.Context, s *memstore.Store, d *kg.Dataset) error {
	c := &kg.ChangeSet{Expect: map[string]int{}, PutSources: d.Sources, PutEntities: d.Entities}
	for _, e := range d.Entities {
		c.Expect[e.ID] = -1
	}
	return s.Apply(ctx, c)
}

// TestFailedAppendAtFileSizeLimit makes the kernel fail an append halfway:
// with the file size limit (RLIMIT_FSIZE) just past the journal, W2 writes
// part of its frame and gets EFBIG. W3 and W4, written once the limit is
// lifted, are acknowledged, so they must survive a restart, and so must W1.
func TestFailedAppendAtFileSizeLimit(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("relies on Linux's RLIMIT_FSIZE")
	}
	ctx := context.Background()
	dir := t.TempDir()
	s, _ := mustOpen(t, dir)
	if err := put(ctx, s, extra(1)); err != nil {
		t.Fatalf("W1: %v", err)
	}
	info, err := os.Stat(filepath.Join(dir, memstore.JournalFile))
	if err != nil {
		t.Fatal(err)
	}
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Fatal(err)
	}
	limit := old
	limit.Cur = uint64(info.Size()) + 40
	if limit.Cur > old.Max {
		t.Skip("the hard file size limit is too low")
	}
	// The runtime ignores SIGXFSZ, so the write fails with EFBIG instead.
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &limit); err != nil {
		t.Fatal(err)
	}
	err = put(ctx, s, extra(2))
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Fatal(err)
	}
	if err == nil {
		t.Fatal("W2 was acknowledged past the file size limit")
	}
	for _, n := range []int{3, 4} {
		if err := put(ctx, s, extra(n)); err != nil {
			t.Fatalf("W%d: %v", n, err)
		}
	}
	s.Close(ctx)

	again, rep := mustOpen(t, dir)
	if rep.Records != 3 || rep.TornBytes != 0 {
		t.Errorf("replay report %+v, want 3 records and no torn tail", rep)
	}
	for n, want := range map[int]bool{1: true, 2: false, 3: true, 4: true} {
		id := fmt.Sprintf("org:test-company-%d", n)
		if es, _ := again.Entities(ctx, []string{id}); (len(es) == 1) != want {
			t.Errorf("%s found: %v, want %v", id, len(es) == 1, want)
		}
	}
}

// TestDamagedLengthStopsStartup flips one bit in the length of a record in
// the middle of a journal of 300: start-up must refuse the journal, naming
// it and the record's offset, and leave every byte as it was, every time.
// It used to take the record for a torn tail and cut the 150 after it.
func TestDamagedLengthStopsStartup(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, _ := mustOpen(t, dir)
	for i := range 300 {
		if err := put(ctx, s, extra(i)); err != nil {
			t.Fatal(err)
		}
	}
	s.Close(ctx)
	path := filepath.Join(dir, memstore.JournalFile)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	at := lengthField(t, b, "source:test-150")
	b[at+1] ^= 0x01 // 64 KiB more: past the end of the file
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	want := sha256.Sum256(b)

	var first string
	for try := range 2 {
		_, _, err := memstore.Open(dir)
		if err == nil {
			t.Fatalf("open %d: a journal with a damaged length in its middle was accepted", try+1)
		}
		if msg := err.Error(); !strings.Contains(msg, path) || !strings.Contains(msg, fmt.Sprintf("at byte %d", at)) {
			t.Errorf("open %d: %v, want the journal and byte %d named", try+1, err, at)
		}
		got, rerr := os.ReadFile(path)
		if rerr != nil {
			t.Fatal(rerr)
		}
		if sha256.Sum256(got) != want {
			t.Fatalf("open %d changed the journal (%d bytes, were %d)", try+1, len(got), len(b))
		}
		if try == 0 {
			first = err.Error()
		} else if err.Error() != first {
			t.Errorf("the second open fails with %q, the first with %q", err, first)
		}
	}
}

// lengthField returns the offset of the length of the record whose payload
// contains marker: in a journal of the first format, frames of an 8-byte
// header and the payload; in the later ones, a file header of 8 bytes
// ("PUENTEJ" and the version), then frames of a 12-byte header and the
// payload. A frame header begins with the payload's length, big endian.
func lengthField(t *testing.T, b []byte, marker string) int {
	t.Helper()
	off, hs := 0, 8
	if bytes.HasPrefix(b, []byte("PUENTEJ")) {
		off, hs = 8, 12
	}
	for off+hs <= len(b) {
		n := int(binary.BigEndian.Uint32(b[off:]))
		if off+hs+n <= len(b) && bytes.Contains(b[off+hs:off+hs+n], []byte(marker)) {
			return off
		}
		off += hs + n
	}
	t.Fatalf("%s is not in the journal", marker)
	return 0
}

// copyV1 puts testdata/v1/journal.log, written in the first format by the
// store before the file header existed, in a new data directory. It holds
// three records: extra(0), extra(1), and org:test-company-0 renamed
// "Test Company Zero".
func copyV1(t *testing.T) (dir string, b []byte) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "v1", memstore.JournalFile))
	if err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, memstore.JournalFile), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, b
}

// TestUpgradeFirstFormat opens a journal of the first format: it is
// replayed, rewritten in the current format before any write, and written
// to as usual after.
func TestUpgradeFirstFormat(t *testing.T) {
	ctx := context.Background()
	dir, _ := copyV1(t)
	path := filepath.Join(dir, memstore.JournalFile)
	os.WriteFile(path+".tmp", []byte("left by a crash during an upgrade"), 0o644)
	s, rep := mustOpen(t, dir)
	if rep.Took = 0; rep != (memstore.ReplayReport{Records: 3, Upgraded: true}) {
		t.Errorf("report %+v, want 3 records upgraded", rep)
	}
	if b, _ := os.ReadFile(path); !bytes.HasPrefix(b, []byte("PUENTEJ3")) {
		t.Errorf("the journal begins with %q after the upgrade", b[:min(8, len(b))])
	}
	if _, err := os.Stat(path + ".tmp"); err == nil {
		t.Error("the upgrade left journal.log.tmp behind")
	}
	es, _ := s.Entities(ctx, []string{"org:test-company-0", "org:test-company-1"})
	if len(es) != 2 || es[0].Name != "Test Company Zero" && es[1].Name != "Test Company Zero" {
		t.Errorf("after the upgrade: %v", es)
	}
	if err := put(ctx, s, extra(5)); err != nil {
		t.Fatal(err)
	}
	s.Close(ctx)
	again, rep := mustOpen(t, dir)
	if rep.Took = 0; rep != (memstore.ReplayReport{Records: 4}) {
		t.Errorf("report %+v after the upgrade, want 4 records", rep)
	}
	if es, _ := again.Entities(ctx, []string{"org:test-company-5"}); len(es) != 1 {
		t.Error("the write after the upgrade was lost")
	}
}

// TestUpgradeFirstFormatStrictly drops only an incomplete last record of a
// journal of the first format, and refuses damage before it, including a
// damaged length that looks like a record cut short.
func TestUpgradeFirstFormatStrictly(t *testing.T) {
	t.Run("torn last record", func(t *testing.T) {
		dir, b := copyV1(t)
		os.WriteFile(filepath.Join(dir, memstore.JournalFile), b[:len(b)-10], 0o644)
		_, rep := mustOpen(t, dir)
		if rep.Records != 2 || rep.TornBytes == 0 || !rep.Upgraded {
			t.Errorf("report %+v, want 2 records, a torn tail, upgraded", rep)
		}
	})
	damage := map[string]func(b []byte){
		"payload of the first record": func(b []byte) { b[20] ^= 0x01 },
		"length of the first record":  func(b []byte) { b[1] ^= 0x01 },
		"length of the second record": func(b []byte) { b[lengthField(t, b, `"source:test-1"`)+2] ^= 0x10 },
		"length of the first record, to the end of the file": func(b []byte) {
			binary.BigEndian.PutUint32(b, uint32(len(b)-8))
		},
	}
	for name, damage := range damage {
		t.Run(name, func(t *testing.T) {
			dir, b := copyV1(t)
			damage(b)
			path := filepath.Join(dir, memstore.JournalFile)
			os.WriteFile(path, b, 0o644)
			if _, _, err := memstore.Open(dir); err == nil || !strings.Contains(err.Error(), "damaged") {
				t.Errorf("Open: %v, want a refusal", err)
			}
			if got, _ := os.ReadFile(path); !bytes.Equal(got, b) {
				t.Error("the refused journal was changed")
			}
		})
	}
}

// TestJournalWithoutBasis replays a journal whose relations have no basis,
// as journals written before bases existed hold them: they are STATED.
func TestJournalWithoutBasis(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, _ := mustOpen(t, dir)
	d := extra(0)
	d.Entities = append(d.Entities, &kg.Entity{ID: "person:test-0", Kind: kg.KindPerson, Name: "Test Person", Sources: d.Entities[0].Sources})
	rel := &kg.Relation{Type: kg.RelHoldsPosition, From: "person:test-0", To: "org:test-company-0", Title: "Chair", Sources: d.Entities[0].Sources}
	rel.ID = kg.RelationID(rel.Type, rel.From, rel.To, "")
	c := &kg.ChangeSet{Expect: map[string]int{}, PutSources: d.Sources, PutEntities: d.Entities, PutRelations: []*kg.Relation{rel}}
	if err := s.Apply(ctx, c); err != nil {
		t.Fatal(err)
	}
	s.Close(ctx)
	if b, _ := os.ReadFile(filepath.Join(dir, memstore.JournalFile)); bytes.Contains(b, []byte(`"basis"`)) {
		t.Fatal("the journal records a basis; this test needs a record without one")
	}
	again, _ := mustOpen(t, dir)
	rels, err := again.Relations(ctx, []string{"person:test-0"}, 10, kg.BasisStated)
	if err != nil || len(rels) != 1 || rels[0].Basis != kg.BasisStated {
		t.Errorf("replayed relations: %v, %v; want the position, STATED", rels, err)
	}
}
