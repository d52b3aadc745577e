// Package kgtest is the conformance suite of kg.Store: one set of tests,
// written once against the interface, that every backend must pass with the
// same answers. Run it from a backend's tests with Run.
package kgtest

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/service"
)

// update rewrites the golden file instead of comparing with it.
var update = flag.Bool("update", false, "rewrite the conformance golden file")

// Run runs the whole suite against stores opened by open, which must hold
// exactly the seed dataset.
func Run(t *testing.T, open func(tb testing.TB) kg.Store) {
	store := open(t)
	ctx := context.Background()
	t.Run("Golden", func(t *testing.T) { testGolden(t, ctx, store) })
	t.Run("Entities", func(t *testing.T) { testEntities(t, ctx, store) })
	t.Run("Relations", func(t *testing.T) { testRelations(t, ctx, store) })
	t.Run("Links", func(t *testing.T) { testLinks(t, ctx, store) })
	t.Run("Pagination", func(t *testing.T) { testPagination(t, ctx, store) })
	t.Run("EventFilters", func(t *testing.T) { testEventFilters(t, ctx, store) })
	t.Run("WhoMet", func(t *testing.T) { testWhoMet(t, ctx, store) })
	t.Run("Investments", func(t *testing.T) { testInvestments(t, ctx, store) })
	t.Run("Search", func(t *testing.T) { testSearch(t, ctx, store) })
	t.Run("BadInput", func(t *testing.T) { testBadInput(t, ctx, store) })
	t.Run("SeedTwice", func(t *testing.T) { testSeedTwice(t, ctx, store) })
	t.Run("DescendingPages", func(t *testing.T) { testDescendingPages(t, ctx, store) })
	t.Run("Paths", func(t *testing.T) { testPaths(t, ctx, store) })
	t.Run("Fetcher", func(t *testing.T) { testFetcher(t, ctx, store) })
	// Evidence adds a graph of its own, apart from the digest's.
	t.Run("Evidence", func(t *testing.T) { testEvidence(t, ctx, store) })
	// Hubs adds entities: it runs last.
	t.Run("Hubs", func(t *testing.T) { testHubs(t, ctx, store) })
	// Graph adds a graph of its own, and asks about the hubs' too.
	t.Run("Graph", func(t *testing.T) { testGraph(t, ctx, store) })
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func ids(es []*kg.Entity) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

func hitIDs(hits []kg.SearchHit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.EntityID
	}
	return out
}

// testGolden records the answers to a fixed set of analyst queries and
// compares them with one golden file shared by every backend.
func testGolden(t *testing.T, ctx context.Context, s kg.Store) {
	got := map[string]any{}
	record := func(name string, v any, err error) {
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got[name] = v
	}
	stats, err := s.Stats(ctx)
	record("stats", stats, err)
	li, err := s.Entities(ctx, []string{"person:li-zhanshu", "org:xiaomi", "event:2021-11-05-xiaomi-san-jose-store-opening"})
	slices.SortFunc(li, func(a, b *kg.Entity) int { return cmpString(a.ID, b.ID) })
	record("entities", li, err)
	rels, err := s.Relations(ctx, []string{"person:li-zhanshu"}, 1000)
	record("relations li-zhanshu", rels, err)
	page, err := s.ListEntities(ctx, kg.EntityFilter{Kinds: []kg.Kind{kg.KindPerson}}, kg.PageRequest{First: 100})
	record("persons", ids(page.Entities), err)
	evs, err := s.ListEvents(ctx, kg.EventFilter{}, kg.PageRequest{First: 100})
	record("events", ids(evs.Entities), err)
	nov10, err := s.ListEvents(ctx, kg.EventFilter{From: kg.MustParseDate("2021-11-10"), To: kg.MustParseDate("2021-11-12")}, kg.PageRequest{First: 100})
	record("events 10-12 Nov", ids(nov10.Entities), err)
	peru, err := s.ListEntities(ctx, kg.EntityFilter{Country: "country:peru"}, kg.PageRequest{First: 100})
	record("entities in Peru", ids(peru.Entities), err)
	met, err := whoMetAll(ctx, s, kg.WhoMetQuery{ID: "person:li-zhanshu"})
	record("whoMet li-zhanshu", met, err)
	met2, err := whoMetAll(ctx, s, kg.WhoMetQuery{ID: "org:catl"})
	record("whoMet catl", met2, err)
	inv, err := investmentsAll(ctx, s, kg.InvestmentQuery{})
	record("investments", inv, err)
	for _, q := range []string{"muhlbauer", "peru", "san jose", "PERÚ", "xia", "china", "npc", "小米", "li"} {
		hits, err := s.Search(ctx, kg.SearchQuery{Text: q, First: 10})
		record("search "+q, hits, err)
	}
	compareGolden(t, "store.golden.json", got)
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// compareGolden compares v, as indented JSON, with testdata/name, or
// rewrites the file with -update.
func compareGolden(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	_, file, _, _ := runtime.Caller(0)
	path := filepath.Join(filepath.Dir(file), "testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the tests with -update to create it)", err)
	}
	if string(got) != string(want) {
		gotPath := path + ".got"
		os.WriteFile(gotPath, got, 0o644)
		t.Errorf("answers differ from %s; this run's answers are in %s (diff them; -update accepts them)", path, gotPath)
	}
}

func testEntities(t *testing.T, ctx context.Context, s kg.Store) {
	es := must[[]*kg.Entity](t)(s.Entities(ctx, []string{"org:xiaomi", "org:no-such-thing", "country:peru"}))
	if got := ids(es); len(got) != 2 || !slices.Contains(got, "org:xiaomi") || !slices.Contains(got, "country:peru") {
		t.Errorf("Entities = %v, want xiaomi and peru with the unknown ID skipped", got)
	}
	for _, e := range es {
		if e.ID == "country:peru" && (e.CountryCode != "PE" || !slices.Contains(e.Aliases, "Perú")) {
			t.Errorf("peru = %+v, want code PE and alias Perú", e)
		}
	}
	ev := must[[]*kg.Entity](t)(s.Entities(ctx, []string{"event:2021-11-05-xiaomi-san-jose-store-opening"}))
	if len(ev) != 1 || ev[0].Amount == nil || ev[0].Amount.Amount != 1e6 || ev[0].Amount.Currency != "USD" ||
		ev[0].Amount.Qualifier != "MORE_THAN" || ev[0].Date.String() != "2021-11-05" {
		t.Errorf("Xiaomi store opening = %+v, want more than 1,000,000 USD on 2021-11-05", ev)
	}
	srcs := must[[]*kg.Source](t)(s.Sources(ctx, []string{"source:no-such-source"}))
	if len(srcs) != 0 {
		t.Errorf("Sources(unknown) = %v, want none", srcs)
	}
}

func testRelations(t *testing.T, ctx context.Context, s kg.Store) {
	rels := must[[]*kg.Relation](t)(s.Relations(ctx, []string{"person:li-zhanshu", "person:maria-del-carmen-alva"}, 1000))
	seen := map[string]bool{}
	for i, r := range rels {
		if seen[r.ID] {
			t.Errorf("relation %s returned twice", r.ID)
		}
		seen[r.ID] = true
		if i > 0 && rels[i-1].ID >= r.ID {
			t.Errorf("relations not ordered by ID: %s before %s", rels[i-1].ID, r.ID)
		}
		if r.From != "person:li-zhanshu" && r.To != "person:li-zhanshu" &&
			r.From != "person:maria-del-carmen-alva" && r.To != "person:maria-del-carmen-alva" {
			t.Errorf("relation %s touches neither entity", r.ID)
		}
		switch {
		case r.IsStated() && len(r.Sources) == 0:
			t.Errorf("the STATED relation %s cites no source", r.ID)
		case r.Basis == kg.BasisBackground && r.Note == "":
			t.Errorf("the BACKGROUND relation %s has no note", r.ID)
		case r.Basis == kg.BasisInferred && (r.Rule == "" || len(r.RestsOn) == 0):
			t.Errorf("the INFERRED relation %s names no rule or facts", r.ID)
		}
	}
	if !seen[kg.RelationID(kg.RelParticipatedIn, "person:li-zhanshu", "event:2021-11-10-li-zhanshu-alva-video-call", "PARTICIPANT")] {
		t.Errorf("Li Zhanshu's participation in the video call is missing from %v", seen)
	}
}

func testPagination(t *testing.T, ctx context.Context, s kg.Store) {
	all := must[*kg.EntityPage](t)(s.ListEntities(ctx, kg.EntityFilter{}, kg.PageRequest{First: 100, Count: true}))
	var walked []string
	after := ""
	for pages := 0; ; pages++ {
		p := must[*kg.EntityPage](t)(s.ListEntities(ctx, kg.EntityFilter{}, kg.PageRequest{First: 7, After: after, Count: true}))
		if p.TotalCount != all.TotalCount {
			t.Fatalf("page %d: totalCount %d, want %d", pages, p.TotalCount, all.TotalCount)
		}
		walked = append(walked, ids(p.Entities)...)
		if !p.HasNext {
			break
		}
		after = p.Cursors[len(p.Cursors)-1]
	}
	if !slices.Equal(walked, ids(all.Entities)) {
		t.Errorf("pages of 7 give %v, want %v", walked, ids(all.Entities))
	}
	if all.TotalCount != len(all.Entities) || all.HasNext {
		t.Errorf("one page of 100: total %d, %d entities, hasNext %v", all.TotalCount, len(all.Entities), all.HasNext)
	}
	for i := 1; i < len(all.Entities); i++ {
		a, b := all.Entities[i-1], all.Entities[i]
		if a.SortName() > b.SortName() || a.SortName() == b.SortName() && a.ID > b.ID {
			t.Errorf("%s listed before %s", a.ID, b.ID)
		}
	}
	srcs := must[*kg.SourcePage](t)(s.ListSources(ctx, kg.PageRequest{First: 5, Count: true}))
	rest := must[*kg.SourcePage](t)(s.ListSources(ctx, kg.PageRequest{First: 100, After: srcs.Cursors[4]}))
	if srcs.TotalCount != 12 || len(srcs.Sources) != 5 || !srcs.HasNext || len(rest.Sources) != 7 || rest.HasNext {
		t.Errorf("sources pages: total %d, %d then %d", srcs.TotalCount, len(srcs.Sources), len(rest.Sources))
	}
}

func testEventFilters(t *testing.T, ctx context.Context, s kg.Store) {
	tests := []struct {
		name   string
		filter kg.EventFilter
		want   []string
	}{
		{"meetings", kg.EventFilter{Categories: []kg.Category{kg.CategoryMeeting}},
			[]string{"event:2021-11-10-li-zhanshu-alva-video-call"}},
		// A day's window catches the events of that day, never an undated
		// one as if it happened then.
		{"day window", kg.EventFilter{From: kg.MustParseDate("2021-11-13"), To: kg.MustParseDate("2021-11-13")},
			[]string{"event:2021-11-13-china-vaccine-donation-to-peru"}},
		// The window of publication finds the undated events too, last.
		{"reported window", kg.EventFilter{ReportedFrom: kg.MustParseDate("2021-11-20"), Categories: []kg.Category{kg.CategoryPartnershipTalks, kg.CategoryMeeting}},
			[]string{"event:2021-11-10-li-zhanshu-alva-video-call", "event:ypf-catl-partnership-talks"}},
		{"investor", kg.EventFilter{Participant: "org:xiaomi", Role: kg.RoleInvestor},
			[]string{"event:2021-11-05-xiaomi-san-jose-store-opening"}},
		{"expo overlaps", kg.EventFilter{Categories: []kg.Category{kg.CategoryExpo}, From: kg.MustParseDate("2021-11-08"), To: kg.MustParseDate("2021-11-09")},
			[]string{"event:2021-11-05-ciie"}},
		{"nothing in 2020", kg.EventFilter{From: kg.MustParseDate("2020"), To: kg.MustParseDate("2020")}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := must[*kg.EntityPage](t)(s.ListEvents(ctx, tt.filter, kg.PageRequest{First: 100}))
			if got := ids(p.Entities); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	// An undated event is in no date window, whatever its sources' date.
	p := must[*kg.EntityPage](t)(s.ListEvents(ctx, kg.EventFilter{From: kg.MustParseDate("2021-11"), To: kg.MustParseDate("2021-11")}, kg.PageRequest{First: 100}))
	for _, e := range p.Entities {
		if e.Date.IsZero() {
			t.Errorf("the undated %s is in the window of November 2021", e.ID)
		}
	}
	if len(p.Entities) == 0 {
		t.Error("no event in November 2021")
	}
}

func testWhoMet(t *testing.T, ctx context.Context, s kg.Store) {
	met := must[[]kg.Contact](t)(whoMetAll(ctx, s, kg.WhoMetQuery{ID: "person:li-zhanshu"}))
	var alva *kg.Contact
	for i, c := range met {
		if c.EntityID == "person:maria-del-carmen-alva" {
			alva = &met[i]
		}
		if c.EntityID == "country:peru" || c.EntityID == "person:li-zhanshu" {
			t.Errorf("whoMet(Li) includes %s", c.EntityID)
		}
	}
	if alva == nil || !slices.Equal(alva.Meetings, []string{"event:2021-11-10-li-zhanshu-alva-video-call"}) {
		t.Fatalf("whoMet(Li) = %+v, want Alva through the 10 November video call", met)
	}
	if got := must[[]kg.Contact](t)(whoMetAll(ctx, s, kg.WhoMetQuery{ID: "person:li-zhanshu", From: kg.MustParseDate("2021-12")})); len(got) != 0 {
		t.Errorf("whoMet(Li) from December = %v, want none", got)
	}
	if got := must[[]kg.Contact](t)(whoMetAll(ctx, s, kg.WhoMetQuery{ID: "person:nobody"})); len(got) != 0 {
		t.Errorf("whoMet(unknown) = %v, want none", got)
	}
}

func testInvestments(t *testing.T, ctx context.Context, s kg.Store) {
	tests := []struct {
		name string
		q    kg.InvestmentQuery
		want int
	}{
		{"by Xiaomi", kg.InvestmentQuery{InvestorID: "org:xiaomi"}, 1},
		{"into Costa Rica, through its places", kg.InvestmentQuery{TargetID: "country:costa-rica"}, 1},
		{"into San José", kg.InvestmentQuery{TargetID: "place:san-jose-costa-rica"}, 1},
		{"into Peru", kg.InvestmentQuery{TargetID: "country:peru"}, 0},
		{"in 2020", kg.InvestmentQuery{InvestorID: "org:xiaomi", To: kg.MustParseDate("2020")}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := must[[]kg.Investment](t)(investmentsAll(ctx, s, tt.q))
			if len(got) != tt.want {
				t.Fatalf("got %+v, want %d", got, tt.want)
			}
			if tt.want > 0 && (got[0].InvestorID != "org:xiaomi" || got[0].EventID != "event:2021-11-05-xiaomi-san-jose-store-opening") {
				t.Errorf("got %+v, want Xiaomi's store opening", got[0])
			}
		})
	}
}

func testSearch(t *testing.T, ctx context.Context, s kg.Store) {
	tests := []struct {
		query string
		kinds []kg.Kind
		first string // the expected best hit
	}{
		{"muhlbauer", nil, "org:muhlbauer"},
		{"MÜHLBAUER", nil, "org:muhlbauer"},
		{"peru", []kg.Kind{kg.KindCountry}, "country:peru"},
		{"Perú", nil, "country:peru"},
		{"san jose", []kg.Kind{kg.KindPlace}, "place:san-jose-costa-rica"},
		{"xiao", nil, "org:xiaomi"},
		{"pablo gonzalez", nil, "person:pablo-gonzalez"},
		{"National People's Congress", nil, "org:national-peoples-congress"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			hits := must[[]kg.SearchHit](t)(s.Search(ctx, kg.SearchQuery{Text: tt.query, Kinds: tt.kinds, First: 5}))
			if len(hits) == 0 || hits[0].EntityID != tt.first {
				t.Errorf("search %q = %v, want %s first", tt.query, hitIDs(hits), tt.first)
			}
		})
	}
	// Lucene syntax is data: these must neither fail nor match everything.
	for _, q := range []string{`AND OR NOT`, `*`, `peru~2`, `"unterminated`, `name:(x) || y^3 \`, `[a TO z]`, `   `} {
		hits, err := s.Search(ctx, kg.SearchQuery{Text: q, First: 10})
		if err != nil {
			t.Errorf("search %q: %v", q, err)
		}
		if len(hits) > 3 {
			t.Errorf("search %q matched %d entities: %v", q, len(hits), hitIDs(hits))
		}
	}
}

func testBadInput(t *testing.T, ctx context.Context, s kg.Store) {
	check := func(name string, err error) {
		t.Helper()
		if code := kg.ErrorCode(err); code != kg.EINVALID {
			t.Errorf("%s: error %v (code %q), want code %s", name, err, code, kg.EINVALID)
		}
	}
	_, err := s.ListEntities(ctx, kg.EntityFilter{}, kg.PageRequest{First: 0})
	check("first 0", err)
	_, err = s.ListEvents(ctx, kg.EventFilter{}, kg.PageRequest{First: kg.MaxPageSize + 1})
	check("first too large", err)
	_, err = s.ListEntities(ctx, kg.EntityFilter{}, kg.PageRequest{First: 5, After: "not a cursor!"})
	check("bad cursor", err)
	_, err = s.Search(ctx, kg.SearchQuery{Text: "peru", First: 1000})
	check("search first too large", err)
}

func testSeedTwice(t *testing.T, ctx context.Context, s kg.Store) {
	before := must[kg.Stats](t)(s.Stats(ctx))
	d := mustDigestCopy(t, ctx, s)
	if _, err := service.Seed(ctx, s, d); err != nil {
		t.Fatal(err)
	}
	after := must[kg.Stats](t)(s.Stats(ctx))
	if before != after {
		t.Errorf("seeding again changed the counts from %+v to %+v", before, after)
	}
	bad := &kg.Dataset{Entities: []*kg.Entity{{ID: "org:x", Kind: kg.KindOrganization, Name: "X"}}}
	if _, err := service.Seed(ctx, s, bad); !errors.As(err, new(*kg.Error)) {
		t.Errorf("seeding an entity without a source: %v, want a validation error", err)
	}
	if got := must[kg.Stats](t)(s.Stats(ctx)); got != after {
		t.Errorf("a refused seed changed the counts from %+v to %+v", after, got)
	}
}

func testDescendingPages(t *testing.T, ctx context.Context, s kg.Store) {
	asc := must[*kg.EntityPage](t)(s.ListEvents(ctx, kg.EventFilter{}, kg.PageRequest{First: 100}))
	var desc []string
	after := ""
	for {
		p := must[*kg.EntityPage](t)(s.ListEvents(ctx, kg.EventFilter{Descending: true}, kg.PageRequest{First: 4, After: after}))
		desc = append(desc, ids(p.Entities)...)
		if !p.HasNext {
			break
		}
		after = p.Cursors[len(p.Cursors)-1]
	}
	want := ids(asc.Entities)
	slices.Reverse(want)
	if !slices.Equal(desc, want) {
		t.Errorf("descending pages %v, want the reverse of %v", desc, ids(asc.Entities))
	}
}

func testPaths(t *testing.T, ctx context.Context, s kg.Store) {
	q := kg.PathQuery{From: "person:li-zhanshu", To: "person:maria-del-carmen-alva", MaxLength: 3, Limit: 50}
	walks := must[[]kg.Walk](t)(s.Walks(ctx, q))
	paths, err := kg.FinishPaths(q, walks)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 || len(paths[0].Nodes) != 3 || paths[0].Nodes[1] != "event:2021-11-10-li-zhanshu-alva-video-call" {
		t.Fatalf("paths %v, want the video call first", paths)
	}
	for i, p := range paths {
		if i > 0 && len(p.Nodes) < len(paths[i-1].Nodes) {
			t.Errorf("path %d is shorter than the one before", i)
		}
		seen := map[string]bool{}
		for _, n := range p.Nodes {
			if seen[n] {
				t.Errorf("path %v visits %s twice", p.Nodes, n)
			}
			seen[n] = true
		}
	}
	if w := must[[]kg.Walk](t)(s.Walks(ctx, kg.PathQuery{From: "person:li-zhanshu", To: "person:nobody", MaxLength: 4, Limit: 5})); len(w) != 0 {
		t.Errorf("walks to an unknown entity: %v", w)
	}
}

// testHubs adds a consortium with more members than kg.HubDegree and
// checks that a neighborhood shows it without expanding it.
func testHubs(t *testing.T, ctx context.Context, s kg.Store) {
	const members = kg.HubDegree + 10
	src := &kg.Source{ID: "source:hub-test", Title: "Hub test"}
	d := &kg.Dataset{Sources: []*kg.Source{src}}
	hub := &kg.Entity{ID: "org:hub-test-consortium", Kind: kg.KindOrganization, Name: "Hub Test Consortium", Sources: []string{src.ID}}
	d.Entities = append(d.Entities, hub)
	for i := range members {
		m := &kg.Entity{ID: fmt.Sprintf("org:hub-test-member-%02d", i), Kind: kg.KindOrganization,
			Name: fmt.Sprintf("Hub Test Member %02d", i), Sources: []string{src.ID}}
		d.Entities = append(d.Entities, m)
		d.Relations = append(d.Relations, &kg.Relation{Type: kg.RelMemberOf, From: m.ID, To: hub.ID, Sources: []string{src.ID}})
	}
	if _, err := service.Seed(ctx, s, d); err != nil {
		t.Fatal(err)
	}
	sub, err := service.Neighborhood(ctx, s, kg.NeighborhoodQuery{ID: "org:hub-test-member-00", Depth: 2, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sub.Nodes, []string{"org:hub-test-member-00", hub.ID}) || !slices.Equal(sub.Hubs, []string{hub.ID}) || sub.Truncated {
		t.Errorf("neighborhood through a hub: nodes %v, hubs %v, truncated %v; want the hub shown, not expanded", sub.Nodes, sub.Hubs, sub.Truncated)
	}
	center, err := service.Neighborhood(ctx, s, kg.NeighborhoodQuery{ID: hub.ID, Depth: 1, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(center.Nodes) != 10 || !center.Truncated || center.Nodes[0] != hub.ID || center.Nodes[1] != "org:hub-test-member-00" {
		t.Errorf("a hub as the center, limit 10: %v, truncated %v", center.Nodes, center.Truncated)
	}
	if len(center.Edges) != 9 {
		t.Errorf("%d edges among 10 nodes of a star, want 9", len(center.Edges))
	}
	// Through the hub, a member sees the hub's relations of lowest ID, on
	// every backend alike.
	rels := must[[]*kg.Relation](t)(s.Relations(ctx, []string{hub.ID}, kg.HubDegree))
	if len(rels) != kg.HubDegree+1 {
		t.Fatalf("the hub's first %d relations: got %d", kg.HubDegree+1, len(rels))
	}
	for i, r := range rels {
		want := kg.RelationID(kg.RelMemberOf, fmt.Sprintf("org:hub-test-member-%02d", i), hub.ID, "")
		if r.ID != want {
			t.Errorf("hub relation %d: %s, want %s (the lowest IDs)", i, r.ID, want)
		}
	}
	page := must[[]kg.LinkPage](t)(s.Links(ctx, []string{hub.ID},
		kg.LinkQuery{Types: []kg.RelationType{kg.RelMemberOf}, Direction: kg.DirIn, Order: kg.LinksByName},
		kg.PageRequest{First: 10, Count: true}))
	if p := page[0]; len(p.Links) != 10 || !p.HasNext || p.TotalCount != kg.HubDegree+10 || p.Links[0].Other != "org:hub-test-member-00" {
		t.Errorf("the hub's first 10 members by name: %d links, hasNext %v, total %d", len(p.Links), p.HasNext, p.TotalCount)
	}
}

// whoMetAll pages through everyone who met the entity.
func whoMetAll(ctx context.Context, s kg.Store, q kg.WhoMetQuery) ([]kg.Contact, error) {
	var out []kg.Contact
	p := kg.PageRequest{First: kg.MaxListSize}
	for {
		page, err := s.WhoMet(ctx, q, p)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Contacts...)
		if !page.HasNext {
			return out, nil
		}
		p.After = page.Cursors[len(page.Cursors)-1]
	}
}

// investmentsAll pages through the investments that match q.
func investmentsAll(ctx context.Context, s kg.Store, q kg.InvestmentQuery) ([]kg.Investment, error) {
	var out []kg.Investment
	p := kg.PageRequest{First: kg.MaxListSize}
	for {
		page, err := s.Investments(ctx, q, p)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Investments...)
		if !page.HasNext {
			return out, nil
		}
		p.After = page.Cursors[len(page.Cursors)-1]
	}
}

// testLinks pages through the lists under an entity on the seed data: the
// orders, filters and counts, and pages that chain without gaps or
// repeats.
func testLinks(t *testing.T, ctx context.Context, s kg.Store) {
	const li = "person:li-zhanshu"
	all := func(q kg.LinkQuery, size int) ([]kg.Link, int) {
		var out []kg.Link
		p := kg.PageRequest{First: size, Count: true}
		total := -1
		for {
			pages := must[[]kg.LinkPage](t)(s.Links(ctx, []string{li}, q, p))
			if len(pages) != 1 {
				t.Fatalf("%d pages for one entity", len(pages))
			}
			if total >= 0 && pages[0].TotalCount != total {
				t.Errorf("total %d on a later page, %d on the first", pages[0].TotalCount, total)
			}
			total = pages[0].TotalCount
			out = append(out, pages[0].Links...)
			if len(pages[0].Links) != len(pages[0].Cursors) {
				t.Fatalf("%d links, %d cursors", len(pages[0].Links), len(pages[0].Cursors))
			}
			if !pages[0].HasNext {
				return out, total
			}
			p.After = pages[0].Cursors[len(pages[0].Cursors)-1]
		}
	}
	rels := must[[]*kg.Relation](t)(s.Relations(ctx, []string{li}, 1000))
	byID, total := all(kg.LinkQuery{}, 1000)
	if len(byID) != len(rels) || total != len(rels) {
		t.Fatalf("links by ID: %d (total %d), want the %d relations", len(byID), total, len(rels))
	}
	for i, l := range byID {
		if l.Relation.ID != rels[i].ID || l.Other != l.Relation.Other(li) {
			t.Errorf("link %d: %s (other %s), want %s", i, l.Relation.ID, l.Other, rels[i].ID)
		}
	}
	for _, size := range []int{1, 2, 3} {
		paged, _ := all(kg.LinkQuery{}, size)
		if len(paged) != len(byID) {
			t.Errorf("pages of %d: %d links, want %d", size, len(paged), len(byID))
		}
		for i := range paged {
			if i < len(byID) && paged[i].Relation.ID != byID[i].Relation.ID {
				t.Errorf("pages of %d: link %d is %s, want %s", size, i, paged[i].Relation.ID, byID[i].Relation.ID)
			}
		}
	}
	parts, n := all(kg.LinkQuery{Types: []kg.RelationType{kg.RelParticipatedIn}, Direction: kg.DirOut, Order: kg.LinksByDate}, 2)
	if n != len(parts) || n == 0 {
		t.Errorf("participations: %d, total %d", len(parts), n)
	}
	evs := must[[]*kg.Entity](t)(s.Entities(ctx, otherEnds(parts)))
	date := map[string]string{}
	for _, e := range evs {
		date[e.ID] = e.Date.SortKey()
	}
	for i := 1; i < len(parts); i++ {
		if date[parts[i-1].Other] > date[parts[i].Other] {
			t.Errorf("participations out of date order: %s before %s", parts[i-1].Other, parts[i].Other)
		}
	}
	for _, l := range parts {
		if l.Relation.Type != kg.RelParticipatedIn || l.Relation.From != li {
			t.Errorf("a participation that is not Li's: %s", l.Relation.ID)
		}
	}
	related, n := all(kg.LinkQuery{Order: kg.LinksByName}, 2)
	if n != len(related) {
		t.Errorf("related: %d, total %d", len(related), n)
	}
	es := must[[]*kg.Entity](t)(s.Entities(ctx, otherEnds(related)))
	name := map[string]string{}
	for _, e := range es {
		name[e.ID] = e.SortName()
	}
	seen := map[string]bool{}
	for i, l := range related {
		if l.Relation != nil || seen[l.Other] {
			t.Errorf("related %s: given twice or with a relation", l.Other)
		}
		seen[l.Other] = true
		if i > 0 && name[related[i-1].Other] > name[l.Other] {
			t.Errorf("related out of name order: %s before %s", related[i-1].Other, l.Other)
		}
	}
	hosts, _ := all(kg.LinkQuery{Types: []kg.RelationType{kg.RelParticipatedIn}, Direction: kg.DirOut, Role: "NO-SUCH-ROLE"}, 5)
	if len(hosts) != 0 {
		t.Errorf("a role no one plays: %d links", len(hosts))
	}
	// A batch of entities gives one page each, in the order asked.
	ids := []string{"org:xiaomi", "person:nobody", li}
	pages := must[[]kg.LinkPage](t)(s.Links(ctx, ids, kg.LinkQuery{}, kg.PageRequest{First: 2}))
	if len(pages) != 3 || len(pages[1].Links) != 0 || len(pages[2].Links) != 2 || pages[2].Links[0].Relation.ID != byID[0].Relation.ID {
		t.Errorf("a batch of three: %+v", pages)
	}
	if _, err := s.Links(ctx, ids, kg.LinkQuery{}, kg.PageRequest{First: kg.MaxListSize + 1}); kg.ErrorCode(err) != kg.EINVALID {
		t.Errorf("first over the maximum: %v, want %s", err, kg.EINVALID)
	}
}

func otherEnds(links []kg.Link) []string {
	out := make([]string, len(links))
	for i, l := range links {
		out[i] = l.Other
	}
	return out
}
