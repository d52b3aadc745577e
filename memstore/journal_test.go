package memstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/service"
)

// A step is one write of a workload, made through the Store API. Two stores
// in the same state make the same change.
type step func(ctx context.Context, s *Store) error

// errSkip is a step's answer when the state it needs is missing, because a
// write it depends on was not acknowledged.
var errSkip = errors.New("nothing to do in this state")

// testDataset is one source and one organization, numbered.
func testDataset(n int) *kg.Dataset {
	src := &kg.Source{ID: fmt.Sprintf("source:test-%d", n), Title: fmt.Sprintf("Test source %d", n)}
	return &kg.Dataset{
		Sources: []*kg.Source{src},
		Entities: []*kg.Entity{{
			ID: fmt.Sprintf("org:test-company-%d", n), Kind: kg.KindOrganization,
			Name: fmt.Sprintf("Test Company %d", n), Sources: []string{src.ID},
		}},
	}
}

// put writes the dataset's sources and entities in one change set,
// replacing the entities that exist. (Tests write through Apply rather than
// a seed, whose rules are not what they test.)
func put(ctx context.Context, s *Store, d *kg.Dataset) error {
	return service.Write(ctx, s, func(ctx context.Context) (*kg.ChangeSet, error) {
		c := &kg.ChangeSet{Expect: map[string]int{}, PutSources: d.Sources, PutEntities: d.Entities}
		ids := make([]string, len(d.Entities))
		for i, e := range d.Entities {
			ids[i] = e.ID
			c.Expect[e.ID] = -1
		}
		es, err := s.Entities(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			c.Expect[e.ID] = e.Version
		}
		return c, nil
	})
}

// rename renames an entity, expecting the version it has; with op, it
// writes a change-log entry of that operation.
func rename(ctx context.Context, s *Store, id, name string, op ...kg.Op) error {
	es, err := s.Entities(ctx, []string{id})
	if err != nil {
		return err
	}
	if len(es) == 0 {
		return errSkip
	}
	e := cloneEntity(es[0])
	e.Name = name
	c := &kg.ChangeSet{Expect: map[string]int{id: e.Version}, PutEntities: []*kg.Entity{e}}
	if len(op) > 0 {
		return applyLogged(ctx, s, op[0], c)
	}
	return s.Apply(ctx, c)
}

// applyLogged applies c with its change-log entry, as the service writes.
func applyLogged(ctx context.Context, s *Store, op kg.Op, c *kg.ChangeSet) error {
	c.Log = &kg.Change{Op: op, Actor: "editor#sweep"}
	if err := service.Describe(ctx, s, c); err != nil {
		return err
	}
	return s.Apply(ctx, c)
}

// v1Steps are the writes of testdata/v1/journal.log, a journal that the
// store wrote in the first format.
func v1Steps() []step {
	return []step{
		func(ctx context.Context, s *Store) error { return put(ctx, s, testDataset(0)) },
		func(ctx context.Context, s *Store) error { return put(ctx, s, testDataset(1)) },
		func(ctx context.Context, s *Store) error {
			return rename(ctx, s, "org:test-company-0", "Test Company Zero")
		},
	}
}

// workload returns n writes of every kind: a dataset, sources, entities
// with relations, renames that expect a version, and deletes; all but the
// dataset with their change-log entries.
func workload(n int) []step {
	steps := []step{func(ctx context.Context, s *Store) error { return put(ctx, s, testDataset(0)) }}
	const org = "org:test-company-0"
	for i := 1; len(steps) < n; i++ {
		var st step
		person := fmt.Sprintf("person:worker-%d", i)
		switch i % 4 {
		case 1:
			st = func(ctx context.Context, s *Store) error {
				return service.Write(ctx, s, func(ctx context.Context) (*kg.ChangeSet, error) {
					c, err := service.PlanSource(ctx, s, &kg.Source{
						ID:    fmt.Sprintf("source:w-%d", i),
						Title: "Source " + strings.Repeat("w", 5*i),
					})
					if c != nil {
						c.Log = &kg.Change{Op: kg.OpUpsertSource, Actor: "editor#sweep"}
					}
					return c, err
				})
			}
		case 2:
			st = func(ctx context.Context, s *Store) error {
				if es, err := s.Entities(ctx, []string{org}); err != nil || len(es) == 0 {
					return errSkip
				}
				return applyLogged(ctx, s, kg.OpUpsertEntity, &kg.ChangeSet{
					Expect: map[string]int{person: -1},
					PutEntities: []*kg.Entity{{
						ID: person, Kind: kg.KindPerson, Name: fmt.Sprintf("Worker %d", i),
						Sources: []string{"source:test-0"},
					}},
					PutRelations: []*kg.Relation{{
						Type: kg.RelMemberOf, From: person, To: org, Sources: []string{"source:test-0"},
					}},
				})
			}
		case 3:
			st = func(ctx context.Context, s *Store) error {
				return rename(ctx, s, org, fmt.Sprintf("Test Company, renamed %d", i), kg.OpUpsertEntity)
			}
		case 0:
			gone := fmt.Sprintf("person:worker-%d", i-2)
			st = func(ctx context.Context, s *Store) error {
				es, err := s.Entities(ctx, []string{gone})
				if err != nil {
					return err
				}
				if len(es) == 0 {
					return errSkip
				}
				return applyLogged(ctx, s, kg.OpDeleteEntity, &kg.ChangeSet{Expect: map[string]int{gone: es[0].Version}, DeleteEntities: []string{gone}})
			}
		}
		steps = append(steps, st)
	}
	return steps
}

// dumpJSON returns the store's whole graph and change log as JSON; the
// entries' times are left out, for comparing with a reference store.
func dumpJSON(t *testing.T, s *Store) string {
	t.Helper()
	ctx := context.Background()
	d, err := s.Dump(ctx)
	if err != nil {
		t.Fatal(err)
	}
	log, err := s.Changes(ctx, kg.ChangeQuery{First: math.MaxInt})
	if err != nil {
		t.Fatal(err)
	}
	var entries []kg.Change
	for _, c := range log {
		cp := *c
		cp.At = time.Time{}
		entries = append(entries, cp)
	}
	last, _ := s.LastChange(ctx)
	b, err := json.Marshal(struct {
		Graph *kg.Dataset
		Log   []kg.Change
		Last  int64
	}{d, entries, last})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// reference returns the dump of a store in memory that made the steps
// marked in keep, in order.
func reference(t *testing.T, steps []step, keep func(i int) bool) string {
	t.Helper()
	ctx := context.Background()
	s := New()
	for i, st := range steps {
		if keep(i) {
			if err := st(ctx, s); err != nil {
				t.Fatalf("reference store, step %d: %v", i, err)
			}
		}
	}
	return dumpJSON(t, s)
}

// run is what a workload did: which of its steps were acknowledged, which
// one was in flight when the machine crashed (-1 for none), and the store
// it left open.
type run struct {
	acked    []bool
	inflight int
	store    *Store
}

// runWorkload opens a store in dir, makes the steps through journals on fs,
// closing and reopening the store halfway, and returns what happened. An
// Open that fails is tried again, as an operator would restart the server,
// until its faults are spent. After a simulated crash it stops.
func runWorkload(t *testing.T, dir string, steps []step, fs *faultFS) run {
	t.Helper()
	ctx := context.Background()
	useFS(t, fs)
	r := run{acked: make([]bool, len(steps)), inflight: -1}
	open := func() *Store {
		for range 1 + len(fs.faults) {
			s, _, err := Open(dir)
			if err == nil {
				return s
			}
			if fs.crashed {
				return nil
			}
		}
		t.Fatalf("Open keeps failing with one-shot faults %+v", fs.faults)
		return nil
	}
	s := open()
	failed := false
	for i, st := range steps {
		if s == nil {
			break
		}
		if i == len(steps)/2 {
			s.Close(ctx) // a failed close must lose nothing either
			if s = open(); s == nil {
				break
			}
			failed = false
		}
		err := st(ctx, s)
		if fs.crashed {
			r.inflight = i
			break
		}
		r.acked[i] = err == nil
		switch {
		case err == nil && failed:
			t.Errorf("step %d acknowledged after the journal failed", i)
		case err != nil && !errors.Is(err, errSkip) && kg.ErrorCode(err) != kg.EUNAVAILABLE:
			t.Errorf("step %d: %v, code %s, want %s", i, err, kg.ErrorCode(err), kg.EUNAVAILABLE)
		case err != nil && strings.Contains(err.Error(), "accepts no more writes"):
			failed = true
		}
	}
	r.store = s
	return r
}

// start is the data directory a sweep starts from.
type start struct {
	name string
	// prepare fills the directory; base are the writes already in it.
	prepare func(t *testing.T, dir string)
	base    []step
}

func starts() []start {
	return []start{
		{name: "new", prepare: func(t *testing.T, dir string) {}},
		{name: "first format", prepare: copyV1, base: v1Steps()},
	}
}

// copyV1 copies the journal of the first format into dir.
func copyV1(t *testing.T, dir string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "v1", JournalFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, JournalFile), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// reopen opens the store in dir on the real file system.
func reopen(t *testing.T, dir string) (*Store, ReplayReport) {
	t.Helper()
	useFS(t, osFS{})
	s, rep, err := Open(dir)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	return s, rep
}

// TestFaultSweep fails each write, sync, truncate, close, open, rename and
// directory sync of a workload in turn, and short-writes each write; then
// it drops the store as a crash would and reopens it. The store must hold
// exactly the acknowledged writes, before the crash and after.
func TestFaultSweep(t *testing.T) {
	eio, enospc, efbig := syscall.EIO, syscall.ENOSPC, syscall.EFBIG
	kinds := []struct {
		name   string
		faults func(n int) []fault
	}{
		{"write fails (ENOSPC)", func(n int) []fault { return []fault{{op: opWrite, n: n, err: enospc}} }},
		{"short write (EFBIG)", func(n int) []fault { return []fault{{op: opWrite, n: n, keep: half, err: efbig}} }},
		{"sync fails (EIO)", func(n int) []fault { return []fault{{op: opSync, n: n, err: eio}} }},
		{"short write, then its truncate fails", func(n int) []fault {
			return []fault{{op: opWrite, n: n, keep: half, err: efbig}, {op: opTruncate, err: eio}}
		}},
		{"short write, then the sync after its truncate fails", func(n int) []fault {
			return []fault{{op: opWrite, n: n, keep: half, err: efbig}, {op: opSync, err: eio}}
		}},
		{"close fails (EIO)", func(n int) []fault { return []fault{{op: opClose, n: n, err: eio}} }},
		{"open fails (EMFILE)", func(n int) []fault { return []fault{{op: opOpen, n: n, err: syscall.EMFILE}} }},
		{"rename fails (EIO)", func(n int) []fault { return []fault{{op: opRename, n: n, err: eio}} }},
		{"directory sync fails (EIO)", func(n int) []fault { return []fault{{op: opSyncDir, n: n, err: eio}} }},
	}
	steps := workload(20)
	injected, runs := 0, 0
	for _, st := range starts() {
		all := append(slices.Clip(st.base), steps...)
		for _, kind := range kinds {
			for n := 1; ; n++ {
				dir := t.TempDir()
				st.prepare(t, dir)
				fs := &faultFS{faults: kind.faults(n)}
				r := runWorkload(t, dir, steps, fs)
				if fs.injected == 0 {
					abandon(r.store)
					break
				}
				runs++
				injected += fs.injected
				keep := func(i int) bool { return i < len(st.base) || r.acked[i-len(st.base)] }
				want := reference(t, all, keep)
				if r.store != nil {
					if got := dumpJSON(t, r.store); got != want {
						t.Errorf("%s, %s #%d: the store in memory differs from the acknowledged writes", st.name, kind.name, n)
					}
				}
				abandon(r.store)
				s, _ := reopen(t, dir)
				if got := dumpJSON(t, s); got != want {
					t.Errorf("%s, %s #%d: after a crash the store differs from the acknowledged writes %v", st.name, kind.name, n, r.acked)
				}
				s.Close(context.Background())
			}
		}
	}
	t.Logf("%d runs, %d faults injected", runs, injected)
	if injected < 200 {
		t.Errorf("only %d faults injected", injected)
	}
}

// TestCrashSweep crashes the machine at each file-system operation of a
// workload in turn: a write lands none, one, half, all but one or all of
// its bytes; any other operation takes effect or not. After the crash the
// store must hold every acknowledged write, and at most the one in flight
// besides.
func TestCrashSweep(t *testing.T) {
	keeps := []func(int) int{
		func(int) int { return 0 },
		func(n int) int { return min(1, n) },
		half,
		func(n int) int { return max(n-1, 0) },
		func(n int) int { return n },
	}
	steps := workload(20)
	crashes, inflight := 0, 0
	for _, st := range starts() {
		all := append(slices.Clip(st.base), steps...)
		for n := 1; ; n++ {
			struck := false
			for v, keep := range keeps {
				dir := t.TempDir()
				st.prepare(t, dir)
				fs := &faultFS{faults: []fault{{op: opAny, n: n, keep: keep, effect: v%2 == 1, err: errCrashed, crash: true}}}
				r := runWorkload(t, dir, steps, fs)
				abandon(r.store)
				if fs.injected == 0 {
					break
				}
				struck = true
				crashes++
				acked := func(i int) bool { return i < len(st.base) || r.acked[i-len(st.base)] }
				want := reference(t, all, acked)
				withInflight := want
				if r.inflight >= 0 {
					withInflight = reference(t, all, func(i int) bool { return acked(i) || i == len(st.base)+r.inflight })
				}
				s, _ := reopen(t, dir)
				switch got := dumpJSON(t, s); got {
				case want:
				case withInflight:
					inflight++
				default:
					t.Errorf("%s, crash at operation %d (%s, variant %d): the store holds neither the acknowledged writes nor those and the one in flight",
						st.name, n, fs.last, v)
				}
				s.Close(context.Background())
				if fs.last != opWrite && v == 1 {
					break // other operations have two variants only
				}
			}
			if !struck {
				break
			}
		}
	}
	t.Logf("%d crashes; the write in flight survived %d of them", crashes, inflight)
	if crashes < 200 {
		t.Errorf("only %d crashes", crashes)
	}
}

// frameStarts returns the offsets of the frames of a journal in either
// format, and the end of the last whole frame.
func frameStarts(b []byte) []int {
	off, hs := 0, v1FrameHeader
	if bytes.HasPrefix(b, []byte(journalMagic)) {
		off, hs = len(journalMagic), frameHeader
	}
	var starts []int
	for off+hs <= len(b) {
		starts = append(starts, off)
		off += hs + int(binary.BigEndian.Uint32(b[off:]))
	}
	return starts
}

func hash(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// TestByteFlipSweep flips every byte of a small journal in turn, all its
// bits and then its lowest, and opens it. Start-up must refuse the journal
// and leave it as it was, or serve exactly the records written; only a
// flip in the last record may cut that record, as a torn tail.
func TestByteFlipSweep(t *testing.T) {
	ctx := context.Background()
	type journal struct {
		name  string
		build func(t *testing.T, dir string) []step
	}
	journals := []journal{
		{"current format", func(t *testing.T, dir string) []step {
			steps := workload(6)
			s, _, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			for i, st := range steps {
				if err := st(ctx, s); err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
			}
			s.Close(ctx)
			return steps
		}},
		{"first format", func(t *testing.T, dir string) []step { copyV1(t, dir); return v1Steps() }},
	}
	for _, jn := range journals {
		t.Run(jn.name, func(t *testing.T) {
			dir := t.TempDir()
			steps := jn.build(t, dir)
			path := filepath.Join(dir, JournalFile)
			orig, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			frames := frameStarts(orig)
			if len(frames) != len(steps) {
				t.Fatalf("%d frames for %d writes", len(frames), len(steps))
			}
			last := frames[len(frames)-1]
			all := reference(t, steps, func(int) bool { return true })
			allButLast := reference(t, steps, func(i int) bool { return i < len(steps)-1 })
			var refused, unchanged, torn int
			for off := range orig {
				for _, mask := range []byte{0xff, 0x01} {
					b := slices.Clone(orig)
					b[off] ^= mask
					if err := os.WriteFile(path, b, 0o644); err != nil {
						t.Fatal(err)
					}
					want := sha256.Sum256(b)
					s, rep, err := Open(dir)
					if err != nil {
						refused++
						if hash(t, path) != want {
							t.Errorf("byte %d ^ %#x: refused (%v), but the journal was changed", off, mask, err)
						}
						if !strings.Contains(err.Error(), path) {
							t.Errorf("byte %d ^ %#x: the error does not name the journal: %v", off, mask, err)
						}
						if _, err := os.Stat(path + ".tmp"); err == nil {
							t.Errorf("byte %d ^ %#x: refused, but left a temporary file", off, mask)
						}
						continue
					}
					got := dumpJSON(t, s)
					s.Close(ctx)
					switch {
					case got == all && rep.TornBytes == 0:
						unchanged++
					case off >= last && got == allButLast && rep.TornBytes == int64(len(orig)-last):
						torn++
					default:
						t.Errorf("byte %d ^ %#x: start-up served changed facts (report %+v)", off, mask, rep)
					}
				}
			}
			t.Logf("%d bytes, %d flips: %d refused, %d unchanged, %d cut as a torn last record",
				len(orig), 2*len(orig), refused, unchanged, torn)
		})
	}
}

// TestFailedWriteIsCutOff is the reproduction of a failed append that
// poisoned the journal: W2 fails after writing part of its frame (EFBIG),
// W3 and W4 are acknowledged, the machine crashes. Reopening must find W1,
// W3 and W4, where it used to cut everything from W2 on as a torn tail.
func TestFailedWriteIsCutOff(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	fs := &faultFS{}
	useFS(t, fs)
	s, _, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := put(ctx, s, testDataset(1)); err != nil {
		t.Fatalf("W1: %v", err)
	}
	fs.faults = []fault{{op: opWrite, n: fs.count[opWrite] + 1, keep: half, err: syscall.EFBIG}}
	err = put(ctx, s, testDataset(2))
	if kg.ErrorCode(err) != kg.EUNAVAILABLE || !errors.Is(err, syscall.EFBIG) {
		t.Fatalf("W2: %v, want %s wrapping EFBIG", err, kg.EUNAVAILABLE)
	}
	for _, n := range []int{3, 4} {
		if err := put(ctx, s, testDataset(n)); err != nil {
			t.Fatalf("W%d: %v", n, err)
		}
	}
	abandon(s)

	again, rep := reopen(t, dir)
	if rep.Records != 3 || rep.TornBytes != 0 {
		t.Errorf("replay report %+v, want 3 records and no torn tail", rep)
	}
	es, _ := again.Entities(ctx, []string{"org:test-company-1", "org:test-company-2", "org:test-company-3", "org:test-company-4"})
	var got []string
	for _, e := range es {
		got = append(got, e.ID)
	}
	slices.Sort(got)
	if want := []string{"org:test-company-1", "org:test-company-3", "org:test-company-4"}; !slices.Equal(got, want) {
		t.Errorf("after the crash the store holds %v, want %v", got, want)
	}
}

// TestUncertainFailureStopsWrites fails an fsync, and separately the
// truncate that cuts off a failed write: the journal cannot know what its
// file holds, so every later write fails with EUNAVAILABLE while reads go
// on, and a restart recovers every acknowledged write.
func TestUncertainFailureStopsWrites(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		faults func(fs *faultFS) []fault
	}{
		{"fsync fails", func(fs *faultFS) []fault {
			return []fault{{op: opSync, n: fs.count[opSync] + 1, err: syscall.EIO}}
		}},
		{"truncate after a short write fails", func(fs *faultFS) []fault {
			return []fault{
				{op: opWrite, n: fs.count[opWrite] + 1, keep: half, err: syscall.ENOSPC},
				{op: opTruncate, err: syscall.EIO},
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			fs := &faultFS{}
			useFS(t, fs)
			s, _, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			if err := put(ctx, s, testDataset(1)); err != nil {
				t.Fatalf("W1: %v", err)
			}
			size := s.journal.size
			fs.faults = tt.faults(fs)
			if err := put(ctx, s, testDataset(2)); kg.ErrorCode(err) != kg.EUNAVAILABLE {
				t.Fatalf("W2: %v, want %s", err, kg.EUNAVAILABLE)
			}
			for n := 3; n <= 4; n++ {
				err := put(ctx, s, testDataset(n))
				if kg.ErrorCode(err) != kg.EUNAVAILABLE || !strings.Contains(kg.ErrorMessage(err), fmt.Sprintf("failed at byte %d and accepts no more writes", size)) {
					t.Errorf("W%d after the failure: %v, want %s naming byte %d", n, err, kg.EUNAVAILABLE, size)
				}
			}
			if es, err := s.Entities(ctx, []string{"org:test-company-1", "org:test-company-2"}); err != nil || len(es) != 1 {
				t.Errorf("reads after the failure: %d entities, %v; want W1's only", len(es), err)
			}
			abandon(s)

			again, _ := reopen(t, dir)
			if got, want := dumpJSON(t, again), reference(t, []step{
				func(ctx context.Context, s *Store) error { return put(ctx, s, testDataset(1)) },
			}, func(int) bool { return true }); got != want {
				t.Errorf("after a restart the store holds %s, want %s", got, want)
			}
			if err := put(ctx, again, testDataset(5)); err != nil {
				t.Errorf("a write after the restart: %v", err)
			}
		})
	}
}

// TestNewJournalIsDurable checks the order of operations that creates a
// journal: the file header is synced before the file is renamed into
// place, and the directory after.
func TestNewJournalIsDurable(t *testing.T) {
	fs := &faultFS{}
	useFS(t, fs)
	s, _, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	got := strings.Join(fs.log, ", ")
	want := "open journal.log, open journal.log.tmp, write journal.log.tmp, sync journal.log.tmp, close journal.log.tmp, " +
		"rename journal.log, syncdir "
	if !strings.HasPrefix(got, want) {
		t.Errorf("creating a journal: %s\nwant it to begin with %s", got, want)
	}
	b, err := os.ReadFile(s.journal.path)
	if err != nil || string(b) != journalMagic {
		t.Errorf("a new journal holds %q, %v; want the file header only", b, err)
	}
}

// TestZeroTail keeps the records before a tail of zeros, which a crash
// leaves when the file grew but the data never landed, and refuses zeros
// followed by anything else.
func TestZeroTail(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, _, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for n := range 3 {
		if err := put(ctx, s, testDataset(n)); err != nil {
			t.Fatal(err)
		}
	}
	want := dumpJSON(t, s)
	s.Close(ctx)
	path := filepath.Join(dir, JournalFile)
	orig, _ := os.ReadFile(path)

	zeros := make([]byte, 5000)
	os.WriteFile(path, append(slices.Clone(orig), zeros...), 0o644)
	again, rep, err := Open(dir)
	if err != nil {
		t.Fatalf("Open with a zero tail: %v", err)
	}
	if rep.Records != 3 || rep.TornBytes != int64(len(zeros)) || dumpJSON(t, again) != want {
		t.Errorf("zero tail: report %+v, want 3 records and %d torn bytes", rep, len(zeros))
	}
	again.Close(ctx)

	zeros[len(zeros)-1] = 1
	os.WriteFile(path, append(slices.Clone(orig), zeros...), 0o644)
	if _, _, err := Open(dir); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("at byte %d", len(orig))) {
		t.Errorf("Open with zeros and then a one: %v, want a refusal at byte %d", err, len(orig))
	}
}

// TestChecksums pins two facts the replay rules rest on: the header
// checksum of an all-zero header fails, and the running checksum of the
// first format's length check is crc32c.
func TestChecksums(t *testing.T) {
	if checksum(make([]byte, 8)) == 0 {
		t.Error("an all-zero frame header passes its checksum")
	}
	p := []byte(`{"op":"seed","dataset":{}}`)
	crc := ^uint32(0)
	for _, b := range p {
		crc = castagnoli[byte(crc)^b] ^ crc>>8
	}
	if ^crc != checksum(p) {
		t.Errorf("running checksum %#x, want %#x", ^crc, checksum(p))
	}
}
