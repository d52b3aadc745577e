package memstore

import (
	"cmp"
	"context"
	"slices"

	"github.com/puente-kg/puente/kg"
)

// liveEvery is how many items a loop over stored data handles between two
// checks of the request's context.
const liveEvery = 1024

// keyed is an item listed at a sort key and an ID: the two parts of its
// cursor.
type keyed[T any] struct {
	key, id string
	v       T
}

// pageOf sorts the items by key and ID (descending when desc), and cuts
// the page p asks for, checking ctx as it goes. The total is counted only
// when p.Count is set.
func pageOf[T any](ctx context.Context, items []keyed[T], p kg.PageRequest, max int, desc bool) (vals []T, cursors []string, hasNext bool, total int, err error) {
	if p.First < 1 || p.First > max {
		return nil, nil, false, 0, kg.Invalid("first", "must be between 1 and %d, got %d", max, p.First)
	}
	var afterKey, afterID string
	if p.After != "" {
		if afterKey, afterID, err = kg.DecodeCursor(p.After); err != nil {
			return nil, nil, false, 0, err
		}
	}
	dir := 1
	if desc {
		dir = -1
	}
	cmpItems := func(a, b keyed[T]) int { return dir * cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.id, b.id)) }
	if len(items) > liveEvery {
		if err := kg.Live(ctx); err != nil {
			return nil, nil, false, 0, err
		}
	}
	slices.SortFunc(items, cmpItems)
	start := 0
	if p.After != "" {
		start, _ = slices.BinarySearchFunc(items, keyed[T]{key: afterKey, id: afterID}, cmpItems)
		if start < len(items) && cmpItems(items[start], keyed[T]{key: afterKey, id: afterID}) == 0 {
			start++
		}
	}
	end := min(start+p.First, len(items))
	for _, it := range items[start:end] {
		vals = append(vals, it.v)
		cursors = append(cursors, kg.EncodeCursor(it.key, it.id))
	}
	if p.Count {
		total = len(items)
	}
	return vals, cursors, end < len(items), total, nil
}

// Relations returns each entity's first max+1 relations of the bases
// (any basis when none is given) by ID, a relation between two of them
// once.
func (s *Store) Relations(ctx context.Context, ids []string, max int, bases ...kg.Basis) ([]*kg.Relation, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	seen := map[string]bool{}
	var out []*rel
	for _, id := range ids {
		if err := kg.Live(ctx); err != nil {
			return nil, err
		}
		n := 0
		for _, r := range s.byEntity[id] { // by ID
			if n > max {
				break
			}
			if !r.HasBasis(bases) {
				continue
			}
			n++
			if !seen[r.ID] {
				seen[r.ID] = true
				out = append(out, r)
			}
		}
	}
	slices.SortFunc(out, compareRel)
	return relations(out), nil
}

// Links returns a page of each entity's links that match q.
func (s *Store) Links(ctx context.Context, ids []string, q kg.LinkQuery, p kg.PageRequest) ([]kg.LinkPage, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]kg.LinkPage, len(ids))
	for i, id := range ids {
		if err := kg.Live(ctx); err != nil {
			return nil, err
		}
		var items []keyed[link]
		seen := map[string]bool{}
		n := 0
		for _, r := range s.byEntity[id] {
			if n++; n%liveEvery == 0 {
				if err := kg.Live(ctx); err != nil {
					return nil, err
				}
			}
			other, ok := s.linkMatches(id, r, q)
			if !ok {
				continue
			}
			switch q.Order {
			case kg.LinksByName:
				if !seen[other] {
					seen[other] = true
					items = append(items, keyed[link]{s.entities[other].SortName(), other, link{other: other}})
				}
			case kg.LinksByDate:
				items = append(items, keyed[link]{s.entities[other].Date.SortKey(), r.ID, link{r, other}})
			default:
				items = append(items, keyed[link]{"", r.ID, link{r, other}})
			}
		}
		page, cursors, hasNext, total, err := pageOf(ctx, items, p, kg.MaxListSize, false)
		if err != nil {
			return nil, err
		}
		links := make([]kg.Link, len(page))
		for j, l := range page {
			links[j] = kg.Link{Relation: l.r.relation(), Other: l.other}
		}
		out[i] = kg.LinkPage{Links: links, Cursors: cursors, HasNext: hasNext, TotalCount: total}
	}
	return out, nil
}

// link is a link before its page is cut: the stored relation (nil for a
// link by name) and the entity at its other end.
type link struct {
	r     *rel
	other string
}

// linkMatches reports whether the relation r of entity id matches q, and
// returns the entity at its other end.
func (s *Store) linkMatches(id string, r *rel, q kg.LinkQuery) (string, bool) {
	other := r.Other(id)
	switch {
	case len(q.Types) > 0 && !slices.Contains(q.Types, r.Type),
		q.Direction == kg.DirOut && r.From != id,
		q.Direction == kg.DirIn && r.To != id,
		q.Role != "" && r.Role != q.Role,
		s.entities[other] == nil,
		q.Category != "" && s.entities[other].Category != q.Category:
		return "", false
	}
	return other, true
}

// RelationsByID returns the relations with the given IDs.
func (s *Store) RelationsByID(ctx context.Context, ids []string) ([]*kg.Relation, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]*kg.Relation, 0, len(ids))
	for _, id := range ids {
		if r := s.relationByID(id, nil); r != nil {
			out = append(out, r.relation())
		}
	}
	return out, nil
}
