package middleware

import "testing"

func TestPrefersEventStream(t *testing.T) {
	tests := []struct {
		accept string
		want   bool
	}{
		{"text/event-stream", true},
		{"text/event-stream, application/json", true},
		{"Text/Event-Stream;q=1", true},
		// urql's header on every request: JSON first.
		{"application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed", false},
		{"application/json", false},
		{"*/*", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := PrefersEventStream(tt.accept); got != tt.want {
			t.Errorf("PrefersEventStream(%q) = %v, want %v", tt.accept, got, tt.want)
		}
	}
}
