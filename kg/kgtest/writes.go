package kgtest

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/service"
)

// RunWrites runs the write conformance suite: every planner's change set
// applied, refused or interrupted at each failpoint, on stores opened by
// open (which must hold exactly the seed dataset).
func RunWrites(t *testing.T, open func(tb testing.TB) kg.Store) {
	s := open(t)
	ctx := context.Background()
	stamp := kg.Stamp{By: "editor#test", At: time.Date(2021, 11, 20, 12, 0, 0, 0, time.UTC)}

	writes := []struct {
		name string
		plan func(ctx context.Context) (*kg.ChangeSet, error)
	}{
		{"source", func(ctx context.Context) (*kg.ChangeSet, error) {
			u := "https://example.org/news/1"
			return service.PlanSource(ctx, s, &kg.Source{ID: "source:test-news", Title: "Test news", URL: &u})
		}},
		{"entity", func(ctx context.Context) (*kg.ChangeSet, error) {
			return service.PlanEntity(ctx, s, service.EntityInput{
				Entity: &kg.Entity{ID: "org:test-trading", Kind: kg.KindOrganization, Name: "Test Trading", OrgType: "COMPANY",
					Sources: []string{"source:03-xiaomi-costa-rica-store"}},
				Relations:        []*kg.Relation{{Type: kg.RelBasedIn, To: "country:peru", Sources: []string{"source:03-xiaomi-costa-rica-store"}}},
				ReplaceRelations: true,
			}, stamp)
		}},
		{"event", func(ctx context.Context) (*kg.ChangeSet, error) {
			return service.PlanEvent(ctx, s, service.EventInput{
				Event: &kg.Entity{ID: "event:2021-11-20-test-meeting", Kind: kg.KindEvent, Name: "Test meeting",
					Category: kg.CategoryMeeting, Date: kg.MustParseDate("2021-11-20"), Sources: []string{"source:07-li-zhanshu-alva-meeting"}},
				Participants: []*kg.Relation{
					{From: "person:li-zhanshu", Role: "HOST"},
					{From: "person:pablo-gonzalez", Role: "GUEST"},
				},
				Places: []string{"place:shanghai"},
			}, stamp)
		}},
		{"delete", func(ctx context.Context) (*kg.ChangeSet, error) {
			p, err := service.PlanDelete(ctx, s, "person:maria-del-carmen-alva")
			if err != nil {
				return nil, err
			}
			return p.Changes, nil
		}},
		{"merge", func(ctx context.Context) (*kg.ChangeSet, error) {
			return service.PlanMerge(ctx, s, "person:pablo-gonzalez", []string{"person:alberto-hensel"}, stamp)
		}},
	}
	for _, w := range writes {
		t.Run(w.name, func(t *testing.T) {
			before := dump(t, ctx, s)
			for _, fp := range kg.Failpoints {
				err := service.Write(kg.WithFailpoint(ctx, fp), s, w.plan)
				if !errors.Is(err, kg.ErrInjected) {
					t.Fatalf("failpoint %s: error %v, want the injected failure", fp, err)
				}
				if after := dump(t, ctx, s); after != before {
					t.Fatalf("a write interrupted %s changed the store", fp)
				}
			}
			if err := service.Write(ctx, s, w.plan); err != nil {
				t.Fatalf("write: %v", err)
			}
			if dump(t, ctx, s) == before {
				t.Fatal("the write changed nothing")
			}
		})
	}
	t.Run("results", func(t *testing.T) { checkWriteResults(t, ctx, s) })
	t.Run("conflict", func(t *testing.T) {
		c, err := service.PlanEntity(ctx, s, service.EntityInput{Entity: &kg.Entity{ID: "org:test-trading", Kind: kg.KindOrganization,
			Name: "Test Trading Co.", Sources: []string{"source:test-news"}}}, stamp)
		if err != nil {
			t.Fatal(err)
		}
		c.Expect["org:test-trading"]-- // as if another write came first
		if err := s.Apply(ctx, c); kg.ErrorCode(err) != kg.ECONFLICT {
			t.Errorf("stale write: %v, want %s", err, kg.ECONFLICT)
		}
	})
	t.Run("refusals", func(t *testing.T) { checkRefusals(t, ctx, s, stamp) })
}

// dump returns the store's whole graph as JSON.
func dump(t *testing.T, ctx context.Context, s kg.Store) string {
	t.Helper()
	d, err := s.Dump(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func checkWriteResults(t *testing.T, ctx context.Context, s kg.Store) {
	es := must[[]*kg.Entity](t)(s.Entities(ctx, []string{"org:test-trading", "event:2021-11-20-test-meeting", "person:pablo-gonzalez"}))
	byID := map[string]*kg.Entity{}
	for _, e := range es {
		byID[e.ID] = e
	}
	if e := byID["org:test-trading"]; e == nil || e.UpdatedBy != "editor#test" || e.UpdatedAt != "2021-11-20T12:00:00Z" || e.CreatedBy != "editor#test" {
		t.Errorf("new entity %+v, want it stamped by editor#test", e)
	}
	if byID["event:2021-11-20-test-meeting"] == nil {
		t.Error("the new event is missing")
	}
	if ms := must[[]kg.Contact](t)(whoMetAll(ctx, s, kg.WhoMetQuery{ID: "person:li-zhanshu"})); !slices.ContainsFunc(ms, func(c kg.Contact) bool { return c.EntityID == "person:pablo-gonzalez" }) {
		t.Errorf("whoMet(Li) = %v, want the new meeting with Pablo González", ms)
	}
	if gone := must[[]*kg.Entity](t)(s.Entities(ctx, []string{"person:maria-del-carmen-alva", "person:alberto-hensel"})); len(gone) != 0 {
		t.Errorf("deleted and merged entities still there: %v", ids(gone))
	}
	rels := must[[]*kg.Relation](t)(s.Relations(ctx, []string{"person:maria-del-carmen-alva"}, 1000))
	if len(rels) != 0 {
		t.Errorf("the deleted entity kept %d relations", len(rels))
	}
	pablo := byID["person:pablo-gonzalez"]
	if pablo == nil || !slices.Contains(pablo.Aliases, "Alberto Hensel") {
		t.Errorf("kept entity %+v, want the merged name among its aliases", pablo)
	}
	if to := must[string](t)(s.Redirect(ctx, "person:alberto-hensel")); to != "person:pablo-gonzalez" {
		t.Errorf("redirect of the merged ID = %q", to)
	}
	moved := must[[]*kg.Relation](t)(s.Relations(ctx, []string{"person:pablo-gonzalez"}, 1000))
	if !slices.ContainsFunc(moved, func(r *kg.Relation) bool {
		return r.Type == kg.RelHoldsPosition && r.To == "org:argentina-secretariat-of-mining"
	}) {
		t.Errorf("the merged entity's position did not move: %v", moved)
	}
}

func checkRefusals(t *testing.T, ctx context.Context, s kg.Store, stamp kg.Stamp) {
	before := dump(t, ctx, s)
	src := []string{"source:test-news"}
	tests := []struct {
		name  string
		plan  func() (*kg.ChangeSet, error)
		code  string
		field string
	}{
		{"no source", func() (*kg.ChangeSet, error) {
			return service.PlanEntity(ctx, s, service.EntityInput{Entity: &kg.Entity{ID: "org:x", Kind: kg.KindOrganization, Name: "X"}}, stamp)
		}, kg.EINVALID, "sources"},
		{"unknown source", func() (*kg.ChangeSet, error) {
			return service.PlanEntity(ctx, s, service.EntityInput{Entity: &kg.Entity{ID: "org:x", Kind: kg.KindOrganization, Name: "X", Sources: []string{"source:nope"}}}, stamp)
		}, kg.EINVALID, "sources"},
		{"bad country code", func() (*kg.ChangeSet, error) {
			return service.PlanEntity(ctx, s, service.EntityInput{Entity: &kg.Entity{ID: "country:x", Kind: kg.KindCountry, Name: "X", CountryCode: "XX", Sources: src}}, stamp)
		}, kg.EINVALID, "countryCode"},
		{"kind change", func() (*kg.ChangeSet, error) {
			return service.PlanEntity(ctx, s, service.EntityInput{Entity: &kg.Entity{ID: "org:xiaomi", Kind: kg.KindPlace, Name: "X", Sources: src}}, stamp)
		}, kg.EINVALID, "id"},
		{"unknown relation target", func() (*kg.ChangeSet, error) {
			return service.PlanEntity(ctx, s, service.EntityInput{Entity: &kg.Entity{ID: "org:x", Kind: kg.KindOrganization, Name: "X", Sources: src},
				Relations: []*kg.Relation{{Type: kg.RelBasedIn, To: "country:atlantis", Sources: src}}, ReplaceRelations: true}, stamp)
		}, kg.EINVALID, "relations[0].to"},
		{"unknown participant", func() (*kg.ChangeSet, error) {
			return service.PlanEvent(ctx, s, service.EventInput{Event: &kg.Entity{ID: "event:x", Kind: kg.KindEvent, Name: "X", Category: kg.CategoryMeeting, Sources: src},
				Participants: []*kg.Relation{{From: "person:nobody", Role: "HOST"}}}, stamp)
		}, kg.EINVALID, "participants[0].entity"},
		{"end before start", func() (*kg.ChangeSet, error) {
			return service.PlanEvent(ctx, s, service.EventInput{Event: &kg.Entity{ID: "event:x", Kind: kg.KindEvent, Name: "X", Category: kg.CategoryMeeting, Sources: src,
				Date: kg.MustParseDate("2021-11-10"), EndDate: kg.MustParseDate("2021-11-01")}}, stamp)
		}, kg.EINVALID, "endDate"},
		{"bad currency", func() (*kg.ChangeSet, error) {
			return service.PlanEvent(ctx, s, service.EventInput{Event: &kg.Entity{ID: "event:x", Kind: kg.KindEvent, Name: "X", Category: kg.CategoryDonation, Sources: src,
				Amount: &kg.Money{Amount: 1, Currency: "XYZ"}}}, stamp)
		}, kg.EINVALID, "amount.currency"},
		{"bad URL", func() (*kg.ChangeSet, error) {
			u := "javascript:alert(1)"
			return service.PlanSource(ctx, s, &kg.Source{ID: "source:x", Title: "X", URL: &u})
		}, kg.EINVALID, "url"},
		{"delete unknown", func() (*kg.ChangeSet, error) {
			_, err := service.PlanDelete(ctx, s, "org:nobody")
			return nil, err
		}, kg.ENOTFOUND, "id"},
		{"merge kinds", func() (*kg.ChangeSet, error) {
			return service.PlanMerge(ctx, s, "org:xiaomi", []string{"country:peru"}, stamp)
		}, kg.EINVALID, "mergeIds[0]"},
		{"merge into itself", func() (*kg.ChangeSet, error) {
			return service.PlanMerge(ctx, s, "org:xiaomi", []string{"org:xiaomi"}, stamp)
		}, kg.EINVALID, "mergeIds[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.plan()
			var ke *kg.Error
			if !errors.As(err, &ke) || ke.Code != tt.code || ke.Field != tt.field {
				t.Errorf("error %v, want code %s on field %s", err, tt.code, tt.field)
			}
		})
	}
	if dump(t, ctx, s) != before {
		t.Error("a refused write changed the store")
	}
}
