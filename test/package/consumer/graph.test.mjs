// (c) Each file a tenant of its own; MSAL and plain fetch trust the emulator in either pool.
import { readFileSync } from "node:fs";
import { isMainThread } from "node:worker_threads";
import { ConfidentialClientApplication } from "@azure/msal-node";
import { AdminClient } from "graph-emulator";
import { signInWithCode } from "graph-emulator/testing";
import { expect, test } from "vitest";

const base = process.env.GRAPH_EMULATOR_URL;
const admin = new AdminClient(base, readFileSync(process.env.GRAPH_EMULATOR_CA_FILE, "utf8"));
const tenant = await admin.createTenant();
const app = (name) => tenant.applications.find((a) => a.displayName === name);

test(`runs in the ${process.env.EXPECT_POOL} pool`, () => {
  expect(isMainThread).toBe(process.env.EXPECT_POOL === "forks");
});

test("client credentials with MSAL, then Graph with fetch", async () => {
  const daemon = app("Contoso Calendar Daemon");
  const cca = new ConfidentialClientApplication({
    auth: { clientId: daemon.appId, clientSecret: daemon.clientSecret, authority: `${base}/${tenant.id}`, knownAuthorities: [new URL(base).host] },
  });
  const token = await cca.acquireTokenByClientCredential({ scopes: ["https://graph.microsoft.com/.default"] });
  const res = await fetch(`${base}/v1.0/users?$top=1`, { headers: { authorization: `Bearer ${token.accessToken}` } });
  expect(res.status).toBe(200);
  expect((await res.json()).value).toHaveLength(1);
});

test("authorization code flow through the sign-in driver", async () => {
  const web = app("Contoso Web Portal");
  const cca = new ConfidentialClientApplication({
    auth: { clientId: web.appId, clientSecret: web.clientSecret, authority: `${base}/${tenant.id}`, knownAuthorities: [new URL(base).host] },
  });
  const redirectUri = "http://localhost:3000/auth/callback";
  const authorizeUrl = await cca.getAuthCodeUrl({ scopes: ["User.Read"], redirectUri });
  const { params } = await signInWithCode({ authorizeUrl, username: `AdeleV@${tenant.defaultDomain}`, password: "Passw0rd!" });
  const result = await cca.acquireTokenByCode({ code: params.get("code"), scopes: ["User.Read"], redirectUri });
  const me = await fetch(`${base}/v1.0/me`, { headers: { authorization: `Bearer ${result.accessToken}` } });
  expect((await me.json()).displayName).toBe("Adele Vance");
});
