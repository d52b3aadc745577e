package memstore

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/puente-kg/puente/kg"
)

// The journal is a file header followed by one frame per write:
//
//	file header  "PUENTEJ3" (magic and format version, 8 bytes)
//	frame        length uint32 | crc32c(payload) uint32 |
//	             crc32c(length and payload checksum) uint32 | payload
//
// where a payload is a record in JSON or, for a change set, in the binary
// encoding of codec.go. The second format ("PUENTEJ2") has the same frames
// with JSON payloads only.
//
// with integers big endian. A write is framed, written at the end of the
// last whole record and fsynced before it is applied in memory; a write
// that fails is cut off again, so that the next one lands right after the
// last whole record. When the journal cannot tell what its file holds (a
// failed fsync, or a cut that failed) it accepts no more writes until the
// process restarts and replays it.
//
// At start-up the whole journal is read and checked before anything is
// written to it. A torn tail — what an append interrupted by a crash can
// leave — is dropped and reported. It is one of:
//
//   - fewer bytes left than a frame header;
//   - a header that passes its checksum, with a length that runs past the
//     end of the file;
//   - a header that passes its checksum, with a payload that ends exactly
//     at the end of the file and fails its checksum;
//   - a header that fails its checksum, with every byte from there to the
//     end of the file zero (the file was extended, the data never landed).
//
// Anything else is damage, and start-up stops with an error naming the
// journal and the byte offset, leaving the file as it was.
//
// A journal of the first format (no file header, frames of length and
// payload checksum only) is replayed under the same rules, checked for a
// damaged length, and rewritten in the current format before any write; so
// is a journal of the second format. The rewrite encodes their change sets
// anew, in binary.

// JournalFile is the name of the journal inside the data directory.
const JournalFile = "journal.log"

// journalMagic begins every journal of the current format; its last byte is
// the format version.
const journalMagic = "PUENTEJ3"

// v2Magic begins a journal of the second format, whose payloads are JSON.
const v2Magic = "PUENTEJ2"

const (
	fileHeader  = int64(len(journalMagic))
	frameHeader = 12
	// v1FrameHeader is the frame header of the first format: length and
	// payload checksum.
	v1FrameHeader = 8
	// v1Payload begins every payload: the JSON of a record, op first.
	v1Payload = `{"op":"`
	maxRecord = 1 << 30
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func checksum(b []byte) uint32 { return crc32.Checksum(b, castagnoli) }

// record is one journaled write.
type record struct {
	Op      string        `json:"op"`
	Dataset *kg.Dataset   `json:"dataset,omitempty"`
	Changes *kg.ChangeSet `json:"changes,omitempty"`
	// searchText, when a replay decoded the record, holds the search text
	// of each of Changes.PutEntities (see prepare); it is not journaled.
	searchText []string
	// at, when a replay of a journal of the current format decoded the
	// record, is the offset of its frame; 0 otherwise.
	at int64
	// skippedItems counts the items of the log entry that the replay left
	// in the journal, undecoded.
	skippedItems int
}

// ReplayReport says what Open found in the journal.
type ReplayReport struct {
	// Records is the number of whole records replayed.
	Records int
	// TornBytes is the size of the torn last record that was dropped, 0
	// when the journal ended cleanly.
	TornBytes int64
	// Upgraded reports that the journal was in an earlier format (the
	// first, without a file header, or the second, all JSON) and was
	// rewritten in the current one.
	Upgraded bool
	// Took is how long Open took to replay the journal. (The collection
	// that gives back the memory the replay freed runs after.)
	Took time.Duration
}

// journalFile is what the journal asks of an open file. *os.File has it;
// tests put a layer that injects faults in between.
type journalFile interface {
	io.ReaderAt
	io.WriterAt
	Truncate(size int64) error
	Sync() error
	Stat() (os.FileInfo, error)
	Close() error
}

// fileSystem opens the journal's files and changes its directory.
type fileSystem interface {
	openFile(name string, flag int, perm os.FileMode) (journalFile, error)
	rename(oldpath, newpath string) error
	remove(name string) error
	// syncDir makes the directory's entries durable: a file created or
	// renamed in it.
	syncDir(dir string) error
}

// journalFS is the file system of every journal. Tests replace it to inject
// faults.
var journalFS fileSystem = osFS{}

// osFS is the operating system's file system.
type osFS struct{}

func (osFS) openFile(name string, flag int, perm os.FileMode) (journalFile, error) {
	f, err := os.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return f, nil
}

func (osFS) rename(oldpath, newpath string) error { return os.Rename(oldpath, newpath) }

func (osFS) remove(name string) error { return os.Remove(name) }

func (osFS) syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

type journal struct {
	path string
	f    journalFile
	// lock is the data directory, locked: one process at a time.
	lock *os.File
	// size is where the last whole, synced record ends, and the next frame
	// goes.
	size int64
	// failed, once set, is what every append returns: the journal no
	// longer knows what its file holds past size.
	failed error
	// logged, after an upgrade, holds the offsets of the frames of the
	// rewritten journal whose change sets carry a change-log entry, in
	// order (see Open).
	logged []int64
	// buf is the frame of the last append, kept to encode the next one
	// in (see keptFrame).
	buf []byte
}

// keptFrame is the largest frame buffer a journal keeps between appends:
// an import's batches reuse theirs instead of growing a new one each
// time, and a rare larger write does not stay held.
const keptFrame = 8 << 20

// openJournal opens (creating) the journal in dir and calls apply for each
// whole record, in order.
func openJournal(dir string, apply func(record) error) (*journal, ReplayReport, error) {
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, ReplayReport{}, fmt.Errorf("data dir: %w", err)
		}
		if err := journalFS.syncDir(filepath.Dir(dir)); err != nil {
			return nil, ReplayReport{}, fmt.Errorf("data dir: %w", err)
		}
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, ReplayReport{}, err
	}
	j, rep, err := replay(dir, apply)
	if err != nil {
		lock.Close()
		return nil, rep, err
	}
	j.lock = lock
	return j, rep, nil
}

// lockDir locks the data directory itself rather than the journal, which an
// upgrade replaces.
func lockDir(dir string) (*os.File, error) {
	d, err := os.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	if err := syscall.Flock(int(d.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		d.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("the data directory %s is in use by another process: %w", dir, err)
		}
		return nil, fmt.Errorf("lock the data directory %s: %w", dir, err)
	}
	return d, nil
}

// replay reads the journal in dir, read-only, and applies its records. Only
// once every byte has been checked does it write: it creates a missing
// journal, cuts a torn tail, or rewrites a journal of the first format.
func replay(dir string, apply func(record) error) (*journal, ReplayReport, error) {
	var rep ReplayReport
	path := filepath.Join(dir, JournalFile)
	f, err := journalFS.openFile(path, os.O_RDONLY, 0)
	if errors.Is(err, fs.ErrNotExist) {
		size, err := writeJournal(dir, nil)
		if err != nil {
			return nil, rep, fmt.Errorf("create journal %s: %w", path, err)
		}
		j, err := openForAppend(path, size, false)
		return j, rep, err
	}
	if err != nil {
		return nil, rep, fmt.Errorf("open journal: %w", err)
	}
	defer f.Close() // read-only: a failed close loses nothing
	version, start, size, err := journalFormat(f, path)
	if err != nil {
		return nil, rep, err
	}
	good, err := replayRecords(f, path, version, start, size, apply, &rep)
	if err != nil {
		return nil, rep, err
	}
	rep.TornBytes = size - good
	if version < 3 {
		// Rewrite the records checked above, their change sets in binary;
		// the torn tail stays behind.
		var logged []int64
		size, err := writeJournal(dir, func(add func([]byte) error) error {
			at := fileHeader
			_, err := inOrder(f, path, version, start, good, reencode, func(_ int64, r reencoded) error {
				if r.logged {
					logged = append(logged, at)
				}
				at += frameHeader + int64(len(r.payload))
				return add(r.payload)
			})
			return err
		})
		if err != nil {
			return nil, rep, fmt.Errorf("rewrite journal %s in the current format: %w", path, err)
		}
		rep.Upgraded = true
		j, err := openForAppend(path, size, false)
		if j != nil {
			j.logged = logged
		}
		return j, rep, err
	}
	j, err := openForAppend(path, good, rep.TornBytes > 0)
	return j, rep, err
}

// openForAppend opens the journal for writing at size, first cutting the
// file there when cut is set.
func openForAppend(path string, size int64, cut bool) (*journal, error) {
	f, err := journalFS.openFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("open journal: %w", err)
	}
	if cut {
		err = f.Truncate(size)
		if err == nil {
			err = f.Sync()
		}
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("drop the torn last record of journal %s: %w", path, err)
		}
	}
	return &journal{path: path, f: f, size: size}, nil
}

// journalFormat reads the file header: it returns the format version, where
// the first frame starts and the size of the file.
func journalFormat(f journalFile, path string) (version int, start, size int64, err error) {
	info, err := f.Stat()
	if err != nil {
		return 0, 0, 0, fmt.Errorf("journal: %w", err)
	}
	size = info.Size()
	head := make([]byte, min(size, fileHeader+int64(len(v1Payload))))
	if _, err := f.ReadAt(head, 0); err != nil {
		return 0, 0, 0, fmt.Errorf("read journal %s: %w", path, err)
	}
	switch {
	case size == 0:
		// An empty journal of the first format.
		return 1, 0, 0, nil
	case bytes.HasPrefix(head, []byte(journalMagic)):
		return 3, fileHeader, size, nil
	case bytes.HasPrefix(head, []byte(v2Magic)):
		return 2, fileHeader, size, nil
	case head[0] < maxRecord>>24 && bytes.HasPrefix([]byte(v1Payload), head[min(len(head), v1FrameHeader):]):
		// A first frame of the first format: a length under maxRecord, a
		// checksum, and what begins every payload.
		return 1, 0, size, nil
	case len(head) >= len(journalMagic) && bytes.HasPrefix(head, []byte(journalMagic[:len(journalMagic)-1])):
		return 0, 0, 0, refuse(path, 0, fmt.Errorf("the journal is in format version %q, which this server does not read", head[len(journalMagic)-1]))
	}
	return 0, 0, 0, refuse(path, 0, errors.New("damaged file header: it is not a journal's"))
}

// refuse returns the error that stops start-up at the record at byte off.
func refuse(path string, off int64, err error) error {
	return fmt.Errorf("journal %s at byte %d: %w; start-up stopped and left the file as it was "+
		"(restore it from a backup, or truncate it to %d bytes to keep only the records before this one)",
		path, off, err, off)
}

// scan reads the frames of a journal of the given format version from
// start to end, and calls each with the offset and payload of every whole
// frame, stopping at its first error. The payload is valid during the call
// only. It returns where the last whole frame
// ends: a torn tail follows up to end. Damage is an error naming the
// frame's offset.
func scan(f journalFile, path string, version int, start, end int64, each func(off int64, payload []byte) error) (int64, error) {
	hs := int64(frameHeader)
	if version == 1 {
		hs = v1FrameHeader
	}
	r := bufio.NewReaderSize(io.NewSectionReader(f, start, end-start), 64<<10)
	hdr := make([]byte, hs)
	var buf []byte
	off := start
	for off < end {
		remain := end - off
		if remain < hs {
			return off, nil
		}
		if _, err := io.ReadFull(r, hdr); err != nil {
			return off, fmt.Errorf("read journal %s at byte %d: %w", path, off, err)
		}
		if allZero(hdr) {
			zero, err := restZero(r)
			if err != nil {
				return off, fmt.Errorf("read journal %s at byte %d: %w", path, off, err)
			}
			if zero {
				return off, nil
			}
		}
		n := int64(binary.BigEndian.Uint32(hdr[0:4]))
		sum := binary.BigEndian.Uint32(hdr[4:8])
		if version >= 2 && checksum(hdr[:8]) != binary.BigEndian.Uint32(hdr[8:12]) {
			return off, refuse(path, off, errors.New("damaged record header: it fails its checksum"))
		}
		if n > maxRecord {
			return off, refuse(path, off, fmt.Errorf("damaged record header: it claims %d bytes, more than the journal ever writes", n))
		}
		if hs+n > remain {
			if version == 1 {
				return off, v1Length(f, path, r, off, end, n, sum)
			}
			return off, nil
		}
		// One buffer serves every frame: each only lives through its call.
		if int64(cap(buf)) < n {
			buf = make([]byte, n)
		}
		payload := buf[:n]
		if _, err := io.ReadFull(r, payload); err != nil {
			return off, fmt.Errorf("read journal %s at byte %d: %w", path, off, err)
		}
		if checksum(payload) != sum {
			if hs+n == remain {
				if version == 1 {
					return off, v1Length(f, path, bytes.NewReader(payload), off, end, n, sum)
				}
				return off, nil
			}
			return off, refuse(path, off, errors.New("damaged record: it fails its checksum and is not the last"))
		}
		if err := each(off, payload); err != nil {
			return off, err
		}
		off += hs + n
	}
	return off, nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// restZero reads r to its end and reports whether every byte was zero.
func restZero(r io.Reader) (bool, error) {
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		if !allZero(buf[:n]) {
			return false, nil
		}
		if errors.Is(err, io.EOF) {
			return true, nil
		}
		if err != nil {
			return false, err
		}
	}
}

// v1Length tells a torn last record of the first format, which does not
// check its lengths, from one whose length was damaged. The record at off
// claims n bytes, which would run past end or end exactly there, and fails
// its checksum. If a shorter payload, read from r, matches the checksum,
// and the file ends there or a record that passes its checksum begins
// there, the length was damaged and v1Length returns an error saying so;
// otherwise it returns nil, and the record is taken as torn.
func v1Length(f journalFile, path string, r io.ByteReader, off, end, n int64, sum uint32) error {
	follows := func(at int64) (bool, error) {
		if at == end {
			return true, nil
		}
		if end-at < v1FrameHeader {
			return false, nil
		}
		var hdr [v1FrameHeader]byte
		if _, err := f.ReadAt(hdr[:], at); err != nil {
			return false, err
		}
		n := int64(binary.BigEndian.Uint32(hdr[0:4]))
		if n > maxRecord || at+v1FrameHeader+n > end {
			return false, nil
		}
		payload := make([]byte, n)
		if _, err := f.ReadAt(payload, at+v1FrameHeader); err != nil {
			return false, err
		}
		return checksum(payload) == binary.BigEndian.Uint32(hdr[4:8]), nil
	}
	// The checksum of each prefix in turn: crc32.Update one byte at a
	// time, without its inversions.
	crc := ^uint32(0)
	for at := off + v1FrameHeader; at < off+v1FrameHeader+n; at++ {
		if ^crc == sum {
			ok, err := follows(at)
			if err != nil {
				return fmt.Errorf("read journal %s at byte %d: %w", path, at, err)
			}
			if ok {
				return refuse(path, off, fmt.Errorf("damaged record length: it claims %d bytes, but the checksum matches the %d bytes up to byte %d", n, at-off-v1FrameHeader, at))
			}
		}
		b, err := r.ReadByte()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read journal %s at byte %d: %w", path, at, err)
		}
		crc = castagnoli[byte(crc)^b] ^ crc>>8
	}
	return nil
}

// writeJournal writes a journal in the current format — the file header,
// then a frame for each payload that fill adds — to a temporary file,
// syncs it, renames it over the journal and syncs the directory: a crash
// leaves the old journal or the new one, never a part. It returns the new
// journal's size.
func writeJournal(dir string, fill func(add func([]byte) error) error) (int64, error) {
	path := filepath.Join(dir, JournalFile)
	tmp := path + ".tmp"
	f, err := journalFS.openFile(tmp, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriterSize(io.NewOffsetWriter(f, 0), 64<<10)
	size := fileHeader
	_, err = w.WriteString(journalMagic)
	if err == nil && fill != nil {
		err = fill(func(payload []byte) error {
			b := frame(payload)
			size += int64(len(b))
			_, err := w.Write(b)
			return err
		})
	}
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = journalFS.rename(tmp, path)
	}
	if err != nil {
		journalFS.remove(tmp)
		return 0, err
	}
	if err := journalFS.syncDir(dir); err != nil {
		return 0, err
	}
	return size, nil
}

// frame returns the payload framed with its header.
func frame(payload []byte) []byte {
	b := make([]byte, frameHeader+len(payload))
	copy(b[frameHeader:], payload)
	putFrameHeader(b)
	return b
}

// putFrameHeader writes the header of the frame b, whose payload follows
// the header's room.
func putFrameHeader(b []byte) {
	payload := b[frameHeader:]
	binary.BigEndian.PutUint32(b[0:4], uint32(len(payload)))
	binary.BigEndian.PutUint32(b[4:8], checksum(payload))
	binary.BigEndian.PutUint32(b[8:12], checksum(b[0:8]))
}

// append writes the record after the last whole one and syncs it to disk.
// On an error nothing was journaled: a failed write is cut off again. When
// the journal cannot be sure of that (a failed fsync, or a failed cut) it
// fails for good, and every later append returns the same EUNAVAILABLE
// error.
func (j *journal) append(rec record) (at int64, err error) {
	if j.failed != nil {
		return 0, j.failed
	}
	b := j.buf
	if cap(b) < frameHeader {
		b = make([]byte, 0, 4096)
	}
	b, err = appendRecord(b[:frameHeader], rec)
	if err != nil {
		return 0, fmt.Errorf("journal: %w", err)
	}
	if cap(b) <= keptFrame {
		j.buf = b[:0]
	}
	payload := b[frameHeader:]
	if len(payload) > maxRecord {
		return 0, kg.Errorf(kg.EINVALID, "the write is %d bytes, more than the %d the journal takes", len(payload), maxRecord)
	}
	putFrameHeader(b)
	n, err := j.f.WriteAt(b, j.size)
	if err == nil && n < len(b) {
		err = io.ErrShortWrite
	}
	if err != nil {
		err = fmt.Errorf("journal write at byte %d: %w", j.size, err)
		if cerr := j.cut(); cerr != nil {
			return 0, j.fail(errors.Join(err, cerr))
		}
		return 0, fmt.Errorf("%w: %w", kg.Errorf(kg.EUNAVAILABLE, "the write could not be saved, and nothing was changed"), err)
	}
	if err := j.f.Sync(); err != nil {
		// The kernel may have dropped the pages it failed to write, and
		// marked them clean: what the disk holds is unknown. Cut the
		// record that was not acknowledged, in case that gets through.
		err = fmt.Errorf("journal sync: %w", err)
		j.cut()
		return 0, j.fail(err)
	}
	at = j.size
	j.size += int64(len(b))
	return at, nil
}

// read returns the payload of the whole frame at offset at, checked
// against its checksums.
func (j *journal) read(at int64) ([]byte, error) {
	if at < fileHeader || at+frameHeader > j.size {
		return nil, fmt.Errorf("no record of journal %s begins at byte %d", j.path, at)
	}
	var hdr [frameHeader]byte
	if _, err := j.f.ReadAt(hdr[:], at); err != nil {
		return nil, fmt.Errorf("read journal %s at byte %d: %w", j.path, at, err)
	}
	n := int64(binary.BigEndian.Uint32(hdr[0:4]))
	if checksum(hdr[:8]) != binary.BigEndian.Uint32(hdr[8:12]) || at+frameHeader+n > j.size {
		return nil, fmt.Errorf("journal %s at byte %d: damaged record header", j.path, at)
	}
	payload := make([]byte, n)
	if _, err := j.f.ReadAt(payload, at+frameHeader); err != nil {
		return nil, fmt.Errorf("read journal %s at byte %d: %w", j.path, at, err)
	}
	if checksum(payload) != binary.BigEndian.Uint32(hdr[4:8]) {
		return nil, fmt.Errorf("journal %s at byte %d: damaged record: it fails its checksum", j.path, at)
	}
	return payload, nil
}

// cut truncates the file back to the last whole record, and syncs it.
func (j *journal) cut() error {
	if err := j.f.Truncate(j.size); err != nil {
		return fmt.Errorf("journal truncate to byte %d: %w", j.size, err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("journal sync after truncate: %w", err)
	}
	return nil
}

// fail stops the journal for good, with cause.
func (j *journal) fail(cause error) error {
	j.failed = fmt.Errorf("%w: %w", kg.Errorf(kg.EUNAVAILABLE,
		"the journal failed at byte %d and accepts no more writes; restart the server to recover", j.size), cause)
	return j.failed
}

func (j *journal) close() error {
	err := j.f.Close()
	if lerr := j.lock.Close(); err == nil {
		err = lerr
	}
	if err != nil {
		return fmt.Errorf("journal close: %w", err)
	}
	return nil
}
