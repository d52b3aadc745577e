// Package memstore is the embedded backend: the whole graph in memory,
// guarded by a read-write mutex, with the same semantics as the Neo4j
// backend. It is the default when no Neo4j URI is configured.
//
// Stored values are never mutated in place: a write replaces them, so a
// reader may keep what it was given while writes go on.
package memstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/puente-kg/puente/kg"
)

// Store is an in-memory kg.Store. The zero value is not usable; call New or
// Open.
type Store struct {
	mu sync.RWMutex
	// journal, when not nil, receives every write before it is applied.
	journal  *journal
	entities map[string]*kg.Entity
	sources  map[string]*kg.Source
	// byEntity lists each entity's relations, from and to it, by ID; a
	// relation is found by its ID in the shorter list of its two ends (see
	// findRel), and listed once in the lists of the ends it starts from
	// (see allRelations).
	byEntity map[string][]*rel
	// nRelations counts the relations.
	nRelations int
	// single maps each source ID to a slice holding only it, which the
	// records citing only that source share (see sourceIDs).
	single map[string][]string
	// redirects maps merged-away IDs to the entity they were merged into.
	redirects map[string]string
	// tokens holds each entity's search text (kg.Entity.SearchText: the
	// tokens of its names), so that a search filters candidates without
	// tokenizing every name.
	tokens map[string]string
	search *searchIndex
	// byName indexes every entity by folded name and ID for ListEntities;
	// nil until a list builds it, and again after each write to an entity
	// (see dropIndexes). byNameMu lets one reader build it at a time.
	byName   atomic.Pointer[[]keyed[*kg.Entity]]
	byNameMu sync.Mutex
	// log is the change log.
	log changeLog
}

var _ kg.Store = (*Store)(nil)

// New returns an empty store.
func New() *Store {
	return &Store{
		entities:  map[string]*kg.Entity{},
		sources:   map[string]*kg.Source{},
		byEntity:  map[string][]*rel{},
		single:    map[string][]string{},
		redirects: map[string]string{},
		tokens:    map[string]string{},
		search:    newSearchIndex(),
	}
}

// Open returns a store whose writes are journaled in dir, after replaying
// the journal there. A torn last record (a crash in the middle of a write)
// is dropped and reported in the ReplayReport; any other damage is an error
// naming the journal and the byte offset, and leaves the file as it was. A
// journal of an earlier format is rewritten in the current one.
//
// The replay runs with a memory bound instead of GOGC (see BoundMemory and
// replayHeadroom); once it is done, a collection in the background gives
// the garbage it left back to the system.
func Open(dir string) (*Store, ReplayReport, error) {
	start := time.Now()
	s := New()
	if info, err := os.Stat(filepath.Join(dir, JournalFile)); err == nil {
		s.reserve(int(min(info.Size()/bytesPerEntity, 1<<26)))
	}
	restore := BoundMemory(replayHeadroom)
	j, rep, err := openJournal(dir, s.apply)
	restore()
	if err != nil {
		return nil, rep, err
	}
	s.journal = j
	if j.logged != nil {
		s.log.moveToJournal(j.logged)
		j.logged = nil
	}
	rep.Took = time.Since(start)
	// The replay decoded every record and let go of much of it: give the
	// memory back to the system now rather than as the heap grows again,
	// so that the process holds about what the store keeps. The full
	// collection this takes (seconds at 1M entities) runs while the caller
	// goes on.
	go debug.FreeOSMemory()
	return s, rep, nil
}

// replayHeadroom is the garbage a replay may leave between collections
// (see BoundMemory). Each collection marks the whole heap, which at 1M
// entities costs 3 to 7 CPU seconds: at GOGC=200 a replay collected 14
// times; with 2 GiB of headroom it collects once or not at all, and peaks
// about as high (2.2 GiB at 1M entities).
const replayHeadroom = 2 << 30

// bytesPerEntity is about what a journal written by an import holds for
// each entity, with its relations and change-log items: 700 bytes at 1M
// entities. A replay sizes its maps for the journal's size over this, so
// that they do not grow step by step; a journal of many small edits holds
// more bytes per entity, and its maps grow the rest of the way.
const bytesPerEntity = 700

// reserve sizes the empty maps of the store for n entities.
func (s *Store) reserve(n int) {
	if len(s.entities) > 0 || n <= 0 {
		return
	}
	s.entities = make(map[string]*kg.Entity, n)
	s.byEntity = make(map[string][]*rel, n)
	s.tokens = make(map[string]string, n)
}

// BatchWait returns 0: a lookup in memory costs no round trip, so loaders
// over this store should fetch at once rather than wait to batch.
func (s *Store) BatchWait() time.Duration { return 0 }

// Durable reports whether writes are journaled to disk.
func (s *Store) Durable() bool { return s.journal != nil }

// Migrate does nothing: the embedded store has no schema to migrate.
func (s *Store) Migrate(ctx context.Context) error { return nil }

// Close closes the journal, if any.
func (s *Store) Close(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.journal == nil {
		return nil
	}
	err := s.journal.close()
	s.journal = nil
	return err
}

// apply replays a journaled record.
func (s *Store) apply(rec record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.applyLocked(rec)
}

func (s *Store) applyLocked(rec record) error {
	switch rec.Op {
	case "seed":
		if rec.Dataset == nil {
			return errors.New("seed record without a dataset")
		}
		if err := rec.Dataset.Validate(); err != nil {
			return err
		}
		s.seedLocked(rec.Dataset)
		return nil
	case "changes":
		return s.applyChanges(rec.Changes, rec.searchText, rec.at, rec.skippedItems)
	}
	return fmt.Errorf("unknown journal operation %q", rec.Op)
}

// seedLocked replays a "seed" record, which journals of earlier versions
// hold: it merges the dataset into the store by ID. Seeds are now planned
// change sets (see service.Seed) and journaled as such.
func (s *Store) seedLocked(d *kg.Dataset) {
	for _, src := range d.Sources {
		c := *src
		s.sources[c.ID] = &c
	}
	for _, e := range d.Entities {
		s.setEntity(cloneEntity(e))
	}
	p := pending{}
	for _, r := range d.Relations {
		c := cloneRelation(r)
		c.From, c.To = s.entityID(c.From), s.entityID(c.To)
		if old := s.findRel(c.From, c.To, c.ID, p); old != nil {
			s.deleteRelation(old, p)
		}
		s.putRelation(s.newRel(c), p)
	}
	s.settle(p)
	for _, r := range d.Redirects {
		s.redirects[r.From] = r.To
	}
}

// putRelation stores a relation whose ID is not stored; the lists it
// joins are sorted when p is settled.
func (s *Store) putRelation(r *rel, p pending) {
	s.nRelations++
	s.addRel(r.From, r, p)
	if r.To != r.From {
		s.addRel(r.To, r, p)
	}
}

// deleteRelation forgets a stored relation.
func (s *Store) deleteRelation(r *rel, p pending) {
	s.nRelations--
	s.removeRel(r.From, r, p)
	if r.To != r.From {
		s.removeRel(r.To, r, p)
	}
}

func cloneEntity(e *kg.Entity) *kg.Entity {
	c := *e
	c.Aliases = slices.Clone(e.Aliases)
	c.Sources = slices.Clone(e.Sources)
	c.Notes = slices.Clone(e.Notes)
	c.Discrepancies = slices.Clone(e.Discrepancies)
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

// cloneRelation copies a relation to store it, with its basis recorded:
// a relation written (or journaled) before bases existed is STATED.
func cloneRelation(r *kg.Relation) *kg.Relation {
	c := *r
	c.Sources = slices.Clone(r.Sources)
	c.RestsOn = slices.Clone(r.RestsOn)
	return ownRelation(&c)
}

// ownRelation readies a relation the store owns to be stored: with its
// basis recorded, and its ID, which a journaled relation does not carry.
func ownRelation(r *kg.Relation) *kg.Relation {
	r.Basis = r.EffectiveBasis()
	if r.ID == "" {
		r.ID = kg.RelationID(r.Type, r.From, r.To, r.Role)
	}
	return r
}

// Stats counts what the store holds.
func (s *Store) Stats(ctx context.Context) (kg.Stats, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return kg.Stats{Entities: len(s.entities), Sources: len(s.sources), Relations: s.nRelations}, nil
}

// dropIndexes forgets the indexes that writes to entities make stale. The
// caller holds s.mu for writing.
func (s *Store) dropIndexes() { s.byName.Store(nil) }

// setEntity stores an entity and its search tokens.
func (s *Store) setEntity(e *kg.Entity) { s.setEntityText(e, e.SearchText()) }

// setEntityText stores an entity whose search text is known.
func (s *Store) setEntityText(e *kg.Entity, text string) {
	s.dropIndexes()
	s.internEntity(e)
	s.entities[e.ID] = e
	if old, ok := s.tokens[e.ID]; ok && old == text {
		return // the same names: the index holds them
	}
	s.search.remove(e.ID, s.tokens[e.ID])
	s.tokens[e.ID] = text
	s.search.add(e.ID, text)
}

// removeEntity forgets an entity and its search tokens.
func (s *Store) removeEntity(id string) {
	s.dropIndexes()
	delete(s.entities, id)
	s.search.remove(id, s.tokens[id])
	delete(s.tokens, id)
}
