package main

import (
	"net/http"
	"time"
)

// httpTimeouts bound how long a connection may take over each part of an
// exchange, so that a client that sends slowly, or never reads, cannot hold
// a connection, a handler and its memory.
type httpTimeouts struct {
	// readHeader is the time a client has to send a request's headers.
	readHeader time.Duration
	// read is the time a client has to send a whole request, body
	// included.
	read time.Duration
	// idle is how long a kept-alive connection waits for the next request.
	idle time.Duration
	// writeMargin is the time an answer has to reach a client after the
	// request was read and its deadline (QUERY_TIMEOUT) passed.
	writeMargin time.Duration
}

// defaultHTTPTimeouts are the HTTP server's timeouts.
var defaultHTTPTimeouts = httpTimeouts{
	readHeader:  10 * time.Second,
	read:        30 * time.Second,
	idle:        2 * time.Minute,
	writeMargin: 10 * time.Second,
}

// httpServer returns the HTTP server of the handler, with the timeouts of
// the configuration. The write timeout runs from the end of a request's
// headers, so it covers reading the body (at most the read timeout), the
// request's deadline (QUERY_TIMEOUT) and a margin to write the answer: an
// answer that is ready in time is never cut, and a client that never reads
// it lets go of the handler once the timeout passes.
func httpServer(cfg config, handler http.Handler) *http.Server {
	t := cfg.http
	return &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: t.readHeader,
		ReadTimeout:       t.read,
		WriteTimeout:      t.read + cfg.neo4j.Timeout + t.writeMargin,
		IdleTimeout:       t.idle,
	}
}
