package service

import (
	"context"
	"slices"

	"github.com/puente-kg/puente/kg"
)

// SeedReport says what a seed wrote and what it left as it was.
type SeedReport struct {
	// Added counts the sources, entities, relations and redirects written.
	Added kg.Stats
	// Redirects counts the redirects written.
	Redirects int
	// Kept counts the dataset's sources and entities already in the store
	// (or merged away), which the seed left untouched.
	Kept kg.Stats
}

// Seed writes what the dataset has and the store lacks, in one
// transaction, and leaves everything else alone, so that seeding never
// undoes an edit, a merge or a deletion of a relation:
//
//   - a source or entity is written only when no record has its ID, and an
//     entity never when its ID was merged away;
//   - a relation is written only with the entity that owns it (the event
//     for participations and places, else the entity it starts from), when
//     that entity is new; an end that was merged away is replaced by the
//     entity it was merged into, and a relation whose other end does not
//     exist is skipped;
//   - a redirect is written only when its ID is neither an entity nor
//     already redirected;
//   - a source the store has keeps its text, so a relation whose quote (or
//     a discrepancy whose words) that text does not hold is skipped: its
//     evidence is not there.
//
// Seeding twice therefore changes nothing the second time. The dataset is
// validated first; an invalid one changes nothing.
func Seed(ctx context.Context, s kg.Store, d *kg.Dataset) (SeedReport, error) {
	var rep SeedReport
	if err := d.Validate(); err != nil {
		return rep, err
	}
	err := Write(ctx, s, logged(kg.OpSeed, "", func(ctx context.Context) (*kg.ChangeSet, error) {
		c, r, err := planSeed(ctx, s, d)
		rep = r
		return c, err
	}))
	return rep, err
}

// planSeed plans a Seed against the store's current state.
func planSeed(ctx context.Context, r kg.Reader, d *kg.Dataset) (*kg.ChangeSet, SeedReport, error) {
	var rep SeedReport
	ids := make([]string, 0, len(d.Entities)+2*len(d.Relations))
	for _, e := range d.Entities {
		ids = append(ids, e.ID)
	}
	for _, rel := range d.Relations {
		ids = append(ids, rel.From, rel.To)
	}
	for _, rd := range d.Redirects {
		ids = append(ids, rd.From, rd.To)
	}
	srcIDs := make([]string, len(d.Sources))
	for i, src := range d.Sources {
		srcIDs[i] = src.ID
	}
	st, err := read(ctx, r, readQuery{ids: ids, sources: srcIDs})
	if err != nil {
		return nil, rep, err
	}
	// The entities that merged-away IDs of the dataset lead to, which the
	// dataset need not name.
	var targets []string
	for _, to := range st.redirects {
		if _, read := st.entities[to]; !read && !slices.Contains(targets, to) {
			targets = append(targets, to)
		}
	}
	if len(targets) > 0 {
		es, err := r.Entities(ctx, targets)
		if err != nil {
			return nil, rep, err
		}
		for _, e := range es {
			st.entities[e.ID] = e
		}
	}
	c := &kg.ChangeSet{Expect: map[string]int{}}
	// The sources as the store will hold them: its own where it has them.
	stored := map[string]*kg.Source{}
	for _, src := range d.Sources {
		stored[src.ID] = src
		if st.sources[src.ID] != nil {
			stored[src.ID] = st.sources[src.ID]
		}
	}
	source := func(id string) *kg.Source { return stored[id] }
	for _, src := range d.Sources {
		if st.sources[src.ID] != nil {
			rep.Kept.Sources++
			continue
		}
		cp := *src
		c.PutSources = append(c.PutSources, &cp)
	}
	created := map[string]bool{}
	for _, e := range d.Entities {
		if st.entities[e.ID] != nil || st.redirects[e.ID] != "" {
			rep.Kept.Entities++
			continue
		}
		cp := *e
		cp.Version = 0
		cp.Discrepancies = slices.DeleteFunc(slices.Clone(e.Discrepancies), func(x kg.Discrepancy) bool {
			s := source(x.Source)
			return s == nil || !s.States(x.Says)
		})
		c.PutEntities = append(c.PutEntities, &cp)
		created[e.ID] = true
		c.Expect[e.ID] = -1
	}
	// resolve returns the entity an end stands for after merges, or "".
	resolve := func(id string) string {
		if created[id] || st.entities[id] != nil {
			return id
		}
		if to := st.redirects[id]; to != "" && st.entities[to] != nil {
			return to
		}
		return ""
	}
	for _, rel := range d.Relations {
		owner := rel.From
		if !structural(rel.Type) && rel.Type != kg.RelHeldAt {
			owner = rel.To
		}
		if !created[owner] {
			continue
		}
		from, to := resolve(rel.From), resolve(rel.To)
		if from == "" || to == "" || from == to && rel.From != rel.To || kg.CheckEvidence("", rel, source) != nil {
			continue
		}
		cp := *rel
		cp.Sources = slices.Clone(rel.Sources)
		cp.From, cp.To = from, to
		cp.ID = kg.RelationID(cp.Type, from, to, cp.Role)
		c.PutRelations = append(c.PutRelations, &cp)
		expect(c, st, from, to)
	}
	for _, rd := range d.Redirects {
		if created[rd.From] || st.entities[rd.From] != nil || st.redirects[rd.From] != "" || resolve(rd.To) == "" {
			continue
		}
		c.PutRedirects = append(c.PutRedirects, kg.Redirect{From: rd.From, To: resolve(rd.To)})
	}
	rep.Added = kg.Stats{Sources: len(c.PutSources), Entities: len(c.PutEntities), Relations: len(c.PutRelations)}
	rep.Redirects = len(c.PutRedirects)
	return c, rep, nil
}
