// The `suite` scenario's child process (bench/suite.ts starts it, one fresh Node process per run):
// what a user's test suite does with the emulator, in one process as a test runner's worker would,
// timed call by call. Plain JavaScript run by plain Node, loading the package build (dist/) as a
// project that installed the package does: no TypeScript loader in between.
// Usage: node bench/suite-child.mjs <dist/emulator/src/testing/index.js> <files> <creations> <resets>
// Prints one JSON line: every timing in milliseconds.
import { pathToFileURL } from "node:url";
import { CryptoProvider, ConfidentialClientApplication } from "@azure/msal-node";

const [entry, filesArg, creationsArg, resetsArg] = process.argv.slice(2);
const FILES = Number(filesArg);
const CREATIONS = Number(creationsArg);
const RESETS = Number(resetsArg);
const PASSWORD = "Passw0rd!";
const REDIRECT = "http://localhost:3000/auth/callback";
const SCOPES = ["User.Read", "Calendars.ReadWrite"];

const since = (t0) => performance.now() - t0;

let t0 = performance.now();
const testing = await import(pathToFileURL(entry).href);
const importMs = since(t0);

t0 = performance.now();
const emu = await testing.startEmulator({ port: 0, inMemory: true });
const firstStartMs = since(t0);
t0 = performance.now();
const second = await testing.startEmulator({ port: 0, inMemory: true });
const secondStartMs = since(t0);
await second.close();

// One admin.createTenant() after another, the first being the first request this emulator answers.
const creations = [];
for (let i = 0; i < CREATIONS; i++) {
  t0 = performance.now();
  await emu.admin.createTenant();
  creations.push(since(t0));
}
const resets = [];
for (let i = 0; i < RESETS; i++) {
  t0 = performance.now();
  await emu.admin.reset();
  resets.push(since(t0));
}

// The suite: FILES test files one after another, each with a tenant of its own, a user's sign-in through
// msal-node (authorization code with PKCE, the sign-in and consent pages played by signInWithCode) and
// five Graph calls with the token.
testing.trustCaGlobally(emu.caCert);
const host = new URL(emu.baseUrl).host;
const parts = { tenant: [], token: [], graph: [] };
const month = "startDateTime=2025-03-01T00:00:00Z&endDateTime=2025-04-01T00:00:00Z";
for (let f = 0; f < FILES; f++) {
  t0 = performance.now();
  const tenant = await emu.admin.createTenant();
  parts.tenant.push(since(t0));
  const portal = tenant.applications.find((a) => a.displayName === "Contoso Web Portal");
  const adele = tenant.users.find((u) => u.displayName === "Adele Vance");

  t0 = performance.now();
  const app = new ConfidentialClientApplication({
    auth: { clientId: portal.appId, clientSecret: portal.clientSecret, authority: emu.authority(tenant.id), knownAuthorities: [host] },
  });
  const pkce = await new CryptoProvider().generatePkceCodes();
  const authorizeUrl = await app.getAuthCodeUrl({ scopes: SCOPES, redirectUri: REDIRECT, codeChallenge: pkce.challenge, codeChallengeMethod: "S256" });
  const { params } = await testing.signInWithCode({ authorizeUrl, username: adele.userPrincipalName, password: PASSWORD });
  const result = await app.acquireTokenByCode({ code: params.get("code"), scopes: SCOPES, redirectUri: REDIRECT, codeVerifier: pkce.verifier });
  parts.token.push(since(t0));

  t0 = performance.now();
  const headers = { authorization: `Bearer ${result.accessToken}`, "content-type": "application/json" };
  const calls = [
    ["GET", "/me"],
    ["GET", "/me/memberOf"],
    ["POST", "/me/events", { subject: `File ${f}`, start: { dateTime: "2025-03-10T09:00:00", timeZone: "UTC" }, end: { dateTime: "2025-03-10T09:30:00", timeZone: "UTC" } }],
    ["GET", "/me/events?$top=10"],
    ["GET", `/me/calendarView?${month}`],
  ];
  for (const [method, path, body] of calls) {
    const res = await fetch(`${emu.graphBaseUrl}${path}`, { method, headers, ...(body ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  }
  parts.graph.push(since(t0));
}
await emu.close();
process.stdout.write(`${JSON.stringify({ importMs, firstStartMs, secondStartMs, creations, resets, parts })}\n`);
