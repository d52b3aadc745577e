package bulk

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"slices"

	"github.com/puente-kg/puente/kg"
)

// Opener opens the file to import. CheckFile and ImportFile call it once
// per pass over the file, and close what it returns.
type Opener func() (io.ReadCloser, error)

// File is an import file that CheckFile read: what the passes after it
// need, which is the file's sources and redirects and a few numbers, never
// its entities and relations.
type File struct {
	open      Opener
	sources   []*kg.Source
	redirects []kg.Redirect
	records   int
	// forward is set when a relation names an entity defined on a later
	// line, so that entities must be written before any relation.
	forward bool
	// Lines is the number of lines of the file.
	Lines int
}

// Records returns the number of records of the file: sources, entities
// and events, relations and redirects.
func (f *File) Records() int { return f.records }

// eachLine calls fn with the number and bytes of each line of the file
// that is not blank, as Read reads them. It returns the number of lines,
// and a read error (a line too long, say) as a LineError.
func eachLine(ctx context.Context, open Opener, fn func(n int, raw []byte) error) (int, *LineError, error) {
	in, err := open()
	if err != nil {
		return 0, nil, err
	}
	defer in.Close()
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	n := 0
	for sc.Scan() {
		n++
		if n%4096 == 0 {
			if err := kg.Live(ctx); err != nil {
				return n, nil, err
			}
		}
		raw := bytes.TrimSpace(sc.Bytes())
		if len(raw) == 0 {
			continue
		}
		if err := fn(n, raw); err != nil {
			return n, nil, err
		}
	}
	if err := sc.Err(); err != nil {
		return n, &LineError{n + 1, err}, nil
	}
	return n, nil, nil
}

// entry is what CheckFile keeps of an entity of the file or of the store
// that the file names: the line it is defined on (0 for the store's) and
// its kind.
type entry struct {
	line    int32
	kindIdx uint8 // index in kg.Kinds
}

func kindIndex(k kg.Kind) uint8 { return uint8(slices.Index(kg.Kinds, k)) }

// kind returns the kind of the entry, "" if it has none.
func (e entry) kind() kg.Kind {
	if int(e.kindIdx) < len(kg.Kinds) {
		return kg.Kinds[e.kindIdx]
	}
	return ""
}
