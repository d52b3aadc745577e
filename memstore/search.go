package memstore

import (
	"context"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/puente-kg/puente/kg"
)

// searchIndex maps each search token to the entities whose names hold it,
// with a sorted list of the distinct tokens, rebuilt lazily after writes,
// so that a prefix finds its tokens by binary search. A token's entities
// are a list, in no order, of the IDs the store holds.
type searchIndex struct {
	postings map[string][]string

	mu     sync.Mutex // guards sorted and dirty
	sorted []string
	dirty  bool
}

func newSearchIndex() *searchIndex {
	return &searchIndex{postings: map[string][]string{}}
}

// words calls yield with each token of a search text (see
// kg.Entity.SearchText): the words between single spaces.
func words(text string) func(yield func(string) bool) {
	return func(yield func(string) bool) {
		for w := range strings.SplitSeq(text, " ") {
			if w != "" && !yield(w) {
				return
			}
		}
	}
}

// add indexes an entity's search text; the caller holds the store's write
// lock.
func (x *searchIndex) add(id, text string) {
	for t := range words(text) {
		p, ok := x.postings[t]
		if !ok {
			x.markDirty()
		} else if p[len(p)-1] == id {
			continue // a token the text repeats
		}
		x.postings[t] = append(p, id)
	}
}

// remove unindexes an entity's search text; the caller holds the write
// lock.
func (x *searchIndex) remove(id, text string) {
	for t := range words(text) {
		p := x.postings[t]
		i := slices.Index(p, id)
		if i < 0 {
			continue // a token the text repeats
		}
		p[i] = p[len(p)-1]
		p[len(p)-1] = ""
		if p = p[:len(p)-1]; len(p) == 0 {
			delete(x.postings, t)
			x.markDirty()
			continue
		}
		x.postings[t] = p
	}
}

func (x *searchIndex) markDirty() {
	x.mu.Lock()
	x.dirty = true
	x.mu.Unlock()
}

// tokens returns the sorted distinct tokens; the caller holds at least the
// store's read lock, so postings does not change meanwhile.
func (x *searchIndex) tokens() []string {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.dirty || x.sorted == nil {
		x.sorted = make([]string, 0, len(x.postings))
		for t := range x.postings {
			x.sorted = append(x.sorted, t)
		}
		sort.Strings(x.sorted)
		x.dirty = false
	}
	return x.sorted
}

// prefixed returns the tokens that start with p.
func prefixed(sorted []string, p string) []string {
	i := sort.SearchStrings(sorted, p)
	j := i
	for j < len(sorted) && strings.HasPrefix(sorted[j], p) {
		j++
	}
	return sorted[i:j]
}

// Search ranks the entities whose names hold, for every query token, a
// token starting with it. It reads the postings of the query token that
// matches the fewest entities, then checks the others on each candidate.
func (s *Store) Search(ctx context.Context, q kg.SearchQuery) ([]kg.SearchHit, error) {
	query, err := kg.CheckSearch(q)
	if err != nil || len(query) == 0 {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	sorted := s.search.tokens()
	var best []string
	bestSize := -1
	for _, qt := range query {
		toks := prefixed(sorted, qt)
		size := 0
		for _, t := range toks {
			size += len(s.search.postings[t])
		}
		if bestSize < 0 || size < bestSize {
			best, bestSize = toks, size
		}
	}
	seen := map[string]bool{}
	var candidates []*kg.Entity
	for _, t := range best {
		if err := kg.Live(ctx); err != nil {
			return nil, err
		}
		for _, id := range s.search.postings[t] {
			if !seen[id] && matchesAll(query, s.tokens[id]) {
				seen[id] = true
				candidates = append(candidates, s.entities[id])
			}
		}
	}
	return kg.Rank(query, candidates, q.Kinds, q.First), nil
}

// matchesAll reports whether every query token starts some token of the
// search text.
func matchesAll(query []string, text string) bool {
	for _, q := range query {
		found := false
		for t := range words(text) {
			if strings.HasPrefix(t, q) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
