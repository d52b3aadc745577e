package graph

import (
	"fmt"

	"github.com/vektah/gqlparser/v2/ast"
)

// fieldBudget measures a parsed query document the way validation and
// execution will see it, with every fragment spread replaced by the
// fragment's fields, before gqlgen validates it: validation and execution
// cost at least the number of fields, and the validator's check that
// fields merge costs the square of a merged selection's width (the fields
// of a selection set, fragments spread in, and for fields of the same
// response name, all their subselections together).
//
// Each fragment's total is measured once and remembered, so a document
// whose fragments spread each other many times (each use counts again) is
// measured in time linear in its text; sums stop growing once they pass the
// budget, and merged selections are only measured once the total is within
// the budget, so that measuring them is bounded by it.
type fieldBudget struct {
	frags    map[string]*ast.FragmentDefinition
	total    map[string]int
	visiting map[string]bool
	// cap is where sums stop: one past the budget.
	cap      int
	maxWidth int
	// steps counts the fields visited while measuring merged selections;
	// past the total they can only come from a fragment cycle.
	steps int
}

// checkFields refuses a document whose operations select more than
// maxFields fields in all, a fragment's fields counted at each spread, or
// in which a merged selection (see fieldBudget) holds more than maxWidth
// fields. A fragment no operation uses counts too: the validator reads
// it. It returns the reason of a refusal, or "".
func checkFields(doc *ast.QueryDocument, maxFields, maxWidth int) string {
	b := &fieldBudget{
		frags:    make(map[string]*ast.FragmentDefinition, len(doc.Fragments)),
		total:    map[string]int{},
		visiting: map[string]bool{},
		cap:      maxFields + 1,
		maxWidth: maxWidth,
	}
	for _, f := range doc.Fragments {
		if _, dup := b.frags[f.Name]; !dup {
			b.frags[f.Name] = f
		}
	}
	sets := make([]ast.SelectionSet, 0, len(doc.Operations))
	total := 0
	for _, op := range doc.Operations {
		total = b.add(total, b.count(op.SelectionSet))
		sets = append(sets, op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		if _, used := b.total[f.Name]; !used && total <= maxFields {
			total = b.add(total, b.fragmentTotal(f.Name))
			sets = append(sets, f.SelectionSet)
		}
	}
	if total > maxFields {
		return fmt.Sprintf("the query selects more than %d fields (a fragment's fields count at each spread)", maxFields)
	}
	for _, set := range sets {
		if b.tooWide([]ast.SelectionSet{set}) {
			return fmt.Sprintf("a selection holds more than %d fields (fragments spread in, and fields of the same name merged)", maxWidth)
		}
	}
	return ""
}

// add returns x+y, stopping at the cap.
func (b *fieldBudget) add(x, y int) int {
	return min(x+y, b.cap)
}

// count returns how many fields the selection set selects, its
// subselections included and fragments counted at each spread.
func (b *fieldBudget) count(set ast.SelectionSet) int {
	n := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			n = b.add(n, 1+b.count(s.SelectionSet))
		case *ast.InlineFragment:
			n = b.add(n, b.count(s.SelectionSet))
		case *ast.FragmentSpread:
			n = b.add(n, b.fragmentTotal(s.Name))
		}
		if n >= b.cap {
			return n
		}
	}
	return n
}

// fragmentTotal returns count of the named fragment's selection set,
// remembered. An unknown fragment, or one that spreads itself, counts
// nothing here: validation refuses both.
func (b *fieldBudget) fragmentTotal(name string) int {
	if n, ok := b.total[name]; ok {
		return n
	}
	f := b.frags[name]
	if f == nil || b.visiting[name] {
		return 0
	}
	b.visiting[name] = true
	n := b.count(f.SelectionSet)
	delete(b.visiting, name)
	b.total[name] = n
	return n
}

// tooWide reports whether the selection sets, merged into one, hold more
// than maxWidth fields, or one of the merged subselections of their fields
// of the same response name does.
func (b *fieldBudget) tooWide(sets []ast.SelectionSet) bool {
	var fields []*ast.Field
	for _, set := range sets {
		fields = b.collect(set, fields)
		if len(fields) > b.maxWidth {
			return true
		}
	}
	b.steps += len(fields)
	if b.steps > b.cap {
		return false
	}
	var names []string
	subs := map[string][]ast.SelectionSet{}
	for _, f := range fields {
		if len(f.SelectionSet) == 0 {
			continue
		}
		if _, seen := subs[f.Alias]; !seen {
			names = append(names, f.Alias)
		}
		subs[f.Alias] = append(subs[f.Alias], f.SelectionSet)
	}
	for _, name := range names {
		if b.tooWide(subs[name]) {
			return true
		}
	}
	return false
}

// collect appends the fields of the selection set, fragments spread in, to
// out, and stops once out holds more than maxWidth.
func (b *fieldBudget) collect(set ast.SelectionSet, out []*ast.Field) []*ast.Field {
	for _, sel := range set {
		if len(out) > b.maxWidth {
			return out
		}
		switch s := sel.(type) {
		case *ast.Field:
			out = append(out, s)
		case *ast.InlineFragment:
			out = b.collect(s.SelectionSet, out)
		case *ast.FragmentSpread:
			if f := b.frags[s.Name]; f != nil && !b.visiting[s.Name] {
				b.visiting[s.Name] = true
				out = b.collect(f.SelectionSet, out)
				delete(b.visiting, s.Name)
			}
		}
	}
	return out
}
