package kgtest

import (
	"context"
	"testing"

	"github.com/puente-kg/puente/dataset"
	"github.com/puente-kg/puente/kg"
)

func mustDigestCopy(t *testing.T, ctx context.Context, s kg.Store) *kg.Dataset {
	t.Helper()
	d, err := dataset.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d
}
