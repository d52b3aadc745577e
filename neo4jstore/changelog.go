package neo4jstore

import (
	"context"
	"time"

	"github.com/puente-kg/puente/kg"
)

// Changes returns the entries of the change log after q.After that match q.
func (s *Store) Changes(ctx context.Context, q kg.ChangeQuery) ([]*kg.Change, error) {
	return nil, kg.Errorf(kg.EINTERNAL, "the change log is not yet kept on Neo4j")
}

// LastChange returns the sequence number of the last entry.
func (s *Store) LastChange(ctx context.Context) (int64, error) {
	return 0, kg.Errorf(kg.EINTERNAL, "the change log is not yet kept on Neo4j")
}

// PruneChanges deletes old entries of the change log.
func (s *Store) PruneChanges(ctx context.Context, before time.Time, keep int64) (int, error) {
	return 0, kg.Errorf(kg.EINTERNAL, "the change log is not yet kept on Neo4j")
}
