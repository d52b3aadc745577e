package memstore

import (
	"cmp"
	"context"
	"slices"

	"github.com/puente-kg/puente/kg"
)

// Entities returns the entities with the given IDs.
func (s *Store) Entities(ctx context.Context, ids []string) ([]*kg.Entity, error) {
	return lookup(s, ids, s.entities), nil
}

// Sources returns the sources with the given IDs.
func (s *Store) Sources(ctx context.Context, ids []string) ([]*kg.Source, error) {
	return lookup(s, ids, s.sources), nil
}

// Quoting returns the relations that cite the source with a quote, and the
// entities whose discrepancies cite it, at most max+1 of each.
func (s *Store) Quoting(ctx context.Context, id string, max int) ([]*kg.Relation, []*kg.Entity, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var rels []*kg.Relation
	n := 0
	for r := range s.allRelations {
		if n++; n%liveEvery == 0 {
			if err := kg.Live(ctx); err != nil {
				return nil, nil, err
			}
		}
		if r.full != nil && r.full.Quote != "" && slices.Contains(r.Sources, id) && len(rels) <= max {
			rels = append(rels, r.full)
		}
	}
	var es []*kg.Entity
	for _, e := range s.entities {
		if n++; n%liveEvery == 0 {
			if err := kg.Live(ctx); err != nil {
				return nil, nil, err
			}
		}
		if slices.Contains(e.DiscrepancySources(), id) && len(es) <= max {
			es = append(es, e)
		}
	}
	return rels, es, nil
}

// lookup returns the values of the IDs found in m, under the read lock.
func lookup[T any](s *Store, ids []string, m map[string]T) []T {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]T, 0, len(ids))
	for _, id := range ids {
		if v, ok := m[id]; ok {
			out = append(out, v)
		}
	}
	return out
}

// ListEntities returns a page of matching entities by folded name and ID.
// It pages through the index of entities by name: finding the cursor
// costs a binary search, and a page costs the entities it skips for the
// filter, so that walking every entity page by page costs about as much
// as one sort rather than one per page.
func (s *Store) ListEntities(ctx context.Context, f kg.EntityFilter, p kg.PageRequest) (*kg.EntityPage, error) {
	if p.First < 1 || p.First > kg.MaxPageSize {
		return nil, kg.Invalid("first", "must be between 1 and %d, got %d", kg.MaxPageSize, p.First)
	}
	var after keyed[*kg.Entity]
	if p.After != "" {
		var err error
		if after.key, after.id, err = kg.DecodeCursor(p.After); err != nil {
			return nil, err
		}
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	index, err := s.entitiesByName(ctx)
	if err != nil {
		return nil, err
	}
	match := func(e *kg.Entity) bool {
		return (len(f.Kinds) == 0 || slices.Contains(f.Kinds, e.Kind)) &&
			(f.Country == "" || s.inCountry(e.ID, f.Country))
	}
	start := 0
	if p.After != "" {
		start, _ = slices.BinarySearchFunc(index, after, compareKeyed)
		if start < len(index) && compareKeyed(index[start], after) == 0 {
			start++
		}
	}
	out := &kg.EntityPage{}
	for i, n := start, 0; i < len(index); i++ {
		if n++; n%liveEvery == 0 {
			if err := kg.Live(ctx); err != nil {
				return nil, err
			}
		}
		it := index[i]
		if !match(it.v) {
			continue
		}
		if len(out.Entities) == p.First {
			out.HasNext = true
			break
		}
		out.Entities = append(out.Entities, it.v)
		out.Cursors = append(out.Cursors, kg.EncodeCursor(it.key, it.id))
	}
	if p.Count {
		for i, it := range index {
			if i%liveEvery == liveEvery-1 {
				if err := kg.Live(ctx); err != nil {
					return nil, err
				}
			}
			if match(it.v) {
				out.TotalCount++
			}
		}
	}
	return out, nil
}

// compareKeyed orders items by key, then ID.
func compareKeyed[T any](a, b keyed[T]) int {
	return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.id, b.id))
}

// entitiesByName returns every entity ordered by folded name and ID,
// building the index when a write has dropped it. The caller holds s.mu
// for reading; writes, which hold it for writing, drop the index (see
// dropIndexes), so an index a reader sees is never stale.
func (s *Store) entitiesByName(ctx context.Context) ([]keyed[*kg.Entity], error) {
	if idx := s.byName.Load(); idx != nil {
		return *idx, nil
	}
	s.byNameMu.Lock()
	defer s.byNameMu.Unlock()
	if idx := s.byName.Load(); idx != nil {
		return *idx, nil
	}
	idx := make([]keyed[*kg.Entity], 0, len(s.entities))
	for _, e := range s.entities {
		if len(idx)%liveEvery == liveEvery-1 {
			if err := kg.Live(ctx); err != nil {
				return nil, err
			}
		}
		idx = append(idx, keyed[*kg.Entity]{e.SortName(), e.ID, e})
	}
	slices.SortFunc(idx, compareKeyed)
	s.byName.Store(&idx)
	return idx, nil
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
		members, err := s.members(ctx, f.Country, nil)
		if err != nil {
			return nil, err
		}
		if inCountry, err = s.timelineEvents(ctx, members, nil); err != nil {
			return nil, err
		}
	}
	var all []*kg.Entity
	n := 0
	for _, e := range s.entities {
		if n++; n%liveEvery == 0 {
			if err := kg.Live(ctx); err != nil {
				return nil, err
			}
		}
		if e.Kind != kg.KindEvent ||
			len(f.Categories) > 0 && !slices.Contains(f.Categories, e.Category) ||
			!e.InWindow(f.From, f.To) ||
			!s.reportedIn(e, f.ReportedFrom, f.ReportedTo) ||
			f.Participant != "" && !s.participated(f.Participant, e.ID, f.Role) ||
			inCountry != nil && !inCountry[e.ID] ||
			!inAmountRange(e, f) {
			continue
		}
		all = append(all, e)
	}
	return pageOrdered(ctx, all, p, func(e *kg.Entity) string { return e.Date.SortKey() }, f.Descending)
}

// reportedIn reports whether one of the event's sources was published in
// a period overlapping the window [from, to]; every event is in an
// inactive window.
func (s *Store) reportedIn(e *kg.Entity, from, to kg.Date) bool {
	lo, hi, active := kg.DateWindow(from, to)
	if !active {
		return true
	}
	for _, id := range e.Sources {
		if src := s.sources[id]; src != nil && !src.PublishedAt.IsZero() &&
			src.PublishedAt.Start() <= hi && src.PublishedAt.End() >= lo {
			return true
		}
	}
	return false
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
func page(ctx context.Context, all []*kg.Entity, p kg.PageRequest, key func(*kg.Entity) string) (*kg.EntityPage, error) {
	return pageOrdered(ctx, all, p, key, false)
}

// pageOrdered is page in ascending or descending order.
func pageOrdered(ctx context.Context, all []*kg.Entity, p kg.PageRequest, key func(*kg.Entity) string, desc bool) (*kg.EntityPage, error) {
	items := make([]keyed[*kg.Entity], len(all))
	for i, e := range all {
		items[i] = keyed[*kg.Entity]{key(e), e.ID, e}
	}
	es, cursors, hasNext, total, err := pageOf(ctx, items, p, kg.MaxPageSize, desc)
	if err != nil {
		return nil, err
	}
	return &kg.EntityPage{Entities: es, Cursors: cursors, HasNext: hasNext, TotalCount: total}, nil
}

// ListSources returns a page of sources by ID.
func (s *Store) ListSources(ctx context.Context, p kg.PageRequest) (*kg.SourcePage, error) {
	s.mu.RLock()
	items := make([]keyed[*kg.Source], 0, len(s.sources))
	for _, src := range s.sources {
		items = append(items, keyed[*kg.Source]{src.ID, src.ID, src})
	}
	s.mu.RUnlock()
	srcs, cursors, hasNext, total, err := pageOf(ctx, items, p, kg.MaxPageSize, false)
	if err != nil {
		return nil, err
	}
	return &kg.SourcePage{Sources: srcs, Cursors: cursors, HasNext: hasNext, TotalCount: total}, nil
}

// WhoMet returns a page of who met the entity, with the meetings as
// evidence.
func (s *Store) WhoMet(ctx context.Context, q kg.WhoMetQuery, p kg.PageRequest) (*kg.ContactPage, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	bases := kg.StatedOnly(q.StatedOnly)
	own, err := s.ownOrganizations(ctx, q.ID)
	if err != nil {
		return nil, err
	}
	meetings := map[string]map[string]bool{}
	for _, r := range s.byEntity[q.ID] {
		if r.Type != kg.RelParticipatedIn || r.From != q.ID || slices.Contains(kg.PassiveRoles, r.Role) || !r.HasBasis(bases) {
			continue
		}
		ev := s.entities[r.To]
		if ev == nil || !slices.Contains(kg.MeetingCategories, ev.Category) || !ev.InWindow(q.From, q.To) {
			continue
		}
		if err := kg.Live(ctx); err != nil {
			return nil, err
		}
		for _, o := range s.byEntity[ev.ID] {
			if o.Type != kg.RelParticipatedIn || o.To != ev.ID || o.From == q.ID ||
				slices.Contains(kg.PassiveRoles, o.Role) || !o.HasBasis(bases) || own[o.From] {
				continue
			}
			if meetings[o.From] == nil {
				meetings[o.From] = map[string]bool{}
			}
			meetings[o.From][ev.ID] = true
		}
	}
	items := make([]keyed[kg.Contact], 0, len(meetings))
	for who := range meetings {
		items = append(items, keyed[kg.Contact]{s.entities[who].SortName(), who, kg.Contact{EntityID: who}})
	}
	contacts, cursors, hasNext, total, err := pageOf(ctx, items, p, kg.MaxListSize, false)
	if err != nil {
		return nil, err
	}
	for i := range contacts {
		c := &contacts[i]
		for id := range meetings[c.EntityID] {
			c.Meetings = append(c.Meetings, id)
		}
		s.sortEvents(c.Meetings)
		if len(c.Meetings) > kg.MaxListSize {
			c.Meetings = c.Meetings[:kg.MaxListSize]
		}
	}
	return &kg.ContactPage{Contacts: contacts, Cursors: cursors, HasNext: hasNext, TotalCount: total}, nil
}

// ownOrganizations returns the organizations the entity belongs to:
// those kg.OwnRelations lead to from it, at most kg.MemberDepth of them
// away, whatever their basis.
func (s *Store) ownOrganizations(ctx context.Context, id string) (map[string]bool, error) {
	own := map[string]bool{}
	seen := map[string]bool{id: true}
	frontier := []string{id}
	for depth := 0; depth < kg.MemberDepth && len(frontier) > 0; depth++ {
		var next []string
		for _, x := range frontier {
			if err := kg.Live(ctx); err != nil {
				return nil, err
			}
			for _, r := range s.byEntity[x] {
				if r.From != x || !slices.Contains(kg.OwnRelations, r.Type) || seen[r.To] {
					continue
				}
				seen[r.To] = true
				next = append(next, r.To)
				if kg.KindOfID(r.To) == kg.KindOrganization {
					own[r.To] = true
				}
			}
		}
		frontier = next
	}
	return own, nil
}

// sortEvents orders event IDs by date and ID.
func (s *Store) sortEvents(ids []string) {
	slices.SortFunc(ids, func(a, b string) int {
		return cmp.Or(cmp.Compare(s.entities[a].Date.SortKey(), s.entities[b].Date.SortKey()), cmp.Compare(a, b))
	})
}

// Investments returns a page of the investments that match the query.
// It reads only the relations that can match: those around the target
// and the places within it when the query names a target, those of the
// investor when it names one, and every relation otherwise.
func (s *Store) Investments(ctx context.Context, q kg.InvestmentQuery, p kg.PageRequest) (*kg.InvestmentPage, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	bases := kg.StatedOnly(q.StatedOnly)
	seen := map[kg.Investment]bool{}
	var items []keyed[kg.Investment]
	var within map[string]bool
	if q.TargetID != "" {
		within = s.placesWithin(q.TargetID, bases)
	}
	add := func(r *rel) {
		if r.Type != kg.RelParticipatedIn || r.Role != kg.RoleInvestor || q.InvestorID != "" && r.From != q.InvestorID ||
			!r.HasBasis(bases) {
			return
		}
		ev := s.entities[r.To]
		if ev == nil || !ev.InWindow(q.From, q.To) {
			return
		}
		for _, t := range s.targets(ev.ID, bases) {
			inv := kg.Investment{InvestorID: r.From, TargetID: t, EventID: ev.ID}
			if seen[inv] || within != nil && !within[t] {
				continue
			}
			seen[inv] = true
			items = append(items, keyed[kg.Investment]{ev.Date.SortKey(), investmentKey(inv), inv})
		}
	}
	n := 0
	live := func() error {
		if n++; n%liveEvery == 0 {
			return kg.Live(ctx)
		}
		return nil
	}
	switch {
	case within != nil:
		// The events an investment into the target can be part of: those
		// a place within it is a TARGET of or hosts.
		events := map[string]bool{}
		for w := range within {
			for _, r := range s.byEntity[w] {
				if err := live(); err != nil {
					return nil, err
				}
				switch {
				case r.Type == kg.RelParticipatedIn && r.From == w && r.Role == kg.RoleTarget:
					events[r.To] = true
				case r.Type == kg.RelHeldAt && r.To == w:
					events[r.From] = true
				}
			}
		}
		for ev := range events {
			for _, r := range s.byEntity[ev] {
				if err := live(); err != nil {
					return nil, err
				}
				if r.To == ev {
					add(r)
				}
			}
		}
	case q.InvestorID != "":
		for _, r := range s.byEntity[q.InvestorID] {
			if err := live(); err != nil {
				return nil, err
			}
			add(r)
		}
	default:
		for r := range s.allRelations {
			if err := live(); err != nil {
				return nil, err
			}
			add(r)
		}
	}
	invs, cursors, hasNext, total, err := pageOf(ctx, items, p, kg.MaxListSize, false)
	if err != nil {
		return nil, err
	}
	return &kg.InvestmentPage{Investments: invs, Cursors: cursors, HasNext: hasNext, TotalCount: total}, nil
}

// investmentKey orders the investments of one date: by event, investor
// and target.
func investmentKey(inv kg.Investment) string {
	return inv.EventID + "\x01" + inv.InvestorID + "\x01" + inv.TargetID
}

// targets returns the TARGET participants of the event or, when it has
// none, the places it was held at, by relations of the bases.
func (s *Store) targets(event string, bases []kg.Basis) []string {
	var targets, places []string
	for _, r := range s.byEntity[event] {
		switch {
		case !r.HasBasis(bases):
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

// placesWithin returns the target and every place that lies in it by at
// most three LOCATED_IN hops of the bases, each from a place.
func (s *Store) placesWithin(target string, bases []kg.Basis) map[string]bool {
	in := map[string]bool{target: true}
	frontier := []string{target}
	for depth := 0; depth < 3 && len(frontier) > 0; depth++ {
		var next []string
		for _, x := range frontier {
			for _, r := range s.byEntity[x] {
				if r.Type == kg.RelLocatedIn && r.To == x && !in[r.From] &&
					kg.KindOfID(r.From) == kg.KindPlace && r.HasBasis(bases) {
					in[r.From] = true
					next = append(next, r.From)
				}
			}
		}
		frontier = next
	}
	return in
}
