package modeltest_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/puente-kg/puente/bulk"
	"github.com/puente-kg/puente/internal/testenv"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/memstore"
)

// A sequence is 26 to 50 operations (two sources, four to eight plain
// entities, then 20 to 40 random writes). The defaults run 200 sequences
// (about 7,500 operations) on each embedded backend and the first 20 of
// them (about 750 operations) on Neo4j: with -race on two busy cores, about
// 5 s per embedded backend and 15 s on Neo4j, under 30 s in all. Raise them
// for a longer hunt, e.g. -model.sequences=5000 -model.neo4j-sequences=500
// (flags go after the package: go test ./internal/modeltest -model.sequences=5000).
var (
	flagSequences = flag.Int("model.sequences", 200, "sequences to run on the embedded backends (memory, journaled)")
	flagNeo4j     = flag.Int("model.neo4j-sequences", 20, "sequences to run on Neo4j: the first ones of the embedded run")
	flagSeed      = flag.Uint64("model.seed", 0, "run only the sequence of this seed, on every backend")
	flagKnownBugs = flag.Bool("model.known-bugs", true, "generate the operations of the bugs this test found (see knownBug), predicting the documented behaviour; false avoids them, to run the test on versions before their fixes")
	flagEach      = flag.Bool("model.each", false, "compare Neo4j with the model after every operation, not only after each sequence")
)

// knownBug returns the name of a bug this test found that o would have
// triggered in the state m holds, or "". All of them are fixed, and by
// default the sequences include these operations and the model predicts
// what the documentation promises; -model.known-bugs=false avoids them, to
// run the test on a version from before the fixes. The bugs were:
//
//   - neo4j-merge-drops-redirects: merging an entity that IDs merged
//     earlier redirect to deletes those redirects on Neo4j instead of
//     moving them to the kept entity (cypherDeleteEntities deletes the
//     redirects to the merged entities before cypherPutRedirects looks for
//     them to move them). The embedded store moves them.
//   - seed-resolves-unread-target: service.Seed drops a relation of a new entity
//     whose other end was merged away (and a redirect to such an ID)
//     unless the entity it was merged into is named in the dataset too:
//     planSeed reads only the IDs the dataset names, and resolve requires
//     the redirect's target among them, so the documented "an end that was
//     merged away is replaced by the entity it was merged into" happens
//     only by chance.
//
// The others are not avoided by the generator but by the checks:
//
//   - The journaled store forgets, when it replays its journal, every
//     relation deletion that was not the deletion of an entity (the
//     journal holds ChangeSet.DeleteRelations as JSON, where kg.Relation's
//     ID is not written, and replay deletes by ID): after a restart,
//     dropped participants, places and replaced relations are back. The
//     comparison of the journaled store with itself reopened runs only
//     with -model.known-bugs.
//   - bulk.Check does not refuse an entity whose ID was merged away: the
//     import is refused only when its entity batch is applied, after the
//     sources were written (bulk/README.md: "a file with any problem writes
//     nothing"). The model predicts that partial import unless
//     -model.known-bugs (strict) is set.
//   - bulk.Check does not refuse a redirect from an entity of the store
//     (only from one of the file, or one it happened to look up as the end
//     of a relation): the import leaves an entity that is also redirected,
//     which no longer imports. Nor does it refuse a redirect between two
//     kinds (which no merge makes), through which service.Seed then resolves
//     a relation into one its type does not allow (BASED_IN from a person
//     to an event), which no longer imports either. The generator writes
//     such redirects only with -model.known-bugs.
func knownBug(m *model, o *op) string {
	switch o.Kind {
	case opMerge:
		for _, to := range m.redirects {
			if slices.Contains(o.Merge, to) {
				return "neo4j-merge-drops-redirects"
			}
		}
	case opSeed:
		named := map[string]bool{}
		var ends []string
		for _, e := range o.Dataset.Entities {
			named[e.ID] = true
		}
		for _, r := range o.Dataset.Relations {
			named[r.From], named[r.To] = true, true
			ends = append(ends, r.From, r.To)
		}
		for _, rd := range o.Dataset.Redirects {
			named[rd.From], named[rd.To] = true, true
			ends = append(ends, rd.To)
		}
		for _, id := range ends {
			if to := m.redirects[id]; to != "" && !named[to] {
				return "seed-resolves-unread-target"
			}
		}
	}
	return ""
}

// TestModel runs random sequences of writes against every backend and the
// reference model: each write must be refused (with the same code) or
// accepted as the model predicts, and each sequence must leave each
// backend's export equal to the model's (provenance and versions aside) and
// to the other backends' (byte for byte: every write carries one fixed
// stamp). An export imported into an empty store of the same backend must
// export again byte for byte.
func TestModel(t *testing.T) {
	seeds := make([]uint64, *flagSequences)
	for i := range seeds {
		seeds[i] = uint64(i + 1)
	}
	if *flagSeed != 0 {
		seeds = []uint64{*flagSeed}
	}
	seqs := map[uint64][]*op{}
	for _, seed := range seeds {
		seqs[seed] = sequence(seed, *flagKnownBugs)
	}
	exports := map[string]map[uint64][]byte{}
	var names []string
	for _, b := range testenv.Backends() {
		n := len(seeds)
		if b.Name == "neo4j" && *flagSeed == 0 {
			n = min(n, *flagNeo4j)
		}
		h := newHarness(t, b)
		names = append(names, b.Name)
		exports[b.Name] = map[uint64][]byte{}
		t.Run(b.Name, func(t *testing.T) {
			h.t = t
			start := time.Now()
			var ops, refused int
			outcomes, hits := map[string]int{}, map[string]int{}
			for _, seed := range seeds[:n] {
				seq := seqs[seed]
				if *flagSeed != 0 {
					for i, o := range seq {
						t.Logf("operation %d: %s", i, o)
					}
				}
				res := h.check(seq, h.perOp)
				if res.failure != "" {
					h.fail(seed, seq, res.failure)
					return
				}
				exports[b.Name][seed] = res.export
				ops += len(seq)
				refused += res.refused
				for k, n := range res.outcomes {
					outcomes[k] += n
				}
				for k, n := range res.hits {
					hits[k] += n
				}
			}
			t.Logf("%s: %d sequences, %d operations (%d refused, as predicted) in %v",
				b.Name, n, ops, refused, time.Since(start).Round(time.Millisecond))
			t.Logf("%s: operations by outcome: %v", b.Name, outcomes)
			t.Logf("%s: cases met: %v", b.Name, hits)
		})
	}
	// Every backend wrote the same bytes for the sequences it ran.
	for _, name := range names[1:] {
		for seed, got := range exports[name] {
			want, ok := exports[names[0]][seed]
			if ok && !bytes.Equal(got, want) {
				t.Errorf("seed %d: the export of %s differs from that of %s:\n%s", seed, name, names[0],
					diff(string(want), string(got)))
			}
		}
	}
}

// harness runs sequences on one backend.
type harness struct {
	t    *testing.T
	name string
	// open returns an empty store and a function that releases it.
	open func() (kg.Store, func())
	// reopen, when set, closes the store and opens it again from what it
	// persisted.
	reopen func(kg.Store) (kg.Store, error)
	// perOp compares with the model after every operation.
	perOp bool
}

func newHarness(t *testing.T, b testenv.Backend) *harness {
	h := &harness{t: t, name: b.Name}
	switch b.Name {
	case "memory":
		h.perOp = true
		h.open = func() (kg.Store, func()) { return b.Empty(t), func() {} }
	case "journaled":
		// Opened here rather than with b.Empty, to reopen the journal.
		// Compared after each sequence only: the embedded store is the
		// same code with or without a journal.
		base := t.TempDir()
		dirs := map[kg.Store]string{}
		h.open = func() (kg.Store, func()) {
			dir, err := os.MkdirTemp(base, "journal")
			if err != nil {
				t.Fatal(err)
			}
			s, _, err := memstore.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			dirs[s] = dir
			return s, func() {
				s.Close(context.Background())
				os.RemoveAll(dir)
			}
		}
		h.reopen = func(s kg.Store) (kg.Store, error) {
			dir := dirs[s]
			s.Close(context.Background())
			s2, _, err := memstore.Open(dir)
			dirs[s2] = dir
			return s2, err
		}
	default:
		// One shared server: the store of the whole subtest, emptied
		// before each use (see bulk's TestRoundTrip).
		var s kg.Store
		h.perOp = *flagEach
		h.open = func() (kg.Store, func()) {
			if s == nil {
				s = b.Empty(h.t)
			} else if err := s.(interface{ DeleteAll(context.Context) error }).DeleteAll(context.Background()); err != nil {
				h.t.Fatal(err)
			}
			return s, func() {}
		}
	}
	return h
}

type result struct {
	failure string // "" when the backend agreed with the model
	export  []byte // the final export (bulk.Write of the Dump)
	refused int
	// outcomes counts the operations by kind and code ("ok" for none).
	outcomes map[string]int
	hits     map[string]int // see model.hits
}

// check runs a sequence, then the round trip of its export.
func (h *harness) check(seq []*op, perOp bool) result {
	res := h.run(seq, perOp)
	if res.failure == "" {
		res.failure = h.roundTrip(res.export)
	}
	return res
}

// run runs a sequence on an empty store and the model side by side.
func (h *harness) run(seq []*op, perOp bool) result {
	ctx := context.Background()
	s, release := h.open()
	res := result{outcomes: map[string]int{}}
	defer func() { release() }()
	m := newModel(*flagKnownBugs)
	res.hits = m.hits
	for i, o := range seq {
		graph := compact(m.dataset())
		last, err := s.LastChange(ctx)
		if err != nil {
			res.failure = fmt.Sprintf("last change: %v", err)
			return res
		}
		want := m.apply(o.fresh())
		err = o.run(ctx, s)
		if got := codeOf(err); got != want {
			res.failure = fmt.Sprintf("operation %d %s\nwant code %q, got %q (%v)", i, o, want, got, err)
			return res
		}
		if msg := checkLogged(ctx, s, o, last, !bytes.Equal(graph, compact(m.dataset()))); msg != "" {
			res.failure = fmt.Sprintf("operation %d %s\n%s", i, o, msg)
			return res
		}
		if want != "" {
			res.refused++
		}
		res.outcomes[string(o.Kind)+" "+cmp.Or(want, "ok")]++
		if perOp || i == len(seq)-1 {
			if msg := compare(ctx, s, m); msg != "" {
				res.failure = fmt.Sprintf("after operation %d %s:\n%s", i, o, msg)
				return res
			}
		}
	}
	res.export = export(h.t, ctx, s)
	if h.reopen != nil && *flagKnownBugs {
		s2, err := h.reopen(s)
		if err != nil {
			res.failure = fmt.Sprintf("reopening the journal: %v", err)
			return res
		}
		closeFirst := release
		release = func() { s2.Close(ctx); closeFirst() }
		if got := export(h.t, ctx, s2); !bytes.Equal(got, res.export) {
			res.failure = "the store replayed from its journal differs:\n" + diff(string(res.export), string(got))
		}
	}
	return res
}

// checkLogged returns "" when the write o, which the model says changed
// the graph or not, wrote the change-log entries it should: one for a
// write that changed the graph (between one and one per batch for an
// import), none for one that changed nothing or was refused.
func checkLogged(ctx context.Context, s kg.Store, o *op, last int64, changed bool) string {
	now, err := s.LastChange(ctx)
	if err != nil {
		return fmt.Sprintf("last change: %v", err)
	}
	n, lo, hi := now-last, int64(0), int64(0)
	if changed {
		lo, hi = 1, 1
		if o.Kind == opImport {
			f := o.Import
			batch := int64(cmp.Or(f.Batch, 1000))
			for _, k := range []int{len(f.Sources), len(f.Records), len(f.Redirects)} {
				hi += (int64(k) + batch - 1) / batch
			}
			hi += (int64(f.links()) + batch - 1) / batch
		}
	}
	if n < lo || n > hi {
		return fmt.Sprintf("the write made %d change-log entries, want %d to %d (the model says it changed the graph: %t)", n, lo, hi, changed)
	}
	return ""
}

// compare returns "" when the store's graph is the model's, provenance and
// versions aside, else a diff.
func compare(ctx context.Context, s kg.Store, m *model) string {
	d, err := s.Dump(ctx)
	if err != nil {
		return fmt.Sprintf("dump: %v", err)
	}
	normalizeDataset(d)
	md := m.dataset()
	if a, b := compact(md), compact(d); bytes.Equal(a, b) {
		return ""
	}
	want, got := indent(md), indent(d)
	return "the graph differs from the model's (- model, + backend):\n" + diff(want, got)
}

func compact(d *kg.Dataset) []byte {
	b, err := json.Marshal(d)
	if err != nil {
		panic(err)
	}
	return b
}

func indent(d *kg.Dataset) string {
	b, err := json.MarshalIndent(d, "", " ")
	if err != nil {
		panic(err)
	}
	return string(b)
}

func export(t *testing.T, ctx context.Context, s kg.Store) []byte {
	d, err := s.Dump(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := bulk.Write(&buf, d); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// roundTrip imports an export into an empty store of the backend and
// exports again: the bytes must not change.
func (h *harness) roundTrip(file []byte) string {
	ctx := context.Background()
	s, release := h.open()
	defer release()
	if err := importBytes(ctx, s, file, 0); err != nil {
		return fmt.Sprintf("importing the export into an empty store: %v\n%s", err, file)
	}
	if got := export(h.t, ctx, s); !bytes.Equal(got, file) {
		return "export, import into an empty store, export changed the file:\n" + diff(string(file), string(got))
	}
	return ""
}

// fail reports a failing sequence, shrunk to the fewest operations that
// still fail.
func (h *harness) fail(seed uint64, seq []*op, failure string) {
	small := shrink(seq, func(ops []*op) bool { return h.check(ops, true).failure != "" })
	if f := h.check(small, true).failure; f != "" {
		failure = f
	}
	var lines []string
	for _, o := range small {
		lines = append(lines, o.String())
	}
	h.t.Fatalf("seed %d on %s: %s\n\nshrunk from %d to %d operations:\n%s\n\n%s", seed, h.name, failure,
		len(seq), len(small), strings.Join(lines, "\n"), h.reproduce(seed))
}

func (h *harness) reproduce(seed uint64) string {
	known := ""
	if *flagKnownBugs {
		known = " -model.known-bugs"
	}
	return fmt.Sprintf("reproduce with: go test ./internal/modeltest -run 'TestModel$/%s' -model.seed=%d%s -v", h.name, seed, known)
}

// shrink removes operations one at a time, last first, as long as the
// sequence keeps failing, until no single removal keeps it failing.
func shrink(seq []*op, fails func([]*op) bool) []*op {
	for changed := true; changed; {
		changed = false
		for i := len(seq) - 1; i >= 0; i-- {
			try := append(append([]*op{}, seq[:i]...), seq[i+1:]...)
			if fails(try) {
				seq, changed = try, true
			}
		}
	}
	return seq
}

// diff returns the lines of a and b that differ, from a longest common
// subsequence, with two lines of context.
func diff(a, b string) string {
	x, y := strings.Split(a, "\n"), strings.Split(b, "\n")
	lcs := make([][]int, len(x)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	type line struct {
		mark byte
		text string
	}
	var all []line
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		switch {
		case i < len(x) && j < len(y) && x[i] == y[j]:
			all = append(all, line{' ', x[i]})
			i, j = i+1, j+1
		case j < len(y) && (i == len(x) || lcs[i][j+1] >= lcs[i+1][j]):
			all = append(all, line{'+', y[j]})
			j++
		default:
			all = append(all, line{'-', x[i]})
			i++
		}
	}
	var out strings.Builder
	last := -1
	for k, l := range all {
		near := false
		for d := max(0, k-2); d <= min(len(all)-1, k+2); d++ {
			near = near || all[d].mark != ' '
		}
		if !near {
			continue
		}
		if last >= 0 && k > last+1 {
			out.WriteString("  ...\n")
		}
		last = k
		fmt.Fprintf(&out, "%c %s\n", l.mark, l.text)
	}
	return out.String()
}
