// Shared by the client tests: the server's address, and a fetch that
// records every exchange so that a test can check what its client sent.
import { createHash } from "node:crypto";

/** The server's base URL, such as http://127.0.0.1:39123 (PUENTE_URL). */
export const base = process.env.PUENTE_URL;
if (!base) {
  throw new Error("PUENTE_URL is not set: run these tests through `go test -run TestClients .`");
}

/** The SHA-256 of a string in hex, as persisted queries name documents. */
export const sha256 = (s) => createHash("sha256").update(s).digest("hex");

/**
 * recordingFetch returns a fetch that records each request (method, URL,
 * parsed body) and its answer's status and ETag in `log`. With `etags`,
 * it also plays a browser's HTTP cache for GET requests: it sends the
 * ETag it holds for the URL in If-None-Match, and turns a 304 into the
 * body it kept.
 */
export function recordingFetch(log, { etags = false } = {}) {
  const kept = new Map();
  return async (url, init = {}) => {
    const method = (init.method || "GET").toUpperCase();
    const headers = new Headers(init.headers);
    const held = etags && method === "GET" ? kept.get(String(url)) : undefined;
    if (held) headers.set("If-None-Match", held.etag);
    const res = await fetch(url, { ...init, headers });
    const entry = {
      method,
      url: String(url),
      body: init.body ? JSON.parse(init.body) : undefined,
      status: res.status,
      etag: res.headers.get("etag"),
      revalidated: Boolean(held),
    };
    log.push(entry);
    if (res.status === 304 && held) {
      return new Response(held.body, { status: 200, headers: { "content-type": held.type } });
    }
    if (etags && method === "GET" && res.status === 200 && entry.etag) {
      const body = await res.text();
      kept.set(String(url), { etag: entry.etag, body, type: res.headers.get("content-type") });
      return new Response(body, { status: 200, headers: res.headers });
    }
    return res;
  };
}

/** The GraphQL parameters a recorded GET request carried in its URL. */
export function urlParams(entry) {
  const u = new URL(entry.url);
  const out = {};
  for (const k of ["query", "operationName", "variables", "extensions"]) {
    const v = u.searchParams.get(k);
    if (v !== null) out[k] = k === "variables" || k === "extensions" ? JSON.parse(v) : v;
  }
  return out;
}

/** Prints the test's summary for the Go test to log, as one JSON line. */
export function report(summary) {
  console.log("SUMMARY " + JSON.stringify(summary));
}
