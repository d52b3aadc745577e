package model

import (
	"fmt"
	"io"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"github.com/puente-kg/puente/kg"
)

// MarshalDate writes a date with its precision, or null for the zero Date.
func MarshalDate(d kg.Date) graphql.Marshaler {
	if d.IsZero() {
		return graphql.Null
	}
	return graphql.WriterFunc(func(w io.Writer) {
		io.WriteString(w, strconv.Quote(d.String()))
	})
}

// UnmarshalDate reads "YYYY", "YYYY-MM" or "YYYY-MM-DD".
func UnmarshalDate(v any) (kg.Date, error) {
	s, ok := v.(string)
	if !ok {
		return kg.Date{}, kg.Invalid("Date", "must be a string of the form YYYY, YYYY-MM or YYYY-MM-DD, got %v", v)
	}
	d, err := kg.ParseDate(s)
	if err != nil {
		return kg.Date{}, &kg.Error{Code: kg.EINVALID, Message: fmt.Sprint(err)}
	}
	return d, nil
}
