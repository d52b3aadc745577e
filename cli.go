package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/puente-kg/puente/bulk"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/memstore"
	"github.com/puente-kg/puente/synth"
)

// importFile checks a JSON Lines file (or standard input for "-") whole,
// and only then writes it in batches to the configured store. The file is
// read on each pass rather than held in memory; standard input is first
// copied to a temporary file.
func importFile(ctx context.Context, cfg config, logger *slog.Logger, path string) error {
	if cfg.neo4j.URI == "" && cfg.dataDir == "" {
		return errors.New("import: the embedded store keeps nothing without a data directory; set DATA_DIR (or NEO4J_URI)")
	}
	open, cleanup, err := opener(path)
	if err != nil {
		return err
	}
	defer cleanup()
	start := time.Now()
	store, err := openStore(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer store.Close(context.WithoutCancel(ctx))
	if _, ok := store.(*memstore.Store); ok {
		// The process builds the store it imports into: bound what it
		// holds beyond the store, rather than let the heap grow to twice
		// the store between collections.
		defer memstore.BoundMemory(importHeadroom)()
	}
	file, problems, err := bulk.CheckFile(ctx, open, store)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if len(problems) > 0 {
		for _, e := range problems {
			fmt.Fprintf(os.Stderr, "%s:%d: %v\n", path, e.Line, e.Err)
		}
		return fmt.Errorf("import: %d problems in %s; nothing was written", len(problems), path)
	}
	bar := bulk.NewBar(os.Stderr)
	if err := bulk.ImportFile(ctx, store, file, bulk.Options{Batch: cfg.batch, Progress: bar.Update}); err != nil {
		return err
	}
	elapsed := time.Since(start)
	logger.Info("imported", "file", path, "lines", file.Lines, "records", file.Records(),
		"seconds", elapsed.Seconds(), "records_per_second", float64(file.Records())/elapsed.Seconds())
	return nil
}

// importHeadroom bounds what an import into the embedded store holds
// beyond the store (see memstore.BoundMemory): its writes collect, and wait
// for the collection, once the heap's objects have grown by half of it
// (192 MiB) and a tenth of the live heap since the last one; the rest is
// the limit's margin, a backstop. Measured against the RSS of the server
// holding the same graph after replay, the import held 175 MiB more at
// 100,000 entities and 44 MiB more at 1M; a fixed 256 MiB held 295 MiB
// more at 100,000 (docs/performance.md).
const importHeadroom = 384 << 20

// exportFile writes the whole graph as JSON Lines to a file, or standard
// output for "-".
func exportFile(ctx context.Context, cfg config, logger *slog.Logger, path string) error {
	store, err := openStore(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer store.Close(context.WithoutCancel(ctx))
	if cfg.neo4j.URI == "" && cfg.dataDir == "" {
		// The embedded store without a journal starts empty: export the
		// dataset the server would serve.
		if err := seedDigest(ctx, store, logger); err != nil {
			return err
		}
	}
	d, err := store.Dump(ctx)
	if err != nil {
		return err
	}
	n, err := writeDataset(path, d)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	logger.Info("exported", "file", path, "lines", n)
	return nil
}

// writeDataset writes d in the import format to the file at path (synced
// to disk before it returns), or to standard output for "-".
func writeDataset(path string, d *kg.Dataset) (int, error) {
	if path == "-" {
		return bulk.Write(os.Stdout, d)
	}
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	n, err := bulk.Write(f, d)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// opener returns what opens the file at path for each pass of an import,
// and what removes the copy of standard input ("-") made for them.
func opener(path string) (bulk.Opener, func(), error) {
	if path != "-" {
		if _, err := os.Stat(path); err != nil {
			return nil, nil, fmt.Errorf("import: %w", err)
		}
		return func() (io.ReadCloser, error) { return os.Open(path) }, func() {}, nil
	}
	tmp, err := os.CreateTemp("", "puente-import-*.jsonl")
	if err != nil {
		return nil, nil, fmt.Errorf("import: copy standard input: %w", err)
	}
	cleanup := func() { os.Remove(tmp.Name()) }
	_, err = io.Copy(tmp, os.Stdin)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		cleanup()
		return nil, nil, fmt.Errorf("import: copy standard input: %w", err)
	}
	return func() (io.ReadCloser, error) { return os.Open(tmp.Name()) }, cleanup, nil
}

// storeIsEmpty reports whether the store holds no entity.
func storeIsEmpty(ctx context.Context, store kg.Store) (bool, error) {
	st, err := store.Stats(ctx)
	return st.Entities == 0, err
}

// generateFile writes a synthetic graph of cfg.entities entities, line by
// line as it is generated (synced to disk before it returns), or to
// standard output for "-".
func generateFile(cfg config, logger *slog.Logger, path string) error {
	bar := bulk.NewBar(os.Stderr)
	out, closeOut := io.Writer(os.Stdout), func() error { return nil }
	if path != "-" {
		f, err := os.Create(path)
		if err != nil {
			return fmt.Errorf("generate: %w", err)
		}
		out, closeOut = f, func() error {
			err := f.Sync()
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			return err
		}
	}
	w := &countingWriter{Writer: bulk.NewWriter(out)}
	err := synth.Stream(cfg.entities, cfg.seed, bar.Update, w)
	if err == nil {
		err = w.Flush()
	}
	if cerr := closeOut(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	logger.Info("generated", "file", path, "entities", w.entities, "relations", w.relations, "lines", w.Lines())
	return nil
}

// countingWriter counts the entities and relations it writes.
type countingWriter struct {
	*bulk.Writer
	entities, relations int
}

// Entity writes the line of an entity and counts it and its relations.
func (w *countingWriter) Entity(e *kg.Entity, owned []*kg.Relation) error {
	w.entities++
	w.relations += len(owned)
	return w.Writer.Entity(e, owned)
}
