package kgtest_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/puente-kg/puente/internal/testenv"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/service"
)

// BenchmarkContendedWrites runs 8 writers that update one entity for a
// second per iteration (-benchtime=10x for ten seconds) on every backend,
// and reports the share of writes that failed and the writes per second.
func BenchmarkContendedWrites(b *testing.B) {
	for _, be := range testenv.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			s := be.Open(b)
			ctx := context.Background()
			stamp := kg.Stamp{By: "editor#bench", At: time.Now()}
			var ok, failed atomic.Int64
			start := time.Now()
			for range b.N {
				deadline := time.Now().Add(time.Second)
				var wg sync.WaitGroup
				for w := range 8 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i := 0; time.Now().Before(deadline); i++ {
							err := service.Write(ctx, s, func(ctx context.Context) (*kg.ChangeSet, error) {
								cur, err := s.Entities(ctx, []string{"org:xiaomi"})
								if err != nil {
									return nil, err
								}
								e := *cur[0]
								e.Description = fmt.Sprintf("writer %d, write %d", w, i)
								return service.PlanEntity(ctx, s, service.EntityInput{Entity: &e}, stamp)
							})
							switch {
							case err == nil:
								ok.Add(1)
							case kg.ErrorCode(err) == kg.ECONFLICT:
								failed.Add(1)
							default:
								b.Error(err)
								return
							}
						}
					}()
				}
				wg.Wait()
			}
			total := ok.Load() + failed.Load()
			b.ReportMetric(100*float64(failed.Load())/float64(max(total, 1)), "%failed")
			b.ReportMetric(float64(ok.Load())/time.Since(start).Seconds(), "writes/s")
		})
	}
}

// BenchmarkLoggedWrites runs 8 writers that each update an entity of their
// own for a second per iteration, with and without change-log entries, on
// every backend, and reports the writes per second: what describing a
// write and numbering its entry (one counter that every logged write
// locks, on Neo4j) cost.
func BenchmarkLoggedWrites(b *testing.B) {
	for _, be := range testenv.Backends() {
		for _, logged := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s/logged=%t", be.Name, logged), func(b *testing.B) {
				s := be.Open(b)
				ctx := context.Background()
				stamp := kg.Stamp{By: "editor#bench", At: time.Now()}
				var ok atomic.Int64
				start := time.Now()
				for range b.N {
					deadline := time.Now().Add(time.Second)
					var wg sync.WaitGroup
					for w := range 8 {
						wg.Add(1)
						go func() {
							defer wg.Done()
							e := &kg.Entity{ID: fmt.Sprintf("org:bench-writer-%d", w), Kind: kg.KindOrganization,
								Name: fmt.Sprintf("Bench Writer %d", w), Sources: []string{"source:07-li-zhanshu-alva-meeting"}}
							for i := 0; time.Now().Before(deadline); i++ {
								e.Description = fmt.Sprintf("write %d", i)
								err := service.Write(ctx, s, func(ctx context.Context) (*kg.ChangeSet, error) {
									c, err := service.PlanEntity(ctx, s, service.EntityInput{Entity: e}, stamp)
									if c != nil && logged {
										c.Log = &kg.Change{Op: kg.OpUpsertEntity, Actor: stamp.By}
									}
									return c, err
								})
								if err != nil {
									b.Error(err)
									return
								}
								ok.Add(1)
							}
						}()
					}
					wg.Wait()
				}
				b.ReportMetric(float64(ok.Load())/time.Since(start).Seconds(), "writes/s")
			})
		}
	}
}
