import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfidentialClientApplication } from "@azure/msal-node";
import { SignJWT, decodeJwt, exportJWK, generateKeyPair } from "jose";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../support/emulator.ts";

/**
 * On-behalf-of (jwt-bearer, requested_token_use=on_behalf_of): a front end gets
 * a user token for its API; the API trades it with msal-node's
 * acquireTokenOnBehalfOf for a Graph token for the same user and calls /me.
 */
let emu: TestEmulator;
let api: { appId: string; clientSecret: string };
let unconsentedApi: { appId: string; clientSecret: string };
let frontEnd: { appId: string; clientSecret: string };
const GRAPH_ME = "https://graph.microsoft.com/User.Read";

async function register<T>(body: Record<string, unknown>): Promise<T> {
  const res = await fetch(`${emu.adminUrl}/tenants/${CONTOSO.id}/applications`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as T;
}

beforeAll(async () => {
  emu = await startTestEmulator();
  api = await register({ displayName: "Middle-tier API", identifierUris: ["api://middle-tier"], scopes: ["access_as_user"], accessTokenVersion: 2, delegatedPermissions: ["User.Read", "offline_access", "openid", "profile"], adminConsent: true });
  unconsentedApi = await register({ displayName: "Unconsented API", identifierUris: ["api://unconsented"], scopes: ["access_as_user"], delegatedPermissions: ["User.Read"] });
  frontEnd = await register({
    displayName: "OBO front end",
    apiPermissions: [
      { resource: "api://middle-tier", delegated: ["access_as_user"] },
      { resource: "api://unconsented", delegated: ["access_as_user"] },
    ],
    adminConsent: true,
  });
});
afterAll(async () => {
  await emu.close();
});

const cca = (c: { appId: string; clientSecret: string }) =>
  new ConfidentialClientApplication({ auth: { clientId: c.appId, clientSecret: c.clientSecret, authority: emu.authority(CONTOSO.id), knownAuthorities: [new URL(emu.baseUrl).host] } });

/** The user's token for an API, as the front end would get it (password grant for brevity). */
async function userTokenFor(scope: string, user: { upn: string; password: string } = CONTOSO.adele): Promise<string> {
  const res = await fetch(`${emu.authority(CONTOSO.id)}/oauth2/v2.0/token`, {
    method: "POST",
    body: new URLSearchParams({ grant_type: "password", client_id: frontEnd.appId, client_secret: frontEnd.clientSecret, username: user.upn, password: user.password, scope }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

async function oboRaw(c: { appId: string; clientSecret: string }, assertion: string, scope = `${GRAPH_ME} offline_access`) {
  const res = await fetch(`${emu.authority(CONTOSO.id)}/oauth2/v2.0/token`, {
    method: "POST",
    body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", requested_token_use: "on_behalf_of", client_id: c.appId, client_secret: c.clientSecret, assertion, scope }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("msal-node acquireTokenOnBehalfOf", () => {
  it("trades the user's API token for a Graph token for the same user, which /me accepts", async () => {
    const userToken = await userTokenFor("api://middle-tier/access_as_user");
    expect(decodeJwt(userToken).aud).toBe(api.appId);
    const result = await cca(api).acquireTokenOnBehalfOf({ oboAssertion: userToken, scopes: [GRAPH_ME] });
    expect(result).not.toBeNull();
    expect(decodeJwt(result!.accessToken)).toMatchObject({ aud: "https://graph.microsoft.com", appid: api.appId, oid: CONTOSO.adele.id, scp: "User.Read" });
    const me = await fetch(`${emu.graphBaseUrl}/me`, { headers: { authorization: `Bearer ${result!.accessToken}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { userPrincipalName: string }).userPrincipalName).toBe(CONTOSO.adele.upn);
  });

  it("issues a refresh token with offline_access, usable by the API", async () => {
    const { status, body } = await oboRaw(api, await userTokenFor("api://middle-tier/access_as_user"));
    expect(status).toBe(200);
    expect(body.refresh_token).toBeTruthy();
    const refreshed = await fetch(`${emu.authority(CONTOSO.id)}/oauth2/v2.0/token`, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "refresh_token", client_id: api.appId, client_secret: api.clientSecret, refresh_token: String(body.refresh_token), scope: GRAPH_ME }),
    });
    expect(refreshed.status).toBe(200);
  });
});

describe("refusals", () => {
  it("AADSTS500131 when the user's token is for another app", async () => {
    const otherApiToken = await userTokenFor("api://unconsented/access_as_user");
    const { status, body } = await oboRaw(api, otherApiToken);
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: "invalid_grant", error_codes: [500131] });
    expect(String(body.error_description)).toContain(`The audience in the assertion was 'api://unconsented' and the expected audience is '${api.appId}'`);
  });

  it("AADSTS65001 when nobody consented to the downstream scope for the API", async () => {
    const { status, body } = await oboRaw(unconsentedApi, await userTokenFor("api://unconsented/access_as_user"));
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: "invalid_grant", suberror: "consent_required", error_codes: [65001] });
  });

  it("AADSTS500133 for an expired user token (emulator clock)", async () => {
    const token = await userTokenFor("api://middle-tier/access_as_user");
    await fetch(`${emu.adminUrl}/clock`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ advance: "PT2H" }) });
    try {
      const { status, body } = await oboRaw(api, token);
      expect(status).toBe(400);
      expect(body).toMatchObject({ error: "invalid_grant", error_codes: [500133] });
    } finally {
      await fetch(`${emu.adminUrl}/clock`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ set: new Date().toISOString() }) });
    }
  });

  it("AADSTS50013 for a forged user token", async () => {
    const real = decodeJwt(await userTokenFor("api://middle-tier/access_as_user"));
    const { privateKey, publicKey } = await generateKeyPair("RS256");
    const kid = (await exportJWK(publicKey)).n!.slice(0, 20);
    const forged = await new SignJWT({ ...real }).setProtectedHeader({ alg: "RS256", typ: "JWT", kid }).sign(privateKey);
    const { status, body } = await oboRaw(api, forged);
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: "invalid_grant", error_codes: [50013] });
    expect(String(body.error_description)).toContain("[Reason - The key was not found.");
  });
});
