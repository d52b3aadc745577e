package kgtest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/service"
)

// RunEdits runs the editing suite: removing participants, places and
// relations, self-relations, concurrent creators and writers, merged-away
// IDs, seeding over edits, and the limits on values. Each subtest opens its
// own store with open (which must hold exactly the seed dataset).
func RunEdits(t *testing.T, open func(tb testing.TB) kg.Store) {
	t.Run("RemoveParticipant", func(t *testing.T) { testRemoveParticipant(t, open(t)) })
	t.Run("RemoveRelations", func(t *testing.T) { testRemoveRelations(t, open(t)) })
	t.Run("SelfRelation", func(t *testing.T) { testSelfRelation(t, open(t)) })
	t.Run("ConcurrentCreates", func(t *testing.T) { testConcurrentCreates(t, open(t)) })
	t.Run("Contention", func(t *testing.T) { testContention(t, open(t)) })
	t.Run("PlanReads", func(t *testing.T) { testPlanReads(t, open(t)) })
	t.Run("MergedAway", func(t *testing.T) { testMergedAway(t, open(t)) })
	t.Run("SeedKeepsEdits", func(t *testing.T) { testSeedKeepsEdits(t, open(t)) })
	t.Run("Limits", func(t *testing.T) { testLimits(t, open(t)) })
}

var editStamp = kg.Stamp{By: "editor#test", At: time.Date(2021, 11, 21, 9, 0, 0, 0, time.UTC)}

const testSource = "source:07-li-zhanshu-alva-meeting"

// write plans and applies one write, failing the test on an error.
func write(t *testing.T, s kg.Store, plan func(ctx context.Context) (*kg.ChangeSet, error)) {
	t.Helper()
	if err := service.Write(context.Background(), s, plan); err != nil {
		t.Fatal(err)
	}
}

func eventPlan(s kg.Store, id string, participants ...*kg.Relation) func(ctx context.Context) (*kg.ChangeSet, error) {
	return eventPlanAt(s, id, nil, participants...)
}

func eventPlanAt(s kg.Store, id string, places []string, participants ...*kg.Relation) func(ctx context.Context) (*kg.ChangeSet, error) {
	return func(ctx context.Context) (*kg.ChangeSet, error) {
		return service.PlanEvent(ctx, s, service.EventInput{
			Event: &kg.Entity{ID: id, Kind: kg.KindEvent, Name: "Edit test " + id, Category: kg.CategoryMeeting,
				Date: kg.MustParseDate("2021-11-21"), Sources: []string{testSource}},
			Participants: participants,
			Places:       places,
		}, editStamp)
	}
}

func entityPlan(s kg.Store, e *kg.Entity, rels ...*kg.Relation) func(ctx context.Context) (*kg.ChangeSet, error) {
	return func(ctx context.Context) (*kg.ChangeSet, error) {
		cp := *e
		var in []*kg.Relation
		for _, r := range rels {
			c := *r
			in = append(in, &c)
		}
		return service.PlanEntity(ctx, s, service.EntityInput{Entity: &cp, Relations: in, ReplaceRelations: rels != nil}, editStamp)
	}
}

func relIDs(t *testing.T, s kg.Store, id string) []string {
	t.Helper()
	var out []string
	for _, r := range must[[]*kg.Relation](t)(s.Relations(context.Background(), []string{id}, 1000)) {
		out = append(out, r.ID)
	}
	return out
}

// testRemoveParticipant edits an event's participants and places down to
// fewer: the dropped ones go, and nothing conflicts.
func testRemoveParticipant(t *testing.T, s kg.Store) {
	const ev = "event:2021-11-21-edit-test"
	host := &kg.Relation{From: "person:li-zhanshu", Role: "HOST"}
	guest := &kg.Relation{From: "person:pablo-gonzalez", Role: "GUEST"}
	write(t, s, eventPlanAt(s, ev, []string{"place:shanghai"}, host, guest))
	if got := relIDs(t, s, ev); len(got) != 3 {
		t.Fatalf("event relations %v, want two participants and a place", got)
	}
	write(t, s, eventPlan(s, ev, host))
	want := []string{kg.RelationID(kg.RelParticipatedIn, host.From, ev, host.Role)}
	if got := relIDs(t, s, ev); !slices.Equal(got, want) {
		t.Errorf("after removing the guest and the place: %v, want %v", got, want)
	}
	write(t, s, eventPlan(s, ev))
	if got := relIDs(t, s, ev); len(got) != 0 {
		t.Errorf("after removing every participant: %v", got)
	}
}

// testRemoveRelations replaces an entity's relations with none.
func testRemoveRelations(t *testing.T, s kg.Store) {
	p := &kg.Entity{ID: "person:edit-test", Kind: kg.KindPerson, Name: "Edit Test", Sources: []string{testSource}}
	citizen := &kg.Relation{Type: kg.RelCitizenOf, To: "country:peru", Sources: []string{testSource}}
	write(t, s, entityPlan(s, p, citizen))
	if got := relIDs(t, s, p.ID); len(got) != 1 {
		t.Fatalf("relations %v, want the citizenship", got)
	}
	write(t, s, entityPlan(s, p))
	if got := relIDs(t, s, p.ID); len(got) != 1 {
		t.Fatalf("relations: nil keeps them, got %v", got)
	}
	write(t, s, func(ctx context.Context) (*kg.ChangeSet, error) {
		return service.PlanEntity(ctx, s, service.EntityInput{Entity: p, Relations: []*kg.Relation{}, ReplaceRelations: true}, editStamp)
	})
	if got := relIDs(t, s, p.ID); len(got) != 0 {
		t.Errorf("relations after replacing them with none: %v", got)
	}
}

// testSelfRelation relates an organization to itself, then deletes it.
func testSelfRelation(t *testing.T, s kg.Store) {
	o := &kg.Entity{ID: "org:edit-test-self", Kind: kg.KindOrganization, Name: "Self Owner", Sources: []string{testSource}}
	write(t, s, entityPlan(s, o, &kg.Relation{Type: kg.RelOwns, To: o.ID, Sources: []string{testSource}}))
	if got := relIDs(t, s, o.ID); len(got) != 1 {
		t.Fatalf("relations %v, want the self-relation", got)
	}
	var plan *service.DeletePlan
	write(t, s, func(ctx context.Context) (*kg.ChangeSet, error) {
		var err error
		plan, err = service.PlanDelete(ctx, s, o.ID)
		if err != nil {
			return nil, err
		}
		return plan.Changes, nil
	})
	if es := must[[]*kg.Entity](t)(s.Entities(context.Background(), []string{o.ID})); len(es) != 0 {
		t.Error("the entity related to itself is still there")
	}
	if got := relIDs(t, s, o.ID); len(got) != 0 {
		t.Errorf("relations left: %v", got)
	}
}

// testConcurrentCreates applies change sets that all create one new ID,
// planned against the same state, at once: exactly one may succeed. Then
// concurrent writers through service.Write: every write counts.
func testConcurrentCreates(t *testing.T, s kg.Store) {
	ctx := context.Background()
	const rounds, writers = 8, 4
	for round := range rounds {
		id := fmt.Sprintf("org:race-%d", round)
		var plans []*kg.ChangeSet
		for w := range writers {
			c, err := service.PlanEntity(ctx, s, service.EntityInput{Entity: &kg.Entity{ID: id, Kind: kg.KindOrganization,
				Name: fmt.Sprintf("Racer %d", w), Sources: []string{testSource}}}, editStamp)
			if err != nil {
				t.Fatal(err)
			}
			plans = append(plans, c)
		}
		var ok, conflicts atomic.Int32
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make(chan error, writers)
		for _, c := range plans {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				switch err := s.Apply(ctx, c); kg.ErrorCode(err) {
				case "":
					if err != nil {
						errs <- err
						return
					}
					ok.Add(1)
				case kg.ECONFLICT:
					conflicts.Add(1)
				default:
					errs <- err
				}
			}()
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("round %d: %v", round, err)
		}
		if ok.Load() != 1 || conflicts.Load() != writers-1 {
			t.Errorf("round %d: %d creators succeeded and %d conflicted, want 1 and %d", round, ok.Load(), conflicts.Load(), writers-1)
		}
	}

	// Writers that re-plan: each write lands, none is lost.
	const id = "org:race-upsert"
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- service.Write(ctx, s, entityPlan(s, &kg.Entity{ID: id, Kind: kg.KindOrganization,
				Name: fmt.Sprintf("Upserter %d", w), Sources: []string{testSource}}))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	es := must[[]*kg.Entity](t)(s.Entities(ctx, []string{id}))
	if len(es) != 1 || es[0].Version != writers-1 {
		t.Errorf("after %d concurrent upserts of a new ID: %+v, want version %d", writers, es, writers-1)
	}
}

// testContention runs writers that all update one entity: contention must
// cost time, not failures.
func testContention(t *testing.T, s kg.Store) {
	ctx := context.Background()
	const writers, each = 8, 6
	id := "org:xiaomi"
	var wg sync.WaitGroup
	var failed atomic.Int32
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				err := service.Write(ctx, s, func(ctx context.Context) (*kg.ChangeSet, error) {
					cur := must[[]*kg.Entity](t)(s.Entities(ctx, []string{id}))
					e := *cur[0]
					e.Description = fmt.Sprintf("written by writer %d, write %d", w, i)
					return service.PlanEntity(ctx, s, service.EntityInput{Entity: &e}, editStamp)
				})
				if err != nil {
					failed.Add(1)
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
	es := must[[]*kg.Entity](t)(s.Entities(ctx, []string{id}))
	if n := writers * each; es[0].Version != n {
		t.Errorf("%d of %d contended writes failed; version %d, want %d", failed.Load(), n, es[0].Version, n)
	}
}

// countingReader counts a planner's round trips to the store.
type countingReader struct {
	kg.Reader
	calls atomic.Int32
}

func (c *countingReader) Entities(ctx context.Context, ids []string) ([]*kg.Entity, error) {
	c.calls.Add(1)
	return c.Reader.Entities(ctx, ids)
}

func (c *countingReader) Sources(ctx context.Context, ids []string) ([]*kg.Source, error) {
	c.calls.Add(1)
	return c.Reader.Sources(ctx, ids)
}

func (c *countingReader) Relations(ctx context.Context, ids []string, max int, bases ...kg.Basis) ([]*kg.Relation, error) {
	c.calls.Add(1)
	return c.Reader.Relations(ctx, ids, max, bases...)
}

func (c *countingReader) Redirects(ctx context.Context, ids []string) ([]kg.Redirect, error) {
	c.calls.Add(1)
	return c.Reader.Redirects(ctx, ids)
}

// maxPlanReads is the most round trips a planner may make, however many
// entities, relations and sources a write names.
const maxPlanReads = 4

// testPlanReads plans a 20-participant event, each participant citing its
// own sources, and counts the planner's round trips.
func testPlanReads(t *testing.T, s kg.Store) {
	ctx := context.Background()
	d := &kg.Dataset{Sources: []*kg.Source{{ID: "source:plan-reads", Title: "Plan reads"}}}
	var parts []*kg.Relation
	for i := range 20 {
		id := fmt.Sprintf("person:plan-reads-%02d", i)
		d.Entities = append(d.Entities, &kg.Entity{ID: id, Kind: kg.KindPerson, Name: id, Sources: []string{"source:plan-reads"}})
		parts = append(parts, &kg.Relation{From: id, Role: "GUEST", Sources: []string{"source:plan-reads", testSource}})
	}
	if _, err := service.Seed(ctx, s, d); err != nil {
		t.Fatal(err)
	}
	const ev = "event:2021-11-21-plan-reads"
	for round, n := range []int{20, 10} {
		cr := &countingReader{Reader: s}
		c, err := service.PlanEvent(ctx, cr, service.EventInput{
			Event: &kg.Entity{ID: ev, Kind: kg.KindEvent, Name: "Plan reads", Category: kg.CategoryMeeting,
				Sources: []string{testSource}},
			Participants: parts[:n],
			Places:       []string{"place:shanghai"},
		}, editStamp)
		if err != nil {
			t.Fatal(err)
		}
		if got := cr.calls.Load(); got > maxPlanReads {
			t.Errorf("round %d: planning an event of %d participants took %d round trips, want at most %d", round, n, got, maxPlanReads)
		}
		if err := s.Apply(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	cr := &countingReader{Reader: s}
	if _, err := service.PlanDelete(ctx, cr, ev); err != nil {
		t.Fatal(err)
	}
	if got := cr.calls.Load(); got > maxPlanReads {
		t.Errorf("planning a deletion took %d round trips", got)
	}
	cr = &countingReader{Reader: s}
	if _, err := service.PlanMerge(ctx, cr, "person:plan-reads-00", []string{"person:plan-reads-01", "person:plan-reads-02"}, editStamp); err != nil {
		t.Fatal(err)
	}
	if got := cr.calls.Load(); got > maxPlanReads {
		t.Errorf("planning a merge took %d round trips", got)
	}
}

// testMergedAway merges an entity away, then tries to write its ID again:
// refused, naming the kept entity; the export still imports.
func testMergedAway(t *testing.T, s kg.Store) {
	ctx := context.Background()
	ma := &kg.Entity{ID: "person:merge-test-a", Kind: kg.KindPerson, Name: "Merge A", Sources: []string{testSource}}
	mb := &kg.Entity{ID: "person:merge-test-b", Kind: kg.KindPerson, Name: "Merge B", Sources: []string{testSource}}
	write(t, s, entityPlan(s, ma))
	write(t, s, entityPlan(s, mb, &kg.Relation{Type: kg.RelCitizenOf, To: "country:peru", Sources: []string{testSource}}))
	write(t, s, func(ctx context.Context) (*kg.ChangeSet, error) {
		return service.PlanMerge(ctx, s, ma.ID, []string{mb.ID}, editStamp)
	})
	if tree, err := s.Expand(ctx, mb.ID, nil); err != nil || tree.Root == nil || tree.Root.ID != ma.ID {
		t.Errorf("Expand(merged-away ID) = %+v, %v; want %s", tree, err, ma.ID)
	}
	before := dump(t, ctx, s)
	err := service.Write(ctx, s, entityPlan(s, mb))
	var ke *kg.Error
	if !errors.As(err, &ke) || ke.Code != kg.EINVALID || ke.Field != "id" || !strings.Contains(ke.Message, ma.ID) {
		t.Errorf("re-creating a merged-away ID: %v, want %s on id naming %s", err, kg.EINVALID, ma.ID)
	}
	err = service.Write(ctx, s, eventPlan(s, "event:2021-11-21-merge-test", &kg.Relation{From: mb.ID, Role: "HOST"}))
	if !errors.As(err, &ke) || ke.Code != kg.EINVALID || !strings.Contains(ke.Message, ma.ID) {
		t.Errorf("naming a merged-away participant: %v, want %s naming %s", err, kg.EINVALID, ma.ID)
	}
	// A change set planned without the planner is refused by the store.
	err = s.Apply(ctx, &kg.ChangeSet{Expect: map[string]int{mb.ID: -1}, PutEntities: []*kg.Entity{mb}})
	if kg.ErrorCode(err) != kg.EINVALID {
		t.Errorf("applying a change set that re-creates a merged-away ID: %v, want %s", err, kg.EINVALID)
	}
	err = service.Write(ctx, s, func(ctx context.Context) (*kg.ChangeSet, error) {
		return service.PlanMerge(ctx, s, mb.ID, []string{ma.ID}, editStamp)
	})
	if kg.ErrorCode(err) != kg.ENOTFOUND {
		t.Errorf("merging into a merged-away ID: %v, want %s", err, kg.ENOTFOUND)
	}
	if dump(t, ctx, s) != before {
		t.Error("a refused write changed the store")
	}
	d := must[*kg.Dataset](t)(s.Dump(ctx))
	if err := d.Validate(); err != nil {
		t.Errorf("the export does not validate: %v", err)
	}
}

// testSeedKeepsEdits edits, merges and removes, then seeds the digest
// again: nothing the edits did is undone.
func testSeedKeepsEdits(t *testing.T, s kg.Store) {
	ctx := context.Background()
	x := must[[]*kg.Entity](t)(s.Entities(ctx, []string{"org:xiaomi"}))[0]
	edited := *x
	edited.Name = "Xiaomi Corporation (edited)"
	write(t, s, entityPlan(s, &edited))
	write(t, s, func(ctx context.Context) (*kg.ChangeSet, error) {
		return service.PlanMerge(ctx, s, "person:pablo-gonzalez", []string{"person:alberto-hensel"}, editStamp)
	})
	// Drop one participant of a digest event.
	evID := "event:2021-11-10-li-zhanshu-alva-video-call"
	rels := must[[]*kg.Relation](t)(s.Relations(ctx, []string{evID}, 1000))
	ev := must[[]*kg.Entity](t)(s.Entities(ctx, []string{evID}))[0]
	var keep []*kg.Relation
	var places []string
	for _, r := range rels {
		switch {
		case r.Type == kg.RelHeldAt:
			places = append(places, r.To)
		case r.Type == kg.RelParticipatedIn && len(keep) == 0:
			keep = append(keep, r)
		}
	}
	write(t, s, func(ctx context.Context) (*kg.ChangeSet, error) {
		return service.PlanEvent(ctx, s, service.EventInput{Event: ev, Participants: keep, Places: places}, editStamp)
	})
	before := dump(t, ctx, s)
	rep, err := service.Seed(ctx, s, mustDigestCopy(t, ctx, s))
	if err != nil {
		t.Fatal(err)
	}
	if after := dump(t, ctx, s); after != before {
		t.Errorf("seeding over edits changed the store (report %+v)", rep)
	}
	if rep.Added != (kg.Stats{}) || rep.Redirects != 0 {
		t.Errorf("seed report %+v, want nothing added", rep)
	}
	// What was deleted and is in the dataset comes back, with its own
	// relations; merged-away IDs do not.
	write(t, s, func(ctx context.Context) (*kg.ChangeSet, error) {
		p, err := service.PlanDelete(ctx, s, "person:maria-del-carmen-alva")
		if err != nil {
			return nil, err
		}
		return p.Changes, nil
	})
	rep, err = service.Seed(ctx, s, mustDigestCopy(t, ctx, s))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added.Entities != 1 {
		t.Errorf("seed after a deletion added %+v, want the one deleted entity", rep.Added)
	}
	if es := must[[]*kg.Entity](t)(s.Entities(ctx, []string{"person:alberto-hensel"})); len(es) != 0 {
		t.Error("seeding brought back a merged-away entity")
	}
	if es := must[[]*kg.Entity](t)(s.Entities(ctx, []string{"org:xiaomi"})); es[0].Name != edited.Name {
		t.Errorf("seeding reverted an edited name to %q", es[0].Name)
	}
}

// testLimits writes values past the documented limits: each is refused
// with EINVALID naming the field, on every backend alike.
func testLimits(t *testing.T, s kg.Store) {
	ctx := context.Background()
	before := dump(t, ctx, s)
	long := strings.Repeat("x", kg.MaxNameBytes+1)
	src := []string{testSource}
	org := func(mut func(e *kg.Entity)) func(ctx context.Context) (*kg.ChangeSet, error) {
		e := &kg.Entity{ID: "org:limit-test", Kind: kg.KindOrganization, Name: "Limit Test", Sources: src}
		mut(e)
		return entityPlan(s, e)
	}
	event := func(mut func(e *kg.Entity)) func(ctx context.Context) (*kg.ChangeSet, error) {
		return func(ctx context.Context) (*kg.ChangeSet, error) {
			e := &kg.Entity{ID: "event:limit-test", Kind: kg.KindEvent, Name: "Limit Test", Category: kg.CategoryInvestment, Sources: src}
			mut(e)
			return service.PlanEvent(ctx, s, service.EventInput{Event: e}, editStamp)
		}
	}
	tests := []struct {
		name, field string
		plan        func(ctx context.Context) (*kg.ChangeSet, error)
	}{
		{"long name", "name", org(func(e *kg.Entity) { e.Name = long })},
		{"long alias", "aliases", org(func(e *kg.Entity) { e.Aliases = []string{long} })},
		{"too many aliases", "aliases", org(func(e *kg.Entity) {
			for i := range kg.MaxAliases + 1 {
				e.Aliases = append(e.Aliases, fmt.Sprint("alias ", i))
			}
		})},
		{"long description", "description", org(func(e *kg.Entity) { e.Description = strings.Repeat("d", kg.MaxTextBytes+1) })},
		{"long note", "notes", org(func(e *kg.Entity) { e.Notes = []string{strings.Repeat("n", kg.MaxTextBytes+1)} })},
		{"long quote", "relations[0].quote", func(ctx context.Context) (*kg.ChangeSet, error) {
			return service.PlanEntity(ctx, s, service.EntityInput{Entity: &kg.Entity{ID: "org:limit-test", Kind: kg.KindOrganization, Name: "L", Sources: src},
				Relations:        []*kg.Relation{{Type: kg.RelBasedIn, To: "country:peru", Quote: strings.Repeat("q", kg.MaxQuoteBytes+1), Sources: src}},
				ReplaceRelations: true}, editStamp)
		}},
		{"huge amount", "amount.amount", event(func(e *kg.Entity) { e.Amount = &kg.Money{Amount: 1e308, Currency: "USD"} })},
		{"huge baseline", "amount.baseline", event(func(e *kg.Entity) {
			b := kg.MaxAmount * 2
			e.Amount = &kg.Money{Amount: 1, Currency: "USD", Baseline: &b}
		})},
		{"huge quantity", "quantity.amount", event(func(e *kg.Entity) { e.Quantity = &kg.Quantity{Amount: kg.MaxAmount * 10, Unit: "doses"} })},
		{"long URL", "url", func(ctx context.Context) (*kg.ChangeSet, error) {
			u := "https://example.org/" + strings.Repeat("u", kg.MaxURLBytes)
			return service.PlanSource(ctx, s, &kg.Source{ID: "source:limit-test", Title: "Limit", URL: &u})
		}},
		{"long title", "title", func(ctx context.Context) (*kg.ChangeSet, error) {
			return service.PlanSource(ctx, s, &kg.Source{ID: "source:limit-test", Title: long})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := service.Write(ctx, s, tt.plan)
			var ke *kg.Error
			if !errors.As(err, &ke) || ke.Code != kg.EINVALID || ke.Field != tt.field {
				t.Errorf("error %v, want %s on field %s", err, kg.EINVALID, tt.field)
			}
		})
	}
	if dump(t, ctx, s) != before {
		t.Error("a refused write changed the store")
	}
	// At the limits, values are accepted alike by every backend, and the
	// totals of the largest amounts stay finite.
	atLimit := strings.Repeat("ñ", kg.MaxNameBytes/2)
	write(t, s, org(func(e *kg.Entity) { e.Name = atLimit; e.Aliases = []string{"b" + atLimit[2:]} }))
	for i := range 3 {
		write(t, s, func(ctx context.Context) (*kg.ChangeSet, error) {
			return service.PlanEvent(ctx, s, service.EventInput{
				Event: &kg.Entity{ID: fmt.Sprintf("event:limit-test-%d", i), Kind: kg.KindEvent, Name: "Max", Category: kg.CategoryInvestment,
					Sources: src, Amount: &kg.Money{Amount: kg.MaxAmount, Currency: "USD"}},
				Participants: []*kg.Relation{{From: "org:xiaomi", Role: kg.RoleInvestor}, {From: "country:peru", Role: kg.RoleTarget}},
			}, editStamp)
		})
	}
	totals := must[[]kg.InvestmentTotal](t)(service.InvestmentTotals(ctx, s, kg.InvestmentQuery{InvestorID: "org:xiaomi"}))
	var peru *kg.InvestmentTotal
	for i := range totals {
		if totals[i].CountryID == "country:peru" && totals[i].Currency == "USD" {
			peru = &totals[i]
		}
	}
	if peru == nil || peru.Count != 3 || peru.Total != 3*kg.MaxAmount || math.IsInf(peru.Total, 0) {
		t.Errorf("totals of three investments of the largest amount: %+v", totals)
	}
}
