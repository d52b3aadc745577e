package memstore

import (
	"context"
	"fmt"
	"runtime/metrics"
	"testing"

	"github.com/puente-kg/puente/kg"
)

// sink keeps the test's garbage from being optimized away.
var sink []byte

func readUint(name string) uint64 {
	s := []metrics.Sample{{Name: name}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// TestPaceBoundsWrites writes under BoundMemory, each write with 2 MiB of
// garbage beside it, and checks that the writes collected themselves
// (forced collections) and that the heap's objects never held more than
// the headroom beyond the live heap of the last collection.
func TestPaceBoundsWrites(t *testing.T) {
	const headroom = 32 << 20
	ctx := context.Background()
	s := New()
	if err := s.Apply(ctx, &kg.ChangeSet{Expect: map[string]int{}, PutSources: []*kg.Source{{ID: "source:pace", Title: "Pace"}}}); err != nil {
		t.Fatal(err)
	}
	defer BoundMemory(headroom)()
	forced := readUint("/gc/cycles/forced:gc-cycles")
	var over int64
	for i := range 100 {
		sink = make([]byte, 2<<20)
		var es []*kg.Entity
		for j := range 100 {
			es = append(es, &kg.Entity{ID: fmt.Sprintf("org:pace-%d-%d", i, j), Kind: kg.KindOrganization,
				Name: fmt.Sprintf("Pace %d %d", i, j), Sources: []string{"source:pace"}})
		}
		if err := s.Apply(ctx, &kg.ChangeSet{Expect: map[string]int{}, PutEntities: es}); err != nil {
			t.Fatal(err)
		}
		objects := int64(readUint("/memory/classes/heap/objects:bytes"))
		bound.Lock()
		over = max(over, objects-bound.live)
		bound.Unlock()
	}
	sink = nil
	if n := readUint("/gc/cycles/forced:gc-cycles") - forced; n < 3 {
		t.Errorf("%d forced collections for 200 MiB of garbage under a headroom of 32 MiB, want at least 3", n)
	}
	if over > headroom {
		t.Errorf("the heap held %.1f MiB beyond the live heap, want at most the headroom (32 MiB)", float64(over)/(1<<20))
	}
}
