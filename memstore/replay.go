package memstore

import (
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/puente-kg/puente/kg"
)

// replayRecords reads, checks and decodes the records of the journal and
// applies them in order (see inOrder). It stops at the first error: damage,
// a record that does not decode, or one whose replay fails, whichever comes
// first in the file. It returns where the last whole frame ends, as scan
// does.
func replayRecords(f journalFile, path string, version int, start, size int64, apply func(record) error, rep *ReplayReport) (int64, error) {
	decode := func(payload []byte, in interner) (record, error) {
		var rec record
		if err := decodeRecordItems(payload, version, &rec, in, version == 3); err != nil {
			return rec, err
		}
		prepare(&rec)
		return rec, nil
	}
	return inOrder(f, path, version, start, size, decode, func(off int64, rec record) error {
		if version == 3 {
			rec.at = off
		}
		if err := apply(rec); err != nil {
			return refuse(path, off, fmt.Errorf("the %s record could not be replayed: %w", rec.Op, err))
		}
		rep.Records++
		return nil
	})
}

// prepare does, on a decoding goroutine, the part of applying a decoded
// record that needs nothing of the store: it derives the IDs and bases of
// the change set's relations, as stage would, and the search text of its
// entities.
func prepare(rec *record) {
	c := rec.Changes
	if rec.Op != "changes" || c == nil {
		return
	}
	for _, r := range c.DeleteRelations {
		if r != nil && r.ID == "" {
			r.ID = kg.RelationID(r.Type, r.From, r.To, r.Role)
		}
	}
	for _, r := range c.PutRelations {
		if r != nil {
			ownRelation(r)
		}
	}
	rec.searchText = make([]string, len(c.PutEntities))
	for i, e := range c.PutEntities {
		if e != nil {
			rec.searchText[i] = e.SearchText()
		}
	}
}

// reencoded is a payload of a journal of an earlier format as the current
// format writes it.
type reencoded struct {
	payload []byte
	// logged says whether the record carries a change-log entry.
	logged bool
}

// reencode returns the payload of a journal of an earlier format as the
// current format writes it: a change set in binary, anything else as it
// was.
func reencode(payload []byte, _ interner) (reencoded, error) {
	var rec record
	if err := decodeRecord(payload, 1, &rec, nil); err != nil {
		return reencoded{}, err
	}
	if rec.Op != "changes" || rec.Changes == nil || rec.Dataset != nil {
		return reencoded{payload: append([]byte(nil), payload...)}, nil
	}
	b, err := encodeRecord(rec)
	return reencoded{payload: b, logged: rec.Changes.Log != nil}, err
}

// inOrder reads the frames of a journal from start to end with scan, runs
// work on their payloads on as many goroutines as there are processors,
// and calls use with the results in the order of the frames, on one
// goroutine: decoding, the larger part of a replay, then runs on every
// core while the records are applied in order. work must not keep the
// payload, which is reused; each goroutine has its own interner.
//
// It stops at the first error: damage, a payload work fails on, or an
// error of use, whichever comes first in the file. It returns where the
// last whole frame ends, as scan does.
func inOrder[T any](f journalFile, path string, version int, start, end int64, work func([]byte, interner) (T, error), use func(off int64, v T) error) (int64, error) {
	type job struct {
		off     int64
		payload []byte
		v       T
		err     error
		done    chan struct{}
	}
	workers := max(1, runtime.GOMAXPROCS(0))
	jobs := make(chan *job, workers)
	// queue holds the frames being decoded or waiting to be used, in
	// order; its size bounds what is decoded ahead of use.
	queue := make(chan *job, 4*workers)
	free := make(chan []byte, 6*workers)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := interner{}
			for j := range jobs {
				j.v, j.err = work(j.payload, in)
				select {
				case free <- j.payload:
				default:
				}
				j.payload = nil
				close(j.done)
			}
		}()
	}
	var useErr error
	used := make(chan struct{})
	go func() {
		defer close(used)
		for j := range queue {
			<-j.done
			if useErr != nil {
				continue // drain what was decoded after the failure
			}
			err := j.err
			if err != nil {
				err = refuse(path, j.off, fmt.Errorf("damaged record: it passes its checksum but does not decode: %w", err))
			} else {
				err = use(j.off, j.v)
			}
			var zero T
			j.v = zero
			if err != nil {
				useErr = err
				close(stop)
			}
		}
	}()
	errStopped := errors.New("replay stopped")
	good, err := scan(f, path, version, start, end, func(off int64, payload []byte) error {
		var buf []byte
		select {
		case buf = <-free:
		default:
		}
		if cap(buf) < len(payload) {
			buf = make([]byte, len(payload))
		}
		buf = buf[:len(payload)]
		copy(buf, payload)
		j := &job{off: off, payload: buf, done: make(chan struct{})}
		select {
		case jobs <- j:
		case <-stop:
			return errStopped
		}
		select {
		case queue <- j:
			return nil
		case <-stop:
			return errStopped
		}
	})
	close(jobs)
	close(queue)
	<-used
	wg.Wait()
	if useErr != nil {
		// A frame that failed comes before whatever scan met after it.
		return good, useErr
	}
	return good, err
}
