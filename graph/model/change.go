package model

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/puente-kg/puente/kg"
)

// Change is the view of one change-log entry.
type Change struct{ *kg.Change }

// Cursor returns the cursor after the entry.
func (c Change) Cursor() string { return kg.ChangeCursor(c.Seq) }

// Sequence returns the entry's sequence number.
func (c Change) Sequence() int64 { return c.Seq }

// At returns the commit time, RFC 3339 in UTC.
func (c Change) At() string { return c.Change.At.UTC().Format(time.RFC3339Nano) }

// Actor returns who wrote, or nil for the command line.
func (c Change) Actor() *string { return nonEmpty(c.Change.Actor) }

// Operation returns the kind of write.
func (c Change) Operation() kg.Op { return c.Op }

// Items returns the first records the write touched.
func (c Change) Items(first *int) ([]*ChangeItem, error) {
	n, err := ListSize(first)
	if err != nil {
		return nil, err
	}
	items := c.Change.Items[:min(n, len(c.Change.Items))]
	out := make([]*ChangeItem, len(items))
	for i := range items {
		out[i] = &ChangeItem{ChangeItem: &items[i]}
	}
	return out, nil
}

// ItemCount returns how many records the entry holds.
func (c Change) ItemCount() int { return len(c.Change.Items) }

// Changes returns the views of the entries.
func Changes(cs []*kg.Change) []*Change {
	out := make([]*Change, len(cs))
	for i, c := range cs {
		out[i] = &Change{Change: c}
	}
	return out
}

// ChangeItem is the view of one record a change touched.
type ChangeItem struct{ *kg.ChangeItem }

// EntityKind returns the entity's kind, or nil for other records.
func (it ChangeItem) EntityKind() *kg.Kind { return nonEmpty(it.ChangeItem.EntityKind) }

// From returns a relation's start or a redirect's merged-away ID, or nil.
func (it ChangeItem) From() *string { return nonEmpty(it.ChangeItem.From) }

// To returns a relation's end or a redirect's kept ID, or nil.
func (it ChangeItem) To() *string { return nonEmpty(it.ChangeItem.To) }

// MarshalJSON writes a JSON value as it is, null when there is none.
func MarshalJSON(v json.RawMessage) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		if len(v) == 0 {
			io.WriteString(w, "null")
			return
		}
		w.Write(v)
	})
}

// UnmarshalJSON reads a JSON value given as an argument, re-encoding it.
func UnmarshalJSON(v any) (json.RawMessage, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("a JSON value: %w", err)
	}
	return b, nil
}
