package kg

import (
	"encoding/base64"
	"fmt"
	"hash/fnv"
	"strings"
)

// A store's cursor (EncodeCursor) holds a sort key and an ID. The cursors
// clients see wrap it with the name of the list and a hash of the
// arguments that select and order it, so that a cursor passed to another
// list, or to the same list with another filter or order, is refused
// instead of silently paging through the wrong items.

// ListCursor wraps a store cursor for the list named list (such as
// "participations") whose filter and order the text filter describes.
func ListCursor(list, filter, inner string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(list + "\x00" + filterHash(filter) + "\x00" + inner))
}

// ListAfter unwraps a cursor of ListCursor given as the after argument of
// the list: "" for "", or an EINVALID error naming "after" when it is not
// a cursor of this list, filter and order.
func ListAfter(list, filter, after string) (string, error) {
	if after == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(after)
	parts := strings.SplitN(string(b), "\x00", 3)
	if err != nil || len(parts) != 3 {
		return "", Invalid("after", "%q is not a cursor of this list", after)
	}
	if parts[0] != list {
		return "", Invalid("after", "the cursor belongs to the list %q, not %q", parts[0], list)
	}
	if parts[1] != filterHash(filter) {
		return "", Invalid("after", "the cursor was made for another filter or order of %q; pass the arguments it was made with", list)
	}
	return parts[2], nil
}

// ListCursors wraps each of a page's store cursors.
func ListCursors(list, filter string, inner []string) []string {
	out := make([]string, len(inner))
	for i, c := range inner {
		out[i] = ListCursor(list, filter, c)
	}
	return out
}

// Filter returns the canonical text of a list's arguments, for ListCursor.
func Filter(args ...any) string { return fmt.Sprintf("%v", args) }

func filterHash(filter string) string {
	h := fnv.New64a()
	h.Write([]byte(filter))
	return fmt.Sprintf("%016x", h.Sum64())
}
