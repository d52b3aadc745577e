package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/puente-kg/puente/internal/testenv"
	"github.com/puente-kg/puente/observe"
)

// TestHTTPTimeouts checks that a client that sends its headers a byte at a
// time is cut off once the header timeout passes, rather than holding a
// connection and a handler, and that the write timeout leaves an answer
// its whole deadline.
func TestHTTPTimeouts(t *testing.T) {
	cfg, _, err := parseConfig(nil)
	if err != nil {
		t.Fatal(err)
	}
	if srv := httpServer(cfg, nil); srv.WriteTimeout <= cfg.neo4j.Timeout+srv.ReadTimeout ||
		srv.ReadHeaderTimeout == 0 || srv.ReadTimeout == 0 || srv.IdleTimeout == 0 {
		t.Errorf("timeouts: read header %v, read %v, write %v, idle %v; QUERY_TIMEOUT %v",
			srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout, cfg.neo4j.Timeout)
	}

	cfg.http.readHeader = 300 * time.Millisecond
	srv := httptest.NewUnstartedServer(nil)
	srv.Config = httpServer(cfg, routes(cfg, testenv.Memory(t), quietLogger(), observe.New(nil)))
	srv.Start()
	defer srv.Close()

	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// A guard against a hang, not a measure: the server should close the
	// connection long before.
	conn.SetDeadline(time.Now().Add(time.Minute))
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if _, err := io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: puente\r\n"); err != nil {
			return
		}
		for i := 0; ; i++ {
			if _, err := fmt.Fprintf(conn, "X-Slow-%d: x\r\n", i); err != nil {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	got, err := io.ReadAll(conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the connection is still open a minute later; read %q", got)
	}
	if bytes.Contains(got, []byte("200 OK")) {
		t.Errorf("a request whose headers never ended was answered: %q", got)
	}
	conn.Close()
	wg.Wait()
}
