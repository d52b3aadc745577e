package modeltest_test

import (
	"testing"

	"github.com/puente-kg/puente/internal/testenv"
	"github.com/puente-kg/puente/kg"
)

// knownBugCases are the shortest sequences that show each known bug (see
// knownBug), by the backends they fail on.
var knownBugCases = []struct {
	name, fails string
	ops         []*op
}{
	{"neo4j-merge-drops-redirects", "neo4j", []*op{src(), ent("person:ana"), ent("person:bo"), ent("person:cy"),
		{Kind: opMerge, Keep: "person:bo", Merge: []string{"person:ana"}},
		{Kind: opMerge, Keep: "person:cy", Merge: []string{"person:bo"}}, // person:ana → person:cy is lost
	}},
	{"journal-replay-keeps-deleted-relations", "journaled", []*op{src(), ent("person:ana"),
		event("event:e1", &kg.Relation{From: "person:ana", Role: "HOST"}),
		event("event:e1"), // after a restart, person:ana takes part again
	}},
	{"seed-resolves-unread-target/relation", "all", []*op{src(), ent("org:beta"), ent("org:coop"),
		{Kind: opMerge, Keep: "org:coop", Merge: []string{"org:beta"}},
		{Kind: opSeed, Dataset: &kg.Dataset{Version: 1, Sources: []*kg.Source{src().Source},
			Entities: []*kg.Entity{ent("country:chile").Entity, ent("org:beta").Entity},
			// Must become country:chile BASED_IN org:coop; is dropped.
			Relations: []*kg.Relation{{Type: kg.RelBasedIn, From: "country:chile", To: "org:beta", Sources: []string{"source:m-a"}}}}},
	}},
	{"seed-resolves-unread-target/redirect", "all", []*op{src(), ent("org:beta"), ent("org:coop"),
		{Kind: opMerge, Keep: "org:coop", Merge: []string{"org:beta"}},
		{Kind: opSeed, Dataset: &kg.Dataset{Version: 1, Sources: []*kg.Source{src().Source},
			Entities: []*kg.Entity{ent("org:beta").Entity},
			// Must become org:acme → org:coop; is dropped.
			Redirects: []kg.Redirect{{From: "org:acme", To: "org:beta"}}}},
	}},
	{"import-check-misses-merged-away-entity", "all", []*op{src(), ent("org:beta"), ent("org:coop"),
		{Kind: opMerge, Keep: "org:coop", Merge: []string{"org:beta"}},
		// Passes bulk.Check; bulk.Import writes source:m-c, then refuses.
		{Kind: opImport, Import: &importFile{Sources: []*kg.Source{{ID: "source:m-c", Title: "C"}},
			Records: []importRecord{{Entity: ent("org:beta", "source:m-c").Entity}}}},
	}},
	{"import-check-misses-redirect-from-entity", "all", []*op{src(), ent("person:ana"), ent("person:cy"),
		// Accepted: person:ana is then an entity and a redirect, which
		// refuses edits of person:ana and no longer imports.
		{Kind: opImport, Import: &importFile{Redirects: []kg.Redirect{{From: "person:ana", To: "person:cy"}}}},
	}},
	{"import-check-misses-redirect-across-kinds", "all", []*op{src(), ent("event:e1"),
		// Accepted; a seed then resolves a BASED_IN through it into
		// person:ana BASED_IN event:e1, which no longer imports.
		{Kind: opImport, Import: &importFile{Redirects: []kg.Redirect{{From: "org:old", To: "event:e1"}}}},
		{Kind: opSeed, Dataset: &kg.Dataset{Version: 1, Sources: []*kg.Source{src().Source},
			Entities:  []*kg.Entity{ent("person:ana").Entity, ent("org:old").Entity, ent("event:e1").Entity},
			Relations: []*kg.Relation{{Type: kg.RelBasedIn, From: "person:ana", To: "org:old", Sources: []string{"source:m-a"}}}}},
	}},
}

func src() *op { return &op{Kind: opSource, Source: &kg.Source{ID: "source:m-a", Title: "Source A"}} }

// ent returns the upsert of a plain entity (or event) citing sources, by
// default source:m-a.
func ent(id string, sources ...string) *op {
	if len(sources) == 0 {
		sources = []string{"source:m-a"}
	}
	e := &kg.Entity{ID: id, Kind: kindOf(id), Name: "Name of " + id, Sources: sources}
	if e.Kind == kg.KindEvent {
		e.Category = kg.CategoryMeeting
		return &op{Kind: opEvent, Entity: e}
	}
	return &op{Kind: opEntity, Entity: e}
}

func event(id string, participants ...*kg.Relation) *op {
	o := ent(id)
	o.Participants = participants
	return o
}

// TestModelKnownBugs runs the sequence of each known bug on every backend
// with -model.known-bugs, expecting what the documentation promises: it
// fails while the bugs are there.
func TestModelKnownBugs(t *testing.T) {
	if !*flagKnownBugs {
		t.Skip("the known bugs run with -model.known-bugs")
	}
	for _, b := range testenv.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			h := newHarness(t, b)
			h.t = t
			for _, c := range knownBugCases {
				if msg := h.check(c.ops, true).failure; msg != "" {
					t.Errorf("%s (fails on %s):\n%s", c.name, c.fails, msg)
				} else {
					t.Logf("%s: passes", c.name)
				}
			}
		})
	}
}
