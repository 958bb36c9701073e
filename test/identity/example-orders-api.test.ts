import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../support/emulator.ts";

/**
 * examples/orders-api end to end, as its own Node process: an Express API that
 * validates the emulator's tokens for its own API (scopes and app roles) and
 * calls Graph on behalf of the caller.
 */
let emu: TestEmulator;
let child: ChildProcess;
let url: string;
let output = "";
let api: { appId: string; clientSecret: string };
let frontEnd: { appId: string; clientSecret: string };
let daemon: { appId: string; clientSecret: string };
let roleless: { appId: string; clientSecret: string };
const URI = "api://contoso-orders-example";

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

async function register(body: Record<string, unknown>): Promise<{ appId: string; clientSecret: string }> {
  const res = await fetch(`${emu.adminUrl}/tenants/${CONTOSO.id}/applications`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { appId: string; clientSecret: string };
}

beforeAll(async () => {
  emu = await startTestEmulator();
  api = await register({
    displayName: "Contoso Orders API (example)",
    identifierUris: [URI],
    scopes: ["Orders.Read"],
    appRoles: [
      { value: "Orders.Approver", allowedMemberTypes: ["User"] },
      { value: "Orders.Sync", allowedMemberTypes: ["Application"] },
    ],
    accessTokenVersion: 2,
    delegatedPermissions: ["User.Read", "openid", "profile", "offline_access"],
    adminConsent: true,
  });
  frontEnd = await register({ displayName: "Orders front end", delegatedPermissions: ["User.Read"], apiPermissions: [{ resource: URI, delegated: ["Orders.Read"] }], adminConsent: true });
  daemon = await register({ displayName: "Orders sync daemon", apiPermissions: [{ resource: URI, application: ["Orders.Sync"] }], adminConsent: true });
  roleless = await register({ displayName: "Some other daemon" });
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  child = spawn(process.execPath, ["--import", "tsx", join(process.cwd(), "examples", "orders-api", "main.ts")], {
    cwd: process.cwd(),
    env: { ...process.env, NODE_EXTRA_CA_CERTS: emu.caFile, AUTHORITY_HOST: emu.baseUrl, TENANT_ID: CONTOSO.id, API_CLIENT_ID: api.appId, API_CLIENT_SECRET: api.clientSecret, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The example did not start:\n${output}`)), 30_000);
    child.stdout?.on("data", () => output.includes("listening on") && (clearTimeout(timer), resolve()));
    child.once("exit", (code) => (clearTimeout(timer), reject(new Error(`The example exited with ${code}:\n${output}`))));
  });
}, 60_000);
afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
  await emu?.close();
});

async function token(body: Record<string, string>): Promise<string> {
  const res = await fetch(`${emu.authority(CONTOSO.id)}/oauth2/v2.0/token`, { method: "POST", body: new URLSearchParams(body) });
  const json = (await res.json()) as { access_token?: string };
  expect(res.status, JSON.stringify(json)).toBe(200);
  return json.access_token as string;
}
const userToken = (scope = `${URI}/Orders.Read`) =>
  token({ grant_type: "password", client_id: frontEnd.appId, client_secret: frontEnd.clientSecret, username: CONTOSO.adele.upn, password: CONTOSO.adele.password, scope });
const appToken = (c: { appId: string; clientSecret: string }) => token({ grant_type: "client_credentials", client_id: c.appId, client_secret: c.clientSecret, scope: `${URI}/.default` });
const call = (path: string, bearer?: string, method = "GET") => fetch(`${url}${path}`, { method, headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });

describe("examples/orders-api", () => {
  it("refuses no token, and a Graph token (another audience)", async () => {
    expect((await call("/orders")).status).toBe(401);
    const graphToken = await userToken("User.Read");
    const res = await call("/orders", graphToken);
    expect(res.status).toBe(401);
    expect(await res.text()).toContain("invalid token");
  });

  it("serves a user with the Orders.Read scope", async () => {
    const res = await call("/orders", await userToken());
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ caller: "Adele Vance", orders: [{ id: "1001" }, { id: "1002" }] });
  });

  it("lets only users holding the Orders.Approver app role approve", async () => {
    expect((await call("/orders/1001/approve", await userToken(), "POST")).status).toBe(403);
    const assign = await fetch(`${emu.adminUrl}/tenants/${CONTOSO.id}/servicePrincipals/${api.appId}/appRoleAssignedTo`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ principalId: CONTOSO.adele.id, appRole: "Orders.Approver" }),
    });
    expect(assign.status).toBe(201);
    const res = await call("/orders/1001/approve", await userToken(), "POST");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "approved", approvedBy: CONTOSO.adele.id });
  });

  it("calls Graph /me on behalf of the caller", async () => {
    const res = await call("/me", await userToken());
    expect(res.status, output).toBe(200);
    expect(await res.json()).toEqual({ displayName: "Adele Vance", userPrincipalName: CONTOSO.adele.upn });
  });

  it("serves a daemon holding the Orders.Sync role, and no other caller", async () => {
    const ok = await call("/sync", await appToken(daemon));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ synced: 2, by: daemon.appId });
    expect((await call("/sync", await appToken(roleless))).status).toBe(403);
    expect((await call("/sync", await userToken())).status).toBe(403);
  });
});
