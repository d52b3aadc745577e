package kg

import (
	"math"
	"unicode/utf8"
)

// Limits on the values of a record. Every write path (mutations, seeds and
// imports) enforces them through the records' Validate methods, so that
// every backend accepts exactly the same values: a value one backend
// stores and another refuses (Neo4j cannot index a very long string) would
// make an export of one unimportable into the other. Lengths are in bytes
// of UTF-8.
const (
	// MaxNameBytes bounds a name, each alias, a source's title and
	// publisher, and a position's title.
	MaxNameBytes = 1000
	// MaxAliases is the most aliases an entity has.
	MaxAliases = 100
	// MaxTextBytes bounds a description and each note.
	MaxTextBytes = 10000
	// MaxNotes is the most notes an entity has.
	MaxNotes = 100
	// MaxQuoteBytes bounds the quote a relation rests on.
	MaxQuoteBytes = 4000
	// MaxExcerptBytes bounds a source's excerpt.
	MaxExcerptBytes = 100000
	// MaxURLBytes bounds a source's URL.
	MaxURLBytes = 2048
	// MaxUnitBytes bounds a quantity's unit and the unit a price is per.
	MaxUnitBytes = 100
	// MaxSources is the most sources one record cites.
	MaxSources = 100
	// MaxDiscrepancies is the most discrepancies an entity records; what
	// one says is bounded like a quote, what is known like a note.
	MaxDiscrepancies = 20
	// MaxRestsOn is the most facts an inferred fact rests on; its note is
	// bounded like an entity's.
	MaxRestsOn = 20
	// MaxAmount is the largest amount of money or quantity, and baseline:
	// 10^15, a thousand times the largest economy's yearly output in US
	// dollars. Sums over any number of records a store can hold stay far
	// below the largest float64, so totals never overflow.
	MaxAmount = 1e15
)

// checkText returns an EINVALID error naming field when s is longer than
// max bytes or is not valid UTF-8.
func checkText(field, s string, max int) error {
	if len(s) > max {
		return Invalid(field, "is %d bytes long; the limit is %d", len(s), max)
	}
	if !utf8.ValidString(s) {
		return Invalid(field, "is not valid UTF-8")
	}
	return nil
}

// checkList returns an EINVALID error naming field when the list has more
// than max items or an item longer than maxBytes.
func checkList(field string, items []string, max, maxBytes int) error {
	if len(items) > max {
		return Invalid(field, "has %d items; the limit is %d", len(items), max)
	}
	for _, s := range items {
		if err := checkText(field, s, maxBytes); err != nil {
			return err
		}
	}
	return nil
}

// checkAmount returns an EINVALID error naming field when v is negative,
// not a finite number, or above MaxAmount.
func checkAmount(field string, v float64) error {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return Invalid(field, "must be a finite number")
	case v < 0:
		return Invalid(field, "must not be negative")
	case v > MaxAmount:
		return Invalid(field, "%g is above the limit of %g", v, MaxAmount)
	}
	return nil
}

// AddAmounts adds two amounts, saturating at the largest float64 rather
// than becoming infinite (which JSON cannot carry). With amounts bounded by
// MaxAmount it never saturates; it guards totals over data written before
// the bound. The second result reports a saturated sum.
func AddAmounts(a, b float64) (float64, bool) {
	s := a + b
	if math.IsInf(s, 0) || s > math.MaxFloat64 {
		return math.MaxFloat64, true
	}
	return s, false
}
