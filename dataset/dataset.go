// Package dataset embeds Puente's seed data: the China–Latin America news
// digest of November 2021, modelled as a knowledge graph in digest.json.
// README.md beside this file documents the format.
package dataset

import (
	_ "embed"
	"fmt"

	"github.com/puente-kg/puente/kg"
)

//go:embed digest.json
var digest []byte

// Digest returns a fresh, validated copy of the seed dataset.
func Digest() (*kg.Dataset, error) {
	d, err := kg.ParseDataset(digest)
	if err != nil {
		return nil, fmt.Errorf("dataset/digest.json: %w", err)
	}
	return d, nil
}

// MustDigest is Digest for tests and start-up code that cannot go on
// without the dataset; it panics on error.
func MustDigest() *kg.Dataset {
	d, err := Digest()
	if err != nil {
		panic(err)
	}
	return d
}
