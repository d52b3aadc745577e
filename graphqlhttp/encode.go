package graphqlhttp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/99designs/gqlgen/graphql"
)

// appendAnswer writes the body of one operation's answer to buf: an
// object with errors, data and extensions, each left out when empty.
// Unlike gqlgen's, it has no data member when the operation never ran, as
// the specification asks; an operation that ran has one, even null.
//
// The members are written one by one, so that the data, which the executor
// wrote as compact JSON already, is copied once rather than validated and
// compacted again, as json.Marshal does with a json.RawMessage. Like
// json.Marshal, it escapes <, >, &, U+2028 and U+2029 in the data's
// strings: the bytes are those json.Marshal wrote.
func appendAnswer(buf *bytes.Buffer, resp *graphql.Response) error {
	buf.WriteByte('{')
	sep := false
	member := func(name string) {
		if sep {
			buf.WriteByte(',')
		}
		sep = true
		buf.WriteString(name)
	}
	if len(resp.Errors) > 0 {
		b, err := json.Marshal(resp.Errors)
		if err != nil {
			return err
		}
		member(`"errors":`)
		buf.Write(b)
	}
	if len(resp.Data) > 0 {
		member(`"data":`)
		json.HTMLEscape(buf, resp.Data)
	}
	if len(resp.Extensions) > 0 {
		b, err := json.Marshal(resp.Extensions)
		if err != nil {
			return err
		}
		member(`"extensions":`)
		buf.Write(b)
	}
	buf.WriteByte('}')
	return nil
}

// buffers holds the buffers answers are written into, so that a request
// does not grow a new one from nothing.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBuffer is the largest buffer put back in the pool: a rare huge
// answer's buffer is left to the collector rather than kept.
const maxPooledBuffer = 1 << 20

// withAnswer writes the body of an answer into a pooled buffer and passes
// it to f, which must not keep it.
func withAnswer(resp *graphql.Response, f func([]byte)) {
	buf := buffers.Get().(*bytes.Buffer)
	buf.Reset()
	if err := appendAnswer(buf, resp); err != nil {
		panic(fmt.Errorf("graphqlhttp: marshal an answer: %w", err))
	}
	f(buf.Bytes())
	if buf.Cap() <= maxPooledBuffer {
		buffers.Put(buf)
	}
}

// marshal returns the body of an answer.
func marshal(resp *graphql.Response) []byte {
	var b []byte
	withAnswer(resp, func(body []byte) { b = bytes.Clone(body) })
	return b
}
