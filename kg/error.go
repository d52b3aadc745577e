package kg

import (
	"context"
	"errors"
	"fmt"
	"reflect"
)

// Error codes shared by every layer. The GraphQL layer maps them to
// extensions.code; anything without a code is reported to clients as an
// internal error and logged in full.
const (
	ENOTFOUND    = "NOT_FOUND"
	EINVALID     = "BAD_USER_INPUT"
	ECONFLICT    = "CONFLICT"
	EUNAVAILABLE = "UNAVAILABLE"
	EINTERNAL    = "INTERNAL"
	// EUNAUTHENTICATED: no valid credentials were presented.
	EUNAUTHENTICATED = "UNAUTHENTICATED"
	// EFORBIDDEN: the credentials do not allow the operation.
	EFORBIDDEN = "FORBIDDEN"
	// ETIMEOUT: the request's deadline (QUERY_TIMEOUT) passed before the
	// answer was complete.
	ETIMEOUT = "TIMEOUT"
	// EEXPIRED: a cursor of the change log points before entries that were
	// pruned (see ChangeLog.Changes); the client must reload and start
	// again from the log's end.
	EEXPIRED = "CURSOR_EXPIRED"
)

// Live returns nil while ctx is live. Once it is done, it returns an
// *Error with code ETIMEOUT (or EUNAVAILABLE when the request was
// cancelled) with ctx's error in the chain. Every loop over stored data
// calls it, so that a deadline stops the work and reaches the client as an
// error with a code.
func Live(ctx context.Context) error {
	err := ctx.Err()
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%w: %w", Errorf(ETIMEOUT, "the request took longer than its deadline"), err)
	}
	return fmt.Errorf("%w: %w", Errorf(EUNAVAILABLE, "the request was cancelled"), err)
}

// Error is an error with a code that is safe to show to clients. Field,
// when set, names the argument or input field at fault.
type Error struct {
	Code    string
	Message string
	Field   string
}

// Error returns the message, prefixed by the field when there is one.
func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s", e.Field, e.Message)
	}
	return e.Message
}

// Errorf returns an *Error with the code and a formatted message. String
// arguments longer than MaxEcho are cut short, so that an error never
// repeats a huge input back to the client.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, clipAll(args)...)}
}

// Invalid returns an EINVALID error naming the field at fault, with long
// string arguments cut short as in Errorf.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, clipAll(args)...)}
}

// MaxEcho is how many characters of a client's input an error message
// repeats.
const MaxEcho = 64

// Clip cuts s to MaxEcho characters, marking the cut.
func Clip(s string) string {
	if len(s) <= MaxEcho {
		return s
	}
	r := []rune(s)
	if len(r) <= MaxEcho {
		return s
	}
	return string(r[:MaxEcho]) + "…"
}

func clipAll(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		if v := reflect.ValueOf(a); v.IsValid() && v.Kind() == reflect.String {
			out[i] = Clip(v.String())
			continue
		}
		out[i] = a
	}
	return out
}

// ErrorCode returns the code of the first *Error in err's chain, or
// EINTERNAL when there is none. It returns "" for a nil error.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the client-safe message of err: the message of its
// *Error, or "internal error" when it has none.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Error()
	}
	return "internal error"
}
