package graphqlhttp

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// TestAppendAnswerIsMarshal checks that an answer written member by member
// has the bytes json.Marshal gave it before: members left out when empty,
// HTML characters and line separators in the data escaped.
func TestAppendAnswerIsMarshal(t *testing.T) {
	type marshalled struct {
		Errors     gqlerror.List   `json:"errors,omitempty"`
		Data       json.RawMessage `json:"data,omitempty"`
		Extensions map[string]any  `json:"extensions,omitempty"`
	}
	errs := gqlerror.List{{Message: "a <b> & c", Path: ast.Path{ast.PathName("x"), ast.PathIndex(1)},
		Extensions: map[string]any{"code": "BAD"}}}
	cases := map[string]*graphql.Response{
		"data":             {Data: json.RawMessage(`{"a":"b","n":[1,2.5,null,true]}`)},
		"null data":        {Data: json.RawMessage(`null`)},
		"no data":          {Errors: errs},
		"errors and data":  {Errors: errs, Data: json.RawMessage(`{"x":[null,null]}`)},
		"extensions":       {Data: json.RawMessage(`{}`), Extensions: map[string]any{"cost": 3, "z": "<&>"}},
		"html in data":     {Data: json.RawMessage(`{"name":"A <script> & \"B\"","t":"\u2028\u2029"}`)},
		"escapes in data":  {Data: json.RawMessage(`{"s":"\\u003c\n\\\"é😀"}`)},
		"nothing":          {},
		"empty errors":     {Errors: gqlerror.List{}, Data: json.RawMessage(`{}`)},
		"empty extensions": {Data: json.RawMessage(`{}`), Extensions: map[string]any{}},
	}
	for name, resp := range cases {
		t.Run(name, func(t *testing.T) {
			want, err := json.Marshal(marshalled{resp.Errors, resp.Data, resp.Extensions})
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := appendAnswer(&got, resp); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("got  %s\nwant %s", got.Bytes(), want)
			}
			if m := marshal(resp); !bytes.Equal(m, want) {
				t.Errorf("marshal: got %s\nwant %s", m, want)
			}
		})
	}
}
