package bulk_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync"
	"testing"
	"time"

	"github.com/puente-kg/puente/bulk"
	"github.com/puente-kg/puente/memstore"
)

// peakHeapOver runs f, sampling the heap every millisecond, and returns by
// how much the heap's peak exceeded what stays live after f (the store's
// own growth): what f held on the way. The collector runs at GOGC=10
// meanwhile, so that garbage not yet collected counts little.
func peakHeapOver(t *testing.T, f func()) uint64 {
	t.Helper()
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	runtime.GC()
	var peak uint64
	var mu sync.Mutex
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			mu.Lock()
			peak = max(peak, ms.HeapAlloc)
			mu.Unlock()
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return peak - min(peak, ms.HeapAlloc)
}

// TestImportStreams imports a generated file of 50,000 entities (about
// 125,000 relations, 19 MB) into an embedded store and checks that the
// import held little beyond what the store keeps: under 32 MB (it holds
// about 8). Read, Check and Import, which hold the file whole, held 180 MB
// measured the same way.
func TestImportStreams(t *testing.T) {
	path := filepath.Join(t.TempDir(), "50k.jsonl")
	if err := os.WriteFile(path, synthFile(t, 50_000), 0o644); err != nil {
		t.Fatal(err)
	}
	open := func() (io.ReadCloser, error) { return os.Open(path) }
	ctx := context.Background()
	store := memstore.New()
	over := peakHeapOver(t, func() {
		f, errs, err := bulk.CheckFile(ctx, open, store)
		if err != nil || len(errs) > 0 {
			t.Fatalf("check: %v %v", err, errs)
		}
		if err := bulk.ImportFile(ctx, store, f, bulk.Options{}); err != nil {
			t.Fatal(err)
		}
	})
	st, _ := store.Stats(ctx)
	if st.Entities != 50_000 {
		t.Fatalf("%d entities imported, want 50000", st.Entities)
	}
	t.Logf("the import held %.1f MB beyond the store's own", float64(over)/(1<<20))
	if over > 32<<20 {
		t.Errorf("the import held %.1f MB beyond the store's own, want under 32 MB: does it read the file whole?", float64(over)/(1<<20))
	}
}
