package bulk

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/service"
)

// lookupChunk is how many IDs Check asks the store about at once.
const lookupChunk = 1000

// maxQuoting is the most facts of the store that Check reads for a source
// of the file whose text changed.
const maxQuoting = 100_000

// Check verifies what no single line can: that every relation joins
// entities that exist (in the file or already in the store) and fit its
// type, that every cited source exists and its text holds each quote (and
// what each discrepancy says) verbatim, that a source of the file whose
// text differs from the store's still holds the quotes of the store's
// facts that cite it, and that redirects point to entities. A record of
// the file stands for the store's of the same ID, which the import
// replaces. It returns every problem with the line it comes from.
func Check(ctx context.Context, p *Parsed, store kg.Reader) ([]LineError, error) {
	d := p.Dataset
	kinds := map[string]kg.Kind{}
	for _, e := range d.Entities {
		kinds[e.ID] = e.Kind
	}
	sources := map[string]*kg.Source{}
	for _, s := range d.Sources {
		sources[s.ID] = s
	}
	// Ask the store about what the file does not define.
	var wantEntities, wantSources []string
	for _, r := range d.Relations {
		for _, id := range []string{r.From, r.To} {
			if _, ok := kinds[id]; !ok && !slices.Contains(wantEntities, id) {
				wantEntities = append(wantEntities, id)
			}
		}
	}
	for _, r := range d.Redirects {
		if _, ok := kinds[r.To]; !ok {
			wantEntities = append(wantEntities, r.To)
		}
		// A redirect's ID must not be an entity of the store either.
		wantEntities = append(wantEntities, r.From)
	}
	cite := func(ids []string) {
		for _, id := range ids {
			if sources[id] == nil && !slices.Contains(wantSources, id) {
				wantSources = append(wantSources, id)
			}
		}
	}
	for _, e := range d.Entities {
		cite(e.Sources)
		cite(e.DiscrepancySources())
	}
	for _, r := range d.Relations {
		cite(r.Sources)
	}
	for chunk := range slices.Chunk(wantEntities, lookupChunk) {
		es, err := store.Entities(ctx, chunk)
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			kinds[e.ID] = e.Kind
		}
	}
	// An entity of the file must not have been merged away in the store:
	// the store would then hold both the entity and a redirect from its ID.
	mergedAway := map[string]string{}
	for chunk := range slices.Chunk(d.Entities, lookupChunk) {
		ids := make([]string, len(chunk))
		for i, e := range chunk {
			ids[i] = e.ID
		}
		rs, err := store.Redirects(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			mergedAway[r.From] = r.To
		}
	}
	for chunk := range slices.Chunk(wantSources, lookupChunk) {
		ss, err := store.Sources(ctx, chunk)
		if err != nil {
			return nil, err
		}
		for _, s := range ss {
			sources[s.ID] = s
		}
	}
	quoting, err := storeQuoting(ctx, p, store, sources)
	if err != nil {
		return nil, err
	}
	var errs []LineError
	bad := func(owner string, format string, args ...any) {
		errs = append(errs, LineError{p.LineOf(owner), fmt.Errorf(format, args...)})
	}
	checkSources := func(owner, what string, ids []string) {
		for _, id := range kg.UnknownSources(ids, sources) {
			bad(owner, "%s cites unknown source %q", what, id)
		}
	}
	source := func(id string) *kg.Source { return sources[id] }
	for _, e := range d.Entities {
		if len(e.Sources) == 0 {
			bad(e.ID, "%s cites no source", e.ID)
		}
		checkSources(e.ID, e.ID, e.Sources)
		checkSources(e.ID, e.ID+"'s discrepancies", e.DiscrepancySources())
		if err := kg.CheckDiscrepancies(e, source); err != nil && len(kg.UnknownSources(e.DiscrepancySources(), sources)) == 0 {
			bad(e.ID, "%s: %v", e.ID, err)
		}
		if to := mergedAway[e.ID]; to != "" {
			bad(e.ID, "%s was merged into %s in the store; write that entity instead", e.ID, to)
		}
	}
	seen := map[string]bool{}
	for _, r := range d.Relations {
		owner := r.From
		if r.Type == kg.RelParticipatedIn {
			owner = r.To
		}
		if seen[r.ID] {
			bad(owner, "relation %s is given twice", r.ID)
		}
		seen[r.ID] = true
		fk, okF := kinds[r.From]
		tk, okT := kinds[r.To]
		switch {
		case !okF:
			bad(owner, "%s: unknown entity %q", r.Type, r.From)
		case !okT:
			bad(owner, "%s: unknown entity %q", r.Type, r.To)
		default:
			if err := r.CheckKinds(fk, tk); err != nil {
				bad(owner, "%v", err)
			}
		}
		what := string(r.Type) + " " + r.From + " → " + r.To
		checkSources(owner, what, r.Sources)
		if len(kg.UnknownSources(r.Sources, sources)) == 0 {
			if err := kg.CheckEvidence("", r, source); err != nil {
				bad(owner, "%s: %v", what, kg.ErrorMessage(err))
			}
		}
	}
	for _, q := range quoting {
		bad(q.source, "%s: the new text no longer holds %s, which the store's %s quotes", q.source, q.words, q.fact)
	}
	for _, r := range d.Redirects {
		if _, ok := kinds[r.To]; !ok {
			bad("redirect "+r.From, "redirect to unknown entity %q", r.To)
		}
		if _, isEntity := kinds[r.From]; isEntity {
			bad("redirect "+r.From, "%q is an entity; only merged-away IDs redirect", r.From)
		}
		if kg.KindOfID(r.From) != kg.KindOfID(r.To) {
			bad("redirect "+r.From, "%q and %q are of different kinds; a merged ID redirects to an entity of its kind", r.From, r.To)
		}
	}
	sortErrors(errs)
	return errs, nil
}

// quoted is a fact of the store whose words a source of the file no longer
// holds.
type quoted struct{ source, fact, words string }

// storeQuoting returns the facts of the store, other than those the file
// replaces, whose quote (or discrepancy) a source of the file with a new
// text no longer holds, given the sources as the import leaves them
// (sources: the file's, and the store's it cites; more of the store's are
// added as needed).
func storeQuoting(ctx context.Context, p *Parsed, store kg.Reader, sources map[string]*kg.Source) ([]quoted, error) {
	d := p.Dataset
	facts, err := quotingOf(ctx, d.Sources, store, sources)
	if err != nil {
		return nil, err
	}
	inFile := map[string]bool{}
	for _, r := range d.Relations {
		inFile[r.ID] = true
	}
	for _, e := range d.Entities {
		inFile[e.ID] = true
	}
	return facts.broken(sources, func(id string) bool { return inFile[id] }), nil
}

// quotingFacts are the store's facts that quote sources whose text a file
// changes, by source in the order of the file.
type quotingFacts []sourceFacts

type sourceFacts struct {
	source string
	rels   []*kg.Relation
	ents   []*kg.Entity
}

// quotingOf returns the store's facts that quote a source of the file
// whose title or excerpt differs from the store's, adding to sources
// those of the store that these facts cite.
func quotingOf(ctx context.Context, fileSources []*kg.Source, store kg.Reader, sources map[string]*kg.Source) (quotingFacts, error) {
	var ids []string
	for _, s := range fileSources {
		ids = append(ids, s.ID)
	}
	changed := map[string]bool{}
	for chunk := range slices.Chunk(ids, lookupChunk) {
		old, err := store.Sources(ctx, chunk)
		if err != nil {
			return nil, err
		}
		for _, o := range old {
			if n := sources[o.ID]; n != nil && (n.Title != o.Title || n.Excerpt != o.Excerpt) {
				changed[o.ID] = true
			}
		}
	}
	var out quotingFacts
	for _, id := range ids {
		if !changed[id] {
			continue
		}
		rels, es, err := store.Quoting(ctx, id, maxQuoting)
		if err != nil {
			return nil, err
		}
		var more []string
		for _, r := range rels {
			for _, s := range r.Sources {
				if sources[s] == nil && !slices.Contains(more, s) {
					more = append(more, s)
				}
			}
		}
		if len(more) > 0 {
			ss, err := store.Sources(ctx, more)
			if err != nil {
				return nil, err
			}
			for _, s := range ss {
				sources[s.ID] = s
			}
		}
		out = append(out, sourceFacts{id, rels, es})
	}
	return out, nil
}

// ids returns the IDs of the facts.
func (q quotingFacts) ids() []string {
	var out []string
	for _, f := range q {
		for _, r := range f.rels {
			out = append(out, r.ID)
		}
		for _, e := range f.ents {
			out = append(out, e.ID)
		}
	}
	return out
}

// broken returns the facts, other than those the file writes again
// (inFile), whose words the sources no longer hold.
func (q quotingFacts) broken(sources map[string]*kg.Source, inFile func(id string) bool) []quoted {
	source := func(id string) *kg.Source { return sources[id] }
	var out []quoted
	for _, f := range q {
		for _, r := range f.rels {
			if !inFile(r.ID) && kg.CheckEvidence("", r, source) != nil {
				out = append(out, quoted{f.source, r.ID, fmt.Sprintf("%q", r.Quote)})
			}
		}
		for _, e := range f.ents {
			if !inFile(e.ID) && kg.CheckDiscrepancies(e, source) != nil {
				out = append(out, quoted{f.source, e.ID, "what a discrepancy says"})
			}
		}
	}
	slices.SortFunc(out, func(a, b quoted) int { return strings.Compare(a.source+a.fact, b.source+b.fact) })
	return out
}

// Options tune an import.
type Options struct {
	// Batch is how many records go in one transaction (default 1000).
	Batch int
	// Progress, when set, is called after each batch with the records
	// written so far and the total.
	Progress func(done, total int)
	// Actor is who imports, as a kg.Stamp's By names it, for the change
	// log; empty for the command line.
	Actor string
}

// Store is what Import needs of a store: to apply change sets, and to read
// the records they replace, for their change-log entries.
type Store interface {
	kg.Writer
	kg.EntityReader
	kg.SourceReader
	kg.RelationReader
}

// Import writes a checked file in batches, each one transaction: sources,
// then entities and events, then relations, then redirects. Records are
// merged by ID, so importing the same file again changes nothing, and an
// import interrupted part-way and run again ends as one clean import.
//
// Each batch that changes something writes one change-log entry (op
// IMPORT), naming the records it changed without their values (see
// service.RecordsValues): an import of N records in batches of B makes
// about N/B entries, not N.
func Import(ctx context.Context, store Store, p *Parsed, opt Options) error {
	if opt.Batch <= 0 {
		opt.Batch = 1000
	}
	d := p.Dataset
	total := len(d.Sources) + len(d.Entities) + len(d.Relations) + len(d.Redirects)
	done := 0
	apply := func(c *kg.ChangeSet, n int) error {
		c.Expect = map[string]int{}
		c.Log = &kg.Change{Op: kg.OpImport, Actor: opt.Actor}
		if err := service.Describe(ctx, store, c); err != nil {
			return fmt.Errorf("import: %w", err)
		}
		if err := store.Apply(ctx, c); err != nil {
			return fmt.Errorf("import: %w", err)
		}
		done += n
		if opt.Progress != nil {
			opt.Progress(done, total)
		}
		return nil
	}
	for chunk := range slices.Chunk(d.Sources, opt.Batch) {
		if err := apply(&kg.ChangeSet{PutSources: chunk}, len(chunk)); err != nil {
			return err
		}
	}
	for chunk := range slices.Chunk(d.Entities, opt.Batch) {
		if err := apply(&kg.ChangeSet{PutEntities: chunk}, len(chunk)); err != nil {
			return err
		}
	}
	for chunk := range slices.Chunk(d.Relations, opt.Batch) {
		if err := apply(&kg.ChangeSet{PutRelations: chunk}, len(chunk)); err != nil {
			return err
		}
	}
	for chunk := range slices.Chunk(d.Redirects, opt.Batch) {
		if err := apply(&kg.ChangeSet{PutRedirects: chunk}, len(chunk)); err != nil {
			return err
		}
	}
	if opt.Progress != nil && total == 0 {
		opt.Progress(0, 0)
	}
	return nil
}
