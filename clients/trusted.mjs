// Apollo Client on a server that runs only trusted documents
// (TRUSTED_DOCUMENTS_ONLY=true, TRUSTED_DOCUMENTS_FILE=gen/persisted-documents.json):
// the documents graphql-codegen generated (compiled into build/) run by
// their hash alone, and any other operation is refused, with no retry.
import assert from "node:assert/strict";
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";
import { EntityCardDocument, describe } from "./build/typed.js";
import { print } from "graphql";
import { base, recordingFetch, report, sha256 } from "./lib.mjs";

const possibleTypes = await (await fetch(base + "/possible-types.json")).json();
const log = [];
const client = new ApolloClient({
  cache: new InMemoryCache({ possibleTypes }),
  link: new PersistedQueryLink({
    // graphql-codegen's documents carry their hash (sha256:…); others
    // are hashed as Apollo does by default.
    generateHash: (document) => document["__meta__"]?.["hash"] ?? sha256(print(document)),
  }).concat(
    new HttpLink({
      uri: base + "/query",
      fetch: recordingFetch(log), // records what the client sends
    }),
  ),
});

const { data } = await client.query({ query: EntityCardDocument, variables: { id: "person:li-zhanshu" } });
const line = describe(data);
assert.match(line, /^Li Zhanshu \(PERSON\)/);
assert.ok(data.node.positions.length > 0, "the Person fragment's positions came through");
assert.equal(log.length, 1, "one request");
assert.equal(log[0].body.query, undefined, "the hash alone, no document");
assert.match(log[0].body.extensions.persistedQuery.sha256Hash, /^sha256:[0-9a-f]{64}$/);

// Anything else is refused, and the link does not retry with the document.
log.length = 0;
const other = await client
  .query({ query: gql`query Other { entity(id: "org:xiaomi") { id name } }`, fetchPolicy: "network-only" })
  .then(
    () => assert.fail("an untrusted operation ran"),
    (err) => err,
  );
const codes = (other.errors ?? []).map((e) => e.extensions?.code);
assert.deepEqual(codes, ["PERSISTED_QUERY_NOT_IN_LIST"], String(other));
assert.equal(log.length, 1, "no retry after PERSISTED_QUERY_NOT_IN_LIST");
assert.equal(log[0].status, 403);

report({ client: "@apollo/client", trusted: line, refused: codes[0] });
