package memstore

import (
	"context"

	"github.com/puente-kg/puente/kg"
)

// The kg.Fetcher methods: the embedded store has no round trip to save,
// so each combines the Reader methods it stands for, with their
// semantics.

// Expand returns the entity (or the one it was merged into) with the
// links x asks for under it.
func (s *Store) Expand(ctx context.Context, id string, x *kg.Expansion) (*kg.Tree, error) {
	if err := kg.CheckExpansion(x); err != nil {
		return nil, err
	}
	t := &kg.Tree{}
	if es := lookup(s, []string{id}, s.entities); len(es) > 0 {
		t.Root = es[0]
	} else if to, err := s.Redirect(ctx, id); err != nil {
		return nil, err
	} else if to != "" {
		t.Root = first(lookup(s, []string{to}, s.entities))
	}
	if t.Root == nil {
		return t, nil
	}
	level := []string{t.Root.ID}
	for ; x != nil; x = x.Next {
		pages, err := s.Links(ctx, level, x.Query, kg.PageRequest{First: x.First})
		if err != nil {
			return nil, err
		}
		byID := make(map[string]kg.LinkPage, len(level))
		var next []string
		seen := map[string]bool{}
		for i, id := range level {
			byID[id] = pages[i]
			for _, l := range pages[i].Links {
				if !seen[l.Other] {
					seen[l.Other] = true
					next = append(next, l.Other)
				}
			}
		}
		t.Pages = append(t.Pages, byID)
		t.Entities = append(t.Entities, lookup(s, next, s.entities)...)
		level = next
	}
	return t, nil
}

func first[T any](s []*T) *T {
	if len(s) == 0 {
		return nil
	}
	return s[0]
}

// WhoMetWith is WhoMet with the contacts and their first meetings.
func (s *Store) WhoMetWith(ctx context.Context, q kg.WhoMetQuery, p kg.PageRequest, meetings int) (*kg.ContactPage, []*kg.Entity, error) {
	page, err := s.WhoMet(ctx, q, p)
	if err != nil {
		return nil, nil, err
	}
	var ids []string
	for _, c := range page.Contacts {
		ids = append(ids, c.EntityID)
		ids = append(ids, c.Meetings[:min(meetings, len(c.Meetings))]...)
	}
	return page, lookup(s, ids, s.entities), nil
}

// InvestmentsWith is Investments with the investors, targets and events.
func (s *Store) InvestmentsWith(ctx context.Context, q kg.InvestmentQuery, p kg.PageRequest) (*kg.InvestmentPage, []*kg.Entity, error) {
	page, err := s.Investments(ctx, q, p)
	if err != nil {
		return nil, nil, err
	}
	ids := make([]string, 0, 3*len(page.Investments))
	for _, inv := range page.Investments {
		ids = append(ids, inv.InvestorID, inv.TargetID, inv.EventID)
	}
	return page, lookup(s, ids, s.entities), nil
}

// SearchWith is Search with the hits' entities.
func (s *Store) SearchWith(ctx context.Context, q kg.SearchQuery) ([]kg.SearchHit, []*kg.Entity, error) {
	hits, err := s.Search(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.EntityID
	}
	return hits, lookup(s, ids, s.entities), nil
}

// Lookup returns the entities and relations with the given IDs.
func (s *Store) Lookup(ctx context.Context, entityIDs, relationIDs []string) ([]*kg.Entity, []*kg.Relation, error) {
	rels, err := s.RelationsByID(ctx, relationIDs)
	if err != nil {
		return nil, nil, err
	}
	return lookup(s, entityIDs, s.entities), rels, nil
}

// Neighborhood walks the subgraph around the center (see
// kg.WalkNeighborhood) and brings the entities of its nodes.
func (s *Store) Neighborhood(ctx context.Context, q kg.NeighborhoodQuery) (*kg.Subgraph, error) {
	sub, err := kg.WalkNeighborhood(ctx, s, q)
	if err != nil {
		return nil, err
	}
	sub.Entities = lookup(s, sub.Nodes, s.entities)
	return sub, nil
}

// Paths finds the paths (see kg.FindPaths) and brings the entities and
// relations they pass through.
func (s *Store) Paths(ctx context.Context, q kg.PathQuery) (*kg.PathSet, error) {
	paths, err := kg.FindPaths(ctx, s, q)
	if err != nil {
		return nil, err
	}
	return s.pathSet(ctx, paths)
}

// pathSet looks up the nodes and edges of paths, each once.
func (s *Store) pathSet(ctx context.Context, paths []kg.Path) (*kg.PathSet, error) {
	var nodes, edges []string
	seen := map[string]bool{}
	for _, p := range paths {
		for _, id := range p.Nodes {
			if !seen[id] {
				seen[id] = true
				nodes = append(nodes, id)
			}
		}
		for _, id := range p.Edges {
			if !seen[id] {
				seen[id] = true
				edges = append(edges, id)
			}
		}
	}
	es, rels, err := s.Lookup(ctx, nodes, edges)
	if err != nil {
		return nil, err
	}
	return &kg.PathSet{Paths: paths, Entities: es, Relations: rels}, nil
}
