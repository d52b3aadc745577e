package kg

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The change log records every write: a backend writes a ChangeSet's Log
// entry in the same transaction as the change set itself, numbering it
// with the next sequence number. Sequence numbers increase in commit order
// and leave no gap for a write that commits (a write that rolls back takes
// no number), so that a reader that remembers the last number it saw
// misses nothing and sees nothing twice.

// Op is the kind of write a change records.
type Op string

// The operations the change log records.
const (
	OpUpsertSource  Op = "UPSERT_SOURCE"
	OpUpsertEntity  Op = "UPSERT_ENTITY"
	OpUpsertEvent   Op = "UPSERT_EVENT"
	OpDeleteEntity  Op = "DELETE_ENTITY"
	OpMergeEntities Op = "MERGE_ENTITIES"
	OpImport        Op = "IMPORT"
	OpSeed          Op = "SEED"
)

// ItemKind says what a change item is about.
type ItemKind string

// The kinds of change items.
const (
	ItemEntity   ItemKind = "ENTITY"
	ItemRelation ItemKind = "RELATION"
	ItemSource   ItemKind = "SOURCE"
	ItemRedirect ItemKind = "REDIRECT"
)

// Action says what a write did to one record.
type Action string

// The actions on a record.
const (
	ActionCreated Action = "CREATED"
	ActionUpdated Action = "UPDATED"
	ActionDeleted Action = "DELETED"
)

// Change is one entry of the change log: one committed write.
type Change struct {
	// Seq is the entry's sequence number, given by the backend when it
	// commits the write; the first entry is 1.
	Seq int64 `json:"seq"`
	// At is the commit time, in UTC.
	At time.Time `json:"at"`
	// Actor is who wrote, as records' updatedBy names them: the role and a
	// fingerprint of the token, such as "editor#1a2b3c4d"; empty for
	// loads from the command line.
	Actor string `json:"actor,omitempty"`
	Op    Op     `json:"op"`
	// Items are the records the write touched.
	Items []ChangeItem `json:"items"`
	// Truncated says that the write touched more than MaxChangeItems
	// records, of which Items holds the first.
	Truncated bool `json:"truncated,omitempty"`
	// IDs are the IDs of the entities the write touched: the entities
	// themselves, the ends of the relations and both sides of the
	// redirects, sorted and without repeats. Kinds and Categories are the
	// kinds of the entities among them, and the categories of the events,
	// sorted. They are what the log is filtered by (see Matches).
	IDs        []string   `json:"ids"`
	Kinds      []Kind     `json:"kinds,omitempty"`
	Categories []Category `json:"categories,omitempty"`
}

// ChangeItem is one record a write touched, with the fields that changed:
// Before holds their old values and After their new ones, as JSON objects
// (null for a record created or deleted on that side). A created record's
// After, and a deleted one's Before, hold the whole record.
type ChangeItem struct {
	Kind   ItemKind `json:"kind"`
	ID     string   `json:"id"`
	Action Action   `json:"action"`
	// EntityKind is the kind of the entity, for entity items.
	EntityKind Kind `json:"entityKind,omitempty"`
	// From and To are the ends of a relation, or a redirect's merged-away
	// and kept IDs.
	From   string          `json:"from,omitempty"`
	To     string          `json:"to,omitempty"`
	Before json.RawMessage `json:"before,omitempty"`
	After  json.RawMessage `json:"after,omitempty"`
}

// ChangeQuery selects entries of the change log.
type ChangeQuery struct {
	// After is the sequence number entries must be greater than.
	After int64
	// IDs, when set, keeps the entries that touched one of these entities.
	IDs []string
	// Kinds, when set, keeps the entries that touched an entity of one of
	// these kinds.
	Kinds []Kind
	// Categories, when set, keeps the entries that touched an event of one
	// of these categories.
	Categories []Category
	// First is the most entries to return.
	First int
}

// Matches reports whether the entry passes the query's filters (not After
// nor First).
func (q ChangeQuery) Matches(c *Change) bool {
	return anyIn(q.IDs, c.IDs) && anyIn(q.Kinds, c.Kinds) && anyIn(q.Categories, c.Categories)
}

// anyIn reports whether want is empty or shares an element with have.
func anyIn[T comparable](want, have []T) bool {
	if len(want) == 0 {
		return true
	}
	for _, w := range want {
		if slices.Contains(have, w) {
			return true
		}
	}
	return false
}

// ChangeLog is the read side of the change log.
type ChangeLog interface {
	// Changes returns the entries after q.After that match q, in sequence
	// order, at most q.First of them. It fails with EEXPIRED when q.After
	// is not 0 and entries after it were pruned (see ErrExpired): what the
	// reader has not seen is gone. After 0 reads from the oldest entry kept.
	Changes(ctx context.Context, q ChangeQuery) ([]*Change, error)
	// LastChange returns the sequence number of the last entry, 0 when the
	// log is empty.
	LastChange(ctx context.Context) (int64, error)
	// PruneChanges deletes the entries committed before the time, except
	// those after keep: the retention policy, which never removes what a
	// connected reader has not seen yet. It returns how many it deleted.
	PruneChanges(ctx context.Context, before time.Time, keep int64) (int, error)
}

// ErrExpired returns the error of a read after the cursor seq when entries
// up to pruned were pruned.
func ErrExpired(seq, pruned int64) error {
	return Errorf(EEXPIRED, "the change log no longer holds the changes after this cursor (change %d; entries up to %d were pruned after CHANGE_LOG_RETENTION): reload, then follow the log from its end", seq, pruned)
}

// MaxChangeItems is the most items one entry keeps: a write that touches
// more (an import batch, a merge of hubs) is recorded with the first
// MaxChangeItems items, and Truncated set.
const MaxChangeItems = 1000

// Index fills in IDs, Kinds and Categories from the items and the
// entities the write touched (by ID, before or after the write).
func (c *Change) Index(entities map[string]*Entity) {
	ids := map[string]bool{}
	for _, it := range c.Items {
		switch it.Kind {
		case ItemEntity:
			ids[it.ID] = true
		case ItemRelation, ItemRedirect:
			ids[it.From], ids[it.To] = true, true
		}
	}
	delete(ids, "")
	c.IDs, c.Kinds, c.Categories = c.IDs[:0], c.Kinds[:0], c.Categories[:0]
	for id := range ids {
		c.IDs = append(c.IDs, id)
		if e := entities[id]; e != nil {
			c.Kinds = append(c.Kinds, e.Kind)
			if e.Category != "" {
				c.Categories = append(c.Categories, e.Category)
			}
		}
	}
	slices.Sort(c.IDs)
	slices.Sort(c.Kinds)
	slices.Sort(c.Categories)
	c.Kinds = slices.Compact(c.Kinds)
	c.Categories = slices.Compact(c.Categories)
}

// Diff returns the fields of two records (values that marshal to JSON
// objects; nil for none) that differ: before holds their values in old and
// after in new. A created record's after, and a deleted one's before, hold
// all of it. It reports whether anything differs.
func Diff(old, new any) (before, after json.RawMessage, changed bool, err error) {
	ob, err := marshalRecord(old)
	if err != nil {
		return nil, nil, false, err
	}
	nb, err := marshalRecord(new)
	if err != nil {
		return nil, nil, false, err
	}
	switch {
	case ob == nil && nb == nil:
		return nil, nil, false, nil
	case ob == nil || nb == nil:
		return ob, nb, true, nil
	}
	var om, nm map[string]json.RawMessage
	if err := json.Unmarshal(ob, &om); err != nil {
		return nil, nil, false, err
	}
	if err := json.Unmarshal(nb, &nm); err != nil {
		return nil, nil, false, err
	}
	bm, am := map[string]json.RawMessage{}, map[string]json.RawMessage{}
	for k, v := range om {
		if w, ok := nm[k]; !ok || !bytes.Equal(v, w) {
			bm[k] = v
		}
	}
	for k, v := range nm {
		if w, ok := om[k]; !ok || !bytes.Equal(v, w) {
			am[k] = v
		}
	}
	// Provenance and versions change with every write; on their own they
	// are no change.
	for _, k := range []string{"version", "updatedAt", "updatedBy"} {
		delete(bm, k)
		delete(am, k)
	}
	if len(bm) == 0 && len(am) == 0 {
		return nil, nil, false, nil
	}
	if before, err = json.Marshal(bm); err != nil {
		return nil, nil, false, err
	}
	if after, err = json.Marshal(am); err != nil {
		return nil, nil, false, err
	}
	return before, after, true, nil
}

// marshalRecord marshals a record, nil for a nil pointer.
func marshalRecord(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("recording a change: %w", err)
	}
	if string(b) == "null" {
		return nil, nil
	}
	return b, nil
}

// ChangeCursor returns the cursor of the change log after the entry with
// the given sequence number. It is the same for every filter of the log,
// so that a client may resume with other filters, or switch between the
// changes query and the subscriptions.
func ChangeCursor(seq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("changes:" + strconv.FormatInt(seq, 10)))
}

// ChangeAfter returns the sequence number of a cursor of ChangeCursor, 0
// for "", or an EINVALID error naming "after".
func ChangeAfter(cursor string) (int64, error) {
	if cursor == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	s, ok := strings.CutPrefix(string(b), "changes:")
	n, perr := strconv.ParseInt(s, 10, 64)
	if err != nil || !ok || perr != nil || n < 0 {
		return 0, Invalid("after", "%q is not a cursor of the change log", cursor)
	}
	return n, nil
}
