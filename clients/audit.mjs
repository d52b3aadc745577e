// Runs the GraphQL-over-HTTP audit suite of graphql-http (serverAudits)
// against the server's /query, and prints every result. It exits 1 when
// an audit ends in an error or a warning: notices (a MAY not taken) are
// reported, not failed.
import { serverAudits } from "graphql-http";
import { createRequire } from "node:module";
import { base, report } from "./lib.mjs";

const version = createRequire(import.meta.url)("graphql-http/package.json").version;
const results = await Promise.all(serverAudits({ url: base + "/query" }).map((a) => a.fn()));
const counts = { ok: 0, notice: 0, warn: 0, error: 0 };
for (const r of results) {
  counts[r.status]++;
  if (r.status !== "ok") {
    console.log(`${r.status} ${r.id} ${r.name}: ${r.reason}`);
  }
}
report({ package: "graphql-http", version, audits: results.length, ...counts });
process.exit(counts.warn + counts.error > 0 ? 1 : 0);
