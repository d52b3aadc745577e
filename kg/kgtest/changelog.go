package kgtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/service"
)

// RunChangeLog runs the change-log suite: one numbered entry per write,
// with its operation, actor and values before and after; the filters;
// nothing logged for a write that fails; contiguous numbers under
// concurrent writers; pruning. Each subtest opens its own store with open
// (which must hold exactly the seed dataset, written by one seed).
func RunChangeLog(t *testing.T, open func(tb testing.TB) kg.Store) {
	t.Run("Entries", func(t *testing.T) { testLogEntries(t, open(t)) })
	t.Run("Filters", func(t *testing.T) { testLogFilters(t, open(t)) })
	t.Run("Failpoints", func(t *testing.T) { testLogFailpoints(t, open(t)) })
	t.Run("Concurrent", func(t *testing.T) { testLogConcurrent(t, open(t)) })
	t.Run("Prune", func(t *testing.T) { testLogPrune(t, open(t)) })
}

var logStamp = kg.Stamp{By: "editor#log", At: time.Date(2021, 11, 22, 9, 0, 0, 0, time.UTC)}

// Changes returns every entry of the log after the sequence number that
// matches q's filters, reading pages of 7 to cross page boundaries.
func Changes(t testing.TB, s kg.ChangeLog, after int64, q kg.ChangeQuery) []*kg.Change {
	t.Helper()
	var out []*kg.Change
	for {
		q.After, q.First = after, 7
		page, err := s.Changes(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page...)
		if len(page) < q.First {
			return out
		}
		after = page[len(page)-1].Seq
	}
}

// CheckNumbered fails unless the entries are numbered from first on, one
// by one.
func CheckNumbered(t testing.TB, cs []*kg.Change, first int64) {
	t.Helper()
	for i, c := range cs {
		if c.Seq != first+int64(i) {
			t.Fatalf("entry %d is numbered %d, want %d (numbers: %v)", i, c.Seq, first+int64(i), seqs(cs))
		}
	}
}

func seqs(cs []*kg.Change) []int64 {
	out := make([]int64, len(cs))
	for i, c := range cs {
		out[i] = c.Seq
	}
	return out
}

func lastChange(t testing.TB, s kg.ChangeLog) int64 {
	t.Helper()
	n, err := s.LastChange(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// item returns the entry's item of the kind and ID, failing without one.
func item(t *testing.T, c *kg.Change, kind kg.ItemKind, id string) kg.ChangeItem {
	t.Helper()
	for _, it := range c.Items {
		if it.Kind == kind && it.ID == id {
			return it
		}
	}
	t.Fatalf("entry %d (%s) has no %s item %s: %+v", c.Seq, c.Op, kind, id, c.Items)
	return kg.ChangeItem{}
}

func jsonEqual(t *testing.T, got json.RawMessage, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(g) != fmt.Sprint(w) {
		t.Errorf("got %s, want %s", got, want)
	}
}

// testLogEntries makes one write of each kind through the service and
// reads back one entry for each, numbered on from the seed's.
func testLogEntries(t *testing.T, s kg.Store) {
	ctx := context.Background()
	svc := service.New(s, service.Options{})
	seed := Changes(t, s, 0, kg.ChangeQuery{})
	if len(seed) != 1 || seed[0].Op != kg.OpSeed || seed[0].Seq != 1 || seed[0].Actor != "" || lastChange(t, s) != 1 {
		t.Fatalf("the seeded store's log: %+v, want one SEED entry numbered 1", seed)
	}
	for _, it := range seed[0].Items {
		if it.Before != nil || it.After != nil {
			t.Fatalf("a seed's entry holds values: %+v", it)
		}
	}
	u := "https://example.org/log"
	org := &kg.Entity{ID: "org:log-test", Kind: kg.KindOrganization, Name: "Log Test", Sources: []string{testSource}}
	renamed := *org
	renamed.Name = "Log Test Renamed"
	steps := []struct {
		op    kg.Op
		write func() error
	}{
		{kg.OpUpsertSource, func() error {
			return svc.UpsertSource(ctx, &kg.Source{ID: "source:log-test", Title: "Log test", URL: &u}, logStamp)
		}},
		{kg.OpUpsertEntity, func() error { return svc.UpsertEntity(ctx, service.EntityInput{Entity: org}, logStamp) }},
		{kg.OpUpsertEntity, func() error { return svc.UpsertEntity(ctx, service.EntityInput{Entity: &renamed}, logStamp) }},
		{kg.OpUpsertEvent, func() error {
			return svc.UpsertEvent(ctx, service.EventInput{Event: &kg.Entity{ID: "event:2021-11-22-log-test", Kind: kg.KindEvent,
				Name: "Log test meeting", Category: kg.CategoryMeeting, Date: kg.MustParseDate("2021-11-22"), Sources: []string{testSource}},
				Participants: []*kg.Relation{{From: "person:li-zhanshu", Role: "HOST"}}}, logStamp)
		}},
		{kg.OpDeleteEntity, func() error { _, err := svc.DeleteEntity(ctx, "person:maria-del-carmen-alva", logStamp); return err }},
		{kg.OpMergeEntities, func() error {
			return svc.MergeEntities(ctx, "person:pablo-gonzalez", []string{"person:alberto-hensel"}, logStamp)
		}},
	}
	for i, st := range steps {
		if err := st.write(); err != nil {
			t.Fatalf("write %d (%s): %v", i, st.op, err)
		}
	}
	// Writing the same entity again changes nothing, and logs nothing.
	if err := svc.UpsertEntity(ctx, service.EntityInput{Entity: &renamed}, logStamp); err != nil {
		t.Fatal(err)
	}
	cs := Changes(t, s, 1, kg.ChangeQuery{})
	CheckNumbered(t, cs, 2)
	if len(cs) != len(steps) || lastChange(t, s) != int64(1+len(steps)) {
		t.Fatalf("%d entries after the seed's (last %d), want %d", len(cs), lastChange(t, s), len(steps))
	}
	for i, c := range cs {
		if c.Op != steps[i].op || c.Actor != logStamp.By || c.At.IsZero() || c.At.Location() != time.UTC {
			t.Errorf("entry %d: op %s, actor %q, at %v; want %s by %s, in UTC", c.Seq, c.Op, c.Actor, c.At, steps[i].op, logStamp.By)
		}
		if i > 0 && c.At.Before(cs[i-1].At) {
			t.Errorf("entry %d is dated before entry %d", c.Seq, cs[i-1].Seq)
		}
	}
	src := item(t, cs[0], kg.ItemSource, "source:log-test")
	if src.Action != kg.ActionCreated || src.Before != nil {
		t.Errorf("new source: %+v", src)
	}
	created := item(t, cs[1], kg.ItemEntity, org.ID)
	if created.Action != kg.ActionCreated || created.EntityKind != kg.KindOrganization || created.Before != nil {
		t.Errorf("new entity: %+v", created)
	}
	var after kg.Entity
	if err := json.Unmarshal(created.After, &after); err != nil || after.Name != org.Name || after.ID != org.ID {
		t.Errorf("a created entity's after %s (%v), want the whole record", created.After, err)
	}
	rename := item(t, cs[2], kg.ItemEntity, org.ID)
	if rename.Action != kg.ActionUpdated || len(cs[2].Items) != 1 {
		t.Errorf("rename: %+v, want one UPDATED item", cs[2].Items)
	}
	jsonEqual(t, rename.Before, `{"name":"Log Test"}`)
	jsonEqual(t, rename.After, `{"name":"Log Test Renamed"}`)
	if !slices.Equal(cs[2].IDs, []string{org.ID}) || !slices.Equal(cs[2].Kinds, []kg.Kind{kg.KindOrganization}) {
		t.Errorf("rename indexed by %v %v", cs[2].IDs, cs[2].Kinds)
	}
	ev := cs[3]
	item(t, ev, kg.ItemEntity, "event:2021-11-22-log-test")
	host := item(t, ev, kg.ItemRelation, kg.RelationID(kg.RelParticipatedIn, "person:li-zhanshu", "event:2021-11-22-log-test", "HOST"))
	if host.From != "person:li-zhanshu" || host.To != "event:2021-11-22-log-test" || host.Action != kg.ActionCreated {
		t.Errorf("participation item %+v", host)
	}
	if !slices.Contains(ev.Categories, kg.CategoryMeeting) || !slices.Contains(ev.IDs, "person:li-zhanshu") {
		t.Errorf("event entry indexed by %v %v", ev.IDs, ev.Categories)
	}
	del := item(t, cs[4], kg.ItemEntity, "person:maria-del-carmen-alva")
	var gone kg.Entity
	if err := json.Unmarshal(del.Before, &gone); err != nil || del.Action != kg.ActionDeleted || del.After != nil ||
		gone.ID != "person:maria-del-carmen-alva" || gone.Name == "" || len(gone.Sources) == 0 {
		t.Errorf("deletion item %+v (%v), want the whole record before", del, err)
	}
	if !slices.ContainsFunc(cs[4].Items, func(it kg.ChangeItem) bool { return it.Kind == kg.ItemRelation && it.Action == kg.ActionDeleted }) {
		t.Error("the deletion's entry names none of the relations it deleted")
	}
	redirect := item(t, cs[5], kg.ItemRedirect, "person:alberto-hensel")
	if redirect.From != "person:alberto-hensel" || redirect.To != "person:pablo-gonzalez" || redirect.Action != kg.ActionCreated {
		t.Errorf("redirect item %+v", redirect)
	}
	if merged := item(t, cs[5], kg.ItemEntity, "person:alberto-hensel"); merged.Action != kg.ActionDeleted || merged.Before == nil {
		t.Errorf("merged-away entity item %+v", merged)
	}
	if kept := item(t, cs[5], kg.ItemEntity, "person:pablo-gonzalez"); kept.Action != kg.ActionUpdated {
		t.Errorf("kept entity item %+v", kept)
	}
}

// testLogFilters reads the log by entity, kind and category.
func testLogFilters(t *testing.T, s kg.Store) {
	ctx := context.Background()
	svc := service.New(s, service.Options{})
	org := &kg.Entity{ID: "org:log-filter", Kind: kg.KindOrganization, Name: "Log Filter", Sources: []string{testSource}}
	person := &kg.Entity{ID: "person:log-filter", Kind: kg.KindPerson, Name: "Log Filter", Sources: []string{testSource}}
	for _, e := range []*kg.Entity{org, person} {
		if err := svc.UpsertEntity(ctx, service.EntityInput{Entity: e}, logStamp); err != nil {
			t.Fatal(err)
		}
	}
	if err := svc.UpsertEvent(ctx, service.EventInput{Event: &kg.Entity{ID: "event:2021-11-22-log-filter", Kind: kg.KindEvent,
		Name: "Log filter donation", Category: kg.CategoryDonation, Sources: []string{testSource}},
		Participants: []*kg.Relation{{From: org.ID, Role: "DONOR"}}}, logStamp); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		q    kg.ChangeQuery
		want []int64
	}{
		{"all", kg.ChangeQuery{}, []int64{2, 3, 4}},
		{"by id", kg.ChangeQuery{IDs: []string{org.ID}}, []int64{2, 4}},
		{"by ids", kg.ChangeQuery{IDs: []string{person.ID, "org:nobody"}}, []int64{3}},
		{"by kind", kg.ChangeQuery{Kinds: []kg.Kind{kg.KindPerson}}, []int64{3}},
		{"by kinds", kg.ChangeQuery{Kinds: []kg.Kind{kg.KindOrganization, kg.KindEvent}}, []int64{2, 4}},
		{"by category", kg.ChangeQuery{Categories: []kg.Category{kg.CategoryDonation}}, []int64{4}},
		{"all filters", kg.ChangeQuery{IDs: []string{org.ID}, Kinds: []kg.Kind{kg.KindEvent}, Categories: []kg.Category{kg.CategoryDonation}}, []int64{4}},
		{"none", kg.ChangeQuery{Categories: []kg.Category{kg.CategoryTender}}, nil},
	}
	for _, tt := range tests {
		if got := seqs(Changes(t, s, 1, tt.q)); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
	page := must[[]*kg.Change](t)(s.Changes(ctx, kg.ChangeQuery{After: 1, First: 2}))
	if !slices.Equal(seqs(page), []int64{2, 3}) {
		t.Errorf("first 2 after 1: %v", seqs(page))
	}
	if page := must[[]*kg.Change](t)(s.Changes(ctx, kg.ChangeQuery{After: 4, First: 10})); len(page) != 0 {
		t.Errorf("after the last entry: %v", seqs(page))
	}
}

// testLogFailpoints interrupts a write at each failpoint: none leaves an
// entry or takes a number.
func testLogFailpoints(t *testing.T, s kg.Store) {
	ctx := context.Background()
	svc := service.New(s, service.Options{})
	e := &kg.Entity{ID: "org:log-failpoint", Kind: kg.KindOrganization, Name: "Log Failpoint", Sources: []string{testSource},
		Description: "first"}
	for round, desc := range []string{"first", "second"} {
		e.Description = desc
		for _, fp := range kg.Failpoints {
			err := svc.UpsertEntity(kg.WithFailpoint(ctx, fp), service.EntityInput{Entity: e}, logStamp)
			if !errors.Is(err, kg.ErrInjected) {
				t.Fatalf("failpoint %s: %v, want the injected failure", fp, err)
			}
			if n := lastChange(t, s); n != int64(1+round) {
				t.Fatalf("a write failed %s: last change %d, want %d", fp, n, 1+round)
			}
		}
		if err := svc.UpsertEntity(ctx, service.EntityInput{Entity: e}, logStamp); err != nil {
			t.Fatal(err)
		}
	}
	cs := Changes(t, s, 0, kg.ChangeQuery{})
	CheckNumbered(t, cs, 1)
	if len(cs) != 3 || cs[2].Items[0].Action != kg.ActionUpdated {
		t.Errorf("log %v, want the seed, the creation and the update", seqs(cs))
	}
}

// testLogPrune prunes by time and by the readers' cursor.
func testLogPrune(t *testing.T, s kg.Store) {
	ctx := context.Background()
	svc := service.New(s, service.Options{})
	e := &kg.Entity{ID: "org:log-prune", Kind: kg.KindOrganization, Name: "Log Prune", Sources: []string{testSource}}
	for i := range 6 {
		e.Description = fmt.Sprintf("write %d", i)
		if err := svc.UpsertEntity(ctx, service.EntityInput{Entity: e}, logStamp); err != nil {
			t.Fatal(err)
		}
	}
	all := Changes(t, s, 0, kg.ChangeQuery{})
	CheckNumbered(t, all, 1)
	// Nothing is older than the first entry.
	if n := must[int](t)(s.PruneChanges(ctx, all[0].At, math.MaxInt64)); n != 0 {
		t.Errorf("pruning before the first entry deleted %d", n)
	}
	// A reader that has seen up to 3 holds the rest back.
	if n := must[int](t)(s.PruneChanges(ctx, time.Now().Add(time.Hour), 3)); n != 3 {
		t.Errorf("pruning up to 3 deleted %d, want 3", n)
	}
	if got := seqs(Changes(t, s, 0, kg.ChangeQuery{})); !slices.Equal(got, []int64{4, 5, 6, 7}) {
		t.Errorf("after pruning up to 3: %v", got)
	}
	// A cursor before pruned entries has expired, filtered or not; the
	// cursor of the last pruned entry has not: nothing it has not seen is
	// gone.
	for _, q := range []kg.ChangeQuery{{After: 2, First: 10}, {After: 1, First: 10, IDs: []string{e.ID}}} {
		if _, err := s.Changes(ctx, q); kg.ErrorCode(err) != kg.EEXPIRED {
			t.Errorf("reading after %d once 1 to 3 were pruned: %v, want %s", q.After, err, kg.EEXPIRED)
		}
	}
	if got := seqs(Changes(t, s, 3, kg.ChangeQuery{})); !slices.Equal(got, []int64{4, 5, 6, 7}) {
		t.Errorf("after the last pruned entry: %v", got)
	}
	// By time: the entries before the 6th's time go.
	cut := all[5].At
	want := 0
	for _, c := range all[3:] {
		if c.At.Before(cut) {
			want++
		}
	}
	if n := must[int](t)(s.PruneChanges(ctx, cut, math.MaxInt64)); n != want {
		t.Errorf("pruning before entry 6's time deleted %d, want %d", n, want)
	}
	rest := Changes(t, s, 0, kg.ChangeQuery{})
	if len(rest) != 4-want || rest[len(rest)-1].Seq != 7 {
		t.Errorf("after pruning by time: %v", seqs(rest))
	}
	// Numbers are never reused.
	if last := lastChange(t, s); last != 7 {
		t.Errorf("last change after pruning %d, want 7", last)
	}
	e.Description = "after pruning"
	if err := svc.UpsertEntity(ctx, service.EntityInput{Entity: e}, logStamp); err != nil {
		t.Fatal(err)
	}
	if cs := Changes(t, s, 7, kg.ChangeQuery{}); len(cs) != 1 || cs[0].Seq != 8 {
		t.Errorf("the write after pruning: %v, want entry 8", seqs(cs))
	}
	if n := must[int](t)(s.PruneChanges(ctx, time.Now().Add(time.Hour), math.MaxInt64)); n != len(rest)+1 {
		t.Errorf("pruning everything deleted %d, want %d", n, len(rest)+1)
	}
	if cs := Changes(t, s, 0, kg.ChangeQuery{}); len(cs) != 0 || lastChange(t, s) != 8 {
		t.Errorf("after pruning everything: %v, last %d", seqs(cs), lastChange(t, s))
	}
}
