package graphqlhttp

import (
	"net/http"

	"github.com/99designs/gqlgen/graphql"
)

// Codes of the refusals this package makes itself. The others in Statuses
// come from gqlgen, the limits in package graph and the HTTP layers.
const (
	// CodeBadRequest refuses a request that is not a GraphQL-over-HTTP
	// request: a body that is not JSON, a parameter of the wrong type, no
	// query.
	CodeBadRequest = "BAD_REQUEST"
	// CodeMethodNotAllowed refuses a method other than GET and POST, and a
	// mutation sent with GET.
	CodeMethodNotAllowed = "METHOD_NOT_ALLOWED"
	// CodeUnsupportedMediaType refuses a POST body that is not
	// application/json in UTF-8.
	CodeUnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE"
	// CodeNotAcceptable refuses a request whose Accept header lists
	// neither application/json nor application/graphql-response+json.
	CodeNotAcceptable = "NOT_ACCEPTABLE"
	// CodeBatchTooLarge refuses a batch of more operations than allowed.
	CodeBatchTooLarge = "BATCH_TOO_LARGE"
	// CodePersistedQueryNotFound answers a persisted query's hash the
	// server does not know: the client should send the query with it.
	CodePersistedQueryNotFound = "PERSISTED_QUERY_NOT_FOUND"
	// CodePersistedQueryNotSupported answers a persisted query's hash when
	// automatic persisted queries are off.
	CodePersistedQueryNotSupported = "PERSISTED_QUERY_NOT_SUPPORTED"
	// CodePersistedQueryHashMismatch refuses a query sent with a hash that
	// is not its SHA-256.
	CodePersistedQueryHashMismatch = "PERSISTED_QUERY_HASH_MISMATCH"
	// CodePersistedQueryNotInList refuses, when only trusted documents
	// may run, any other operation.
	CodePersistedQueryNotInList = "PERSISTED_QUERY_NOT_IN_LIST"
	// CodeInternal is a failure of the server.
	CodeInternal = "INTERNAL"
	// CodeResponseTooLarge replaces an answer over the response cap.
	CodeResponseTooLarge = "RESPONSE_TOO_LARGE"
)

// Status is the HTTP status of a refusal, for each response media type.
type Status struct {
	// Code is the refusal's extensions.code.
	Code string
	// JSON is the status with application/json.
	JSON int
	// GraphQLResponse is the status with
	// application/graphql-response+json.
	GraphQLResponse int
}

// Statuses lists every refusal of a request, made before its operation
// runs (the body then has no data member), with its HTTP status for each
// media type. With application/json, a well-formed request is answered 200
// whatever its errors, as the GraphQL-over-HTTP specification asks; with
// application/graphql-response+json, a request that did not run gets the
// 4xx or 5xx the specification asks for. Errors raised while an operation
// runs (BAD_USER_INPUT, NOT_FOUND, FORBIDDEN, CONFLICT, UNAVAILABLE,
// TIMEOUT, TOO_MANY_REQUESTS, RESPONSE_TOO_LARGE, INTERNAL…) come with a
// data member and status 200 with both. The README's table of statuses is
// checked against this one.
var Statuses = []Status{
	{CodeBadRequest, http.StatusBadRequest, http.StatusBadRequest},
	{CodeMethodNotAllowed, http.StatusMethodNotAllowed, http.StatusMethodNotAllowed},
	{CodeUnsupportedMediaType, http.StatusUnsupportedMediaType, http.StatusUnsupportedMediaType},
	{CodeNotAcceptable, http.StatusNotAcceptable, http.StatusNotAcceptable},
	{"REQUEST_TOO_LARGE", http.StatusRequestEntityTooLarge, http.StatusRequestEntityTooLarge},
	{CodeBatchTooLarge, http.StatusBadRequest, http.StatusBadRequest},
	{CodeStreamRequired, http.StatusBadRequest, http.StatusBadRequest},
	{"UNAUTHENTICATED", http.StatusUnauthorized, http.StatusUnauthorized},
	{CodePersistedQueryNotInList, http.StatusForbidden, http.StatusForbidden},
	{CodePersistedQueryHashMismatch, http.StatusBadRequest, http.StatusBadRequest},
	{CodePersistedQueryNotFound, http.StatusOK, http.StatusNotFound},
	{CodePersistedQueryNotSupported, http.StatusOK, http.StatusBadRequest},
	{"GRAPHQL_PARSE_FAILED", http.StatusOK, http.StatusBadRequest},
	{"GRAPHQL_VALIDATION_FAILED", http.StatusOK, http.StatusBadRequest},
	{"QUERY_TOO_DEEP", http.StatusOK, http.StatusBadRequest},
	{"QUERY_TOO_COMPLEX", http.StatusOK, http.StatusBadRequest},
	{"TIMEOUT", http.StatusOK, http.StatusGatewayTimeout},
	{CodeInternal, http.StatusInternalServerError, http.StatusInternalServerError},
}

// statusOf returns the HTTP status of a single operation's answer: 200 when
// it ran (it has data, even null), else the status of its first error's
// code in Statuses; a code not listed there is taken for a request error
// (200, or 400 with application/graphql-response+json).
func statusOf(resp *graphql.Response, media string) int {
	if len(resp.Data) > 0 {
		return http.StatusOK
	}
	code := ""
	if len(resp.Errors) > 0 {
		code, _ = resp.Errors[0].Extensions["code"].(string)
	}
	return statusFor(code, media)
}

// statusFor returns the status of a refusal with the code (see statusOf).
func statusFor(code, media string) int {
	for _, s := range Statuses {
		if s.Code == code {
			if media == MediaGraphQLResponse {
				return s.GraphQLResponse
			}
			return s.JSON
		}
	}
	if media == MediaGraphQLResponse {
		return http.StatusBadRequest
	}
	return http.StatusOK
}
