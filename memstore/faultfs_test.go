package memstore

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// opKind is a kind of file-system operation the journal makes.
type opKind int

const (
	opOpen opKind = iota
	opWrite
	opSync
	opTruncate
	opClose
	opRename
	opSyncDir
	opAny // a fault at the nth operation of any kind
)

var opNames = [...]string{"open", "write", "sync", "truncate", "close", "rename", "syncdir", "any"}

func (k opKind) String() string { return opNames[k] }

var errCrashed = errors.New("simulated crash: the machine is down")

// fault says which operation fails, and how.
type fault struct {
	op opKind
	// n numbers the operation among those of its kind, from 1. Zero means
	// the first one after another fault was injected.
	n   int
	err error
	// keep, for a write, says how many bytes of the buffer land before the
	// write fails; nil lands none.
	keep func(n int) int
	// effect, for an operation other than a write, makes it take effect
	// before it fails: the rename happens, the file is truncated.
	effect bool
	// crash makes every operation after this one fail, as if the machine
	// had stopped.
	crash bool
	used  bool
}

// half keeps half the buffer: a short write.
func half(n int) int { return n / 2 }

// faultFS is the operating system's file system with injected faults. It
// counts the operations of each kind and fails the ones its faults name.
// Reads are never faulted. A sync that is not faulted does nothing: the
// simulated crash keeps the page cache, so a real fsync would prove
// nothing and only slow the tests down.
type faultFS struct {
	faults   []fault
	count    [opAny + 1]int
	crashed  bool
	injected int
	// last is the kind of the last operation a fault struck.
	last opKind
	// log lists the operations, with the base name of their file.
	log []string
}

// check counts an operation and returns the fault that strikes it, if any.
func (fs *faultFS) check(op opKind, name string) *fault {
	fs.count[op]++
	fs.count[opAny]++
	fs.log = append(fs.log, op.String()+" "+filepath.Base(name))
	prior := fs.injected
	for i := range fs.faults {
		f := &fs.faults[i]
		if f.used {
			continue
		}
		hit := f.op == op && f.n == fs.count[op] ||
			f.op == opAny && f.n == fs.count[opAny] ||
			f.op == op && f.n == 0 && prior > 0
		if hit {
			f.used = true
			fs.injected++
			fs.last = op
			if f.crash {
				fs.crashed = true
			}
			return f
		}
	}
	return nil
}

func (fs *faultFS) openFile(name string, flag int, perm os.FileMode) (journalFile, error) {
	if fs.crashed {
		return nil, errCrashed
	}
	if f := fs.check(opOpen, name); f != nil {
		if f.effect {
			if of, err := os.OpenFile(name, flag, perm); err == nil {
				of.Close()
			}
		}
		return nil, f.err
	}
	of, err := os.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return &faultFile{f: of, fs: fs}, nil
}

func (fs *faultFS) rename(oldpath, newpath string) error {
	if fs.crashed {
		return errCrashed
	}
	if f := fs.check(opRename, newpath); f != nil {
		if f.effect {
			os.Rename(oldpath, newpath)
		}
		return f.err
	}
	return os.Rename(oldpath, newpath)
}

func (fs *faultFS) remove(name string) error {
	if fs.crashed {
		return errCrashed
	}
	return os.Remove(name)
}

func (fs *faultFS) syncDir(dir string) error {
	if fs.crashed {
		return errCrashed
	}
	if f := fs.check(opSyncDir, dir); f != nil {
		return f.err
	}
	return nil
}

// faultFile is a file of a faultFS.
type faultFile struct {
	f  *os.File
	fs *faultFS
}

func (f *faultFile) ReadAt(b []byte, off int64) (int, error) { return f.f.ReadAt(b, off) }

func (f *faultFile) Stat() (os.FileInfo, error) { return f.f.Stat() }

func (f *faultFile) WriteAt(b []byte, off int64) (int, error) {
	if f.fs.crashed {
		return 0, errCrashed
	}
	if ft := f.fs.check(opWrite, f.f.Name()); ft != nil {
		k := 0
		if ft.keep != nil {
			k = ft.keep(len(b))
		}
		n, err := f.f.WriteAt(b[:k], off)
		if err != nil {
			return n, err
		}
		return n, ft.err
	}
	return f.f.WriteAt(b, off)
}

func (f *faultFile) Sync() error {
	if f.fs.crashed {
		return errCrashed
	}
	if ft := f.fs.check(opSync, f.f.Name()); ft != nil {
		return ft.err
	}
	return nil
}

func (f *faultFile) Truncate(size int64) error {
	if f.fs.crashed {
		return errCrashed
	}
	if ft := f.fs.check(opTruncate, f.f.Name()); ft != nil {
		if ft.effect {
			f.f.Truncate(size)
		}
		return ft.err
	}
	return f.f.Truncate(size)
}

// Close always closes the file, so that its descriptor and lock go, and
// then reports the fault, if any.
func (f *faultFile) Close() error {
	err := f.f.Close()
	if f.fs.crashed {
		return errCrashed
	}
	if ft := f.fs.check(opClose, f.f.Name()); ft != nil {
		return ft.err
	}
	return err
}

// useFS makes every journal the test opens use fs, until the test ends or
// useFS is called again.
func useFS(t *testing.T, fs fileSystem) {
	t.Helper()
	old := journalFS
	journalFS = fs
	t.Cleanup(func() { journalFS = old })
}

// abandon drops a store as a crash would: it releases the journal's file
// descriptors, and with them the directory's lock, without closing the
// journal.
func abandon(s *Store) {
	if s == nil || s.journal == nil {
		return
	}
	j := s.journal
	if f, ok := j.f.(*faultFile); ok {
		f.f.Close()
	} else {
		j.f.Close()
	}
	j.lock.Close()
	s.journal = nil
}
