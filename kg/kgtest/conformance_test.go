package kgtest_test

import (
	"testing"

	"github.com/puente-kg/puente/internal/testenv"
	"github.com/puente-kg/puente/kg/kgtest"
)

// TestConformance runs the suite against every backend.
func TestConformance(t *testing.T) {
	for _, b := range testenv.Backends() {
		t.Run(b.Name, func(t *testing.T) { kgtest.Run(t, b.Open) })
	}
}

// TestWriteConformance runs the write suite against every backend.
func TestWriteConformance(t *testing.T) {
	for _, b := range testenv.Backends() {
		t.Run(b.Name, func(t *testing.T) { kgtest.RunWrites(t, b.Open) })
	}
}

// TestEditConformance runs the editing suite against every backend.
func TestEditConformance(t *testing.T) {
	for _, b := range testenv.Backends() {
		t.Run(b.Name, func(t *testing.T) { kgtest.RunEdits(t, b.Open) })
	}
}

// TestChangeLogConformance runs the change-log suite against every backend.
func TestChangeLogConformance(t *testing.T) {
	for _, b := range testenv.Backends() {
		t.Run(b.Name, func(t *testing.T) { kgtest.RunChangeLog(t, b.Open) })
	}
}
