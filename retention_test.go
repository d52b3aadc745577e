package main

import (
	"testing"
	"time"
)

// TestChangeLogRetention parses CHANGE_LOG_RETENTION and its flag.
func TestChangeLogRetention(t *testing.T) {
	cfg, _, err := parseConfig(nil)
	if err != nil || cfg.changeRetention != 90*24*time.Hour {
		t.Errorf("default retention %v (%v), want 90 days", cfg.changeRetention, err)
	}
	for v, want := range map[string]time.Duration{"7d": 7 * 24 * time.Hour, "36h": 36 * time.Hour, "0": 0, "0d": 0, " 1d ": 24 * time.Hour} {
		t.Setenv("CHANGE_LOG_RETENTION", v)
		cfg, _, err := parseConfig(nil)
		if err != nil || cfg.changeRetention != want {
			t.Errorf("CHANGE_LOG_RETENTION=%q: %v (%v), want %v", v, cfg.changeRetention, err, want)
		}
	}
	t.Setenv("CHANGE_LOG_RETENTION", "30d")
	if cfg, _, err := parseConfig([]string{"-change-log-retention", "2h"}); err != nil || cfg.changeRetention != 2*time.Hour {
		t.Errorf("the flag over the environment: %v (%v), want 2h", cfg.changeRetention, err)
	}
	for _, v := range []string{"-1h", "-3d", "ninety days", "d", "1.5d", "99999999999d"} {
		t.Setenv("CHANGE_LOG_RETENTION", v)
		if _, _, err := parseConfig(nil); err == nil {
			t.Errorf("CHANGE_LOG_RETENTION=%q: no error", v)
		}
		if _, err := parseRetention(v); err == nil {
			t.Errorf("-change-log-retention %q: no error", v)
		}
	}
	if got := changePruneInterval(90 * 24 * time.Hour); got != time.Hour {
		t.Errorf("interval for 90 days: %v", got)
	}
	if got := changePruneInterval(time.Millisecond); got != time.Second {
		t.Errorf("interval for 1ms: %v", got)
	}
}
