package neo4jstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/puente-kg/puente/kg"
)

// The change log is kept in the graph's database: each entry a :Change
// node, numbered by the single :ChangeCounter node in the transaction of
// the write it records (see cypherLogChange). The entry's items are a JSON
// string, since properties cannot hold maps.

// pruneBatch is how many entries PruneChanges deletes per transaction.
const pruneBatch = 10_000

// logChange writes the entry of a change set inside its transaction.
func (s *Store) logChange(ctx context.Context, tx neo4j.ManagedTransaction, c *kg.Change) error {
	items, err := json.Marshal(c.Items)
	if err != nil {
		return fmt.Errorf("change log entry: %w", err)
	}
	recs, err := s.collect(ctx, tx, cypherLogChange, map[string]any{
		"actor":      c.Actor,
		"op":         string(c.Op),
		"ids":        strs(c.IDs),
		"kinds":      kindStrings(c.Kinds),
		"categories": categoryStrings(c.Categories),
		"truncated":  c.Truncated,
		"items":      string(items),
	})
	if err != nil {
		return err
	}
	if len(recs) != 1 {
		return kg.Errorf(kg.EUNAVAILABLE, "the change log's counter is missing: the migrations have not run")
	}
	return nil
}

// Changes returns the entries of the change log after q.After that match
// q, in sequence order, at most q.First of them.
func (s *Store) Changes(ctx context.Context, q kg.ChangeQuery) ([]*kg.Change, error) {
	if q.First <= 0 {
		return nil, nil
	}
	recs, err := s.read(ctx, cypherChanges, map[string]any{
		"after":      q.After,
		"ids":        strs(q.IDs),
		"kinds":      kindStrings(q.Kinds),
		"categories": categoryStrings(q.Categories),
		"first":      q.First,
	})
	if err != nil {
		return nil, fmt.Errorf("changes: %w", err)
	}
	out := make([]*kg.Change, 0, len(recs))
	for _, r := range recs {
		c, err := changeFrom(mapOf(r, "c"))
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	// Pruning removes the oldest entries: when the entry right after the
	// cursor came back, none after it was pruned. Otherwise (a filtered
	// read, or nothing new) ask how far pruning went.
	if q.After > 0 && (len(out) == 0 || out[0].Seq != q.After+1) {
		recs, err := s.read(ctx, cypherPruned, nil)
		if err != nil {
			return nil, fmt.Errorf("changes: %w", err)
		}
		var pruned int64
		if len(recs) > 0 {
			v, _ := recs[0].Get("pruned")
			pruned, _ = v.(int64)
		}
		if q.After < pruned {
			return nil, kg.ErrExpired(q.After, pruned)
		}
	}
	return out, nil
}

// LastChange returns the sequence number of the last entry ever written,
// pruned or not; 0 when the log is empty.
func (s *Store) LastChange(ctx context.Context) (int64, error) {
	recs, err := s.read(ctx, cypherLastChange, nil)
	if err != nil {
		return 0, fmt.Errorf("last change: %w", err)
	}
	if len(recs) == 0 {
		return 0, nil
	}
	v, _ := recs[0].Get("seq")
	n, _ := v.(int64)
	return n, nil
}

// PruneChanges deletes the entries committed before the time and numbered
// at most keep, in batches of pruneBatch, each its own transaction; it
// returns how many it deleted, also when a later batch fails.
func (s *Store) PruneChanges(ctx context.Context, before time.Time, keep int64) (int, error) {
	total := 0
	for {
		var n int64
		err := s.write(ctx, func(tx neo4j.ManagedTransaction) error {
			recs, err := s.collect(ctx, tx, cypherPruneChanges, map[string]any{
				"sec": before.Unix(), "nsec": before.Nanosecond(), "keep": keep, "batch": pruneBatch})
			if err != nil {
				return err
			}
			n, _ = recs[0].Values[0].(int64)
			if top, ok := recs[0].Values[1].(int64); ok && n > 0 {
				_, err = s.collect(ctx, tx, cypherMarkPruned, map[string]any{"top": top})
			}
			return err
		})
		if err != nil {
			return total, fmt.Errorf("prune changes: %w", err)
		}
		total += int(n)
		if n < pruneBatch {
			return total, nil
		}
	}
}

// changeFrom reads an entry from its node's properties.
func changeFrom(p map[string]any) (*kg.Change, error) {
	c := &kg.Change{
		Actor:     str(p, "actor"),
		Op:        kg.Op(str(p, "op")),
		IDs:       list(p, "ids"),
		Truncated: p["truncated"] == true,
	}
	c.Seq, _ = p["seq"].(int64)
	if at, ok := p["at"].(time.Time); ok {
		c.At = at.UTC()
	}
	for _, k := range list(p, "kinds") {
		c.Kinds = append(c.Kinds, kg.Kind(k))
	}
	for _, k := range list(p, "categories") {
		c.Categories = append(c.Categories, kg.Category(k))
	}
	if err := json.Unmarshal([]byte(str(p, "items")), &c.Items); err != nil {
		return nil, fmt.Errorf("change %d: items: %w", c.Seq, err)
	}
	return c, nil
}

func categoryStrings(cs []kg.Category) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(c)
	}
	return out
}
