package kg

import (
	"math"
	"strings"
)

// Search limits.
const (
	DefaultSearchResults = 10
	MaxSearchResults     = 100
	// MaxSearchCandidates caps how many full-text candidates a backend
	// scores for one search.
	MaxSearchCandidates = 1000
)

// Score rates how well the query tokens (from Tokens) match an entity with
// the given name and aliases. It returns 0 for no match.
//
// A name matches when every query token is a prefix of one of its tokens.
// The best matching name decides the score: 0.8 when the query is the whole
// name, 0.5 when every query token is a whole word of it, 0.3 when some are
// only prefixes; plus up to 0.1 for the share of the name the query covers;
// less 0.05 when the best match is an alias rather than the display name.
// Scores are rounded to four decimals so that every backend ranks alike;
// ties are broken by folded name and then ID.
func Score(query []string, names []string) float64 {
	if len(query) == 0 {
		return 0
	}
	best := 0.0
	for i, n := range names {
		s := scoreName(query, Tokens(n))
		if s > 0 && i > 0 {
			s -= 0.05
		}
		best = math.Max(best, s)
	}
	return math.Round(best*1e4) / 1e4
}

func scoreName(query, name []string) float64 {
	if len(name) == 0 {
		return 0
	}
	whole := true
	covered := 0
	for _, q := range query {
		found := false
		wholeWord := false
		for _, t := range name {
			if strings.HasPrefix(t, q) {
				found = true
				if t == q {
					wholeWord = true
					break
				}
			}
		}
		if !found {
			return 0
		}
		whole = whole && wholeWord
		covered += len(q)
	}
	total := 0
	for _, t := range name {
		total += len(t)
	}
	level := 0.3
	switch {
	case whole && strings.Join(query, " ") == strings.Join(name, " "):
		level = 0.8
	case whole:
		level = 0.5
	}
	return level + 0.1*math.Min(1, float64(covered)/float64(total))
}

// CheckSearch validates a search query: First must lie in
// [1, MaxSearchResults]. It returns the query's tokens.
func CheckSearch(q SearchQuery) ([]string, error) {
	if q.First < 1 || q.First > MaxSearchResults {
		return nil, Invalid("first", "must be between 1 and %d, got %d", MaxSearchResults, q.First)
	}
	if len(q.Text) > 200 {
		return nil, Invalid("query", "must be at most 200 characters")
	}
	return Tokens(q.Text), nil
}

// Rank scores the candidates against the query tokens, keeps those that
// match and are of one of kinds (any kind when kinds is empty), and returns
// the best first hits ordered by score, folded name and ID.
func Rank(query []string, candidates []*Entity, kinds []Kind, first int) []SearchHit {
	type scored struct {
		hit  SearchHit
		sort string
	}
	var all []scored
	for _, e := range candidates {
		if len(kinds) > 0 && !valid(e.Kind, kinds) {
			continue
		}
		if s := Score(query, e.Names()); s > 0 {
			all = append(all, scored{SearchHit{EntityID: e.ID, Score: s}, e.SortName()})
		}
	}
	sortFunc(all, func(a, b scored) bool {
		if a.hit.Score != b.hit.Score {
			return a.hit.Score > b.hit.Score
		}
		if a.sort != b.sort {
			return a.sort < b.sort
		}
		return a.hit.EntityID < b.hit.EntityID
	})
	if len(all) > first {
		all = all[:first]
	}
	hits := make([]SearchHit, len(all))
	for i, s := range all {
		hits[i] = s.hit
	}
	return hits
}
