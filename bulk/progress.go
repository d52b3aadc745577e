package bulk

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// Bar draws a progress bar with the rate in records per second, redrawn in
// place. NewBar returns nil (no bar) when w is not a terminal.
type Bar struct {
	w     io.Writer
	start time.Time
	last  time.Time
}

// NewBar returns a bar on w if w is a terminal, else nil.
func NewBar(w *os.File) *Bar {
	info, err := w.Stat()
	if err != nil || info.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return &Bar{w: w, start: time.Now()}
}

// Update redraws the bar, at most ten times a second and always at the end.
func (b *Bar) Update(done, total int) {
	if b == nil {
		return
	}
	now := time.Now()
	if done < total && now.Sub(b.last) < 100*time.Millisecond {
		return
	}
	b.last = now
	const width = 30
	frac := 1.0
	if total > 0 {
		frac = float64(done) / float64(total)
	}
	filled := int(frac * width)
	rate := float64(done) / max(now.Sub(b.start).Seconds(), 1e-9)
	fmt.Fprintf(b.w, "\r[%s%s] %3.0f%% %d/%d records, %.0f records/s", strings.Repeat("=", filled),
		strings.Repeat(" ", width-filled), frac*100, done, total, rate)
	if done >= total {
		fmt.Fprintln(b.w)
	}
}
