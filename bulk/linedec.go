package bulk

import (
	"encoding/json"
	"io"
)

// lineDecoder decodes lines one after the other with one json.Decoder, so
// that a pass over a file does not make a decoder and its buffer for each
// line (a fifth of what an import allocated). A line is decoded exactly as
// a fresh decoder over that line alone decodes it: after an error, or when
// the line holds more than one value, the decoder is dropped and the next
// line gets a new one.
type lineDecoder struct {
	dec  *json.Decoder
	line lineReader
	// fed counts the bytes given to dec.
	fed int64
}

// lineReader reads the current line, then reports its end.
type lineReader struct{ b []byte }

func (r *lineReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.b)
	r.b = r.b[n:]
	return n, nil
}

// decode decodes the first value of raw into v, unknown fields refused.
func (d *lineDecoder) decode(raw []byte, v any) error {
	if d.dec == nil {
		d.dec = json.NewDecoder(&d.line)
		d.dec.DisallowUnknownFields()
		d.fed = 0
	}
	d.line.b = raw
	d.fed += int64(len(raw))
	err := d.dec.Decode(v)
	if err != nil || len(d.line.b) > 0 || d.dec.InputOffset() != d.fed {
		d.dec = nil // it holds the rest of the line
	}
	return err
}
