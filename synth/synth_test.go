package synth_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"

	"github.com/puente-kg/puente/bulk"
	"github.com/puente-kg/puente/synth"
)

// TestGenerate makes a valid, deterministic graph with hubs.
func TestGenerate(t *testing.T) {
	a := synth.Generate(2000, 7, nil)
	if err := a.Validate(); err != nil {
		t.Fatalf("invalid graph: %v", err)
	}
	if len(a.Entities) != 2000 {
		t.Errorf("%d entities, want 2000", len(a.Entities))
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(synth.Generate(2000, 7, nil))
	if string(ja) != string(jb) {
		t.Error("the same seed gave another graph")
	}
	degree := map[string]int{}
	for _, r := range a.Relations {
		degree[r.From]++
		degree[r.To]++
	}
	top, median := 0, 0
	var ds []int
	for _, d := range degree {
		ds = append(ds, d)
		top = max(top, d)
	}
	slices.Sort(ds)
	median = ds[len(ds)/2]
	if top < 20*median {
		t.Errorf("top degree %d, median %d: want a heavy tail", top, median)
	}
}

// TestStreamIsGenerate checks that the streamed graph, written line by
// line, is the file bulk.Write makes of the collected one, byte for byte.
func TestStreamIsGenerate(t *testing.T) {
	for _, n := range []int{40, 3000} {
		var whole, streamed bytes.Buffer
		if _, err := bulk.Write(&whole, synth.Generate(n, 5, nil)); err != nil {
			t.Fatal(err)
		}
		w := bulk.NewWriter(&streamed)
		if err := synth.Stream(n, 5, nil, w); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(whole.Bytes(), streamed.Bytes()) {
			t.Errorf("n=%d: the streamed file (%d bytes) differs from the written dataset (%d bytes)", n, streamed.Len(), whole.Len())
		}
	}
}
