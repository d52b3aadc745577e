// Runs every workload of a workloads file once against a GraphQL endpoint and
// prints, for each, the HTTP status, the time, any errors, and how many items
// each list of the answer holds (summed over the list's parents), plus every
// totalCount. Exits 1 when a workload fails.
//
//   node check.mjs                                   # this server, ./workloads.json
//   node check.mjs --url http://127.0.0.1:18200/query --workloads ../workloads/puente.json
//   node check.mjs --only search --var query="+org* +1*" --verbose
//   node check.mjs --repeat 50                       # also time 50 sequential runs each
//
// Variables come from each workload's "example", overridden by --var NAME=VALUE.

import { readFileSync } from "node:fs";

const args = process.argv.slice(2);
const opt = {
    url: process.env.URL || "http://127.0.0.1:4100/graphql",
    workloads: new URL("./workloads.json", import.meta.url),
    only: null,
    verbose: false,
    repeat: 0,
    vars: {},
};
for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--url") opt.url = args[++i];
    else if (a === "--workloads") opt.workloads = args[++i];
    else if (a === "--only") opt.only = new Set(args[++i].split(","));
    else if (a === "--verbose") opt.verbose = true;
    else if (a === "--repeat") opt.repeat = Number(args[++i]);
    else if (a === "--var") {
        const [k, ...v] = args[++i].split("=");
        opt.vars[k] = v.join("=");
    } else {
        console.error(`unknown argument ${a}`);
        process.exit(2);
    }
}

const workloads = JSON.parse(readFileSync(opt.workloads, "utf8"));

// counts returns {path: items} for every list in the value, with [] standing
// for list indices, and {path.totalCount: n} for every totalCount.
function counts(value, path = "", out = {}) {
    if (Array.isArray(value)) {
        out[path] = (out[path] || 0) + value.length;
        for (const v of value) counts(v, path + "[]", out);
    } else if (value && typeof value === "object") {
        for (const [k, v] of Object.entries(value)) {
            const p = path ? `${path}.${k}` : k;
            if (k === "totalCount" && typeof v === "number") out[p] = (out[p] || 0) + v;
            else counts(v, p, out);
        }
    }
    return out;
}

async function post(query, variables) {
    const res = await fetch(opt.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, text: await res.text() };
}

let failed = 0;
for (const [name, w] of Object.entries(workloads)) {
    if (opt.only && !opt.only.has(name)) continue;
    const variables = { ...(w.example || {}) };
    for (const k of Object.keys(opt.vars)) if (k in (w.variables || {})) variables[k] = opt.vars[k];
    const started = performance.now();
    let status = 0;
    let body;
    try {
        const res = await post(w.query, variables);
        status = res.status;
        const text = res.text;
        try {
            body = JSON.parse(text);
        } catch {
            body = { errors: [{ message: `not JSON: ${text.slice(0, 200)}` }] };
        }
    } catch (err) {
        body = { errors: [{ message: String(err.cause?.message || err.message) }] };
    }
    const ms = (performance.now() - started).toFixed(1);
    const errors = body.errors || [];
    const summary = Object.entries(counts(body.data || {}))
        .map(([k, v]) => `${k}=${v}`)
        .join(" ");
    if (errors.length > 0 || status !== 200 || !body.data) {
        failed++;
        console.log(`FAIL ${name} status=${status} ${ms}ms vars=${JSON.stringify(variables)}`);
        for (const e of errors) console.log(`     error: ${e.message}${e.extensions?.code ? ` (${e.extensions.code})` : ""}`);
        if (summary) console.log(`     ${summary}`);
    } else {
        console.log(`ok   ${name} ${ms}ms vars=${JSON.stringify(variables)}`);
        console.log(`     ${summary || "(no lists)"}`);
    }
    if (opt.verbose) console.log(JSON.stringify(body.data, null, 2));
    if (opt.repeat > 0 && errors.length === 0 && status === 200) {
        const times = [];
        for (let i = 0; i < opt.repeat; i++) {
            const t0 = performance.now();
            await post(w.query, variables);
            times.push(performance.now() - t0);
        }
        times.sort((x, y) => x - y);
        const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(1);
        console.log(`     ${opt.repeat} runs: median ${at(0.5)}ms p90 ${at(0.9)}ms min ${times[0].toFixed(1)}ms`);
    }
}
console.log(failed ? `${failed} workload(s) failed` : "all workloads ran without errors");
process.exit(failed ? 1 : 0);
