package middleware

// MaxLoggedName is how many characters of a name the client chose (a
// GraphQL operation's name, a URL path) the log keeps: a client must not
// decide how large a log line is.
const MaxLoggedName = 100

// Cut returns s cut to at most n characters, the last of them "…" when s
// was cut.
func Cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	chars, end := 0, 0
	for i := range s {
		if chars == n {
			return s[:end] + "…"
		}
		if chars == n-1 {
			end = i
		}
		chars++
	}
	return s
}
