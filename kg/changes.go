package kg

import (
	"context"
	"errors"
)

// ChangeSet is one write, planned against the store's state: every record
// to put or delete. A backend applies it in one transaction — all of it or
// none — after checking that every entity in Expect still has the version
// the plan was made against; otherwise it fails with ECONFLICT and the
// write is planned again (see Write).
type ChangeSet struct {
	// Expect maps each entity the write touches to the version it had when
	// the write was planned, -1 for an entity that did not exist. Applying
	// the change set adds one to the version of each.
	Expect map[string]int `json:"expect"`

	PutSources []*Source `json:"putSources,omitempty"`
	// PutEntities replace the stored entities whole.
	PutEntities []*Entity `json:"putEntities,omitempty"`
	// DeleteRelations are deleted before PutRelations are written.
	DeleteRelations []*Relation `json:"deleteRelations,omitempty"`
	PutRelations    []*Relation `json:"putRelations,omitempty"`
	// DeleteEntities are deleted with any relation left on them, and the
	// redirects to them.
	DeleteEntities []string `json:"deleteEntities,omitempty"`
	// PutRedirects are written last; redirects that pointed to a merged
	// entity are moved along (see Redirect).
	PutRedirects []Redirect `json:"putRedirects,omitempty"`
	// Log, when set, is the change log's entry for the write, which the
	// backend numbers (Seq), dates (At) and writes with the rest.
	Log *Change `json:"log,omitempty"`
}

// Failpoints of an apply, in order. A backend calls Fail at each; tests
// inject a failure there to check that a write interrupted in the middle
// leaves the store exactly as before.
var Failpoints = []string{
	"after-check", "after-delete-relations", "after-delete-entities",
	"after-put-sources", "after-put-entities", "after-put-relations",
}

type failpointKey struct{}

// WithFailpoint returns a context in which the apply of a change set fails
// at the named failpoint. It is meant for tests.
func WithFailpoint(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, failpointKey{}, name)
}

// ErrInjected is the failure WithFailpoint injects.
var ErrInjected = errors.New("injected failure")

// Fail returns ErrInjected when the context asks for a failure at name.
func Fail(ctx context.Context, name string) error {
	if v, _ := ctx.Value(failpointKey{}).(string); name != "" && v == name {
		return ErrInjected
	}
	return nil
}

// Writer is the write side of a store.
type Writer interface {
	// Apply writes the change set in one transaction: all of it or, on any
	// error, none of it. It returns ECONFLICT when an expected version no
	// longer holds.
	Apply(ctx context.Context, c *ChangeSet) error
	// Redirect returns the ID the given one was merged into, or "" when it
	// was not.
	Redirect(ctx context.Context, id string) (string, error)
	// Dump returns the whole graph as a dataset, sorted (see Dataset.Sort).
	Dump(ctx context.Context) (*Dataset, error)
}
