// Apollo Client against the server: the interface map from
// /possible-types.json, relayStylePagination, and the persisted-query
// link, first in front of BatchHttpLink (POSTed batches), then with GET
// requests that a CDN or a browser can revalidate by ETag.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { BatchHttpLink } from "@apollo/client/link/batch-http";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";
import { relayStylePagination } from "@apollo/client/utilities";
import { base, recordingFetch, report, sha256, urlParams } from "./lib.mjs";

const version = createRequire(import.meta.url)("@apollo/client/package.json").version;

// Fragments on an interface under a field of another type (Entity under
// Node) need the map of possible types.
const CARD = gql`
  query Card($id: ID!) {
    node(id: $id) {
      id
      ... on Entity {
        name
        kind
      }
      ... on Person {
        positions {
          id
          title
        }
      }
    }
  }
`;
const PEOPLE = gql`
  query People($after: String) {
    entities(filter: { kinds: [PERSON] }, first: 3, after: $after) {
      edges {
        cursor
        node {
          id
          name
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

// The same, under another name: a document the server has not seen yet.
const CARD_BY_GET = gql`
  query CardByGet($id: ID!) {
    node(id: $id) {
      id
      ... on Entity {
        name
        kind
      }
    }
  }
`;

const possibleTypes = await (await fetch(base + "/possible-types.json")).json();
assert.ok(possibleTypes.Entity.includes("Person"), "possible-types.json maps Entity to Person");
const newCache = () =>
  new InMemoryCache({
    possibleTypes,
    typePolicies: { Query: { fields: { entities: relayStylePagination(["filter"]) } } },
  });

// The persisted-query link in front of BatchHttpLink.
const batchLog = [];
const batched = new ApolloClient({
  cache: newCache(),
  link: new PersistedQueryLink({ sha256 }).concat(
    new BatchHttpLink({
      uri: base + "/query",
      batchMax: 10,
      batchInterval: 20,
      fetch: recordingFetch(batchLog), // records what the client sends
    }),
  ),
});

async function cards(client) {
  const ids = ["org:xiaomi", "person:li-zhanshu", "country:peru"];
  const results = await Promise.all(
    ids.map((id) => client.query({ query: CARD, variables: { id }, fetchPolicy: "network-only" })),
  );
  results.forEach(({ data }, i) => {
    assert.equal(data.node.id, ids[i]);
    assert.ok(data.node.name, `${ids[i]}: the fields of "... on Entity" came through`);
  });
  assert.ok(results[1].data.node.positions.length > 0, "the fields of \"... on Person\" came through");
  return results.map(({ data }) => data.node.name);
}

// First round: a batch of hashes the server does not know; the link sends
// the documents with them; then every query is answered.
const names = await cards(batched);
assert.ok(batchLog.length >= 2, "a batch of hashes, then the documents");
assert.ok(Array.isArray(batchLog[0].body) && batchLog[0].body.length === 3, "the three queries went in one batch");
assert.ok(batchLog[0].body.every((op) => op.query === undefined && op.extensions.persistedQuery.sha256Hash));
const firstRound = batchLog.length;

// Second round: hashes alone, and every query is answered.
await cards(batched);
const second = batchLog.slice(firstRound);
assert.equal(second.length, 1, "one request for the second round");
assert.equal(second[0].status, 200);
assert.ok(
  second.flatMap((r) => r.body).every((op) => op.query === undefined),
  "the second request of a persisted query sends no document",
);

// relayStylePagination merges the pages of a connection in the cache (the
// cache keeps one list per filter, so the next page must be fetched, as
// fetchMore does).
const page1 = await batched.query({ query: PEOPLE });
const first = page1.data.entities.edges.map((e) => e.node.id);
await batched.query({
  query: PEOPLE,
  variables: { after: page1.data.entities.pageInfo.endCursor },
  fetchPolicy: "network-only",
});
const merged = batched.readQuery({ query: PEOPLE });
const ids = merged.entities.edges.map((e) => e.node.id);
assert.equal(ids.length, 2 * first.length, "both pages in the cache");
assert.deepEqual(ids.slice(0, first.length), first, "the first page first");
assert.equal(new Set(ids).size, ids.length, "no entity twice");

// The persisted-query link with GET: the first request is refused
// (PersistedQueryNotFound), the link POSTs the document, and from then on
// a GET with the hash alone is answered, then revalidated by its ETag.
const getLog = [];
const viaGet = new ApolloClient({
  cache: newCache(),
  link: new PersistedQueryLink({ sha256, useGETForHashedQueries: true }).concat(
    new HttpLink({
      uri: base + "/query",
      fetch: recordingFetch(getLog, { etags: true }), // records, and plays a browser's cache
    }),
  ),
});
for (let i = 0; i < 3; i++) {
  const { data } = await viaGet.query({ query: CARD_BY_GET, variables: { id: "org:xiaomi" }, fetchPolicy: "network-only" });
  assert.equal(data.node.name, names[0]);
}
const shape = getLog.map((r) => `${r.method} ${r.status}${r.method === "GET" && urlParams(r).query ? " with query" : ""}`);
assert.deepEqual(shape.slice(0, 2).map((s) => s.split(" ")[0]), ["GET", "POST"], shape.join(", "));
assert.match(shape[0], /^GET (200|404)$/, "PersistedQueryNotFound");
assert.deepEqual(shape.slice(2), ["GET 200", "GET 304"], shape.join(", "));
assert.ok(getLog[2].etag && getLog[3].revalidated, "revalidated with If-None-Match");

// Without the map of possible types, the Entity fields vanish.
const bare = new ApolloClient({ cache: new InMemoryCache(), link: new HttpLink({ uri: base + "/query" }) });
const without = await bare.query({ query: CARD, variables: { id: "org:xiaomi" } }).catch((e) => ({ error: e }));
const vanished = !without.data?.node?.name;

report({
  client: "@apollo/client",
  version,
  batches: batchLog.map((r) => (Array.isArray(r.body) ? r.body.length : 1)),
  secondRoundDocuments: second.flatMap((r) => r.body).filter((op) => op.query !== undefined).length,
  get: shape,
  withoutPossibleTypes: vanished ? "the Entity fields vanished" : "the Entity fields came through",
  pages: ids.length,
});
