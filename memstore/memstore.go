// Package memstore is the embedded backend: the whole graph in memory,
// guarded by a read-write mutex, with the same semantics as the Neo4j
// backend. It is the default when no Neo4j URI is configured.
//
// Stored values are never mutated in place: a write replaces them, so a
// reader may keep what it was given while writes go on.
package memstore

import (
	"context"
	"slices"
	"sync"

	"github.com/puente-kg/puente/kg"
)

// Store is an in-memory kg.Store. The zero value is not usable; call New.
type Store struct {
	mu        sync.RWMutex
	entities  map[string]*kg.Entity
	sources   map[string]*kg.Source
	relations map[string]*kg.Relation
	// byEntity indexes relations by both endpoints.
	byEntity map[string]map[string]*kg.Relation
}

var _ kg.Store = (*Store)(nil)

// New returns an empty store.
func New() *Store {
	return &Store{
		entities:  map[string]*kg.Entity{},
		sources:   map[string]*kg.Source{},
		relations: map[string]*kg.Relation{},
		byEntity:  map[string]map[string]*kg.Relation{},
	}
}

// Migrate does nothing: the embedded store has no schema to migrate.
func (s *Store) Migrate(ctx context.Context) error { return nil }

// Close does nothing.
func (s *Store) Close(ctx context.Context) error { return nil }

// Seed merges the dataset into the store by ID.
func (s *Store) Seed(ctx context.Context, d *kg.Dataset) error {
	if err := d.Validate(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, src := range d.Sources {
		c := *src
		s.sources[c.ID] = &c
	}
	for _, e := range d.Entities {
		s.entities[e.ID] = cloneEntity(e)
	}
	for _, r := range d.Relations {
		s.putRelation(cloneRelation(r))
	}
	return nil
}

func (s *Store) putRelation(r *kg.Relation) {
	s.relations[r.ID] = r
	for _, id := range []string{r.From, r.To} {
		m := s.byEntity[id]
		if m == nil {
			m = map[string]*kg.Relation{}
			s.byEntity[id] = m
		}
		m[r.ID] = r
	}
}

func cloneEntity(e *kg.Entity) *kg.Entity {
	c := *e
	c.Aliases = slices.Clone(e.Aliases)
	c.Sources = slices.Clone(e.Sources)
	c.Notes = slices.Clone(e.Notes)
	if e.Amount != nil {
		m := *e.Amount
		if m.Baseline != nil {
			b := *m.Baseline
			m.Baseline = &b
		}
		c.Amount = &m
	}
	if e.Quantity != nil {
		q := *e.Quantity
		c.Quantity = &q
	}
	return &c
}

func cloneRelation(r *kg.Relation) *kg.Relation {
	c := *r
	c.Sources = slices.Clone(r.Sources)
	if c.ID == "" {
		c.ID = kg.RelationID(c.Type, c.From, c.To, c.Role)
	}
	return &c
}

// Stats counts what the store holds.
func (s *Store) Stats(ctx context.Context) (kg.Stats, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return kg.Stats{Entities: len(s.entities), Sources: len(s.sources), Relations: len(s.relations)}, nil
}
