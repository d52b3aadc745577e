package graphqlhttp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/99designs/gqlgen/graphql"
)

// badRequest is why a request is not a GraphQL-over-HTTP request; its
// text is written for the client and never names Go types.
type badRequest struct{ msg string }

func (e *badRequest) Error() string { return e.msg }

func badf(format string, args ...any) *badRequest {
	return &badRequest{fmt.Sprintf(format, args...)}
}

// body is a POST body: one request (an object) or a batch (an array).
type body struct {
	single json.RawMessage
	batch  []json.RawMessage
}

// parseBody splits a POST body into its request or its batch, without
// decoding the requests themselves (see parseRequest).
func parseBody(b []byte) (body, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return body{}, badf("the request body is empty: send a JSON object with a query")
	}
	// A valid body (the usual case) is only scanned, not copied by a
	// decoder; an invalid one is decoded again for the reason.
	raw := json.RawMessage(bytes.TrimSpace(b))
	if !json.Valid(raw) {
		if err := decodeJSON(b, &raw); err != nil {
			return body{}, err
		}
	}
	switch kindOf(raw) {
	case '{':
		return body{single: raw}, nil
	case '[':
		var batch []json.RawMessage
		if err := json.Unmarshal(raw, &batch); err != nil {
			return body{}, badf("the request body is not valid JSON")
		}
		return body{batch: batch}, nil
	}
	return body{}, badf("the request body must be a JSON object (one request) or an array of them (a batch)")
}

// decodeJSON decodes one JSON value that must fill b, keeping numbers as
// json.Number (as gqlgen's coercion of variables expects).
func decodeJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		var syntax *json.SyntaxError
		switch {
		case errors.As(err, &syntax):
			return badf("the request body is not valid JSON: %s (at byte %d)", syntax.Error(), syntax.Offset)
		case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
			return badf("the request body is not valid JSON: it ends too soon")
		}
		return badf("the request body is not valid JSON")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return badf("the request body holds more than one JSON value")
	}
	return nil
}

// kindOf returns the first byte of a JSON value: '{', '[', '"', 'n' for
// null, 't' or 'f' for booleans, else a digit or '-'.
func kindOf(v json.RawMessage) byte {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return 0
	}
	return v[0]
}

// jsonKind names a JSON value's type in a message.
func jsonKind(v json.RawMessage) string {
	switch kindOf(v) {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// parseRequest decodes one request object: query, operationName,
// variables, extensions and documentId, each of its JSON type or null.
// Other members are ignored. A documentId stands for the persisted query
// of that hash (see Persisted).
func parseRequest(raw json.RawMessage) (*graphql.RawParams, error) {
	if kindOf(raw) != '{' {
		return nil, badf("each request must be a JSON object, not %s", jsonKind(raw))
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err != nil {
		return nil, badf("the request is not valid JSON")
	}
	p := &graphql.RawParams{}
	var documentID string
	strs := []struct {
		name string
		dst  *string
	}{{"query", &p.Query}, {"operationName", &p.OperationName}, {"documentId", &documentID}}
	for _, s := range strs {
		v, ok := members[s.name]
		if !ok || kindOf(v) == 'n' {
			continue
		}
		if kindOf(v) != '"' {
			return nil, badf("%s must be a string, not %s", s.name, jsonKind(v))
		}
		if err := json.Unmarshal(v, s.dst); err != nil {
			return nil, badf("%s is not a valid JSON string", s.name)
		}
	}
	maps := []struct {
		name string
		dst  *map[string]any
	}{{"variables", &p.Variables}, {"extensions", &p.Extensions}}
	for _, m := range maps {
		v, ok := members[m.name]
		if !ok || kindOf(v) == 'n' {
			continue
		}
		if kindOf(v) != '{' {
			return nil, badf("%s must be a JSON object, not %s", m.name, jsonKind(v))
		}
		if err := decodeJSON(v, m.dst); err != nil {
			return nil, badf("%s is not a valid JSON object", m.name)
		}
	}
	return p, complete(p, documentID)
}

// parseQueryString decodes a GET request's parameters: query,
// operationName, documentId, and variables and extensions as JSON objects.
func parseQueryString(rawQuery string) (*graphql.RawParams, error) {
	values, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, badf("the URL's query string is malformed")
	}
	p := &graphql.RawParams{Query: values.Get("query"), OperationName: values.Get("operationName")}
	maps := []struct {
		name string
		dst  *map[string]any
	}{{"variables", &p.Variables}, {"extensions", &p.Extensions}}
	for _, m := range maps {
		v := values.Get(m.name)
		if v == "" || v == "null" {
			continue
		}
		if kindOf(json.RawMessage(v)) != '{' {
			return nil, badf("%s must be a JSON object", m.name)
		}
		if err := decodeJSON([]byte(v), m.dst); err != nil {
			return nil, badf("%s is not a valid JSON object", m.name)
		}
	}
	return p, complete(p, values.Get("documentId"))
}

// complete turns a documentId into the persisted-query extension Apollo's
// clients send, and refuses a request with neither a query nor a
// persisted query's hash.
func complete(p *graphql.RawParams, documentID string) error {
	if documentID != "" && p.Extensions["persistedQuery"] == nil {
		if p.Extensions == nil {
			p.Extensions = map[string]any{}
		}
		p.Extensions["persistedQuery"] = map[string]any{"version": json.Number("1"), "sha256Hash": documentID}
	}
	if strings.TrimSpace(p.Query) == "" && p.Extensions["persistedQuery"] == nil {
		return badf("the request has no query: send a GraphQL document in query, or a persisted query's hash")
	}
	return nil
}
