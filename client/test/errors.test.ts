import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  MemoryTokenStore,
  RefreshTokenInvalidError,
  ScopeInvalidError,
  TenantNotFoundError,
  type GraphResult,
} from "../src/index.ts";
import { CONTOSO, control, emulatorClient, moveClock, registerApp, signInAs, startTestEmulator, type TestEmulator } from "./helpers.ts";

/**
 * Each of the five documented codes, produced by a real cause in the
 * emulator's state: two come back in the result, three are thrown.
 */
let emu: TestEmulator;
beforeEach(async () => {
  emu = await startTestEmulator();
});
afterEach(async () => {
  await emu.close();
});

function expectGraphError(result: GraphResult<unknown>, code: string, status: number) {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.error).toMatchObject({ code, status });
  expect(result.error.message).toBeTruthy();
  expect(result.error.requestId).toMatch(/^[0-9a-f-]{36}$/i);
}

describe("Authorization_RequestDenied (in the result)", () => {
  it("a delegated token without a scope the call needs", async () => {
    const app = await registerApp(emu, { delegated: ["Calendars.Read"] });
    const client = emulatorClient(emu, app, { scopes: ["Calendars.Read"] });
    await signInAs(client, emu, { userId: "u1" });
    const result = await client.users.getSignedInUser({ authUserId: "u1" });
    expectGraphError(result, "Authorization_RequestDenied", 403);
    if (!result.ok) expect(result.error.message).toBe("Insufficient privileges to complete the operation.");
  });
});

describe("Authorization_IdentityNotFound (in the result)", () => {
  it("the application's service principal was removed from the app tenant after its token was cached", async () => {
    const app = await registerApp(emu, { application: ["User.Read.All"], adminConsent: true });
    const client = emulatorClient(emu, app, { appTenantId: CONTOSO.id });
    await client.getAppAccessToken();
    await control(emu, "DELETE", `/tenants/${CONTOSO.id}/servicePrincipals/${app.appId}`);
    const result = await client.users.getUser({ userId: CONTOSO.adele.id });
    expectGraphError(result, "Authorization_IdentityNotFound", 401);
  });
});

describe("RefreshTokenInvalid (thrown)", () => {
  it("the emulator clock moved 91 days with no renewal (AADSTS700082)", async () => {
    const app = await registerApp(emu, { delegated: ["User.Read"] });
    const client = emulatorClient(emu, app);
    await signInAs(client, emu, { userId: "idle" });
    await moveClock(emu, "P91D");
    const err = await client.users.getSignedInUser({ authUserId: "idle" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RefreshTokenInvalidError);
    expect(err).toMatchObject({ code: "RefreshTokenInvalid", aadsts: 700082, userId: "idle" });
    expect((err as Error).message).toMatch(/sign-in flow again/);
    // MSAL dropped the dead refresh token; the next call still says so, without Graph.
    await expect(client.users.getSignedInUser({ authUserId: "idle" })).rejects.toMatchObject({ code: "RefreshTokenInvalid" });
  });

  it("the user's sessions were revoked (AADSTS50173)", async () => {
    const app = await registerApp(emu, { delegated: ["User.Read"] });
    const client = emulatorClient(emu, app);
    await signInAs(client, emu, { userId: "revoked" });
    await control(emu, "POST", `/tenants/${CONTOSO.id}/users/${CONTOSO.adele.id}/revokeSignInSessions`);
    // As in Entra, the revocation shows only once the cached access token expires (or is force-refreshed).
    expect((await client.users.getSignedInUser({ authUserId: "revoked" })).ok).toBe(true);
    await moveClock(emu, "PT2H"); // the cached access token has died too
    await expect(client.users.getSignedInUser({ authUserId: "revoked" })).rejects.toMatchObject({ code: "RefreshTokenInvalid", aadsts: 50173 });
  });

  it("a malformed refresh token in the store (AADSTS9002313)", async () => {
    const app = await registerApp(emu, { delegated: ["User.Read"] });
    const client = emulatorClient(emu, app);
    await signInAs(client, emu, { userId: "garbled" });
    await client.tokenStore.updateUser("garbled", (u) => {
      const cache = JSON.parse(u.cache) as { RefreshToken: Record<string, { secret: string }>; AccessToken: Record<string, unknown> };
      for (const rt of Object.values(cache.RefreshToken)) rt.secret = "not-a-refresh-token";
      cache.AccessToken = {};
      return { ...u, cache: JSON.stringify(cache) };
    });
    await expect(client.users.getSignedInUser({ authUserId: "garbled" })).rejects.toMatchObject({ code: "RefreshTokenInvalid", aadsts: 9002313 });
  });

  it("an application user who never signed in", async () => {
    const app = await registerApp(emu, { delegated: ["User.Read"] });
    const client = emulatorClient(emu, app);
    await expect(client.users.getSignedInUser({ authUserId: "nobody" })).rejects.toMatchObject({ code: "RefreshTokenInvalid", userId: "nobody" });
  });
});

describe("ScopeInvalid (thrown)", () => {
  it("a scope added to the settings after the user signed in", async () => {
    const app = await registerApp(emu, { delegated: ["User.Read", "Calendars.Read"] });
    const store = new MemoryTokenStore();
    await signInAs(emulatorClient(emu, app, { scopes: ["User.Read"] }, { tokenStore: store }), emu, { userId: "u2" });
    const widened = emulatorClient(emu, app, { scopes: ["User.Read", "Calendars.Read"] }, { tokenStore: store });
    const err = await widened.users.getSignedInUser({ authUserId: "u2" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScopeInvalidError);
    expect(err).toMatchObject({ code: "ScopeInvalid", aadsts: 65001, scopes: ["Calendars.Read"], userId: "u2" });
    // The old settings still work: nothing was lost.
    const narrow = emulatorClient(emu, app, { scopes: ["User.Read"] }, { tokenStore: store });
    expect((await narrow.users.getSignedInUser({ authUserId: "u2" })).ok).toBe(true);
  });

  it("the user's consent was revoked", async () => {
    const app = await registerApp(emu, { delegated: ["User.Read"] });
    const client = emulatorClient(emu, app);
    await signInAs(client, emu, { userId: "u3" });
    const grants = await control<{ id: string; clientId: string; principalId: string | null }[]>(emu, "GET", `/tenants/${CONTOSO.id}/consents`);
    const mine = grants.filter((g) => g.clientId === app.appId);
    expect(mine).toHaveLength(1);
    await control(emu, "DELETE", `/tenants/${CONTOSO.id}/consents/${mine[0]!.id}`);
    // Until the cached access token expires, its scopes still work (as in Entra).
    expect((await client.users.getSignedInUser({ authUserId: "u3" })).ok).toBe(true);
    await moveClock(emu, "PT2H");
    await expect(client.users.getSignedInUser({ authUserId: "u3" })).rejects.toMatchObject({ code: "ScopeInvalid", aadsts: 65001 });
  });
});

describe("TenantNotFound (thrown)", () => {
  const UNKNOWN = "0f0f0f0f-1111-4222-8333-444444444444";

  it("an unknown tenant GUID in tenantId, at sign-in", async () => {
    const app = await registerApp(emu, { delegated: ["User.Read"] });
    const client = emulatorClient(emu, app, { tenantId: UNKNOWN });
    const err = await client.signIn.getSignInUrl({ userId: "u" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TenantNotFoundError);
    expect(err).toMatchObject({ code: "TenantNotFound", aadsts: 90002, setting: "tenantId", tenant: UNKNOWN });
  });

  it("an unknown domain in tenantId", async () => {
    const app = await registerApp(emu, { delegated: ["User.Read"] });
    const client = emulatorClient(emu, app, { tenantId: "no-such-tenant.onmicrosoft.com" });
    await expect(client.signIn.getSignInUrl({ userId: "u" })).rejects.toMatchObject({ code: "TenantNotFound", aadsts: 90002 });
  });

  it("an unknown tenant in appTenantId, on a call with application permissions", async () => {
    const app = await registerApp(emu, { application: ["User.Read.All"], adminConsent: true });
    const client = emulatorClient(emu, app, { appTenantId: UNKNOWN });
    const err = await client.users.getUser({ userId: CONTOSO.adele.id }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TenantNotFoundError);
    expect(err).toMatchObject({ code: "TenantNotFound", setting: "appTenantId", tenant: UNKNOWN, aadsts: 90002 });
    expect((err as Error).message).toMatch(/settings\.appTenantId/);
  });

  it("an unknown appTenantId through the real Microsoft authority rerouted by an MSAL network client (token endpoint answers AADSTS90002)", async () => {
    const { emulatorNetworkClient } = await import("../../emulator/src/index.ts");
    const app = await registerApp(emu, { application: ["User.Read.All"], adminConsent: true });
    const client = emulatorClient(
      emu,
      app,
      { appTenantId: UNKNOWN, authorityHost: undefined },
      { networkClient: emulatorNetworkClient({ baseUrl: emu.baseUrl, caCert: emu.caCert }) },
    );
    await expect(client.getAppAccessToken()).rejects.toMatchObject({ code: "TenantNotFound", aadsts: 90002, setting: "appTenantId" });
  });
});

describe("a 401 InvalidAuthenticationToken gets one fresh token and one retry", () => {
  it("the emulator's clock ran ahead of the client's: the cached token is refused, a refreshed one works", async () => {
    const app = await registerApp(emu, { delegated: ["User.Read"] });
    const client = emulatorClient(emu, app);
    await signInAs(client, emu, { userId: "skew" });
    const before = await client.getUserAccessToken("skew");
    await moveClock(emu, "PT2H");
    const result = await client.users.getSignedInUser({ authUserId: "skew" });
    expect(result).toMatchObject({ ok: true, data: { id: CONTOSO.adele.id } });
    expect(await client.getUserAccessToken("skew")).not.toBe(before);
  });

  it("an application token refused by Graph is replaced, bypassing the cache", async () => {
    const app = await registerApp(emu, { application: ["User.Read.All"], adminConsent: true });
    const client = emulatorClient(emu, app, { appTenantId: CONTOSO.id });
    const first = await client.getAppAccessToken();
    await moveClock(emu, "PT2H");
    await client.users.getUser({ userId: CONTOSO.adele.id });
    expect(await client.getAppAccessToken()).not.toBe(first);
  });
});

describe("configuration failures that are not one of the five codes", () => {
  it("a wrong client secret is AuthenticationFailed with AADSTS7000215", async () => {
    const app = await registerApp(emu, { application: ["User.Read.All"], adminConsent: true });
    const client = emulatorClient(emu, { ...app, clientSecret: "wrong-secret-value" }, { appTenantId: CONTOSO.id });
    await expect(client.users.getUser({ userId: CONTOSO.adele.id })).rejects.toMatchObject({ code: "AuthenticationFailed", aadsts: 7000215 });
  });

  it("an application whose service principal is gone, once its token cache is cleared, is AuthenticationFailed with AADSTS7000229 (a cached token meets Graph's Authorization_IdentityNotFound instead)", async () => {
    const app = await registerApp(emu, { application: ["User.Read.All"], adminConsent: true });
    const client = emulatorClient(emu, app, { appTenantId: CONTOSO.id });
    await control(emu, "DELETE", `/tenants/${CONTOSO.id}/servicePrincipals/${app.appId}`);
    await expect(client.getAppAccessToken()).rejects.toMatchObject({ code: "AuthenticationFailed", aadsts: 7000229 });
  });
});
