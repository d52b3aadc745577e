package kg

import (
	"fmt"
	"strconv"
	"time"
)

// Date is a calendar date of year, month or day precision: "2021",
// "2021-11" or "2021-11-10". The zero Date means "no date".
//
// A partial date stands for the whole period it names: "2021-11" runs from
// 2021-11-01 to 2021-11-30. Ordering uses the first day of that period, and
// a less precise date sorts before a more precise one on the same first day
// (so "2021-11" comes before "2021-11-01").
type Date struct {
	Year, Month, Day int
}

// ParseDate parses "YYYY", "YYYY-MM" or "YYYY-MM-DD" and checks that the
// date exists on the calendar. The empty string gives the zero Date.
func ParseDate(s string) (Date, error) {
	if s == "" {
		return Date{}, nil
	}
	bad := fmt.Errorf("%q is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD", Clip(s))
	var d Date
	switch len(s) {
	case 4, 7, 10:
	default:
		return Date{}, bad
	}
	num := func(part string) (int, bool) {
		for _, r := range part {
			if r < '0' || r > '9' {
				return 0, false
			}
		}
		n, err := strconv.Atoi(part)
		return n, err == nil
	}
	var ok bool
	if d.Year, ok = num(s[:4]); !ok || d.Year < 1 {
		return Date{}, bad
	}
	if len(s) >= 7 {
		if s[4] != '-' {
			return Date{}, bad
		}
		if d.Month, ok = num(s[5:7]); !ok || d.Month < 1 || d.Month > 12 {
			return Date{}, bad
		}
	}
	if len(s) == 10 {
		if s[7] != '-' {
			return Date{}, bad
		}
		if d.Day, ok = num(s[8:10]); !ok || d.Day < 1 || d.Day > daysIn(d.Year, d.Month) {
			return Date{}, bad
		}
	}
	return d, nil
}

// MustParseDate is ParseDate for literals known to be valid; it panics on
// error.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d.Year == 0 }

// String formats d with the precision it has, or "" for the zero Date.
func (d Date) String() string {
	var b [10]byte
	switch {
	case d.Year == 0:
		return ""
	case d.Month == 0:
		return string(appendDate(b[:0], 1, d.Year, 0, 0))
	case d.Day == 0:
		return string(appendDate(b[:0], 2, d.Year, d.Month, 0))
	}
	return string(appendDate(b[:0], 3, d.Year, d.Month, d.Day))
}

// appendDate appends the first parts (1 to 3) of year, month and day as
// fmt's "%04d-%02d-%02d" writes them. Dates are formatted on every read of
// an event list, so the usual ones (see ordinary) are written without fmt.
func appendDate(b []byte, parts, year, month, day int) []byte {
	if !ordinary(year, month, day) {
		switch parts {
		case 1:
			return fmt.Appendf(b, "%04d", year)
		case 2:
			return fmt.Appendf(b, "%04d-%02d", year, month)
		}
		return fmt.Appendf(b, "%04d-%02d-%02d", year, month, day)
	}
	b = append(b, byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10))
	if parts > 1 {
		b = append(b, '-', byte('0'+month/10), byte('0'+month%10))
	}
	if parts > 2 {
		b = append(b, '-', byte('0'+day/10), byte('0'+day%10))
	}
	return b
}

// ordinary reports whether the year has at most four digits and the month
// and day at most two, none negative: then the text of appendDate is of
// fixed width, and orders as the number year*10000 + month*100 + day does.
func ordinary(year, month, day int) bool {
	return year >= 0 && year <= 9999 && month >= 0 && month <= 99 && day >= 0 && day <= 99
}

// startParts returns the year, month and day of the first day of the
// period d names.
func (d Date) startParts() (year, month, day int) {
	return d.Year, max(d.Month, 1), max(d.Day, 1)
}

// endParts returns the year, month and day of the last day of the period
// d names.
func (d Date) endParts() (year, month, day int) {
	m, day := d.Month, d.Day
	if m == 0 {
		m = 12
	}
	if day == 0 {
		day = daysIn(d.Year, m)
	}
	return d.Year, m, day
}

// Start returns the first day of the period d names as "YYYY-MM-DD".
func (d Date) Start() string {
	var b [10]byte
	y, m, day := d.startParts()
	return string(appendDate(b[:0], 3, y, m, day))
}

// End returns the last day of the period d names as "YYYY-MM-DD".
func (d Date) End() string {
	var b [10]byte
	y, m, day := d.endParts()
	return string(appendDate(b[:0], 3, y, m, day))
}

// SortKey returns a string that orders dates by their first day, less
// precise dates first on the same day, and the zero Date after all others.
func (d Date) SortKey() string {
	if d.IsZero() {
		return "9999-99-99~"
	}
	precision := byte('3')
	switch {
	case d.Month == 0:
		precision = '1'
	case d.Day == 0:
		precision = '2'
	}
	var b [11]byte
	y, m, day := d.startParts()
	return string(append(appendDate(b[:0], 3, y, m, day), precision))
}

// MarshalText implements encoding.TextMarshaler.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
