import { readFileSync } from "node:fs";
import { createServer } from "node:https";
import express from "express";

/**
 * The baseline: a bare Express 5 app on the same TLS certificate, serving the
 * same JSON bodies the emulator returned, with no token check and no logic.
 * Usage: bare-server.ts PORT CERT KEY ME_JSON USERS_JSON
 */
const [port, cert, key, meFile, usersFile] = process.argv.slice(2) as [string, string, string, string, string];
const me: unknown = JSON.parse(readFileSync(meFile, "utf8"));
const users: unknown = JSON.parse(readFileSync(usersFile, "utf8"));
const app = express();
app.disable("x-powered-by");
app.get("/v1.0/me", (_req, res) => void res.json(me));
app.get("/v1.0/users", (_req, res) => void res.json(users));
createServer({ cert: readFileSync(cert), key: readFileSync(key) }, app).listen(Number(port), "127.0.0.1", () => {
  console.log(`bare express ready on ${port}`);
});
