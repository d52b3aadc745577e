package middleware_test

import (
	"strings"
	"testing"

	"github.com/puente-kg/puente/middleware"
)

// TestCut checks that names are cut to the number of characters asked,
// counting characters rather than bytes.
func TestCut(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"", 5, ""},
		{"short", 5, "short"},
		{"longer", 5, "long…"},
		{"ñandúes", 7, "ñandúes"},
		{"ñandúes!", 7, "ñandúe…"},
		{strings.Repeat("x", 100_000), 100, strings.Repeat("x", 99) + "…"},
	}
	for _, tt := range tests {
		if got := middleware.Cut(tt.in, tt.n); got != tt.want {
			t.Errorf("Cut(%.20q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
