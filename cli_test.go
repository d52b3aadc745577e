package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/puente-kg/puente/auth"
)

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TestImportExportCommands exports the digest, imports it into a journaled
// embedded store, exports that, and compares; and refuses an import that
// would be lost.
func TestImportExportCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	tokens, _ := auth.ParseTokens("")
	mem := config{tokens: tokens, batch: 50}
	first := filepath.Join(dir, "digest.jsonl")
	if err := exportFile(ctx, mem, quietLogger(), first); err != nil {
		t.Fatal(err)
	}
	if err := importFile(ctx, mem, quietLogger(), first); err == nil || !strings.Contains(err.Error(), "DATA_DIR") {
		t.Errorf("import without a data dir: %v, want a refusal naming DATA_DIR", err)
	}
	durable := mem
	durable.dataDir = filepath.Join(dir, "data")
	for range 2 { // twice: idempotent
		if err := importFile(ctx, durable, quietLogger(), first); err != nil {
			t.Fatal(err)
		}
	}
	second := filepath.Join(dir, "again.jsonl")
	if err := exportFile(ctx, durable, quietLogger(), second); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(first)
	b, _ := os.ReadFile(second)
	if string(a) != string(b) || len(a) == 0 {
		t.Errorf("export → import → export differs (%d and %d bytes)", len(a), len(b))
	}
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte("{\"entity\": {\"id\": \"org:x\"}}\nnot json\n"), 0o644)
	err := importFile(ctx, durable, quietLogger(), bad)
	if err == nil || !strings.Contains(err.Error(), "2 problems") {
		t.Errorf("bad file: %v, want 2 problems reported", err)
	}
}
