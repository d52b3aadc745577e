package kgtest

import (
	"context"
	"slices"
	"testing"

	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/service"
)

// The evidence graph: a meeting with stated, inferred and background
// participants, an investment into a place whose country is background
// knowledge, undated talks, and a discrepancy.
const (
	evAna     = "person:ev-ana"
	evBo      = "person:ev-bo"
	evOffice  = "org:ev-office"
	evAcme    = "org:ev-acme"
	evLima    = "place:ev-lima"
	evLand    = "country:ev-land"
	evMeeting = "event:ev-meeting"
	evTalks   = "event:ev-talks"
	evInvest  = "event:ev-investment"
	evSrcA    = "source:ev-test-a"
	evSrcB    = "source:ev-test-b"
)

func evidenceDataset() *kg.Dataset {
	part := func(from, to string, role kg.Role) string { return kg.RelationID(kg.RelParticipatedIn, from, to, role) }
	a, b := []string{evSrcA}, []string{evSrcB}
	return &kg.Dataset{
		Sources: []*kg.Source{
			{ID: evSrcA, Title: "Evidence test A", PublishedAt: kg.MustParseDate("2020-03"),
				Excerpt: "Ana met Bo in Lima. Acme is based in Land. Ana chairs the Office."},
			{ID: evSrcB, Title: "Evidence test B", PublishedAt: kg.MustParseDate("2020-05-02"),
				Excerpt: "Acme invested in Lima. Ana and Bo recently held talks."},
		},
		Entities: []*kg.Entity{
			{ID: evAna, Kind: kg.KindPerson, Name: "Ev Ana", Sources: a},
			{ID: evBo, Kind: kg.KindPerson, Name: "Ev Bo", Sources: a},
			{ID: evOffice, Kind: kg.KindOrganization, Name: "Ev Office", Sources: a},
			{ID: evAcme, Kind: kg.KindOrganization, Name: "Ev Acme", Sources: a},
			{ID: evLima, Kind: kg.KindPlace, Name: "Ev Lima", Sources: a},
			{ID: evLand, Kind: kg.KindCountry, Name: "Ev Land", Sources: a},
			{ID: evMeeting, Kind: kg.KindEvent, Name: "Ev meeting", Category: kg.CategoryMeeting,
				Date: kg.MustParseDate("2020-03-01"), Sources: a,
				Discrepancies: []kg.Discrepancy{{Source: evSrcA, About: "place", Says: "Ana met Bo in Lima.", Known: "They met in Callao."}}},
			{ID: evTalks, Kind: kg.KindEvent, Name: "Ev talks", Category: kg.CategoryPartnershipTalks, Sources: b},
			{ID: evInvest, Kind: kg.KindEvent, Name: "Ev investment", Category: kg.CategoryInvestment,
				Date: kg.MustParseDate("2020-05"), Sources: b},
		},
		Relations: []*kg.Relation{
			{Type: kg.RelParticipatedIn, From: evAna, To: evMeeting, Role: "PARTICIPANT", Quote: "Ana met Bo in Lima.", Sources: a, Basis: kg.BasisStated},
			{Type: kg.RelParticipatedIn, From: evBo, To: evMeeting, Role: "PARTICIPANT", Quote: "Ana met Bo in Lima.", Sources: a},
			{Type: kg.RelHoldsPosition, From: evAna, To: evOffice, Title: "Chair", Quote: "Ana chairs the Office.", Sources: a},
			{Type: kg.RelParticipatedIn, From: evOffice, To: evMeeting, Role: "PARTICIPANT", Basis: kg.BasisInferred,
				Rule: kg.RuleOfficeHolderRepresents, RestsOn: []string{
					part(evAna, evMeeting, "PARTICIPANT"), kg.RelationID(kg.RelHoldsPosition, evAna, evOffice, "")}},
			{Type: kg.RelParticipatedIn, From: evAcme, To: evMeeting, Role: "PARTICIPANT", Basis: kg.BasisBackground,
				Note: "Acme attends every such meeting."},
			{Type: kg.RelHeldAt, From: evMeeting, To: evLima, Quote: "Ana met Bo in Lima.", Sources: a},
			{Type: kg.RelLocatedIn, From: evLima, To: evLand, Basis: kg.BasisBackground, Note: "Lima lies in Land.", Sources: b},
			{Type: kg.RelBasedIn, From: evAcme, To: evLand, Quote: "Acme is based in Land.", Sources: a},
			{Type: kg.RelParticipatedIn, From: evAcme, To: evInvest, Role: kg.RoleInvestor, Quote: "Acme invested in Lima.", Sources: b},
			{Type: kg.RelHeldAt, From: evInvest, To: evLima, Quote: "Acme invested in Lima.", Sources: b},
			{Type: kg.RelParticipatedIn, From: evAna, To: evTalks, Role: "PARTICIPANT", Quote: "Ana and Bo recently held talks.", Sources: b},
			{Type: kg.RelParticipatedIn, From: evBo, To: evTalks, Role: "PARTICIPANT", Quote: "Ana and Bo recently held talks.", Sources: b},
		},
	}
}

// testEvidence checks, on a graph of its own, that every backend keeps a
// relation's basis and evidence and an entity's discrepancies, and filters
// by basis alike: Relations, WhoMet, Investments, Timeline, Walks and the
// neighborhoods built on them; that WhoMet leaves out the entity's own
// organizations; and that events filter by when they were reported, an
// undated event by no date.
func testEvidence(t *testing.T, ctx context.Context, s kg.Store) {
	if _, err := service.Seed(ctx, s, evidenceDataset()); err != nil {
		t.Fatal(err)
	}
	t.Run("kept", func(t *testing.T) {
		rels := must[[]*kg.Relation](t)(s.Relations(ctx, []string{evMeeting}, 100))
		byFrom := map[string]*kg.Relation{}
		for _, r := range rels {
			byFrom[r.From] = r
		}
		inf, bg, st := byFrom[evOffice], byFrom[evAcme], byFrom[evBo]
		if inf == nil || inf.Basis != kg.BasisInferred || inf.Rule != kg.RuleOfficeHolderRepresents || len(inf.RestsOn) != 2 || len(inf.Sources) != 0 {
			t.Errorf("inferred participation = %+v", inf)
		}
		if bg == nil || bg.Basis != kg.BasisBackground || bg.Note != "Acme attends every such meeting." {
			t.Errorf("background participation = %+v", bg)
		}
		if st == nil || st.Basis != kg.BasisStated {
			t.Errorf("a relation written without a basis = %+v, want it STATED", st)
		}
		ev := must[[]*kg.Entity](t)(s.Entities(ctx, []string{evMeeting}))
		if len(ev) != 1 || len(ev[0].Discrepancies) != 1 || ev[0].Discrepancies[0] != evidenceDataset().Entities[6].Discrepancies[0] {
			t.Errorf("the meeting's discrepancies: %+v", ev)
		}
	})
	t.Run("Relations", func(t *testing.T) {
		all := must[[]*kg.Relation](t)(s.Relations(ctx, []string{evMeeting}, 100))
		stated := must[[]*kg.Relation](t)(s.Relations(ctx, []string{evMeeting}, 100, kg.BasisStated))
		if len(all) != 5 || len(stated) != 3 {
			t.Errorf("the meeting's relations: %d, %d stated; want 5, 3 stated", len(all), len(stated))
		}
		for _, r := range stated {
			if !r.IsStated() {
				t.Errorf("stated only, got %s (%s)", r.ID, r.Basis)
			}
		}
		bg := must[[]*kg.Relation](t)(s.Relations(ctx, []string{evMeeting}, 100, kg.BasisBackground, kg.BasisInferred))
		if len(bg) != 2 {
			t.Errorf("the meeting's inferred and background relations: %d, want 2", len(bg))
		}
		// The bound counts the relations kept, not those filtered out.
		if one := must[[]*kg.Relation](t)(s.Relations(ctx, []string{evMeeting}, 0, kg.BasisInferred)); len(one) != 1 || one[0].From != evOffice {
			t.Errorf("max 0 of the inferred: %v", one)
		}
	})
	t.Run("WhoMet", func(t *testing.T) {
		contacts := func(q kg.WhoMetQuery) []string {
			var out []string
			for _, c := range must[[]kg.Contact](t)(whoMetAll(ctx, s, q)) {
				out = append(out, c.EntityID)
			}
			return out
		}
		// Ana's own office took part too, but is hers: not someone she met.
		if got := contacts(kg.WhoMetQuery{ID: evAna}); !slices.Equal(got, []string{evAcme, evBo}) {
			t.Errorf("whoMet(Ana) = %v, want Acme and Bo, not her office", got)
		}
		if got := contacts(kg.WhoMetQuery{ID: evAna, StatedOnly: true}); !slices.Equal(got, []string{evBo}) {
			t.Errorf("whoMet(Ana, stated only) = %v, want Bo", got)
		}
		if got := contacts(kg.WhoMetQuery{ID: evOffice}); !slices.Equal(got, []string{evAcme, evAna, evBo}) {
			t.Errorf("whoMet(the office) = %v", got)
		}
		if got := contacts(kg.WhoMetQuery{ID: evOffice, StatedOnly: true}); len(got) != 0 {
			t.Errorf("whoMet(the office, stated only) = %v, want none: its participation is inferred", got)
		}
		met := must[[]kg.Contact](t)(whoMetAll(ctx, s, kg.WhoMetQuery{ID: evAna}))
		for _, c := range met {
			if c.EntityID == evBo && !slices.Equal(c.Meetings, []string{evMeeting, evTalks}) {
				t.Errorf("Ana met Bo at %v, want the meeting, then the undated talks", c.Meetings)
			}
		}
		if got := must[[]kg.Contact](t)(whoMetAll(ctx, s, kg.WhoMetQuery{ID: evAna, From: kg.MustParseDate("2020")})); len(got) != 2 {
			t.Errorf("whoMet(Ana) in 2020 = %v", got)
		} else if c := got[1]; c.EntityID != evBo || !slices.Equal(c.Meetings, []string{evMeeting}) {
			t.Errorf("whoMet(Ana) in 2020: Bo at %v, want the dated meeting only", c.Meetings)
		}
	})
	t.Run("Investments", func(t *testing.T) {
		for _, tt := range []struct {
			q    kg.InvestmentQuery
			want int
		}{
			{kg.InvestmentQuery{TargetID: evLand}, 1},
			{kg.InvestmentQuery{TargetID: evLand, StatedOnly: true}, 0}, // Lima lies in Land by background knowledge
			{kg.InvestmentQuery{TargetID: evLima, StatedOnly: true}, 1},
			{kg.InvestmentQuery{InvestorID: evAcme, StatedOnly: true}, 1},
		} {
			if got := must[[]kg.Investment](t)(investmentsAll(ctx, s, tt.q)); len(got) != tt.want {
				t.Errorf("investments %+v: %v, want %d", tt.q, got, tt.want)
			}
		}
	})
	t.Run("Timeline", func(t *testing.T) {
		timeline := func(q kg.TimelineQuery) []string {
			return must[*kg.IDPage](t)(s.Timeline(ctx, q, kg.PageRequest{First: 100})).IDs
		}
		if got := timeline(kg.TimelineQuery{ID: evLand}); !slices.Equal(got, []string{evMeeting, evInvest}) {
			t.Errorf("timeline(Land) = %v", got)
		}
		// Stated: Acme is based in Land, and invested; its part in the
		// meeting, and Lima's place in Land, are background knowledge.
		if got := timeline(kg.TimelineQuery{ID: evLand, StatedOnly: true}); !slices.Equal(got, []string{evInvest}) {
			t.Errorf("timeline(Land, stated only) = %v, want the investment", got)
		}
	})
	t.Run("Paths", func(t *testing.T) {
		// Stated: Ana, the meeting, Lima, the investment, Acme; not through
		// Acme's background part in the meeting.
		q := kg.PathQuery{From: evAna, To: evAcme, MaxLength: 4, Limit: 50}
		all := must[*kg.PathSet](t)(service.Paths(ctx, s, q)).Paths
		q.StatedOnly = true
		stated := must[*kg.PathSet](t)(service.Paths(ctx, s, q)).Paths
		if len(all) == 0 || len(stated) == 0 || len(stated) >= len(all) {
			t.Fatalf("paths from Ana to Acme: %d, %d stated", len(all), len(stated))
		}
		for _, p := range stated {
			for _, r := range must[[]*kg.Relation](t)(s.RelationsByID(ctx, p.Edges)) {
				if !r.IsStated() {
					t.Errorf("a stated path %v runs over %s (%s)", p.Nodes, r.ID, r.Basis)
				}
			}
		}
	})
	t.Run("Neighborhood", func(t *testing.T) {
		sub := must[*kg.Subgraph](t)(service.Neighborhood(ctx, s, kg.NeighborhoodQuery{ID: evMeeting, Depth: 1, Limit: 100, StatedOnly: true}))
		if !slices.Equal(sub.Nodes, []string{evMeeting, evAna, evBo, evLima}) || len(sub.Edges) != 3 {
			t.Errorf("the meeting's stated neighborhood: %v, %d edges", sub.Nodes, len(sub.Edges))
		}
	})
	t.Run("Quoting", func(t *testing.T) {
		rels, es, err := s.Quoting(ctx, evSrcA, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(rels) != 5 || len(es) != 1 || es[0].ID != evMeeting {
			t.Errorf("facts quoting source A: %d relations, %v; want 5 and the meeting", len(rels), ids(es))
		}
		for _, r := range rels {
			if r.Quote == "" || !slices.Contains(r.Sources, evSrcA) {
				t.Errorf("%s does not quote source A", r.ID)
			}
		}
		if rels, _, _ := s.Quoting(ctx, evSrcA, 1); len(rels) != 2 {
			t.Errorf("at most max+1 relations: got %d", len(rels))
		}
		// A new text must keep the words its facts quote.
		edit := func(excerpt string) error {
			return service.Write(ctx, s, func(ctx context.Context) (*kg.ChangeSet, error) {
				return service.PlanSource(ctx, s, &kg.Source{ID: evSrcA, Title: "Evidence test A", PublishedAt: kg.MustParseDate("2020-03"), Excerpt: excerpt})
			})
		}
		if err := edit("Ana met Bo in Lima, they say."); kg.ErrorCode(err) != kg.EINVALID {
			t.Errorf("a text without the quotes: %v, want %s", err, kg.EINVALID)
		}
		if err := edit("Ana met Bo in Lima. Acme is based in Land. Ana chairs the Office. Then they parted."); err != nil {
			t.Errorf("a text that keeps the quotes: %v", err)
		}
	})
	t.Run("Reported", func(t *testing.T) {
		// Every event of the digest was reported in November 2021, so the
		// windows of 2020 find the evidence graph's only.
		events := func(f kg.EventFilter) []string {
			return ids(must[*kg.EntityPage](t)(s.ListEvents(ctx, f, kg.PageRequest{First: 100})).Entities)
		}
		may := kg.MustParseDate("2020-05")
		if got := events(kg.EventFilter{From: may, To: may}); !slices.Equal(got, []string{evInvest}) {
			t.Errorf("events of May 2020: %v, want the investment (the talks have no date)", got)
		}
		if got := events(kg.EventFilter{ReportedFrom: may, ReportedTo: may}); !slices.Equal(got, []string{evInvest, evTalks}) {
			t.Errorf("events reported in May 2020: %v, want the investment and the undated talks", got)
		}
		if got := events(kg.EventFilter{ReportedFrom: kg.MustParseDate("2020-03-31"), ReportedTo: kg.MustParseDate("2020-12")}); !slices.Equal(got, []string{evMeeting, evInvest, evTalks}) {
			t.Errorf("events reported from 31 March 2020: %v, want all three: a source of March 2020 covers the month", got)
		}
		if got := events(kg.EventFilter{ReportedTo: kg.MustParseDate("2020-05-01")}); !slices.Equal(got, []string{evMeeting}) {
			t.Errorf("events reported until 1 May 2020: %v, want the meeting", got)
		}
		if got := events(kg.EventFilter{ReportedFrom: may, ReportedTo: may, Participant: evAna}); !slices.Equal(got, []string{evTalks}) {
			t.Errorf("Ana's events reported in May 2020: %v, want the talks", got)
		}
	})
}
