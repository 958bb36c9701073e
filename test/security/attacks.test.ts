import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SignJWT, decodeJwt, decodeProtectedHeader, importJWK, type JWK } from "jose";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CONTOSO, FABRIKAM, startTestEmulator, type TestEmulator } from "../support/emulator.ts";
import { FormBrowser } from "../support/browser.ts";

/**
 * Forged and replayed requests that Entra and Graph refuse, gathered in one
 * place. (More cases live beside the features: test/graph/token-check.test.ts
 * for signatures, algorithms, lifetimes and audiences; test/identity/entra-errors.test.ts
 * for code reuse and PKCE.)
 */
let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
  await emu.admin.grantConsent(CONTOSO.id, { clientId: CONTOSO.webApp.clientId, consentType: "AllPrincipals", scopes: ["User.Read"] });
});
afterAll(async () => {
  await emu.close();
});

async function token(tenant: string, params: Record<string, string>) {
  const res = await fetch(`${emu.baseUrl}/${tenant}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const adeleTokens = () =>
  token(CONTOSO.id, {
    grant_type: "password",
    client_id: CONTOSO.webApp.clientId,
    client_secret: CONTOSO.webApp.secret,
    username: CONTOSO.adele.upn,
    password: CONTOSO.adele.password,
    scope: "User.Read offline_access openid",
  });

async function me(accessToken: string) {
  const res = await fetch(`${emu.graphBaseUrl}/me`, { headers: { authorization: `Bearer ${accessToken}` } });
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } };
}

describe("token forgery", () => {
  it("a token naming a kid the issuer never published is refused, even when signed with the right key", async () => {
    const { body } = await adeleTokens();
    const jwk = JSON.parse(readFileSync(join(emu.dataDir, "signing-key.json"), "utf8")) as JWK;
    const key = await importJWK({ ...jwk, alg: "RS256" }, "RS256");
    const claims = decodeJwt(body.access_token as string);
    const otherKid = await new SignJWT(claims).setProtectedHeader({ alg: "RS256", typ: "JWT", kid: "not-a-known-kid" }).sign(key);
    const res = await me(otherKid);
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: "InvalidAuthenticationToken", message: "Access token validation failure." });
    // The genuine token names the published kid and is accepted.
    const published = (await (await fetch(`${emu.baseUrl}/${CONTOSO.id}/discovery/v2.0/keys`)).json()) as { keys: { kid: string }[] };
    expect(published.keys.map((k) => k.kid)).toContain(decodeProtectedHeader(body.access_token as string).kid);
    expect((await me(body.access_token as string)).status).toBe(200);
  });

  it("an ID token is not an access token", async () => {
    const { body } = await adeleTokens();
    const res = await me(body.id_token as string);
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: "InvalidAuthenticationToken", message: "Access token validation failure. Invalid audience." });
  });
});

describe("redirect URIs must match exactly", () => {
  it.each([
    ["case", "http://localhost:3000/Auth/Callback"],
    ["path", "http://localhost:3000/auth/callback/extra"],
    ["port", "http://localhost:3001/auth/callback"],
    ["query", "http://localhost:3000/auth/callback?next=https://evil.example"],
    ["scheme", "https://localhost:3000/auth/callback/"],
    ["host", "http://evil.example/auth/callback"],
  ])("a redirect URI differing by %s stays on Entra's page with AADSTS50011 (no redirect)", async (_what, redirectUri) => {
    const url = `${emu.baseUrl}/${CONTOSO.id}/oauth2/v2.0/authorize?${new URLSearchParams({ client_id: CONTOSO.webApp.clientId, response_type: "code", redirect_uri: redirectUri, scope: "User.Read", state: "s" })}`;
    const page = await new FormBrowser(emu.baseUrl).get(url);
    expect(page.status).toBe(400);
    expect(page.location).toBeUndefined();
    expect(page.html).toContain("AADSTS50011");
  });
});

describe("grants and clients", () => {
  it("a refresh token of client A cannot be redeemed by client B", async () => {
    const { body } = await adeleTokens();
    const res = await token(CONTOSO.id, {
      grant_type: "refresh_token",
      client_id: CONTOSO.teamTools.clientId,
      client_secret: CONTOSO.teamTools.secret,
      refresh_token: body.refresh_token as string,
      scope: "User.Read",
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: "invalid_grant", error_codes: [9002313] });
  });

  it("another app's secret does not authenticate this app (AADSTS7000215)", async () => {
    const res = await token(CONTOSO.id, {
      grant_type: "client_credentials",
      client_id: CONTOSO.daemon.clientId,
      client_secret: CONTOSO.webApp.secret,
      scope: "https://graph.microsoft.com/.default",
    });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: "invalid_client", error_codes: [7000215] });
  });

  it("a refresh token of tenant A is refused on tenant B's token endpoint", async () => {
    const { body } = await adeleTokens();
    const res = await token(FABRIKAM.id, {
      grant_type: "refresh_token",
      client_id: CONTOSO.webApp.clientId,
      client_secret: CONTOSO.webApp.secret,
      refresh_token: body.refresh_token as string,
      scope: "User.Read",
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe("invalid_grant");
  });

  it("an app token of tenant A is refused by tenant B's Graph resources", async () => {
    const app = await token(CONTOSO.id, { grant_type: "client_credentials", client_id: CONTOSO.daemon.clientId, client_secret: CONTOSO.daemon.secret, scope: "https://graph.microsoft.com/.default" });
    const res = await fetch(`${emu.graphBaseUrl}/users/BenW@fabrikam.onmicrosoft.com`, { headers: { authorization: `Bearer ${app.body.access_token as string}` } });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("Request_ResourceNotFound");
  });
});
