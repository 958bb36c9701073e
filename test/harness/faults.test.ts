import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ConfidentialClientApplication, InteractionRequiredAuthError, ServerError, type AccountInfo } from "@azure/msal-node";
import { Client, GraphError } from "@microsoft/microsoft-graph-client";
import type { CreatedTenant, FaultName } from "../../emulator/src/index.ts";
import { appOf, sharedEmulator } from "./shared.ts";

/** Each named fault, seen through the real clients a user would use: MSAL and the Graph SDK. */
const { baseUrl, admin } = sharedEmulator();
let tenant: CreatedTenant;
let adele: string;

beforeAll(async () => {
  tenant = await admin.createTenant({ displayName: "Faults" });
  adele = tenant.users.find((u) => u.displayName === "Adele Vance")!.userPrincipalName;
});
afterAll(async () => {
  await admin.clearFaults();
  await admin.deleteTenant(tenant.id);
});
beforeEach(async () => {
  await admin.clearFaults();
  await admin.clearThrottling();
});

function msal(appName: string): ConfidentialClientApplication {
  const app = appOf(tenant, appName);
  return new ConfidentialClientApplication({
    auth: { clientId: app.appId, clientSecret: app.clientSecret, authority: `${baseUrl}/${tenant.id}`, knownAuthorities: [new URL(baseUrl).host] },
  });
}

async function signedIn(): Promise<{ app: ConfidentialClientApplication; account: AccountInfo; token: string }> {
  const app = msal("Contoso Team Tools");
  const result = await app.acquireTokenByUsernamePassword({ username: adele, password: "Passw0rd!", scopes: ["User.Read"] });
  return { app, account: result!.account!, token: result!.accessToken };
}

function graph(token: string): Client {
  return Client.init({
    baseUrl: `${baseUrl}/`,
    defaultVersion: "v1.0",
    customHosts: new Set([new URL(baseUrl).hostname]),
    authProvider: (done) => done(null, token),
  });
}

async function fault(name: FaultName, extra: Record<string, unknown> = {}) {
  return admin.addFault({ fault: name, match: { tenant: tenant.id }, ...extra });
}

describe("Entra faults through MSAL", () => {
  it.each([
    ["tenant_not_found", "invalid_tenant", "90002"],
    ["invalid_client", "invalid_client", "7000215"],
    ["invalid_scope", "invalid_scope", "70011"],
  ] as const)("%s on client credentials gives MSAL's ServerError %s (AADSTS%s)", async (name, error, code) => {
    await fault(name, { times: 1, match: { tenant: tenant.id, path: "/oauth2/v2.0/token" } });
    const err = await msal("Contoso Calendar Daemon").acquireTokenByClientCredential({ scopes: ["https://graph.microsoft.com/.default"] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect((err as ServerError).errorCode).toBe(error);
    expect(String((err as ServerError).errorNo)).toBe(code);
  });

  it.each([
    ["consent_required", "65001", "consent_required"],
    ["refresh_token_expired", "700082", "bad_token"],
    ["refresh_token_revoked", "50173", "bad_token"],
  ] as const)("%s on refresh gives InteractionRequiredAuthError (AADSTS%s, %s)", async (name, code, suberror) => {
    const { app, account } = await signedIn();
    await fault(name, { times: 1, match: { tenant: tenant.id, path: "/oauth2/v2.0/token" } });
    const err = await app.acquireTokenSilent({ account, scopes: ["User.Read"], forceRefresh: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InteractionRequiredAuthError);
    expect(String((err as InteractionRequiredAuthError).errorNo)).toBe(code);
    expect((err as InteractionRequiredAuthError).subError).toBe(suberror);
  });
});

describe("Graph faults through the Graph SDK", () => {
  it("authorization_request_denied and identity_not_found", async () => {
    const { token } = await signedIn();
    await fault("authorization_request_denied", { times: 1 });
    const denied = (await graph(token).api("/me").get().catch((e: unknown) => e)) as GraphError;
    expect(denied, JSON.stringify(denied)).toBeInstanceOf(GraphError);
    expect(denied.statusCode, JSON.stringify(denied.body)).toBe(403);
    expect(denied.code).toBe("Authorization_RequestDenied");
    expect(denied.message).toBe("Insufficient privileges to complete the operation.");
    await fault("identity_not_found", { times: 1 });
    const unknown = (await graph(token).api("/me").get().catch((e: unknown) => e)) as GraphError;
    expect(unknown.statusCode).toBe(401);
    expect(unknown.code).toBe("Authorization_IdentityNotFound");
    // Spent rules are gone: the next call succeeds.
    expect((await graph(token).api("/me").get()).userPrincipalName).toBe(adele);
  });

  it("throttled: the SDK honours Retry-After, waits, and succeeds on retry", async () => {
    const { token } = await signedIn();
    await admin.clearRequests();
    await fault("throttled", { times: 1, retryAfterSeconds: 1 });
    const started = Date.now();
    const me = await graph(token).api("/me").get();
    expect(me.userPrincipalName).toBe(adele);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const calls = await admin.requests({ area: "graph", path: "/v1.0/me", tenant: tenant.id });
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect(calls[0]!.errorCode).toBe("TooManyRequests");
  });

  it("throttled answers 429 TooManyRequests with Retry-After, and keeps throttling until it passes", async () => {
    const { token } = await signedIn();
    await fault("throttled", { times: 1, retryAfterSeconds: 30 });
    const first = await fetch(`${baseUrl}/v1.0/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(first.status).toBe(429);
    expect(first.headers.get("retry-after")).toBe("30");
    const body = (await first.json()) as { error: { code: string; message: string; innerError: Record<string, string> } };
    expect(body.error).toMatchObject({ code: "TooManyRequests", message: "Please retry again later.", innerError: { code: "429", status: "429" } });
    const again = await fetch(`${baseUrl}/v1.0/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(again.status).toBe(429);
    expect(Number(again.headers.get("retry-after"))).toBeLessThanOrEqual(30);
    await admin.advanceClock("PT31S");
    expect((await fetch(`${baseUrl}/v1.0/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it.each([
    ["service_unavailable", 503, "serviceNotAvailable"],
    ["gateway_timeout", 504, "gatewayTimeout"],
  ] as const)("%s answers %i %s (after the SDK's own retries)", async (name, status, code) => {
    const { token } = await signedIn();
    await fault(name, { retryAfterSeconds: 0 });
    const err = (await graph(token).api("/me").get().catch((e: unknown) => e)) as GraphError;
    expect(err.statusCode).toBe(status);
    expect(err.code).toBe(code);
  });

  it("latency delays the answer; drop_connection closes the socket", async () => {
    const { token } = await signedIn();
    await admin.clearRequests();
    await fault("latency", { times: 1, latencyMs: 300 });
    expect((await fetch(`${baseUrl}/v1.0/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    const entries = await admin.requests({ path: "/v1.0/me", tenant: tenant.id });
    const entry = entries.find((e) => e.faultId !== null);
    expect(entry, JSON.stringify(await admin.requests({ limit: 5 }))).toBeDefined();
    expect(entry!.durationMs).toBeGreaterThanOrEqual(290);
    expect(entry!.faultId).toBeTruthy();
    await fault("drop_connection", { times: 1 });
    await expect(fetch(`${baseUrl}/v1.0/me`, { headers: { authorization: `Bearer ${token}` } })).rejects.toThrow();
  });
});

describe("rules", () => {
  it("a seeded probability fires the same way every run; expired rules stop firing", async () => {
    const { token } = await signedIn();
    const rule = await fault("authorization_request_denied", { probability: 0.5, seed: 42, expiresIn: "PT5M" });
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await fetch(`${baseUrl}/v1.0/me`, { headers: { authorization: `Bearer ${token}` } })).status);
    const fired = statuses.filter((s) => s === 403).length;
    expect(fired).toBeGreaterThan(3);
    expect(fired).toBeLessThan(17);
    expect((await admin.faults()).find((f) => f.id === rule.id)?.fired).toBe(fired);
    await admin.advanceClock("PT6M");
    expect(await admin.faults()).toEqual([]);
    expect((await fetch(`${baseUrl}/v1.0/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it("matches on client, method and path patterns, and refuses unknown fault names with a 400", async () => {
    const { token } = await signedIn();
    await fault("authorization_request_denied", { match: { tenant: tenant.id, clientId: "00000000-0000-0000-0000-000000000001" } });
    expect((await fetch(`${baseUrl}/v1.0/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    await admin.clearFaults();
    await fault("authorization_request_denied", { match: { tenant: tenant.id, method: "GET", path: "/\\/v1\\.0\\/ME$/i" } });
    expect((await fetch(`${baseUrl}/v1.0/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(403);
    const bad = await fetch(`${baseUrl}/_emulator/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ fault: "nope" }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain("fault");
  });
});

describe("throttling model", () => {
  it("limits requests per app and tenant per window, answering 429 with Retry-After until the window ends", async () => {
    const { token } = await signedIn();
    await admin.setThrottling({ limit: 3, windowSeconds: 60 });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${baseUrl}/v1.0/me`, { headers: { authorization: `Bearer ${token}` } });
      statuses.push(res.status);
      if (res.status === 429) retryAfter ??= res.headers.get("retry-after");
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    await admin.advanceClock("PT61S");
    expect((await fetch(`${baseUrl}/v1.0/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });
});
