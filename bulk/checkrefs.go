package bulk

import (
	"context"
	"fmt"

	"github.com/puente-kg/puente/kg"
)

// references is CheckFile's second pass: it checks each line's references
// as Check does, and returns the problems ordered by line.
func (c *fileCheck) references(ctx context.Context) ([]LineError, error) {
	quoted := map[string]bool{}
	for _, id := range c.quoting.ids() {
		quoted[id] = true
	}
	// The problems of each kind, in the order Check finds them, so that
	// sorting them by line gives the same list.
	var entErrs, relErrs []LineError
	lineOf := func(id string) int { return int(c.entities[id].line) }
	bad := func(errs *[]LineError, owner string, format string, args ...any) {
		*errs = append(*errs, LineError{lineOf(owner), fmt.Errorf(format, args...)})
	}
	checkSources := func(errs *[]LineError, owner, what string, ids []string) {
		for _, id := range kg.UnknownSources(ids, c.sources) {
			bad(errs, owner, "%s cites unknown source %q", what, id)
		}
	}
	source := func(id string) *kg.Source { return c.sources[id] }
	sharedSeen := map[string]bool{}
	var dec lineDecoder
	_, _, err := eachLine(ctx, c.f.open, func(n int, raw []byte) error {
		rec, err := dec.parse(raw)
		if err != nil || rec.entity == nil {
			return nil // a problem of the line, reported by the first pass
		}
		e := rec.entity
		if len(e.Sources) == 0 {
			bad(&entErrs, e.ID, "%s cites no source", e.ID)
		}
		checkSources(&entErrs, e.ID, e.ID, e.Sources)
		checkSources(&entErrs, e.ID, e.ID+"'s discrepancies", e.DiscrepancySources())
		if err := kg.CheckDiscrepancies(e, source); err != nil && len(kg.UnknownSources(e.DiscrepancySources(), c.sources)) == 0 {
			bad(&entErrs, e.ID, "%s: %v", e.ID, err)
		}
		if to := c.mergedAway[e.ID]; to != "" {
			bad(&entErrs, e.ID, "%s was merged into %s in the store; write that entity instead", e.ID, to)
		}
		seen := map[string]bool{}
		for _, r := range rec.relations {
			owner := Owner(r)
			_, shared := c.shared[r.ID]
			if seen[r.ID] || shared && sharedSeen[r.ID] {
				bad(&relErrs, owner, "relation %s is given twice", r.ID)
			}
			seen[r.ID] = true
			if shared {
				sharedSeen[r.ID] = true
			}
			if quoted[r.ID] {
				c.inFile[r.ID] = true
			}
			fk, okF := c.entities[r.From]
			tk, okT := c.entities[r.To]
			switch {
			case !okF:
				bad(&relErrs, owner, "%s: unknown entity %q", r.Type, r.From)
			case !okT:
				bad(&relErrs, owner, "%s: unknown entity %q", r.Type, r.To)
			default:
				if err := r.CheckKinds(fk.kind(), tk.kind()); err != nil {
					bad(&relErrs, owner, "%v", err)
				}
			}
			what := string(r.Type) + " " + r.From + " → " + r.To
			checkSources(&relErrs, owner, what, r.Sources)
			if len(kg.UnknownSources(r.Sources, c.sources)) == 0 {
				if err := kg.CheckEvidence("", r, source); err != nil {
					bad(&relErrs, owner, "%s: %v", what, kg.ErrorMessage(err))
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	errs := append(entErrs, relErrs...)
	inFile := func(id string) bool { return c.inFile[id] || c.entities[id].line > 0 }
	for _, q := range c.quoting.broken(c.sources, inFile) {
		errs = append(errs, LineError{c.srcLines[q.source], fmt.Errorf("%s: the new text no longer holds %s, which the store's %s quotes", q.source, q.words, q.fact)})
	}
	for i, r := range c.f.redirects {
		at := c.redirLine[i]
		if _, ok := c.entities[r.To]; !ok {
			errs = append(errs, LineError{at, fmt.Errorf("redirect to unknown entity %q", r.To)})
		}
		if _, isEntity := c.entities[r.From]; isEntity {
			errs = append(errs, LineError{at, fmt.Errorf("%q is an entity; only merged-away IDs redirect", r.From)})
		}
		if kg.KindOfID(r.From) != kg.KindOfID(r.To) {
			errs = append(errs, LineError{at, fmt.Errorf("%q and %q are of different kinds; a merged ID redirects to an entity of its kind", r.From, r.To)})
		}
	}
	sortErrors(errs)
	return errs, nil
}
