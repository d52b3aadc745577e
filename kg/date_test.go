package kg

import (
	"fmt"
	"testing"
)

// fmtStart and fmtEnd are Date.Start and Date.End as they were written
// with fmt: the reference of the formatting without it.
func fmtStart(d Date) string {
	m, day := max(d.Month, 1), max(d.Day, 1)
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, m, day)
}

func fmtEnd(d Date) string {
	m, day := d.Month, d.Day
	if m == 0 {
		m = 12
	}
	if day == 0 {
		day = daysIn(d.Year, m)
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, m, day)
}

func fmtString(d Date) string {
	switch {
	case d.Year == 0:
		return ""
	case d.Month == 0:
		return fmt.Sprintf("%04d", d.Year)
	case d.Day == 0:
		return fmt.Sprintf("%04d-%02d", d.Year, d.Month)
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// testDates are ordinary dates of every precision and the odd ones the
// fast paths leave to fmt: negative, five-digit and out-of-range parts.
func testDates() []Date {
	var dates []Date
	for _, y := range []int{-12, -1, 1, 9, 99, 999, 1999, 2024, 9999, 10000, 123456} {
		for _, m := range []int{-1, 0, 1, 2, 9, 10, 12, 13, 99, 100} {
			for _, d := range []int{-1, 0, 1, 9, 10, 28, 29, 31, 99, 100} {
				dates = append(dates, Date{y, m, d})
			}
		}
	}
	return append(dates, Date{})
}

// TestDateFormatsAsFmt checks that String, Start, End and SortKey write
// what fmt wrote.
func TestDateFormatsAsFmt(t *testing.T) {
	for _, d := range testDates() {
		if got, want := d.String(), fmtString(d); got != want {
			t.Errorf("%#v.String() = %q, want %q", d, got, want)
		}
		if d.IsZero() {
			continue
		}
		if got, want := d.Start(), fmtStart(d); got != want {
			t.Errorf("%#v.Start() = %q, want %q", d, got, want)
		}
		if got, want := d.End(), fmtEnd(d); got != want {
			t.Errorf("%#v.End() = %q, want %q", d, got, want)
		}
		precision := "3"
		switch {
		case d.Month == 0:
			precision = "1"
		case d.Day == 0:
			precision = "2"
		}
		if got, want := d.SortKey(), fmtStart(d)+precision; got != want {
			t.Errorf("%#v.SortKey() = %q, want %q", d, got, want)
		}
	}
}

// TestInWindowAsText checks that InWindow, which compares ordinary dates
// as numbers, answers as the comparison of their text does.
func TestInWindowAsText(t *testing.T) {
	var dates []Date
	for _, y := range []int{-1, 2019, 2020, 10000} {
		for _, m := range []int{0, 6, 13} {
			for _, d := range []int{0, 15, 31} {
				dates = append(dates, Date{y, m, d})
			}
		}
	}
	dates = append(dates, Date{})
	byText := func(e *Entity, from, to Date) bool {
		lo, hi, active := DateWindow(from, to)
		if !active {
			return true
		}
		first, last := e.DateRange()
		return first != "" && first <= hi && last >= lo
	}
	n := 0
	for _, start := range dates {
		for _, end := range []Date{{}, {2020, 6, 0}, {10000, 1, 1}, {-1, 0, 0}} {
			e := &Entity{Date: start, EndDate: end}
			for _, from := range dates {
				for _, to := range dates {
					if got, want := e.InWindow(from, to), byText(e, from, to); got != want {
						t.Fatalf("event %v–%v in [%v, %v]: %v, want %v", start, end, from, to, got, want)
					}
					n++
				}
			}
		}
	}
	t.Logf("%d comparisons", n)
}
