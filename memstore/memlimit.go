package memstore

import (
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// The collector's default (GOGC=100) lets the heap grow to twice what was
// live after the last collection: while a process builds a store of 1.3 GB,
// it holds as much again of garbage. BoundMemory instead turns GOGC off and
// sets a memory limit of what the live heap takes plus a fixed headroom,
// raised after each collection as the store grows: the process then holds
// the store and at most the headroom beyond it, whatever it loads, and
// collects each time it has allocated about the headroom.

// heapOverhead is how much memory the runtime holds for each live byte of
// heap: the spans that hold live objects also hold free slots. A server
// holding the 1M-entity store had 1,586 MiB of spans in use for 1,288 MiB
// live.
const heapOverhead = 1.25

// bound is the memory bound in force, if any.
var bound struct {
	sync.Mutex
	n         int   // the BoundMemory calls not yet restored
	headroom  int64 // the largest headroom asked for
	gen       int   // counts the times the bound was lifted
	limit     int64 // the limit set last
	live      int64 // the live heap it was set from
	prevGC    int
	prevLimit int64
	sample    []metrics.Sample
}

// BoundMemory bounds the process's memory to its live heap (with the
// runtime's overhead) plus headroom bytes until the function it returns is
// called, which puts the collector's settings back as they were. Calls
// nest; the largest headroom holds. It is meant for a process that loads a
// store and does little else, such as an import: a server keeps the
// defaults.
func BoundMemory(headroom int64) (restore func()) {
	bound.Lock()
	defer bound.Unlock()
	if bound.n == 0 {
		bound.prevGC = debug.SetGCPercent(-1)
		bound.prevLimit = debug.SetMemoryLimit(-1)
		bound.sample = []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		bound.headroom = 0
	}
	bound.n++
	bound.headroom = max(bound.headroom, headroom)
	setBoundLocked()
	if bound.n == 1 {
		watchCollections(bound.gen)
	}
	return sync.OnceFunc(func() {
		bound.Lock()
		defer bound.Unlock()
		if bound.n--; bound.n == 0 {
			bound.gen++
			bound.limit = 0
			debug.SetMemoryLimit(bound.prevLimit)
			debug.SetGCPercent(bound.prevGC)
		}
	})
}

// setBoundLocked sets the memory limit from the live heap of the last
// collection. The caller holds bound.
func setBoundLocked() {
	metrics.Read(bound.sample)
	live := int64(0)
	if s := bound.sample[0]; s.Value.Kind() == metrics.KindUint64 {
		live = int64(min(s.Value.Uint64(), math.MaxInt64/2))
	}
	bound.live = live
	limit := int64(float64(live)*heapOverhead) + bound.headroom
	if limit != bound.limit {
		debug.SetMemoryLimit(limit)
		bound.limit = limit
	}
}

// watchCollections raises the limit after each collection while the bound
// of generation gen holds: a finalizer runs after the collection that found
// its object unreachable, and sets the next one.
func watchCollections(gen int) {
	type sentinel struct{ _ [16]byte }
	runtime.SetFinalizer(&sentinel{}, func(*sentinel) {
		bound.Lock()
		defer bound.Unlock()
		if bound.n == 0 || bound.gen != gen {
			return
		}
		setBoundLocked()
		watchCollections(gen)
	})
}
