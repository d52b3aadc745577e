package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/puente-kg/puente/auth"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/web/export"
)

// GraphReader is what a whole-graph export reads: the entities page by
// page, and the relations that start at them.
type GraphReader interface {
	kg.Lister
	kg.LinkReader
}

// The page sizes of a whole-graph export. They bound what it holds at
// once: one page of entities, then the first linksFirst relations of each
// entity of a page, or one page of linksFollow relations of one entity.
const (
	entityPage  = kg.MaxPageSize
	linksFirst  = 10
	linksFollow = kg.MaxListSize
)

// WholeGraphTitle is the title of a whole-graph export.
const WholeGraphTitle = "The whole Puente knowledge graph"

// WholeGraph writes the whole graph to x, from Begin to End, as it reads
// it: the entities by folded name and ID, page by page, and then, walking
// the entities again in that order, the relations that start at each, by
// relation ID. It holds at most one page of entities or of relations at a
// time (a few thousand relations at most), whatever the size of the graph.
// Each read of the store gets callTimeout.
//
// The export is not a snapshot: what is written while it runs may or may
// not show, and an entity added between the two walks may leave edges
// with an end that is not among the nodes.
func WholeGraph(ctx context.Context, store GraphReader, x export.Writer, callTimeout time.Duration, statedOnly bool) error {
	title := WholeGraphTitle
	if statedOnly {
		title += ", stated facts only"
	}
	if err := x.Begin(title); err != nil {
		return err
	}
	err := eachEntityPage(ctx, store, callTimeout, func(page []*kg.Entity) error {
		for _, e := range page {
			if err := x.Node(e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	out := kg.LinkQuery{Direction: kg.DirOut, Order: kg.LinksByID}
	err = eachEntityPage(ctx, store, callTimeout, func(page []*kg.Entity) error {
		ids := make([]string, len(page))
		for i, e := range page {
			ids[i] = e.ID
		}
		pages, err := links(ctx, store, callTimeout, ids, out, kg.PageRequest{First: linksFirst})
		if err != nil {
			return err
		}
		edge := func(r *kg.Relation) error {
			if statedOnly && !r.IsStated() {
				return nil
			}
			return x.Edge(r)
		}
		for i, lp := range pages {
			for _, l := range lp.Links {
				if err := edge(l.Relation); err != nil {
					return err
				}
			}
			for lp.HasNext && len(lp.Cursors) > 0 {
				more, err := links(ctx, store, callTimeout, ids[i:i+1], out,
					kg.PageRequest{First: linksFollow, After: lp.Cursors[len(lp.Cursors)-1]})
				if err != nil {
					return err
				}
				lp = more[0]
				for _, l := range lp.Links {
					if err := edge(l.Relation); err != nil {
						return err
					}
				}
			}
			pages[i] = kg.LinkPage{} // written: let it go
		}
		return nil
	})
	if err != nil {
		return err
	}
	return x.End()
}

// eachEntityPage calls f with each page of every entity, by folded name and
// ID, without counting them. f must not keep the page.
func eachEntityPage(ctx context.Context, store kg.Lister, callTimeout time.Duration, f func([]*kg.Entity) error) error {
	after := ""
	for {
		cctx, cancel := context.WithTimeout(ctx, callTimeout)
		page, err := store.ListEntities(cctx, kg.EntityFilter{}, kg.PageRequest{First: entityPage, After: after})
		cancel()
		if err != nil {
			return fmt.Errorf("list entities: %w", err)
		}
		next := page.HasNext && len(page.Cursors) > 0
		if next {
			after = page.Cursors[len(page.Cursors)-1]
		}
		ents := page.Entities
		page = nil
		if err := f(ents); err != nil {
			return err
		}
		if !next {
			return nil
		}
	}
}

// links is one Links call with its own deadline; it returns one page per
// ID or an error.
func links(ctx context.Context, store kg.LinkReader, callTimeout time.Duration, ids []string, q kg.LinkQuery, p kg.PageRequest) ([]kg.LinkPage, error) {
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	pages, err := store.Links(cctx, ids, q, p)
	if err != nil {
		return nil, fmt.Errorf("links: %w", err)
	}
	if len(pages) != len(ids) {
		return nil, fmt.Errorf("links: %d pages for %d entities", len(pages), len(ids))
	}
	return pages, nil
}

// whole streams the whole graph in the format, after checking the token
// (when opts.RequireReader) and taking a slot of the expensive requests
// for as long as it runs. A failure before the first byte is answered
// with its status; after it, the connection is cut, so that the client
// sees an incomplete response rather than a short file.
func (e *exporter) whole(w http.ResponseWriter, r *http.Request, f export.Format, statedOnly bool) {
	if e.opts.RequireReader {
		if err := auth.Require(r.Context(), auth.Reader); err != nil {
			e.fail(w, r, err)
			return
		}
	}
	if r.Method == http.MethodHead {
		setFileHeaders(w, f, "puente-graph")
		return
	}
	release, err := e.expensive(r.Context())
	if err != nil {
		e.fail(w, r, err)
		return
	}
	defer release()
	ctx, stop := detach(r)
	defer stop()
	out := &streamWriter{w: w, rc: http.NewResponseController(w), timeout: e.opts.CallTimeout,
		start: func() { setFileHeaders(w, f, "puente-graph") }}
	defer out.clearDeadline()
	x, err := export.NewWriter(out, f)
	if err == nil {
		err = WholeGraph(ctx, e.store, x, e.opts.CallTimeout, statedOnly)
	}
	if err == nil {
		return
	}
	switch {
	case out.sendErr != nil || ctx.Err() != nil:
		// The client went away: nothing failed on this side.
		e.logger.InfoContext(r.Context(), "whole-graph export stopped: the client went away",
			"path", r.URL.Path, "bytes", out.written)
	case !out.started:
		e.fail(w, r, err)
		return
	default:
		e.logger.ErrorContext(r.Context(), "whole-graph export failed mid-stream; cutting the connection",
			"path", r.URL.Path, "code", kg.ErrorCode(err), "bytes", out.written, "err", err.Error())
	}
	panic(http.ErrAbortHandler)
}

// detach returns a context for a whole-graph export: not cut at the
// request's deadline, since a large graph takes longer than one query
// may, but cancelled when the client goes away before that deadline.
// After it, a client that goes away shows as a failed write.
func detach(r *http.Request) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	stop := context.AfterFunc(r.Context(), func() {
		if !errors.Is(r.Context().Err(), context.DeadlineExceeded) {
			cancel()
		}
	})
	return ctx, func() { stop(); cancel() }
}

// streamWriter sends the response's headers and status when the first
// bytes come, so that a failure before them can still be answered with a
// status, and gives each write a deadline where the server allows it.
type streamWriter struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	timeout time.Duration
	start   func()
	started bool
	// noDeadline is set once the server says it cannot set write
	// deadlines through the handlers around this one.
	noDeadline bool
	written    int64
	// sendErr is the first write that failed: the client went away or
	// stopped reading.
	sendErr error
}

func (s *streamWriter) Write(p []byte) (int, error) {
	if !s.started {
		s.started = true
		s.start()
		s.w.WriteHeader(http.StatusOK)
	}
	if !s.noDeadline {
		if err := s.rc.SetWriteDeadline(time.Now().Add(s.timeout)); errors.Is(err, http.ErrNotSupported) {
			s.noDeadline = true
		}
	}
	n, err := s.w.Write(p)
	s.written += int64(n)
	if err != nil {
		s.sendErr = err
		return n, fmt.Errorf("send: %w", err)
	}
	return n, nil
}

// clearDeadline lifts the write deadline, so that it does not outlive the
// response on a kept-alive connection.
func (s *streamWriter) clearDeadline() {
	if s.started && !s.noDeadline {
		s.rc.SetWriteDeadline(time.Time{})
	}
}
