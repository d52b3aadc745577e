package graph_test

import (
	"bytes"
	"io"
	"net/http"
	"testing"

	"github.com/puente-kg/puente/internal/testenv"
)

// BenchmarkEntityLookup measures one GraphQL lookup of an entity with its
// country (two levels, so two store round trips) over HTTP, on each backend.
func BenchmarkEntityLookup(b *testing.B) {
	body := []byte(`{"query":"{ entity(id: \"person:li-zhanshu\") { name aliases country { name } } }"}`)
	for _, backend := range testenv.Backends() {
		b.Run(backend.Name, func(b *testing.B) {
			srv := server(b, backend.Open(b))
			client := srv.Client()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				resp, err := client.Post(srv.URL+"/query", "application/json", bytes.NewReader(body))
				if err != nil {
					b.Fatal(err)
				}
				out, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK || !bytes.Contains(out, []byte("Li Zhanshu")) {
					b.Fatalf("HTTP %d: %s", resp.StatusCode, out)
				}
			}
		})
	}
}
