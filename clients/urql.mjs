// urql against the server: Graphcache with the interface map from
// /possible-types.json, and persisted queries over GET
// (@urql/exchange-persisted), which fall back to POSTing the document the
// first time.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { Client, fetchExchange, gql } from "@urql/core";
import { cacheExchange } from "@urql/exchange-graphcache";
import { persistedExchange } from "@urql/exchange-persisted";
import { base, recordingFetch, report, sha256, urlParams } from "./lib.mjs";

const version = createRequire(import.meta.url)("@urql/core/package.json").version;

const CARD = gql`
  query UrqlCard($id: ID!) {
    node(id: $id) {
      id
      ... on Entity {
        name
        kind
        country {
          id
          name
        }
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

const possibleTypes = await (await fetch(base + "/possible-types.json")).json();
const log = [];
const client = new Client({
  url: base + "/query",
  fetch: recordingFetch(log), // records what the client sends
  exchanges: [
    cacheExchange({ possibleTypes }),
    persistedExchange({ preferGetForPersistedQueries: true, generateHash: async (query) => sha256(query) }),
    fetchExchange,
  ],
});

const card = async (id, requestPolicy) => {
  const result = await client.query(CARD, { id }, { requestPolicy }).toPromise();
  assert.equal(result.error, undefined, String(result.error));
  return result.data.node;
};

// The first query: the hash alone is not known, the document follows.
const li = await card("person:li-zhanshu", "network-only");
assert.equal(li.id, "person:li-zhanshu");
assert.ok(li.name && li.kind, 'the fields of "... on Entity" came through');
assert.ok(li.positions.length > 0, 'the fields of "... on Person" came through');
assert.equal(log[0].method, "GET");
assert.equal(urlParams(log[0]).query, undefined, "the hash alone");
const retry = log.at(-1);
assert.ok((retry.method === "GET" ? urlParams(retry) : retry.body).query, "then the document");

// From then on, the hash alone, with GET.
const before = log.length;
const xiaomi = await card("org:xiaomi", "network-only");
assert.ok(xiaomi.name && xiaomi.country, "an Organization's Entity fields came through");
const again = log.slice(before);
assert.equal(again.length, 1);
assert.equal(again[0].method, "GET");
assert.equal(again[0].status, 200);
assert.equal(urlParams(again[0]).query, undefined, "the second request sends no document");

// Graphcache answers a query it holds without a request: it could only
// store the Entity fields by knowing which types implement Entity.
const cached = await card("org:xiaomi", "cache-only");
assert.deepEqual(cached, xiaomi);
assert.equal(log.length, before + 1, "no request for a cached query");

report({
  client: "@urql/core",
  version,
  requests: log.map((r) => `${r.method} ${r.status}${r.method === "GET" && urlParams(r).query ? " with query" : ""}`),
  entity: `${li.name} (${li.kind})`,
});
