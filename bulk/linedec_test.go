package bulk

import (
	"fmt"
	"reflect"
	"testing"
)

// TestLineDecoderAsFresh parses lines one after the other with one
// lineDecoder, the good ones between bad ones (malformed, unknown fields,
// two values on a line, a value cut short), and checks each gives what a
// decoder made for that line alone gives.
func TestLineDecoderAsFresh(t *testing.T) {
	lines := []string{
		`{"source":{"id":"source:a","title":"A"}}`,
		`{"entity":{"id":"org:a","kind":"ORGANIZATION","name":"A","sources":["source:a"]}}`,
		`{"entity":{"id":"org:b","kind":"ORGANIZATION","name":"B","sources":["source:a"]}} {"entity":{}}`,
		`{"entity":{"id":"org:c","kind":"ORGANIZATION","name":"C","sources":["source:a"]}}`,
		`{"entity":{"id":"org:d","kind":"ORGANIZATION","nom":"D","sources":["source:a"]}}`,
		`{"entity":{"id":"org:e","kind":"ORGANIZATION","name":"E","sources":["source:a"]}}`,
		`{"entity":{"id":"org:f",`,
		`{"redirect":{"from":"org:g","to":"org:a"}}`,
		`not json`,
		`{"entity":{"id":"org:h","kind":"ORGANIZATION","name":"H","sources":["source:a"],"relations":[{"type":"MEMBER_OF","to":"org:a","sources":["source:a"]}]}}`,
		`42`,
		`{"source":{"id":"source:b","title":"B"}}`,
	}
	var d lineDecoder
	for i, l := range lines {
		got, gerr := d.parse([]byte(l))
		want, werr := new(lineDecoder).parse([]byte(l))
		if fmt.Sprint(gerr) != fmt.Sprint(werr) || !reflect.DeepEqual(got, want) {
			t.Errorf("line %d: got %+v, %v; a fresh decoder gives %+v, %v", i+1, got, gerr, want, werr)
		}
	}
}
