package memstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/puente-kg/puente/kg"
)

// Apply writes the change set: it checks the expected versions, stages
// every change (where injected failures strike), journals the change set,
// and only then makes the staged changes visible, all under the write lock.
// Under BoundMemory it may first run a collection and wait for it (see
// pace).
func (s *Store) Apply(ctx context.Context, c *kg.ChangeSet) error {
	pace()
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.stage(ctx, c, false)
	if err != nil {
		return err
	}
	c = s.log.stamp(c)
	var at int64
	if s.journal != nil {
		at, err = s.journal.append(record{Op: "changes", Changes: c})
		if err != nil {
			return err
		}
	}
	s.commitStaged(st)
	s.log.add(c.Log, at, 0)
	return nil
}

// staged holds the outcome of a change set, computed without touching the
// store.
type staged struct {
	sources  []*kg.Source
	entities []*kg.Entity
	// texts, when set, holds the search text of each of entities, which a
	// replay computes while it decodes.
	texts       []string
	delRels     []string
	putRels     []*kg.Relation
	delEntities []string
	redirects   map[string]string
	delRedirect []string
	versions    map[string]int
}

// stage computes the outcome of c. A replay of the journal stages what was
// accepted before: it skips the checks added since, so that a journal
// written by an earlier version replays as it was written.
func (s *Store) stage(ctx context.Context, c *kg.ChangeSet, replay bool) (*staged, error) {
	st := &staged{redirects: map[string]string{}, versions: map[string]int{}}
	for id, want := range c.Expect {
		have := -1
		if e := s.entities[id]; e != nil {
			have = e.Version
		}
		if have != want {
			return nil, kg.Errorf(kg.ECONFLICT, "%s changed while the write was being planned", id)
		}
		st.versions[id] = want + 1
	}
	if err := kg.Fail(ctx, "after-check"); err != nil {
		return nil, err
	}
	for _, r := range c.DeleteRelations {
		// A journaled change set holds relations without their IDs (the
		// ID is derived, not stored): derive it again.
		id := r.ID
		if id == "" {
			id = kg.RelationID(r.Type, r.From, r.To, r.Role)
		}
		st.delRels = append(st.delRels, id)
	}
	if err := kg.Fail(ctx, "after-delete-relations"); err != nil {
		return nil, err
	}
	gone := map[string]bool{}
	for _, id := range c.DeleteEntities {
		gone[id] = true
		st.delEntities = append(st.delEntities, id)
		for _, r := range s.byEntity[id] {
			st.delRels = append(st.delRels, r.ID)
		}
	}
	for from, to := range s.redirects {
		if gone[to] {
			st.delRedirect = append(st.delRedirect, from)
		}
	}
	if err := kg.Fail(ctx, "after-delete-entities"); err != nil {
		return nil, err
	}
	for _, src := range c.PutSources {
		cp := *src
		st.sources = append(st.sources, &cp)
	}
	if err := kg.Fail(ctx, "after-put-sources"); err != nil {
		return nil, err
	}
	// putting maps the IDs of the entities written to the records the
	// store will hold. A replay stores the records the journal decoded,
	// which nothing else holds, rather than copies.
	putting := make(map[string]*kg.Entity, len(c.PutEntities))
	for _, e := range c.PutEntities {
		if to, ok := s.redirects[e.ID]; ok && !gone[to] && !replay {
			return nil, kg.Invalid("id", "%q was merged into %q; edit that entity instead", e.ID, to)
		}
		cp := e
		if !replay {
			cp = cloneEntity(e)
		}
		if v, ok := st.versions[e.ID]; ok {
			cp.Version = v
		}
		putting[e.ID] = cp
		st.entities = append(st.entities, cp)
	}
	if err := kg.Fail(ctx, "after-put-entities"); err != nil {
		return nil, err
	}
	// end returns the ID of an entity that exists after the write, as the
	// store holds it, so that relations share it rather than copy it.
	end := func(id string) (string, bool) {
		if e := putting[id]; e != nil {
			return e.ID, true
		}
		if e := s.entities[id]; e != nil && !gone[id] {
			return e.ID, true
		}
		return "", false
	}
	for _, r := range c.PutRelations {
		from, okFrom := end(r.From)
		to, okTo := end(r.To)
		if !okFrom || !okTo {
			return nil, kg.Invalid("relations", "unknown entity at an end of %s", r.ID)
		}
		var cp *kg.Relation
		if replay {
			cp = ownRelation(r)
		} else {
			cp = cloneRelation(r)
		}
		cp.From, cp.To = from, to
		st.putRels = append(st.putRels, cp)
	}
	if err := kg.Fail(ctx, "after-put-relations"); err != nil {
		return nil, err
	}
	for _, r := range c.PutRedirects {
		st.redirects[r.From] = r.To
		for from, to := range s.redirects {
			if to == r.From {
				st.redirects[from] = r.To
			}
		}
	}
	return st, nil
}

// commitStaged makes staged changes visible. It cannot fail.
func (s *Store) commitStaged(st *staged) {
	p := pending{}
	for _, id := range st.delRels {
		if r := s.relationByID(id, p); r != nil {
			s.deleteRelation(r, p)
		}
	}
	for _, id := range st.delEntities {
		s.removeEntity(id)
		delete(s.byEntity, id)
	}
	for _, from := range st.delRedirect {
		delete(s.redirects, from)
	}
	for _, src := range st.sources {
		s.sources[src.ID] = src
	}
	for i, e := range st.entities {
		if st.texts != nil {
			s.setEntityText(e, st.texts[i])
		} else {
			s.setEntity(e)
		}
	}
	for _, r := range st.putRels {
		if old := s.findRel(r.From, r.To, r.ID, p); old != nil {
			s.deleteRelation(old, p)
		}
		s.putRelation(s.newRel(r), p)
	}
	s.settle(p)
	for id, v := range st.versions {
		if e := s.entities[id]; e != nil && e.Version != v {
			cp := cloneEntity(e)
			cp.Version = v
			s.dropIndexes()
			s.entities[id] = cp
		}
	}
	for from, to := range st.redirects {
		s.redirects[from] = to
	}
}

// Redirects returns the redirects of the IDs that were merged away.
func (s *Store) Redirects(ctx context.Context, ids []string) ([]kg.Redirect, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []kg.Redirect
	for _, id := range ids {
		if to, ok := s.redirects[id]; ok {
			out = append(out, kg.Redirect{From: id, To: to})
		}
	}
	return out, nil
}

// Redirect returns the ID an ID was merged into, or "".
func (s *Store) Redirect(ctx context.Context, id string) (string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.redirects[id], nil
}

// Dump returns the whole graph as a sorted dataset.
func (s *Store) Dump(ctx context.Context) (*kg.Dataset, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	d := &kg.Dataset{Version: 1}
	for _, src := range s.sources {
		cp := *src
		d.Sources = append(d.Sources, &cp)
	}
	for _, e := range s.entities {
		d.Entities = append(d.Entities, cloneEntity(e))
	}
	for r := range s.allRelations {
		d.Relations = append(d.Relations, cloneRelation(r.relation()))
	}
	for from, to := range s.redirects {
		d.Redirects = append(d.Redirects, kg.Redirect{From: from, To: to})
	}
	slices.SortFunc(d.Redirects, func(a, b kg.Redirect) int { return cmp.Compare(a.From, b.From) })
	d.Sort()
	return d, nil
}

// applyChanges replays a journaled change set.
func (s *Store) applyChanges(c *kg.ChangeSet, texts []string, at int64, skipped int) error {
	if c == nil {
		return fmt.Errorf("changes record without changes")
	}
	st, err := s.stage(context.Background(), c, true)
	if err != nil {
		return err
	}
	if len(texts) == len(st.entities) {
		st.texts = texts
	}
	s.commitStaged(st)
	s.log.add(c.Log, at, skipped)
	return nil
}
