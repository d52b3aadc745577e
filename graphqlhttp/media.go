package graphqlhttp

import (
	"mime"
	"strconv"
	"strings"
)

// The media types of GraphQL responses.
const (
	// MediaJSON is the legacy media type: every well-formed request is
	// answered 200, whatever its errors.
	MediaJSON = "application/json"
	// MediaGraphQLResponse is the GraphQL-over-HTTP media type: a request
	// that never ran is answered with a 4xx or 5xx status.
	MediaGraphQLResponse = "application/graphql-response+json"
)

// negotiate returns the response media type an Accept header asks for:
// the supported type with the highest weight, the first listed among
// equals. Without a header, or for */* and application/*, it is
// application/json. It returns "" when the header accepts neither type.
func negotiate(accept string) string {
	if strings.TrimSpace(accept) == "" {
		return MediaJSON
	}
	best, bestQ := "", 0.0
	for part := range strings.SplitSeq(accept, ",") {
		mediaType, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if s, ok := params["q"]; ok {
			if q, err = strconv.ParseFloat(s, 64); err != nil || q < 0 || q > 1 {
				continue
			}
		}
		var offered string
		switch mediaType {
		case MediaGraphQLResponse:
			offered = MediaGraphQLResponse
		case MediaJSON, "application/*", "*/*":
			offered = MediaJSON
		default:
			continue
		}
		if q > bestQ {
			best, bestQ = offered, q
		}
	}
	return best
}

// jsonContentType reports whether a request's Content-Type is JSON in
// UTF-8: application/json, with no charset or charset=utf-8.
func jsonContentType(contentType string) bool {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil || mediaType != MediaJSON {
		return false
	}
	cs, ok := params["charset"]
	return !ok || strings.EqualFold(cs, "utf-8")
}
