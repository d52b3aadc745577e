package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/puente-kg/puente/kg"
)

// Apply writes the change set in one write transaction: the version check
// (which also write-locks the touched entities), deletions, puts, then
// the change log's entry, if the change set has one (see logChange): last,
// so that the counter that numbers entries stays locked for as short a
// time as possible. Any error, injected failures included, rolls the whole
// transaction back, the entry and its number with it.
func (s *Store) Apply(ctx context.Context, c *kg.ChangeSet) error {
	expect := make([]map[string]any, 0, len(c.Expect))
	for id, v := range c.Expect {
		expect = append(expect, map[string]any{"id": id, "version": v})
	}
	delRels := make([]map[string]any, len(c.DeleteRelations))
	for i, r := range c.DeleteRelations {
		delRels[i] = map[string]any{"id": r.ID, "from": r.From, "to": r.To}
	}
	sources := make([]map[string]any, len(c.PutSources))
	for i, src := range c.PutSources {
		sources[i] = sourceProps(src)
	}
	entities := make([]map[string]any, len(c.PutEntities))
	prepare := make([]map[string]any, len(c.PutEntities))
	for i, e := range c.PutEntities {
		cp := *e
		v, ok := c.Expect[e.ID]
		if ok {
			cp.Version = v + 1
		}
		entities[i] = map[string]any{"label": e.Kind.Label(), "props": entityProps(&cp)}
		prepare[i] = map[string]any{"id": e.ID, "create": ok && v == -1}
	}
	rels := relationRows(c.PutRelations)
	redirects := make([]map[string]any, len(c.PutRedirects))
	for i, r := range c.PutRedirects {
		redirects[i] = map[string]any{"from": r.From, "to": r.To}
	}
	return s.write(ctx, func(tx neo4j.ManagedTransaction) error {
		if len(expect) > 0 {
			recs, err := s.collect(ctx, tx, cypherCheckVersions, map[string]any{"expect": expect})
			if err != nil {
				return err
			}
			for _, r := range recs {
				m := r.AsMap()
				if m["want"].(int64) != m["have"].(int64) {
					return kg.Errorf(kg.ECONFLICT, "%s changed while the write was being planned", m["id"])
				}
			}
		}
		if len(prepare) > 0 {
			if err := s.prepareEntities(ctx, tx, prepare); err != nil {
				return err
			}
		}
		steps := []struct {
			failpoint, cypher string
			params            map[string]any
			skip              bool
		}{
			{"after-check", "", nil, true},
			{"after-delete-relations", cypherDeleteRelations, map[string]any{"rels": delRels}, len(delRels) == 0},
			// Redirects are written before the merged entities are deleted:
			// writing them moves the redirects that led to a merged entity
			// onto the kept one, which deleting it would otherwise drop.
			{"", cypherPutRedirects, map[string]any{"rows": redirects}, len(redirects) == 0},
			{"after-delete-entities", cypherDeleteEntities, map[string]any{"ids": c.DeleteEntities}, len(c.DeleteEntities) == 0},
			{"after-put-sources", cypherSeedSources, map[string]any{"rows": sources}, len(sources) == 0},
			{"after-put-entities", cypherSeedEntities, map[string]any{"rows": entities}, len(entities) == 0},
		}
		for _, step := range steps {
			if !step.skip {
				if err := s.run(ctx, tx, step.cypher, step.params); err != nil {
					return err
				}
			}
			if err := kg.Fail(ctx, step.failpoint); err != nil {
				return err
			}
		}
		if len(rels) > 0 {
			if err := s.putRelations(ctx, tx, rels); err != nil {
				return err
			}
		}
		if c.Log != nil {
			if err := s.logChange(ctx, tx, c.Log); err != nil {
				return err
			}
		}
		if err := kg.Fail(ctx, "after-put-relations"); err != nil {
			return err
		}
		return nil
	})
}

// prepareEntities refuses entities whose ID was merged away and creates
// the nodes of new ones (see cypherPrepareEntities). A concurrent write
// that created one of them first is a conflict: the write is planned again.
func (s *Store) prepareEntities(ctx context.Context, tx neo4j.ManagedTransaction, rows []map[string]any) error {
	recs, err := s.collect(ctx, tx, cypherPrepareEntities, map[string]any{"rows": rows})
	var dbErr *neo4j.Neo4jError
	if errors.As(err, &dbErr) && dbErr.Code == "Neo.ClientError.Schema.ConstraintValidationFailed" {
		return &wrapped{kg.Errorf(kg.ECONFLICT, "an entity the write creates was created by another write meanwhile"), err}
	}
	if err != nil {
		return err
	}
	if len(recs) > 0 {
		m := recs[0].AsMap()
		return kg.Invalid("id", "%q was merged into %q; edit that entity instead", m["id"], m["to"])
	}
	return nil
}

// Redirects returns the redirects of the IDs that were merged away.
func (s *Store) Redirects(ctx context.Context, ids []string) ([]kg.Redirect, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	recs, err := s.read(ctx, cypherRedirects, map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	out := make([]kg.Redirect, len(recs))
	for i, r := range recs {
		m := r.AsMap()
		out[i] = kg.Redirect{From: m["from"].(string), To: m["to"].(string)}
	}
	return out, nil
}

// relationRows returns the parameters of cypherPutRelations for the
// relations, grouped by type.
func relationRows(rels []*kg.Relation) map[kg.RelationType][]map[string]any {
	rows := map[kg.RelationType][]map[string]any{}
	for _, r := range rels {
		rows[r.Type] = append(rows[r.Type], map[string]any{"from": r.From, "to": r.To, "props": relationProps(r)})
	}
	return rows
}

// putRelations merges the relations, one statement per type, and fails
// when an end is missing.
func (s *Store) putRelations(ctx context.Context, tx neo4j.ManagedTransaction, byType map[kg.RelationType][]map[string]any) error {
	for t := range byType {
		if !slices.Contains(kg.RelationTypes, t) {
			return kg.Invalid("relations", "unknown relation type %q", t)
		}
	}
	for _, t := range kg.RelationTypes {
		rows := byType[t]
		if len(rows) == 0 {
			continue
		}
		recs, err := s.collect(ctx, tx, cypherPutRelations[t], map[string]any{"rows": rows})
		if err != nil {
			return err
		}
		if n := recs[0].Values[0].(int64); int(n) != len(rows) {
			return kg.Invalid("relations", "%d of %d relations name an entity that does not exist", len(rows)-int(n), len(rows))
		}
	}
	return nil
}

// collect sends one statement inside a transaction and returns its records.
func (s *Store) collect(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	s.queries.Add(1)
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		return nil, err
	}
	return res.Collect(ctx)
}

// Redirect returns the ID an ID was merged into, or "".
func (s *Store) Redirect(ctx context.Context, id string) (string, error) {
	recs, err := s.read(ctx, cypherRedirect, map[string]any{"id": id})
	if err != nil || len(recs) == 0 {
		return "", err
	}
	to, _ := recs[0].Get("to")
	str, _ := to.(string)
	return str, nil
}

// Dump returns the whole graph as a sorted dataset, read in one read
// transaction so that it is consistent.
func (s *Store) Dump(ctx context.Context) (*kg.Dataset, error) {
	session := s.driver.NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeRead, DatabaseName: s.cfg.Database,
		BookmarkManager: s.driver.ExecuteQueryBookmarkManager()})
	defer session.Close(ctx)
	d, err := neo4j.ExecuteRead(ctx, session, func(tx neo4j.ManagedTransaction) (*kg.Dataset, error) {
		d := &kg.Dataset{Version: 1}
		recs, err := s.collect(ctx, tx, cypherDumpSources, nil)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			d.Sources = append(d.Sources, sourceFrom(mapOf(r, "s")))
		}
		if recs, err = s.collect(ctx, tx, cypherDumpEntities, nil); err != nil {
			return nil, err
		}
		for _, r := range recs {
			d.Entities = append(d.Entities, entityFrom(mapOf(r, "e")))
		}
		if recs, err = s.collect(ctx, tx, cypherDumpRelations, nil); err != nil {
			return nil, err
		}
		for _, r := range recs {
			d.Relations = append(d.Relations, relationFrom(mapOf(r, "r")))
		}
		if recs, err = s.collect(ctx, tx, cypherDumpRedirects, nil); err != nil {
			return nil, err
		}
		for _, r := range recs {
			m := r.AsMap()
			d.Redirects = append(d.Redirects, kg.Redirect{From: m["from"].(string), To: m["to"].(string)})
		}
		return d, nil
	})
	if err != nil {
		return nil, fmt.Errorf("dump: %w", s.wrap(err))
	}
	d.Sort()
	return d, nil
}
