// graphql-ws against the server, as the README's example uses it: a
// subscription over the graphql-transport-ws protocol receives a
// mutation's change; a client that disconnects and resumes with its last
// cursor receives every change made meanwhile, once and in order, then
// the live ones.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { base, report } from "./lib.mjs";

const version = createRequire(import.meta.url)("graphql-ws/package.json").version;
const token = process.env.PUENTE_EDITOR_TOKEN;
const url = base.replace(/^http/, "ws") + "/query";
const SUBSCRIPTION = `subscription($after: String, $ids: [ID!]) {
  graphChanged(after: $after, ids: $ids) { cursor sequence actor operation ids }
}`;
const ID = "person:graphql-ws-client";

// The whole script is bounded: a change that never comes fails it.
setTimeout(() => {
  console.error("no answer within 60 s");
  process.exit(1);
}, 60_000).unref();

async function query(q, variables) {
  const res = await fetch(base + "/query", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: q, variables }),
  });
  const body = await res.json();
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data;
}

const rename = (name) =>
  query(`mutation($in: EntityInput!) { upsertEntity(input: $in) { id } }`, {
    in: { id: ID, kind: "PERSON", name, sources: ["source:07-li-zhanshu-alva-meeting"] },
  });

// The log's end: the cursor after its last entry.
async function lastCursor() {
  let after = null;
  for (;;) {
    const { changes } = await query(`query($after: String) { changes(after: $after, first: 1000) { pageInfo { endCursor hasNextPage } } }`, { after });
    after = changes.pageInfo.endCursor;
    if (!changes.pageInfo.hasNextPage) return after;
  }
}

const connect = () =>
  createClient({ url, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });

// A subscription from the cursor: each change arrives whenever the
// subscription started, since it resumes from there.
let client = connect();
let changes = client.iterate({ query: SUBSCRIPTION, variables: { after: await lastCursor(), ids: [ID] } });
await rename("First name");
const first = (await changes.next()).value.data.graphChanged;
assert.equal(first.operation, "UPSERT_ENTITY");
assert.match(first.actor, /^editor#/);
assert.deepEqual(first.ids, [ID]);
await changes.return();
await client.dispose();

// Written while no client is connected.
await rename("Second name");
await rename("Third name");

client = connect();
changes = client.iterate({ query: SUBSCRIPTION, variables: { after: first.cursor, ids: [ID] } });
const got = [];
for (let i = 0; i < 3; i++) {
  if (i === 2) await rename("Fourth name"); // live, after the backlog
  got.push((await changes.next()).value.data.graphChanged.sequence);
}
assert.deepEqual(got, [first.sequence + 1, first.sequence + 2, first.sequence + 3]);
await changes.return();
await client.dispose();

report({ version, first: first.sequence, resumed: got });
