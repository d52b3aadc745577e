package kg

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// folds maps letters that do not decompose into a base letter and a mark.
var folds = map[rune]string{
	'ß': "ss", 'æ': "ae", 'Æ': "ae", 'ø': "o", 'Ø': "o", 'đ': "d", 'Đ': "d",
	'ł': "l", 'Ł': "l", 'œ': "oe", 'Œ': "oe", 'þ': "th", 'ı': "i",
	'‘': "'", '’': "'", '“': "\"", '”': "\"", '–': "-", '—': "-",
}

// Fold returns s in lower case with accents and other diacritics removed,
// so that "Perú", "PERU" and "peru" fold alike.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if f, ok := folds[r]; ok {
			b.WriteString(f)
			continue
		}
		for _, d := range norm.NFD.String(string(r)) {
			if !unicode.Is(unicode.Mn, d) {
				b.WriteRune(unicode.ToLower(d))
			}
		}
	}
	return b.String()
}

// Tokens folds s and splits it into search tokens: runs of letters and
// digits, with every Han, Hiragana, Katakana and Hangul character a token
// of its own (as full-text analyzers split them).
func Tokens(s string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for _, r := range Fold(s) {
		switch {
		case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul):
			flush()
			out = append(out, string(r))
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			cur.WriteRune(r)
		default:
			flush()
		}
	}
	flush()
	return out
}
