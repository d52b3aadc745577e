package service

import (
	"context"
	"slices"

	"github.com/puente-kg/puente/kg"
)

// writeStore is what Write needs of a store: to apply change sets, and to
// read the records a change set replaces, for its change-log entry.
type writeStore interface {
	kg.Writer
	planReader
}

// logged returns a plan that does what plan does and asks for a change-log
// entry of the operation, by the actor.
func logged(op kg.Op, actor string, plan func(ctx context.Context) (*kg.ChangeSet, error)) func(ctx context.Context) (*kg.ChangeSet, error) {
	return func(ctx context.Context) (*kg.ChangeSet, error) {
		c, err := plan(ctx)
		if err == nil && c != nil {
			c.Log = &kg.Change{Op: op, Actor: actor}
		}
		return c, err
	}
}

// Describe fills in the items of c.Log: every record c puts or deletes,
// with the fields that change, read as they are stored now (for the
// operations that record no values, imports and seeds, only what each
// record is and what was done to it: see RecordsValues). It reads with
// one round trip per kind of record. It fails with ECONFLICT when an
// entity no longer has the version c expects: the plan is stale, and
// describing it would record a wrong before. A change set that changes no
// field of any record loses its Log: there is nothing to record.
func Describe(ctx context.Context, r planReader, c *kg.ChangeSet) error {
	if c.Log == nil {
		return nil
	}
	var entityIDs, relationIDs, sourceIDs []string
	for _, e := range c.PutEntities {
		entityIDs = append(entityIDs, e.ID)
	}
	entityIDs = append(entityIDs, c.DeleteEntities...)
	relID := func(rel *kg.Relation) string {
		if rel.ID != "" {
			return rel.ID
		}
		return kg.RelationID(rel.Type, rel.From, rel.To, rel.Role)
	}
	for _, rels := range [][]*kg.Relation{c.DeleteRelations, c.PutRelations} {
		for _, rel := range rels {
			relationIDs = append(relationIDs, relID(rel))
			entityIDs = append(entityIDs, rel.From, rel.To)
		}
	}
	for _, rd := range c.PutRedirects {
		entityIDs = append(entityIDs, rd.From, rd.To)
	}
	for _, s := range c.PutSources {
		sourceIDs = append(sourceIDs, s.ID)
	}
	entityIDs = slices.Compact(slices.Sorted(slices.Values(entityIDs)))

	before := map[string]*kg.Entity{}
	if len(entityIDs) > 0 {
		es, err := r.Entities(ctx, entityIDs)
		if err != nil {
			return err
		}
		for _, e := range es {
			before[e.ID] = e
		}
	}
	for id, want := range c.Expect {
		have := -1
		if e := before[id]; e != nil {
			have = e.Version
		} else if !slices.Contains(entityIDs, id) {
			continue // not read: the backend checks it when it applies
		}
		if have != want {
			return kg.Errorf(kg.ECONFLICT, "%s changed while the write was being planned", id)
		}
	}
	oldRels := map[string]*kg.Relation{}
	if len(relationIDs) > 0 {
		rs, err := r.RelationsByID(ctx, relationIDs)
		if err != nil {
			return err
		}
		for _, rel := range rs {
			oldRels[relID(rel)] = rel
		}
	}
	oldRedirects := map[string]string{}
	if len(c.PutRedirects) > 0 {
		from := make([]string, len(c.PutRedirects))
		for i, rd := range c.PutRedirects {
			from[i] = rd.From
		}
		rds, err := r.Redirects(ctx, from)
		if err != nil {
			return err
		}
		for _, rd := range rds {
			oldRedirects[rd.From] = rd.To
		}
	}
	oldSources := map[string]*kg.Source{}
	if len(sourceIDs) > 0 {
		ss, err := r.Sources(ctx, sourceIDs)
		if err != nil {
			return err
		}
		for _, s := range ss {
			oldSources[s.ID] = s
		}
	}

	log := c.Log
	n := len(c.PutSources) + len(c.PutEntities) + len(c.DeleteEntities) + len(c.DeleteRelations) + len(c.PutRelations) + len(c.PutRedirects)
	log.Items = slices.Grow(log.Items[:0], min(n, kg.MaxChangeItems))
	values := RecordsValues(log.Op)
	add := func(kind kg.ItemKind, id string, old, new any, fill func(*kg.ChangeItem)) error {
		b, a, changed, err := kg.Diff(old, new)
		if err != nil || !changed {
			return err
		}
		if len(log.Items) == kg.MaxChangeItems {
			log.Truncated = true
			return nil
		}
		it := kg.ChangeItem{Kind: kind, ID: id, Action: kg.ActionUpdated, Before: b, After: a}
		switch {
		case b == nil:
			it.Action = kg.ActionCreated
		case a == nil:
			it.Action = kg.ActionDeleted
		}
		if fill != nil {
			fill(&it)
		}
		if !values {
			it.Before, it.After = nil, nil
		}
		log.Items = append(log.Items, it)
		return nil
	}
	after := map[string]*kg.Entity{}
	for _, e := range c.PutEntities {
		after[e.ID] = e
	}
	ends := func(rel *kg.Relation) func(*kg.ChangeItem) {
		return func(it *kg.ChangeItem) { it.From, it.To = rel.From, rel.To }
	}
	for _, s := range c.PutSources {
		if err := add(kg.ItemSource, s.ID, nilIfAbsent(oldSources[s.ID]), s, nil); err != nil {
			return err
		}
	}
	for _, e := range c.PutEntities {
		if err := add(kg.ItemEntity, e.ID, nilIfAbsent(before[e.ID]), e, func(it *kg.ChangeItem) { it.EntityKind = e.Kind }); err != nil {
			return err
		}
	}
	for _, id := range c.DeleteEntities {
		e := before[id]
		if e == nil {
			continue
		}
		if err := add(kg.ItemEntity, id, e, nil, func(it *kg.ChangeItem) { it.EntityKind = e.Kind }); err != nil {
			return err
		}
	}
	put := map[string]bool{}
	for _, rel := range c.PutRelations {
		put[relID(rel)] = true
	}
	for _, rel := range c.DeleteRelations {
		id := relID(rel)
		if old := oldRels[id]; old != nil && !put[id] {
			if err := add(kg.ItemRelation, id, old, nil, ends(old)); err != nil {
				return err
			}
		}
	}
	for _, rel := range c.PutRelations {
		id := relID(rel)
		if err := add(kg.ItemRelation, id, nilIfAbsent(oldRels[id]), rel, ends(rel)); err != nil {
			return err
		}
	}
	for _, rd := range c.PutRedirects {
		if oldRedirects[rd.From] == rd.To {
			continue // written again as it was (an import run twice)
		}
		if err := add(kg.ItemRedirect, rd.From, nil, rd, func(it *kg.ChangeItem) { it.From, it.To = rd.From, rd.To }); err != nil {
			return err
		}
	}
	if len(log.Items) == 0 {
		c.Log = nil // the write changes nothing worth recording
		return nil
	}
	known := before
	for id, e := range after {
		known[id] = e
	}
	log.Index(known)
	return nil
}

// RecordsValues reports whether the change log's entries of the operation
// hold the values before and after the write. Imports and seeds write
// records by the thousand: their entries name each record (kind, ID,
// action, ends) without its values, so that a large import does not copy
// its data into the log, which the embedded store keeps in memory.
func RecordsValues(op kg.Op) bool {
	return op != kg.OpImport && op != kg.OpSeed
}

// nilIfAbsent turns a nil pointer into a nil interface, for kg.Diff.
func nilIfAbsent[T any](p *T) any {
	if p == nil {
		return nil
	}
	return p
}
