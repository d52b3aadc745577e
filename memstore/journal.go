package memstore

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"syscall"

	"github.com/puente-kg/puente/kg"
)

// The journal is an append-only file of records, each framed as
//
//	length uint32 (big endian) | crc32c(payload) uint32 | payload (JSON)
//
// A write is appended and fsynced before it is applied in memory, and the
// whole journal is replayed at start-up. A crash in the middle of an append
// leaves a torn last record (short, or failing its checksum); replay detects
// it, reports it and cuts the file back to the last whole record. Damage
// before the last record is not a torn write: replay refuses it.

// JournalFile is the name of the journal inside the data directory.
const JournalFile = "journal.log"

const (
	frameHeader = 8
	maxRecord   = 1 << 30
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// record is one journaled write.
type record struct {
	Op      string        `json:"op"`
	Dataset *kg.Dataset   `json:"dataset,omitempty"`
	Changes *kg.ChangeSet `json:"changes,omitempty"`
}

// ReplayReport says what Open found in the journal.
type ReplayReport struct {
	// Records is the number of whole records replayed.
	Records int
	// TornBytes is the size of the torn last record that was dropped, 0
	// when the journal ended cleanly.
	TornBytes int64
}

type journal struct {
	f *os.File
}

// openJournal opens (creating) the journal in dir and calls apply for each
// whole record, in order.
func openJournal(dir string, apply func(record) error) (*journal, ReplayReport, error) {
	var rep ReplayReport
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, rep, fmt.Errorf("data dir: %w", err)
	}
	path := filepath.Join(dir, JournalFile)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, rep, fmt.Errorf("open journal: %w", err)
	}
	// One process at a time: two appending to one journal would interleave.
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, rep, fmt.Errorf("the data directory %s is in use by another process: %w", dir, err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, rep, fmt.Errorf("journal: %w", err)
	}
	size := info.Size()
	r := bufio.NewReader(f)
	var good int64
	for good < size {
		payload, n, err := readFrame(r, size-good)
		if errors.Is(err, errTorn) {
			rep.TornBytes = size - good
			break
		}
		if err != nil {
			f.Close()
			return nil, rep, fmt.Errorf("journal %s at byte %d: %w", path, good, err)
		}
		var rec record
		if err := json.Unmarshal(payload, &rec); err != nil {
			f.Close()
			return nil, rep, fmt.Errorf("journal %s at byte %d: %w", path, good, err)
		}
		if err := apply(rec); err != nil {
			f.Close()
			return nil, rep, fmt.Errorf("journal %s at byte %d: replay %s: %w", path, good, rec.Op, err)
		}
		good += n
		rep.Records++
	}
	if rep.TornBytes > 0 {
		if err := f.Truncate(good); err != nil {
			f.Close()
			return nil, rep, fmt.Errorf("drop torn journal record: %w", err)
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return nil, rep, fmt.Errorf("journal: %w", err)
		}
	}
	if _, err := f.Seek(good, io.SeekStart); err != nil {
		f.Close()
		return nil, rep, fmt.Errorf("journal: %w", err)
	}
	return &journal{f: f}, rep, nil
}

var errTorn = errors.New("torn record")

// readFrame reads one record from r, of which remain bytes are left in the
// file. A record cut short, or the last record failing its checksum, is
// errTorn; a bad checksum with more records after it is corruption.
func readFrame(r *bufio.Reader, remain int64) ([]byte, int64, error) {
	var hdr [frameHeader]byte
	if remain < frameHeader {
		return nil, 0, errTorn
	}
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, 0, errTorn
	}
	n := int64(binary.BigEndian.Uint32(hdr[:4]))
	sum := binary.BigEndian.Uint32(hdr[4:])
	if frameHeader+n > remain {
		return nil, 0, errTorn
	}
	if n > maxRecord {
		return nil, 0, fmt.Errorf("record of %d bytes", n)
	}
	payload := make([]byte, n)
	if _, err := io.ReadFull(r, payload); err != nil {
		return nil, 0, errTorn
	}
	if crc32.Checksum(payload, castagnoli) != sum {
		if frameHeader+n == remain {
			return nil, 0, errTorn
		}
		return nil, 0, errors.New("checksum mismatch before the last record: the journal is damaged")
	}
	return payload, frameHeader + n, nil
}

// append writes the record and syncs it to disk.
func (j *journal) append(rec record) error {
	payload, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	buf := make([]byte, frameHeader+len(payload))
	binary.BigEndian.PutUint32(buf[:4], uint32(len(payload)))
	binary.BigEndian.PutUint32(buf[4:8], crc32.Checksum(payload, castagnoli))
	copy(buf[frameHeader:], payload)
	if _, err := j.f.Write(buf); err != nil {
		return fmt.Errorf("journal write: %w", err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("journal sync: %w", err)
	}
	return nil
}

func (j *journal) close() error { return j.f.Close() }
