package neo4jstore_test

import (
	"context"
	"testing"

	"github.com/puente-kg/puente/internal/testenv"
)

// BenchmarkEntities measures one batched lookup: one statement, one round
// trip.
func BenchmarkEntities(b *testing.B) {
	s := testenv.Neo4j(b)
	ctx := context.Background()
	ids := []string{"person:li-zhanshu", "org:xiaomi"}
	for b.Loop() {
		es, err := s.Entities(ctx, ids)
		if err != nil || len(es) != 2 {
			b.Fatal(es, err)
		}
	}
}

// BenchmarkRelations measures the relations of two entities.
func BenchmarkRelations(b *testing.B) {
	s := testenv.Neo4j(b)
	ctx := context.Background()
	ids := []string{"person:li-zhanshu", "country:peru"}
	for b.Loop() {
		if _, err := s.Relations(ctx, ids, 1000); err != nil {
			b.Fatal(err)
		}
	}
}
