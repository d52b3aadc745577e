package kg_test

import (
	"testing"

	"github.com/puente-kg/puente/kg"
)

// evidence is a small dataset with one fact of each basis.
func evidence() *kg.Dataset {
	src := &kg.Source{ID: "source:a", Title: "Ana meets Bo", Excerpt: "Ana, chair of the Office, met Bo on 1 May."}
	stated := &kg.Relation{Type: kg.RelParticipatedIn, From: "person:ana", To: "event:m", Role: "PARTICIPANT",
		Quote: "Ana, chair of the Office, met Bo", Sources: []string{"source:a"}}
	return &kg.Dataset{
		Sources: []*kg.Source{src},
		Entities: []*kg.Entity{
			{ID: "person:ana", Kind: kg.KindPerson, Name: "Ana", Sources: []string{"source:a"}},
			{ID: "org:office", Kind: kg.KindOrganization, Name: "Office", Sources: []string{"source:a"}},
			{ID: "country:x", Kind: kg.KindCountry, Name: "X", Sources: []string{"source:a"}},
			{ID: "event:m", Kind: kg.KindEvent, Name: "M", Category: kg.CategoryMeeting, Sources: []string{"source:a"},
				Discrepancies: []kg.Discrepancy{{Source: "source:a", Says: "on 1 May", Known: "It was 2 May."}}},
		},
		Relations: []*kg.Relation{
			stated,
			{Type: kg.RelHoldsPosition, From: "person:ana", To: "org:office", Title: "Chair", Quote: "chair of the Office",
				Sources: []string{"source:a"}, Basis: kg.BasisStated},
			{Type: kg.RelParticipatedIn, From: "org:office", To: "event:m", Role: "PARTICIPANT", Basis: kg.BasisInferred,
				Rule: kg.RuleOfficeHolderRepresents, RestsOn: []string{
					kg.RelationID(kg.RelParticipatedIn, "person:ana", "event:m", "PARTICIPANT"),
					kg.RelationID(kg.RelHoldsPosition, "person:ana", "org:office", "")}},
			{Type: kg.RelBasedIn, From: "org:office", To: "country:x", Basis: kg.BasisBackground, Note: "Common knowledge."},
		},
	}
}

// TestEvidence checks what each basis asks of a fact, and that quotes and
// discrepancies are found verbatim in their sources' text.
func TestEvidence(t *testing.T) {
	if err := evidence().Validate(); err != nil {
		t.Fatalf("a valid dataset: %v", err)
	}
	tests := []struct {
		name  string
		edit  func(d *kg.Dataset)
		field string
	}{
		{"stated without a source", func(d *kg.Dataset) { d.Relations[0].Sources = nil }, "relations[0].sources"},
		{"quote not in the excerpt", func(d *kg.Dataset) { d.Relations[0].Quote = "Ana met Bo" }, "relations[0].quote"},
		{"quote that paraphrases", func(d *kg.Dataset) { d.Relations[1].Quote = "chair of the office" }, "relations[1].quote"},
		{"unknown basis", func(d *kg.Dataset) { d.Relations[0].Basis = "RUMOURED" }, "relations[0].basis"},
		{"inferred without a rule", func(d *kg.Dataset) { d.Relations[2].Rule = "" }, "relations[2].rule"},
		{"inferred resting on nothing", func(d *kg.Dataset) { d.Relations[2].RestsOn = nil }, "relations[2].restsOn"},
		{"inferred citing a source", func(d *kg.Dataset) { d.Relations[2].Sources = []string{"source:a"} }, "relations[2].sources"},
		{"inferred with a quote", func(d *kg.Dataset) { d.Relations[2].Quote = "met Bo" }, "relations[2].quote"},
		{"inferred resting on an unknown fact", func(d *kg.Dataset) { d.Relations[2].RestsOn[0] = "BASED_IN:org:office>country:y" }, "relations[2].restsOn"},
		{"inferred resting on background", func(d *kg.Dataset) { d.Relations[2].RestsOn[0] = d.Relations[3].ID }, "relations[2].restsOn"},
		{"a rule on a stated fact", func(d *kg.Dataset) { d.Relations[0].Rule = kg.RuleVenueInHostCountry }, "relations[0].rule"},
		{"background without a note", func(d *kg.Dataset) { d.Relations[3].Note = " " }, "relations[3].note"},
		{"background quote not in its reference", func(d *kg.Dataset) {
			d.Relations[3].Sources, d.Relations[3].Quote = []string{"source:a"}, "Office is in X"
		}, "relations[3].quote"},
		{"discrepancy not in its source", func(d *kg.Dataset) { d.Entities[3].Discrepancies[0].Says = "on 2 May" }, "entities[3].discrepancies[0].says"},
		{"discrepancy of an unknown source", func(d *kg.Dataset) { d.Entities[3].Discrepancies[0].Source = "source:b" }, "entities[3].discrepancies[0].source"},
		{"discrepancy without what is known", func(d *kg.Dataset) { d.Entities[3].Discrepancies[0].Known = "" }, "entities[3].discrepancies[0].known"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := evidence()
			for _, r := range d.Relations {
				r.ID = kg.RelationID(r.Type, r.From, r.To, r.Role)
			}
			tt.edit(d)
			err := d.Validate()
			if !hasField(err, tt.field) {
				t.Errorf("error %v, want one on %s", err, tt.field)
			}
		})
	}
	// A quote may come from the headline, which the source's title holds.
	d := evidence()
	d.Relations[0].Quote = "Ana meets Bo"
	if err := d.Validate(); err != nil {
		t.Errorf("a quote from the title: %v", err)
	}
	if b := (&kg.Relation{}).EffectiveBasis(); b != kg.BasisStated {
		t.Errorf("a relation without a basis is %s, want STATED", b)
	}
}

// hasField reports whether err joins an *kg.Error on field.
func hasField(err error, field string) bool {
	if err == nil {
		return false
	}
	if ke, ok := err.(*kg.Error); ok {
		return ke.Field == field && ke.Code == kg.EINVALID
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			if hasField(e, field) {
				return true
			}
		}
	}
	return false
}
