package memstore

import (
	"runtime"
	"runtime/metrics"
)

// Under BoundMemory alone, the collector starts as the process nears its
// limit and marks concurrently while the process goes on allocating: at 1M
// entities a mark phase takes seconds, what the process allocates
// meanwhile is kept as if live, and the limit (set from the live heap) is
// raised by that garbage at each collection. A writer that does nothing
// else, such as an import, paces itself instead: before a write, when the
// heap's objects have grown by more than paceFraction of the headroom (and
// paceLiveShare of the live heap) since the last collection, it runs a
// collection and waits for it. Nothing
// allocates while it waits, so the collection finds only what the store
// keeps, and the process holds the store plus that much; the limit is
// left as a backstop.

// paceFraction is the part of BoundMemory's headroom that writes may
// allocate between two collections, beside paceLiveShare of the live heap.
// The rest is left for the runtime's overhead on what they allocate and
// for the batch being written when the pace is checked.
const paceFraction = 0.5

// paceLiveShare is the share of the live heap that writes may also
// allocate between two collections. Each collection marks the whole
// store, so a budget that grows with it keeps the number of collections,
// and their CPU, from growing with the square of the store; it stays
// within what the store's heap holds anyway beyond its live objects (a
// server holding the 1M-entity graph has 23% more spans in use than
// live).
const paceLiveShare = 0.1

// pace collects, and waits for the collection, when the store is under
// BoundMemory and the heap's objects (live, or dead and not yet swept) have
// grown by more than paceFraction of the headroom and paceLiveShare of the
// live heap since the last collection. Apply calls it before taking the write lock.
func pace() {
	bound.Lock()
	if bound.n == 0 {
		bound.Unlock()
		return
	}
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	due := sample[0].Value.Kind() == metrics.KindUint64 &&
		float64(sample[0].Value.Uint64()) > (1+paceLiveShare)*float64(bound.live)+paceFraction*float64(bound.headroom)
	bound.Unlock()
	if !due {
		return
	}
	runtime.GC()
	bound.Lock()
	defer bound.Unlock()
	if bound.n > 0 {
		setBoundLocked()
	}
}
