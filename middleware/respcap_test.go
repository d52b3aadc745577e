package middleware_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/puente-kg/puente/middleware"
)

// TestResponseCap checks that a body over the cap is replaced by a
// RESPONSE_TOO_LARGE error when it is written at once, and cut off by
// aborting the connection when part of it was sent; a body under the cap
// passes untouched, status and headers included.
func TestResponseCap(t *testing.T) {
	const max = 1000
	tests := []struct {
		name   string
		writes []int
		status int
		// wantCode, when set, is the code of the error that replaces the
		// body; aborted says the client must see a broken answer.
		wantCode string
		aborted  bool
	}{
		{name: "under the cap", writes: []int{400, 500}, status: http.StatusCreated},
		{name: "at the cap", writes: []int{max}, status: http.StatusOK},
		{name: "over the cap at once", writes: []int{5 * max}, status: http.StatusUnprocessableEntity, wantCode: middleware.CodeResponseTooLarge},
		{name: "over the cap at once, no status", writes: []int{max + 1}, wantCode: middleware.CodeResponseTooLarge},
		{name: "over the cap later", writes: []int{600, 600}, status: http.StatusOK, aborted: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := middleware.ResponseCap(max)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Test", "kept")
				if tt.status != 0 {
					w.WriteHeader(tt.status)
				}
				for _, n := range tt.writes {
					w.Write([]byte(strings.Repeat("x", n)))
					w.(http.Flusher).Flush()
				}
			}))
			srv := httptest.NewServer(middleware.Recover(quiet())(h))
			defer srv.Close()
			resp, err := http.Get(srv.URL)
			if err != nil {
				if tt.aborted {
					return
				}
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if tt.aborted {
				if err == nil {
					t.Errorf("a %d-byte body read whole, want the connection aborted", len(body))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := tt.status
			if want == 0 {
				want = http.StatusOK
			}
			if resp.StatusCode != want || resp.Header.Get("X-Test") != "kept" {
				t.Errorf("HTTP %d, X-Test %q; want %d, kept", resp.StatusCode, resp.Header.Get("X-Test"), want)
			}
			if len(body) > max {
				t.Errorf("a %d-byte body, cap %d", len(body), max)
			}
			var r struct {
				Errors []struct{ Extensions struct{ Code string } }
			}
			json.Unmarshal(body, &r)
			if tt.wantCode == "" {
				if total := sum(tt.writes); len(body) != total {
					t.Errorf("a %d-byte body, want %d", len(body), total)
				}
				return
			}
			if len(r.Errors) != 1 || r.Errors[0].Extensions.Code != tt.wantCode {
				t.Errorf("body %.200s, want an error of code %s", body, tt.wantCode)
			}
		})
	}
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func sum(ns []int) int {
	total := 0
	for _, n := range ns {
		total += n
	}
	return total
}
