package kgtest

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/service"
)

// testLogConcurrent runs 8 writers at once, each creating and updating an
// entity of its own and updating one they share. The log must number
// every write, without gaps, in the order the writes were applied: each
// entry of an entity replaces what the entry before it wrote.
func testLogConcurrent(t *testing.T, s kg.Store) {
	ctx := context.Background()
	svc := service.New(s, service.Options{})
	const writers, each = 8, 4
	shared := must[[]*kg.Entity](t)(s.Entities(ctx, []string{"org:xiaomi"}))[0]
	start := lastChange(t, s)
	var wg sync.WaitGroup
	errs := make(chan error, writers*each*2)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			own := &kg.Entity{ID: fmt.Sprintf("org:log-writer-%d", w), Kind: kg.KindOrganization,
				Name: fmt.Sprintf("Log Writer %d", w), Sources: []string{testSource}}
			for i := range each {
				own.Description = fmt.Sprintf("writer %d, write %d", w, i)
				errs <- svc.UpsertEntity(ctx, service.EntityInput{Entity: own}, logStamp)
				cp := *shared
				cp.Description = fmt.Sprintf("shared: writer %d, write %d", w, i)
				errs <- svc.UpsertEntity(ctx, service.EntityInput{Entity: &cp}, logStamp)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	cs := Changes(t, s, start, kg.ChangeQuery{})
	CheckNumbered(t, cs, start+1)
	if len(cs) != writers*each*2 || lastChange(t, s) != start+int64(len(cs)) {
		t.Fatalf("%d entries (last %d) for %d writes", len(cs), lastChange(t, s), writers*each*2)
	}
	// Follow each entity through the log: every entry's before is the
	// description the previous entry wrote.
	last := map[string]string{shared.ID: shared.Description}
	count := map[string]int{}
	for _, c := range cs {
		if len(c.Items) != 1 {
			t.Fatalf("entry %d has %d items, want 1", c.Seq, len(c.Items))
		}
		it := c.Items[0]
		var before, after struct {
			Description *string `json:"description"`
		}
		if it.Before != nil {
			if err := json.Unmarshal(it.Before, &before); err != nil {
				t.Fatal(err)
			}
		}
		if err := json.Unmarshal(it.After, &after); err != nil || after.Description == nil {
			t.Fatalf("entry %d: after %s (%v)", c.Seq, it.After, err)
		}
		prev, seen := last[it.ID]
		switch {
		case !seen && it.Action != kg.ActionCreated:
			t.Errorf("entry %d: first entry of %s is %s, want CREATED", c.Seq, it.ID, it.Action)
		case seen && (before.Description == nil || *before.Description != prev):
			t.Errorf("entry %d: %s before %s, want the description %q the previous entry wrote", c.Seq, it.ID, it.Before, prev)
		}
		last[it.ID] = *after.Description
		count[it.ID]++
	}
	// And the versions agree: one per entry.
	got := must[[]*kg.Entity](t)(s.Entities(ctx, []string{shared.ID}))[0]
	if got.Version-shared.Version != count[shared.ID] || got.Description != last[shared.ID] {
		t.Errorf("shared entity at version %d (%q) after %d entries from version %d (last wrote %q)",
			got.Version, got.Description, count[shared.ID], shared.Version, last[shared.ID])
	}
}
