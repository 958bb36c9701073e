#!/usr/bin/env node
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose: a short script for HEALTHCHECK */
"use strict";
// Exits 0 when the emulator on this machine answers /_emulator/health with {"status":"ok"}, else 1.
// The container image's HEALTHCHECK runs it. It verifies the server against the CA in the data dir
// (GRAPH_EMULATOR_DATA_DIR, default ./.graph-emulator) and asks GRAPH_EMULATOR_PORT (default 8443)
// on 127.0.0.1 under the certificate's name localhost.
const { readFileSync } = require("node:fs");
const { request } = require("node:https");
const { join } = require("node:path");

const dataDir = process.env.GRAPH_EMULATOR_DATA_DIR || ".graph-emulator";
const port = Number(process.env.GRAPH_EMULATOR_PORT || 8443);
let ca;
try {
  ca = readFileSync(join(dataDir, "ca.pem"), "utf8");
} catch (err) {
  console.error(`healthcheck: no CA in ${dataDir} (${err.code}); is the emulator started with this data dir?`);
  process.exit(1);
}
const req = request({ host: "127.0.0.1", servername: "localhost", port, path: "/_emulator/health", ca, timeout: 3000 }, (res) => {
  let body = "";
  res.setEncoding("utf8");
  res.on("data", (chunk) => (body += chunk));
  res.on("end", () => {
    const ok = res.statusCode === 200 && /"status"\s*:\s*"ok"/.test(body);
    if (!ok) console.error(`healthcheck: ${res.statusCode} ${body.slice(0, 200)}`);
    process.exit(ok ? 0 : 1);
  });
});
req.on("timeout", () => req.destroy(new Error("no answer within 3 s")));
req.on("error", (err) => {
  console.error(`healthcheck: ${err.message}`);
  process.exit(1);
});
req.end();
