package graphqlhttp

import (
	"container/list"
	"sync"
)

// queryCache holds persisted queries by hash, least recently used first
// out, within a budget of bytes (not of entries: one entry may be a query
// of a megabyte).
type queryCache struct {
	mu    sync.Mutex
	max   int
	size  int
	order *list.List // of *cacheEntry, most recently used first
	byKey map[string]*list.Element
}

type cacheEntry struct {
	key, query string
}

// entryOverhead is roughly what an entry costs besides its strings: the
// list element, the map slot and the entry itself.
const entryOverhead = 128

func (e *cacheEntry) size() int { return len(e.key) + len(e.query) + entryOverhead }

func newQueryCache(maxBytes int) *queryCache {
	return &queryCache{max: maxBytes, order: list.New(), byKey: map[string]*list.Element{}}
}

// Get returns the query of the hash, marking it recently used.
func (c *queryCache) Get(key string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		return "", false
	}
	c.order.MoveToFront(el)
	return el.Value.(*cacheEntry).query, true
}

// Add keeps the query under its hash, dropping the least recently used
// entries to stay within the budget. A query larger than the whole budget
// is not kept.
func (c *queryCache) Add(key, query string) {
	e := &cacheEntry{key: key, query: query}
	if e.size() > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok {
		c.order.MoveToFront(el)
		return
	}
	c.byKey[key] = c.order.PushFront(e)
	c.size += e.size()
	for c.size > c.max {
		last := c.order.Back()
		old := last.Value.(*cacheEntry)
		c.order.Remove(last)
		delete(c.byKey, old.key)
		c.size -= old.size()
	}
}

// Len returns how many queries the cache holds.
func (c *queryCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
