package modeltest_test

import (
	"slices"
	"strings"

	"github.com/puente-kg/puente/kg"
)

// The rules of evidence, written out once more from their documentation
// (kg/basis.go, dataset/README.md, bulk/README.md) without calling kg's
// checks: what each basis asks of a fact on its own, that a quote is the
// words of a source it cites, and that an inferred fact rests on stated
// facts of the graph as the write leaves it.

var rules = []kg.Rule{"OFFICE_HOLDER_REPRESENTS", "PLACE_ACTS_THROUGH_GOVERNMENT", "ANNULLED_BY_ORGANIZER", "VENUE_IN_HOST_COUNTRY"}

// basisOf returns the basis of r, STATED when it has none.
func basisOf(r *kg.Relation) kg.Basis {
	if r.Basis == "" {
		return "STATED"
	}
	return r.Basis
}

// alone reports whether the fields of r that its basis governs are right
// on their own: a known basis; a rule and facts it rests on only when
// INFERRED; at least one source when STATED; a known rule, facts it rests
// on (relation IDs), and neither a source nor a quote when INFERRED; a note
// that is not blank when BACKGROUND.
func alone(r *kg.Relation) bool {
	b := basisOf(r)
	if !slices.Contains([]kg.Basis{"STATED", "INFERRED", "BACKGROUND"}, b) {
		return false
	}
	if b != "INFERRED" && (r.Rule != "" || len(r.RestsOn) > 0) {
		return false
	}
	switch b {
	case "STATED":
		return len(r.Sources) > 0
	case "INFERRED":
		if !slices.Contains(rules, r.Rule) || len(r.RestsOn) == 0 || len(r.Sources) > 0 || r.Quote != "" {
			return false
		}
		for _, id := range r.RestsOn {
			head, rest, ok := strings.Cut(id, ">")
			if n := len(strings.Split(rest, ":")); !ok || !strings.Contains(head, ":") || n < 2 || n > 3 {
				return false
			}
		}
		return true
	}
	return strings.TrimSpace(r.Note) != ""
}

// quoted reports whether r's quote, if any, is found verbatim in the title
// or excerpt of one of the sources it cites, looked up by source.
func quoted(r *kg.Relation, source func(id string) *kg.Source) bool {
	if r.Quote == "" {
		return true
	}
	for _, id := range r.Sources {
		if s := source(id); s != nil && (strings.Contains(s.Title, r.Quote) || strings.Contains(s.Excerpt, r.Quote)) {
			return true
		}
	}
	return false
}

// restsOnStated reports whether every fact r rests on is a STATED relation
// of after.
func restsOnStated(r *kg.Relation, after map[string]*kg.Relation) bool {
	for _, id := range r.RestsOn {
		if on := after[id]; on == nil || basisOf(on) != "STATED" {
			return false
		}
	}
	return true
}

// joinRelations makes one of two relations that a merge makes equal, in
// cur: a STATED one wins over another basis, with its evidence; two STATED
// ones unite their sources, the other's quote filling an empty one;
// otherwise cur stays.
func joinRelations(cur, other *kg.Relation) {
	switch {
	case basisOf(cur) == "STATED" && basisOf(other) == "STATED":
		for _, s := range other.Sources {
			if !slices.Contains(cur.Sources, s) {
				cur.Sources = append(cur.Sources, s)
			}
		}
		if cur.Quote == "" {
			cur.Quote = other.Quote
		}
	case basisOf(other) == "STATED":
		cur.Basis, cur.Rule, cur.RestsOn, cur.Note = "STATED", "", nil, other.Note
		cur.Sources, cur.Quote = slices.Clone(other.Sources), other.Quote
	}
}
