package kg

import (
	"encoding/base64"
	"slices"
	"strings"
)

// EncodeCursor returns the opaque cursor of an item listed at sort key key
// with ID id. Cursors are keys, not offsets, so a page stays stable when
// items are added or removed before it.
func EncodeCursor(key, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(key + "\x00" + id))
}

// DecodeCursor returns the sort key and ID of a cursor made by EncodeCursor,
// or an EINVALID error naming the "after" argument.
func DecodeCursor(c string) (key, id string, err error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return "", "", Invalid("after", "%q is not a cursor of this list", c)
	}
	key, id, ok := strings.Cut(string(b), "\x00")
	if !ok {
		return "", "", Invalid("after", "%q is not a cursor of this list", c)
	}
	return key, id, nil
}

// CheckPage validates a page request: First must lie in [1, MaxPageSize].
func CheckPage(p PageRequest) error {
	if p.First < 1 || p.First > MaxPageSize {
		return Invalid("first", "must be between 1 and %d, got %d", MaxPageSize, p.First)
	}
	return nil
}

func sortFunc[T any](s []T, less func(a, b T) bool) {
	slices.SortStableFunc(s, func(a, b T) int {
		switch {
		case less(a, b):
			return -1
		case less(b, a):
			return 1
		}
		return 0
	})
}

// DateWindow turns an optional [from, to] filter into the inclusive bounds
// "YYYY-MM-DD" an event's DateRange must overlap: lo is "" when from is
// zero and hi is "9999-12-31" when to is zero. active reports whether either
// bound was given.
func DateWindow(from, to Date) (lo, hi string, active bool) {
	lo, hi = "", "9999-12-31"
	if !from.IsZero() {
		lo = from.Start()
	}
	if !to.IsZero() {
		hi = to.End()
	}
	return lo, hi, !from.IsZero() || !to.IsZero()
}

// InWindow reports whether the event overlaps the window of DateWindow(from,
// to). Every event is in an inactive window; an event without a date is in
// no active one.
//
// Event lists test every event, so the usual dates are compared as numbers
// (see ordinary), which order as their text does, without formatting them.
func (e *Entity) InWindow(from, to Date) bool {
	if from.IsZero() && to.IsZero() {
		return true
	}
	if e.Date.IsZero() {
		return false
	}
	end := e.Date
	if !e.EndDate.IsZero() {
		end = e.EndDate
	}
	lo, hi := 0, 9999_12_31
	first, last := dayNumber(e.Date.startParts()), dayNumber(end.endParts())
	ok := first >= 0 && last >= 0
	if !from.IsZero() {
		lo = dayNumber(from.startParts())
		ok = ok && lo >= 0
	}
	if !to.IsZero() {
		hi = dayNumber(to.endParts())
		ok = ok && hi >= 0
	}
	if !ok {
		slo, shi, _ := DateWindow(from, to)
		sfirst, slast := e.DateRange()
		return sfirst <= shi && slast >= slo
	}
	return first <= hi && last >= lo
}

// dayNumber returns year*10000 + month*100 + day, which orders as the
// text "YYYY-MM-DD" does, or -1 when the date is not ordinary.
func dayNumber(year, month, day int) int {
	if !ordinary(year, month, day) {
		return -1
	}
	return year*10000 + month*100 + day
}
