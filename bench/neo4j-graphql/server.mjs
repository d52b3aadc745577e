// A minimal GraphQL server of the Neo4j GraphQL Library 7 over Puente's Neo4j
// data, for performance comparison with Puente (see README.md).
//
//   NEO4J_URI        bolt://127.0.0.1:7687 by default
//   NEO4J_USERNAME   with NEO4J_PASSWORD: basic auth (no auth when the password is unset)
//   NEO4J_PASSWORD
//   NEO4J_DATABASE   the server's default database when unset
//   PORT             4100 by default
//   HOST             127.0.0.1 by default (0.0.0.0 to listen on every interface)
//   INTROSPECTION    "true" turns schema introspection on (off by default)
//   NEO4J_TCP_NODELAY  "true" by default (see below); "false" keeps the driver's stock sockets
//   NEO4J_MAX_POOL   the driver's connection pool size, 100 by default
//
// POST /graphql with a JSON body {query, variables, operationName}. Prints
// "ready" on stdout once listening; on SIGTERM or SIGINT stops accepting,
// lets requests in flight finish, closes the driver and exits 0.
//
// Authorization is off; no mutations or subscriptions are generated
// (schema.graphql); introspection is off unless INTROSPECTION=true; no
// landing page, no cache-control or usage-reporting plugin. The library is
// never asked to create or check indexes and constraints: there is no call to
// assertIndexesAndConstraints.

import { readFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import tls from "node:tls";
import { ApolloServer, HeaderMap } from "@apollo/server";
import {
    ApolloServerPluginCacheControlDisabled,
    ApolloServerPluginLandingPageDisabled,
    ApolloServerPluginSchemaReportingDisabled,
    ApolloServerPluginUsageReportingDisabled,
} from "@apollo/server/plugin/disabled";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";

const uri = process.env.NEO4J_URI || "bolt://127.0.0.1:7687";
const username = process.env.NEO4J_USERNAME || "neo4j";
const password = process.env.NEO4J_PASSWORD;
const database = process.env.NEO4J_DATABASE || undefined;
const port = Number(process.env.PORT || 4100);
const host = process.env.HOST || "127.0.0.1";
const maxBody = 1 << 20;

// neo4j-driver 5.x for Node leaves Nagle's algorithm on for its Bolt sockets.
// A Cypher statement longer than about one TCP segment (the @cypher queries of
// schema.graphql, the library's longer generated queries) is then written in
// several pieces, and the later ones wait for the server's delayed ACK: about
// 40 ms per query on loopback (measured: 45 ms instead of 5 ms for
// neighborhood), which no server-side work explains. Go's net package, which
// Puente's driver uses, sets TCP_NODELAY by default; so does this, by
// wrapping net.connect and tls.connect, through which the driver opens its
// sockets.
if ((process.env.NEO4J_TCP_NODELAY || "true") !== "false") {
    for (const mod of [net, tls]) {
        const connect = mod.connect;
        mod.connect = function (...args) {
            const socket = connect.apply(this, args);
            socket.setNoDelay(true);
            return socket;
        };
    }
}

const typeDefs = readFileSync(new URL("./schema.graphql", import.meta.url), "utf8");
const features = {
    // Event dates are "YYYY-MM-DD" strings: lt/lte/gt/gte on strings are off
    // by default in the library.
    filters: { String: { LT: true, LTE: true, GT: true, GTE: true } },
    // Leave the deprecated v6-style filter fields (name_EQ, ...) out of the schema.
    excludeDeprecatedFields: {
        mutationOperations: true,
        aggregationFilters: true,
        aggregationFiltersOutsideConnection: true,
        relationshipFilters: true,
        attributeFilters: true,
    },
};

if (process.argv.includes("--print-schema")) {
    // Print the generated schema and exit, without connecting to Neo4j.
    const { printSchema } = await import("graphql");
    const generated = await new Neo4jGraphQL({ typeDefs, features }).getSchema();
    process.stdout.write(printSchema(generated) + "\n");
    process.exit(0);
}

const driver = neo4j.driver(uri, password ? neo4j.auth.basic(username, password) : undefined, {
    maxConnectionPoolSize: Number(process.env.NEO4J_MAX_POOL || 100),
    userAgent: "puente-bench-neo4j-graphql",
});

const neoSchema = new Neo4jGraphQL({ typeDefs, features, driver });
const schema = await neoSchema.getSchema();

const apollo = new ApolloServer({
    schema,
    introspection: process.env.INTROSPECTION === "true",
    includeStacktraceInErrorResponses: false,
    status400ForVariableCoercionErrors: true,
    // shutdown() below stops the HTTP server first, then Apollo, then the driver.
    stopOnTerminationSignals: false,
    plugins: [
        ApolloServerPluginLandingPageDisabled(),
        ApolloServerPluginCacheControlDisabled(),
        ApolloServerPluginUsageReportingDisabled(),
        ApolloServerPluginSchemaReportingDisabled(),
    ],
});
await apollo.start();

// The library's per-request context: the driver comes from the constructor;
// only the database is chosen here.
const context = database ? () => ({ sessionConfig: { database } }) : () => ({});

function send(res, status, body, headers = {}) {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
    res.end(body);
}

const httpServer = http.createServer((req, res) => {
    const url = new URL(req.url, "http://localhost");
    if (url.pathname !== "/graphql") {
        send(res, 404, '{"errors":[{"message":"not found: POST /graphql"}]}');
        return;
    }
    if (req.method !== "POST") {
        send(res, 405, '{"errors":[{"message":"method not allowed: POST /graphql"}]}', { allow: "POST" });
        return;
    }
    const chunks = [];
    let size = 0;
    req.on("data", (c) => {
        size += c.length;
        if (size > maxBody) {
            send(res, 413, '{"errors":[{"message":"request too large"}]}');
            req.destroy();
            return;
        }
        chunks.push(c);
    });
    req.on("end", async () => {
        if (res.writableEnded) return;
        let body;
        try {
            body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        } catch {
            send(res, 400, '{"errors":[{"message":"the body is not JSON"}]}');
            return;
        }
        const headers = new HeaderMap();
        for (const [k, v] of Object.entries(req.headers)) {
            if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
        }
        try {
            const result = await apollo.executeHTTPGraphQLRequest({
                httpGraphQLRequest: { method: "POST", headers, search: url.search, body },
                context: async () => context(),
            });
            const out = {};
            for (const [k, v] of result.headers) out[k] = v;
            if (result.body.kind !== "complete") {
                // No incremental delivery (@defer/@stream) is enabled; drain anyway.
                res.writeHead(result.status || 200, out);
                for await (const chunk of result.body.asyncIterator) res.write(chunk);
                res.end();
                return;
            }
            res.writeHead(result.status || 200, out);
            res.end(result.body.string);
        } catch (err) {
            send(res, 500, JSON.stringify({ errors: [{ message: String(err?.message || err) }] }));
        }
    });
});
httpServer.keepAliveTimeout = 65_000;

httpServer.listen(port, host, () => {
    process.stdout.write(`ready http://${host}:${port}/graphql\n`);
});

let stopping = false;
async function shutdown(signal) {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: shutting down\n`);
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    await new Promise((resolve) => {
        httpServer.close(resolve);
        httpServer.closeIdleConnections();
    });
    await apollo.stop();
    await driver.close();
    process.exit(0);
}
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));
