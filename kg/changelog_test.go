package kg_test

import (
	"testing"

	"github.com/puente-kg/puente/kg"
)

func TestDiff(t *testing.T) {
	old := &kg.Entity{ID: "org:x", Kind: kg.KindOrganization, Name: "X", Aliases: []string{"Ex"}, Version: 1, UpdatedBy: "a"}
	renamed := &kg.Entity{ID: "org:x", Kind: kg.KindOrganization, Name: "Y", Aliases: []string{"Ex"}, Version: 2, UpdatedBy: "b"}
	touched := &kg.Entity{ID: "org:x", Kind: kg.KindOrganization, Name: "X", Aliases: []string{"Ex"}, Version: 2, UpdatedBy: "b"}
	tests := []struct {
		name          string
		old, new      any
		before, after string
		changed       bool
	}{
		{"renamed", old, renamed, `{"name":"X"}`, `{"name":"Y"}`, true},
		{"only provenance and version", old, touched, ``, ``, false},
		{"created", nil, old, ``, `{"id":"org:x","kind":"ORGANIZATION","name":"X","aliases":["Ex"],"updatedBy":"a","version":1}`, true},
		{"deleted", old, nil, `{"id":"org:x","kind":"ORGANIZATION","name":"X","aliases":["Ex"],"updatedBy":"a","version":1}`, ``, true},
		{"a field removed", old, &kg.Entity{ID: "org:x", Kind: kg.KindOrganization, Name: "X", Version: 2}, `{"aliases":["Ex"]}`, `{}`, true},
		{"neither", nil, nil, ``, ``, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, a, changed, err := kg.Diff(tt.old, tt.new)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.before || string(a) != tt.after || changed != tt.changed {
				t.Errorf("Diff = %s, %s, %v; want %s, %s, %v", b, a, changed, tt.before, tt.after, tt.changed)
			}
		})
	}
}

func TestChangeCursor(t *testing.T) {
	for _, seq := range []int64{0, 1, 42, 1 << 40} {
		got, err := kg.ChangeAfter(kg.ChangeCursor(seq))
		if err != nil || got != seq {
			t.Errorf("ChangeAfter(ChangeCursor(%d)) = %d, %v", seq, got, err)
		}
	}
	if got, err := kg.ChangeAfter(""); got != 0 || err != nil {
		t.Errorf(`ChangeAfter("") = %d, %v`, got, err)
	}
	other := kg.ListCursor("entities", kg.Filter(), "x")
	for _, bad := range []string{"nonsense!", other, kg.ChangeCursor(-1)} {
		if _, err := kg.ChangeAfter(bad); kg.ErrorCode(err) != kg.EINVALID {
			t.Errorf("ChangeAfter(%q) = %v; want EINVALID", bad, err)
		}
	}
}

func TestChangeQueryMatches(t *testing.T) {
	c := &kg.Change{IDs: []string{"event:e", "org:x"}, Kinds: []kg.Kind{kg.KindEvent, kg.KindOrganization}, Categories: []kg.Category{"MEETING"}}
	tests := []struct {
		q    kg.ChangeQuery
		want bool
	}{
		{kg.ChangeQuery{}, true},
		{kg.ChangeQuery{IDs: []string{"org:x"}}, true},
		{kg.ChangeQuery{IDs: []string{"org:y"}}, false},
		{kg.ChangeQuery{Kinds: []kg.Kind{kg.KindPerson}}, false},
		{kg.ChangeQuery{Kinds: []kg.Kind{kg.KindPerson, kg.KindEvent}}, true},
		{kg.ChangeQuery{Categories: []kg.Category{"INVESTMENT"}}, false},
		{kg.ChangeQuery{IDs: []string{"org:x"}, Categories: []kg.Category{"MEETING"}}, true},
	}
	for _, tt := range tests {
		if got := tt.q.Matches(c); got != tt.want {
			t.Errorf("%+v.Matches = %v, want %v", tt.q, got, tt.want)
		}
	}
}
