package graphqlhttp

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// DefaultAPQCacheBytes is the default budget of the automatic persisted
// queries' cache: 16 MiB.
const DefaultAPQCacheBytes = 16 << 20

// PersistedOptions configure persisted queries.
type PersistedOptions struct {
	// CacheBytes is the budget, in bytes, of the cache of automatic
	// persisted queries (Apollo's protocol); 0 turns them off, and a hash
	// the trusted documents do not hold is then answered
	// PERSISTED_QUERY_NOT_SUPPORTED.
	CacheBytes int
	// Trusted are the trusted documents by SHA-256 (lowercase hex), as
	// LoadTrustedDocuments reads them.
	Trusted map[string]string
	// TrustedOnly refuses, to callers who are not Privileged, any
	// operation that is not a trusted document.
	TrustedOnly bool
	// Privileged reports whether the caller may run any operation when
	// TrustedOnly is set; nil means no one may.
	Privileged func(context.Context) bool
}

// Persisted is the gqlgen extension that resolves persisted queries before
// the query is parsed: a request may carry, instead of (or with) its
// query, extensions.persistedQuery = {version: 1, sha256Hash} (Apollo's
// automatic persisted queries, which GET requests can carry too, so that
// CDNs cache reads) or a documentId.
//
//   - A hash without a query runs the trusted document or the cached query
//     of that hash; an unknown hash is answered PersistedQueryNotFound
//     (code PERSISTED_QUERY_NOT_FOUND), and the client sends the query
//     with the hash.
//   - A hash with a query must be the query's SHA-256
//     (PERSISTED_QUERY_HASH_MISMATCH otherwise); the query is cached once
//     it has been validated and has passed the limits (see Remember).
//   - With TrustedOnly, callers who are not Privileged may only run
//     trusted documents, by hash or by their exact text; anything else is
//     PERSISTED_QUERY_NOT_IN_LIST, and their queries are never cached.
type Persisted struct {
	opts  PersistedOptions
	cache *queryCache
}

// NewPersisted returns the extension.
func NewPersisted(opts PersistedOptions) *Persisted {
	p := &Persisted{opts: opts}
	if opts.CacheBytes > 0 {
		p.cache = newQueryCache(opts.CacheBytes)
	}
	return p
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = &Persisted{}

// ExtensionName names the extension.
func (*Persisted) ExtensionName() string { return "PersistedQueries" }

// Validate accepts any schema.
func (*Persisted) Validate(graphql.ExecutableSchema) error { return nil }

// pendingKey is the operation statistics' key under which a query to
// cache once it has passed waits, with its hash.
const pendingKey = "PersistedQueries.pending"

// MutateOperationParameters resolves the request's persisted query.
func (p *Persisted) MutateOperationParameters(ctx context.Context, raw *graphql.RawParams) *gqlerror.Error {
	hash, ok, gqlErr := persistedHash(raw.Extensions)
	if gqlErr != nil {
		return gqlErr
	}
	restricted := p.opts.TrustedOnly && (p.opts.Privileged == nil || !p.opts.Privileged(ctx))
	if !ok {
		if restricted {
			if _, trusted := p.opts.Trusted[Hash(raw.Query)]; !trusted {
				return notInList()
			}
		}
		return nil
	}
	if raw.Query == "" {
		if doc, trusted := p.opts.Trusted[hash]; trusted {
			raw.Query = doc
			return nil
		}
		switch {
		case restricted:
			return notInList()
		case p.cache == nil:
			return refusal("PersistedQueryNotSupported", CodePersistedQueryNotSupported)
		}
		doc, found := p.cache.Get(hash)
		if !found {
			return refusal("PersistedQueryNotFound", CodePersistedQueryNotFound)
		}
		raw.Query = doc
		return nil
	}
	if Hash(raw.Query) != hash {
		return refusal("the persisted query's sha256Hash is not the SHA-256 of the query sent with it", CodePersistedQueryHashMismatch)
	}
	if _, trusted := p.opts.Trusted[hash]; trusted {
		return nil
	}
	if restricted {
		return notInList()
	}
	if p.cache != nil && graphql.HasOperationContext(ctx) {
		graphql.GetOperationContext(ctx).Stats.SetExtension(pendingKey, hash)
	}
	return nil
}

// Remember returns the extension that caches a query sent with its hash,
// once it has been validated and the limits have passed it: use it after
// them, so that a query that is refused is never cached.
func (p *Persisted) Remember() graphql.HandlerExtension { return remember{p} }

type remember struct{ p *Persisted }

var _ graphql.OperationContextMutator = remember{}

func (remember) ExtensionName() string                   { return "PersistedQueriesRemember" }
func (remember) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext caches the query of a hash.
func (r remember) MutateOperationContext(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	if hash, ok := rc.Stats.GetExtension(pendingKey).(string); ok && r.p.cache != nil {
		r.p.cache.Add(hash, rc.RawQuery)
	}
	return nil
}

// Hash returns a document's SHA-256 in lowercase hex, the form of the
// hashes of persisted queries.
func Hash(doc string) string {
	sum := sha256.Sum256([]byte(doc))
	return hex.EncodeToString(sum[:])
}

// normalHash returns a hash as Hash writes it: without the "sha256:"
// prefix graphql-codegen's client preset writes, in lowercase; "" when it
// is not 64 hex digits.
func normalHash(h string) string {
	h = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(h), "sha256:"))
	if b, err := hex.DecodeString(h); err != nil || len(b) != sha256.Size {
		return ""
	}
	return h
}

// persistedHash returns the hash of extensions.persistedQuery, and whether
// there is one.
func persistedHash(ext map[string]any) (string, bool, *gqlerror.Error) {
	v, ok := ext["persistedQuery"]
	if !ok || v == nil {
		return "", false, nil
	}
	pq, ok := v.(map[string]any)
	if !ok {
		return "", false, refusal("extensions.persistedQuery must be an object {version: 1, sha256Hash}", CodeBadRequest)
	}
	if !isOne(pq["version"]) {
		return "", false, refusal("extensions.persistedQuery.version must be 1", CodeBadRequest)
	}
	s, _ := pq["sha256Hash"].(string)
	hash := normalHash(s)
	if hash == "" {
		return "", false, refusal("extensions.persistedQuery.sha256Hash (or documentId) must be a SHA-256: 64 hex digits, optionally after \"sha256:\"", CodeBadRequest)
	}
	return hash, true, nil
}

func isOne(v any) bool {
	switch n := v.(type) {
	case json.Number:
		return n.String() == "1"
	case float64:
		return n == 1
	case int:
		return n == 1
	case int64:
		return n == 1
	}
	return false
}

func notInList() *gqlerror.Error {
	return refusal("this server runs only trusted documents for this caller: send a persisted query's hash from its list, or a token with the admin role",
		CodePersistedQueryNotInList)
}

func refusal(msg, code string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": code}}
}

// LoadTrustedDocuments reads a file of trusted documents, in either form
// clients' build tools write:
//
//   - a JSON object mapping each document's SHA-256 to its text, as
//     graphql-codegen's client preset writes persisted-documents.json
//     (with persistedDocuments: {hashAlgorithm: "sha256"}); keys may carry
//     the "sha256:" prefix;
//   - an Apollo persisted query manifest ({"format":
//     "apollo-persisted-query-manifest", "operations": [{id, body}…]}).
//
// Every hash must be its document's SHA-256, so that a client's hash and
// the document the server runs cannot disagree.
func LoadTrustedDocuments(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("trusted documents: %w", err)
	}
	docs, err := parseTrustedDocuments(b)
	if err != nil {
		return nil, fmt.Errorf("trusted documents %s: %w", path, err)
	}
	return docs, nil
}

func parseTrustedDocuments(b []byte) (map[string]string, error) {
	var manifest struct {
		Format     string `json:"format"`
		Operations []struct {
			ID   string `json:"id"`
			Body string `json:"body"`
		} `json:"operations"`
	}
	var byHash map[string]json.RawMessage
	if err := json.Unmarshal(b, &byHash); err != nil {
		return nil, fmt.Errorf("want a JSON object of hash to document: %w", err)
	}
	pairs := map[string]string{}
	if _, ok := byHash["format"]; ok {
		if err := json.Unmarshal(b, &manifest); err != nil || manifest.Format != "apollo-persisted-query-manifest" {
			return nil, fmt.Errorf("an unknown manifest format (want apollo-persisted-query-manifest)")
		}
		for _, op := range manifest.Operations {
			pairs[op.ID] = op.Body
		}
	} else {
		for key, raw := range byHash {
			var doc string
			if err := json.Unmarshal(raw, &doc); err != nil {
				return nil, fmt.Errorf("the document of %q is not a string", key)
			}
			pairs[key] = doc
		}
	}
	docs := make(map[string]string, len(pairs))
	for key, doc := range pairs {
		hash := normalHash(key)
		if hash == "" {
			return nil, fmt.Errorf("%q is not a SHA-256 (64 hex digits; have the build tool hash with sha256)", key)
		}
		if Hash(doc) != hash {
			return nil, fmt.Errorf("%q is not the SHA-256 of its document", key)
		}
		docs[hash] = doc
	}
	return docs, nil
}
