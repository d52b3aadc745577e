package service

import (
	"context"
	"log/slog"
	"math"
	"time"

	"github.com/puente-kg/puente/kg"
)

// DefaultChangeRetention is how long the change log keeps an entry by
// default: 90 days.
const DefaultChangeRetention = 90 * 24 * time.Hour

// NoReaders is what a keep function of PruneChangesEvery returns when no
// connected reader of the log (a subscriber) holds entries back: every
// entry older than the retention may go. A keep function otherwise returns
// the lowest cursor (sequence number) among the connected readers: each
// has seen the entries up to its cursor, and none after it may go.
const NoReaders int64 = math.MaxInt64

// PruneChanges deletes the entries of the change log older than retention
// and numbered at most keep (see NoReaders), and returns how many it
// deleted. A retention of 0 or less keeps every entry.
func PruneChanges(ctx context.Context, log kg.ChangeLog, retention time.Duration, keep int64) (int, error) {
	if retention <= 0 {
		return 0, nil
	}
	return log.PruneChanges(ctx, time.Now().Add(-retention), keep)
}

// PruneChangesEvery prunes the change log (see PruneChanges) at once and
// then every interval until ctx is done, asking keep before each pruning
// which entries the connected readers still need; a nil keep stands for
// one that returns NoReaders. A retention of 0 or less keeps every entry:
// it returns at once. Failures are logged, and the next round tries again.
func PruneChangesEvery(ctx context.Context, log kg.ChangeLog, retention, interval time.Duration, keep func() int64) {
	if retention <= 0 {
		return
	}
	if keep == nil {
		keep = func() int64 { return NoReaders }
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		n, err := PruneChanges(ctx, log, retention, keep())
		switch {
		case err != nil && ctx.Err() == nil:
			slog.WarnContext(ctx, "pruning the change log failed; trying again later", "err", err, "next", interval.String())
		case n > 0:
			slog.InfoContext(ctx, "pruned the change log", "entries", n, "retention", retention.String())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
