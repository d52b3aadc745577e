package memstore

import (
	"cmp"
	"context"
	"slices"

	"github.com/puente-kg/puente/kg"
)

// Entities returns the entities with the given IDs.
func (s *Store) Entities(ctx context.Context, ids []string) ([]*kg.Entity, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]*kg.Entity, 0, len(ids))
	for _, id := range ids {
		if e, ok := s.entities[id]; ok {
			out = append(out, e)
		}
	}
	return out, nil
}

// Sources returns the sources with the given IDs.
func (s *Store) Sources(ctx context.Context, ids []string) ([]*kg.Source, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]*kg.Source, 0, len(ids))
	for _, id := range ids {
		if src, ok := s.sources[id]; ok {
			out = append(out, src)
		}
	}
	return out, nil
}

// Relations returns every relation touching one of the entities, by ID.
func (s *Store) Relations(ctx context.Context, ids []string) ([]*kg.Relation, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	seen := map[string]bool{}
	var out []*kg.Relation
	for _, id := range ids {
		for rid, r := range s.byEntity[id] {
			if !seen[rid] {
				seen[rid] = true
				out = append(out, r)
			}
		}
	}
	slices.SortFunc(out, func(a, b *kg.Relation) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// ListEntities returns a page of matching entities by folded name and ID.
func (s *Store) ListEntities(ctx context.Context, f kg.EntityFilter, p kg.PageRequest) (*kg.EntityPage, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var all []*kg.Entity
	for _, e := range s.entities {
		if len(f.Kinds) > 0 && !slices.Contains(f.Kinds, e.Kind) {
			continue
		}
		if f.Country != "" && !s.inCountry(e.ID, f.Country) {
			continue
		}
		all = append(all, e)
	}
	return page(all, p, (*kg.Entity).SortName)
}

// inCountry reports whether the entity is based in, located in or a citizen
// of the country, directly.
func (s *Store) inCountry(id, country string) bool {
	for _, r := range s.byEntity[id] {
		if r.From == id && r.To == country &&
			(r.Type == kg.RelBasedIn || r.Type == kg.RelLocatedIn || r.Type == kg.RelCitizenOf) {
			return true
		}
	}
	return false
}

// ListEvents returns a page of matching events in date order.
func (s *Store) ListEvents(ctx context.Context, f kg.EventFilter, p kg.PageRequest) (*kg.EntityPage, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var inCountry map[string]bool
	if f.Country != "" {
		inCountry = s.timelineEvents(s.members(f.Country))
	}
	var all []*kg.Entity
	for _, e := range s.entities {
		if e.Kind != kg.KindEvent ||
			len(f.Categories) > 0 && !slices.Contains(f.Categories, e.Category) ||
			!e.InWindow(f.From, f.To) ||
			f.Participant != "" && !s.participated(f.Participant, e.ID, f.Role) ||
			inCountry != nil && !inCountry[e.ID] ||
			!inAmountRange(e, f) {
			continue
		}
		all = append(all, e)
	}
	return pageOrdered(all, p, func(e *kg.Entity) string { return e.Date.SortKey() }, f.Descending)
}

// inAmountRange applies the amount filters of f.
func inAmountRange(e *kg.Entity, f kg.EventFilter) bool {
	if f.MinAmount == nil && f.MaxAmount == nil && f.Currency == "" {
		return true
	}
	m := e.Amount
	return m != nil && (f.MinAmount == nil || m.Amount >= *f.MinAmount) &&
		(f.MaxAmount == nil || m.Amount <= *f.MaxAmount) &&
		(f.Currency == "" || m.Currency == f.Currency)
}

func (s *Store) participated(entity, event string, role kg.Role) bool {
	for _, r := range s.byEntity[entity] {
		if r.Type == kg.RelParticipatedIn && r.From == entity && r.To == event && (role == "" || r.Role == role) {
			return true
		}
	}
	return false
}

// page sorts the entities by key and ID and cuts the requested page.
func page(all []*kg.Entity, p kg.PageRequest, key func(*kg.Entity) string) (*kg.EntityPage, error) {
	return pageOrdered(all, p, key, false)
}

// pageOrdered is page in ascending or descending order.
func pageOrdered(all []*kg.Entity, p kg.PageRequest, key func(*kg.Entity) string, desc bool) (*kg.EntityPage, error) {
	if err := kg.CheckPage(p); err != nil {
		return nil, err
	}
	var afterKey, afterID string
	if p.After != "" {
		var err error
		if afterKey, afterID, err = kg.DecodeCursor(p.After); err != nil {
			return nil, err
		}
	}
	type keyed struct {
		key string
		e   *kg.Entity
	}
	ks := make([]keyed, len(all))
	for i, e := range all {
		ks[i] = keyed{key(e), e}
	}
	dir := 1
	if desc {
		dir = -1
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		return dir * cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.e.ID, b.e.ID))
	})
	out := &kg.EntityPage{TotalCount: len(ks)}
	for _, k := range ks {
		if p.After != "" && dir*cmp.Or(cmp.Compare(k.key, afterKey), cmp.Compare(k.e.ID, afterID)) <= 0 {
			continue
		}
		if len(out.Entities) == p.First {
			out.HasNext = true
			break
		}
		out.Entities = append(out.Entities, k.e)
		out.Cursors = append(out.Cursors, kg.EncodeCursor(k.key, k.e.ID))
	}
	return out, nil
}

// ListSources returns a page of sources by ID.
func (s *Store) ListSources(ctx context.Context, p kg.PageRequest) (*kg.SourcePage, error) {
	if err := kg.CheckPage(p); err != nil {
		return nil, err
	}
	var afterID string
	if p.After != "" {
		var err error
		if _, afterID, err = kg.DecodeCursor(p.After); err != nil {
			return nil, err
		}
	}
	s.mu.RLock()
	all := make([]*kg.Source, 0, len(s.sources))
	for _, src := range s.sources {
		all = append(all, src)
	}
	s.mu.RUnlock()
	slices.SortFunc(all, func(a, b *kg.Source) int { return cmp.Compare(a.ID, b.ID) })
	out := &kg.SourcePage{TotalCount: len(all)}
	for _, src := range all {
		if p.After != "" && src.ID <= afterID {
			continue
		}
		if len(out.Sources) == p.First {
			out.HasNext = true
			break
		}
		out.Sources = append(out.Sources, src)
		out.Cursors = append(out.Cursors, kg.EncodeCursor(src.ID, src.ID))
	}
	return out, nil
}

// WhoMet returns who met the entity, with the meetings as evidence.
func (s *Store) WhoMet(ctx context.Context, q kg.WhoMetQuery) ([]kg.Contact, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	meetings := map[string]map[string]bool{}
	for _, r := range s.byEntity[q.ID] {
		if r.Type != kg.RelParticipatedIn || r.From != q.ID || slices.Contains(kg.PassiveRoles, r.Role) {
			continue
		}
		ev := s.entities[r.To]
		if ev == nil || !slices.Contains(kg.MeetingCategories, ev.Category) || !ev.InWindow(q.From, q.To) {
			continue
		}
		for _, o := range s.byEntity[ev.ID] {
			if o.Type != kg.RelParticipatedIn || o.To != ev.ID || o.From == q.ID ||
				slices.Contains(kg.PassiveRoles, o.Role) {
				continue
			}
			if meetings[o.From] == nil {
				meetings[o.From] = map[string]bool{}
			}
			meetings[o.From][ev.ID] = true
		}
	}
	out := make([]kg.Contact, 0, len(meetings))
	for who, evs := range meetings {
		c := kg.Contact{EntityID: who}
		for id := range evs {
			c.Meetings = append(c.Meetings, id)
		}
		s.sortEvents(c.Meetings)
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b kg.Contact) int {
		return cmp.Or(cmp.Compare(s.entities[a.EntityID].SortName(), s.entities[b.EntityID].SortName()),
			cmp.Compare(a.EntityID, b.EntityID))
	})
	return out, nil
}

// sortEvents orders event IDs by date and ID.
func (s *Store) sortEvents(ids []string) {
	slices.SortFunc(ids, func(a, b string) int {
		return cmp.Or(cmp.Compare(s.entities[a].Date.SortKey(), s.entities[b].Date.SortKey()), cmp.Compare(a, b))
	})
}

// Investments returns the investments that match the query.
func (s *Store) Investments(ctx context.Context, q kg.InvestmentQuery) ([]kg.Investment, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	seen := map[kg.Investment]bool{}
	var out []kg.Investment
	for _, r := range s.relations {
		if r.Type != kg.RelParticipatedIn || r.Role != kg.RoleInvestor || q.InvestorID != "" && r.From != q.InvestorID {
			continue
		}
		ev := s.entities[r.To]
		if ev == nil || !ev.InWindow(q.From, q.To) {
			continue
		}
		for _, t := range s.targets(ev.ID) {
			inv := kg.Investment{InvestorID: r.From, TargetID: t, EventID: ev.ID}
			if seen[inv] || q.TargetID != "" && !s.within(t, q.TargetID) {
				continue
			}
			seen[inv] = true
			out = append(out, inv)
		}
	}
	slices.SortFunc(out, func(a, b kg.Investment) int {
		return cmp.Or(
			cmp.Compare(s.entities[a.EventID].Date.SortKey(), s.entities[b.EventID].Date.SortKey()),
			cmp.Compare(a.EventID, b.EventID), cmp.Compare(a.InvestorID, b.InvestorID),
			cmp.Compare(a.TargetID, b.TargetID))
	})
	return out, nil
}

// targets returns the TARGET participants of the event or, when it has
// none, the places it was held at.
func (s *Store) targets(event string) []string {
	var targets, places []string
	for _, r := range s.byEntity[event] {
		switch {
		case r.Type == kg.RelParticipatedIn && r.To == event && r.Role == kg.RoleTarget:
			targets = append(targets, r.From)
		case r.Type == kg.RelHeldAt && r.From == event:
			places = append(places, r.To)
		}
	}
	if len(targets) == 0 {
		return places
	}
	return targets
}

// within reports whether id is target or lies in it by at most three
// LOCATED_IN hops.
func (s *Store) within(id, target string) bool {
	frontier := []string{id}
	for depth := 0; depth <= 3; depth++ {
		var next []string
		for _, x := range frontier {
			if x == target {
				return true
			}
			if kg.KindOfID(x) != kg.KindPlace {
				continue // only places lie in something: skip a hub's relations
			}
			for _, r := range s.byEntity[x] {
				if r.Type == kg.RelLocatedIn && r.From == x {
					next = append(next, r.To)
				}
			}
		}
		frontier = next
	}
	return false
}
