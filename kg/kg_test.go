package kg_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/puente-kg/puente/kg"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in                string
		ok                bool
		start, end, sortK string
	}{
		{"2021", true, "2021-01-01", "2021-12-31", "2021-01-011"},
		{"2021-11", true, "2021-11-01", "2021-11-30", "2021-11-012"},
		{"2021-11-10", true, "2021-11-10", "2021-11-10", "2021-11-103"},
		{"2024-02", true, "2024-02-01", "2024-02-29", "2024-02-012"},
		{"2021-02-29", false, "", "", ""},
		{"2021-13", false, "", "", ""},
		{"2021-1-10", false, "", "", ""},
		{"21", false, "", "", ""},
		{"2021-11-10T00:00", false, "", "", ""},
		{"abcd", false, "", "", ""},
		{"0000", false, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, err := kg.ParseDate(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("ParseDate(%q) error %v, want ok=%v", tt.in, err, tt.ok)
			}
			if !tt.ok {
				return
			}
			if d.String() != tt.in || d.Start() != tt.start || d.End() != tt.end || d.SortKey() != tt.sortK {
				t.Errorf("%q: String %q Start %q End %q SortKey %q", tt.in, d.String(), d.Start(), d.End(), d.SortKey())
			}
		})
	}
	if (kg.Date{}).SortKey() <= kg.MustParseDate("9999-12-31").SortKey() {
		t.Error("the zero date must sort after every date")
	}
}

func TestFoldAndTokens(t *testing.T) {
	tests := []struct{ in, fold string }{
		{"Perú", "peru"},
		{"MÜHLBAUER", "muhlbauer"},
		{"San José", "san jose"},
		{"María del Carmen Alva", "maria del carmen alva"},
		{"Straße", "strasse"},
		{"小米", "小米"},
	}
	for _, tt := range tests {
		if got := kg.Fold(tt.in); got != tt.fold {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.fold)
		}
	}
	if got := kg.Tokens("Aisino-Mühlbauer (小米) AND y~2"); !slices.Equal(got, []string{"aisino", "muhlbauer", "小", "米", "and", "y", "2"}) {
		t.Errorf("Tokens = %q", got)
	}
}

func TestScore(t *testing.T) {
	q := kg.Tokens
	tests := []struct {
		query string
		names []string
		want  float64
	}{
		{"peru", []string{"Peru"}, 0.9},
		{"peru", []string{"Republic of Peru", "Peru"}, 0.85},
		{"per", []string{"Peru"}, 0.375},
		{"peru", []string{"Chile"}, 0},
		{"", []string{"Peru"}, 0},
	}
	for _, tt := range tests {
		if got := kg.Score(q(tt.query), tt.names); got != tt.want {
			t.Errorf("Score(%q, %q) = %v, want %v", tt.query, tt.names, got, tt.want)
		}
	}
}

func TestEntityValidate(t *testing.T) {
	base := func() *kg.Entity {
		return &kg.Entity{ID: "event:2021-11-10-x", Kind: kg.KindEvent, Name: "X", Category: kg.CategoryMeeting,
			Date: kg.MustParseDate("2021-11-10"), Sources: []string{"source:x"}}
	}
	tests := []struct {
		name  string
		edit  func(*kg.Entity)
		field string
	}{
		{"valid", func(*kg.Entity) {}, ""},
		{"bad id", func(e *kg.Entity) { e.ID = "Event X" }, "id"},
		{"wrong prefix", func(e *kg.Entity) { e.ID = "person:x" }, "id"},
		{"no name", func(e *kg.Entity) { e.Name = "" }, "name"},
		{"bad category", func(e *kg.Entity) { e.Category = "PARTY" }, "category"},
		{"end before start", func(e *kg.Entity) { e.EndDate = kg.MustParseDate("2021-11-09") }, "endDate"},
		{"end in the same month", func(e *kg.Entity) { e.Date = kg.MustParseDate("2021-11"); e.EndDate = kg.MustParseDate("2021-11-05") }, ""},
		{"negative amount", func(e *kg.Entity) { e.Amount = &kg.Money{Amount: -1, Currency: "USD"} }, "amount.amount"},
		{"bad currency", func(e *kg.Entity) { e.Amount = &kg.Money{Amount: 1, Currency: "usd"} }, "amount.currency"},
		{"quantity without unit", func(e *kg.Entity) { e.Quantity = &kg.Quantity{Amount: 1} }, "quantity.unit"},
		{"category on a person", func(e *kg.Entity) { e.ID, e.Kind = "person:x", kg.KindPerson }, "kind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := base()
			tt.edit(e)
			err := e.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			var ke *kg.Error
			if !errors.As(err, &ke) || ke.Code != kg.EINVALID || ke.Field != tt.field {
				t.Errorf("error %v, want %s on field %s", err, kg.EINVALID, tt.field)
			}
		})
	}
}

func TestDatasetValidate(t *testing.T) {
	d := &kg.Dataset{
		Sources: []*kg.Source{{ID: "source:a", Title: "A"}},
		Entities: []*kg.Entity{
			{ID: "person:a", Kind: kg.KindPerson, Name: "A", Sources: []string{"source:a"}},
			{ID: "person:a", Kind: kg.KindPerson, Name: "A again", Sources: []string{"source:a"}},
			{ID: "org:b", Kind: kg.KindOrganization, Name: "B", Sources: []string{"source:missing"}},
		},
		Relations: []*kg.Relation{
			{Type: kg.RelParticipatedIn, From: "person:a", To: "org:b", Role: "HOST", Sources: []string{"source:a"}},
			{Type: kg.RelBasedIn, From: "org:b", To: "country:nowhere", Sources: []string{"source:a"}},
		},
	}
	err := d.Validate()
	if err == nil {
		t.Fatal("a broken dataset validated")
	}
	for _, want := range []string{`duplicate ID "person:a"`, `unknown source "source:missing"`,
		"PARTICIPATED_IN cannot join", `unknown entity "country:nowhere"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("errors lack %q:\n%v", want, err)
		}
	}
}

func TestCursor(t *testing.T) {
	c := kg.EncodeCursor("maria del carmen alva", "person:maria-del-carmen-alva")
	k, id, err := kg.DecodeCursor(c)
	if err != nil || k != "maria del carmen alva" || id != "person:maria-del-carmen-alva" {
		t.Errorf("round trip gave %q %q %v", k, id, err)
	}
	if _, _, err := kg.DecodeCursor("!!"); kg.ErrorCode(err) != kg.EINVALID {
		t.Errorf("bad cursor: %v", err)
	}
}
