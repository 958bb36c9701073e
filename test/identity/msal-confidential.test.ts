import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ConfidentialClientApplication, CryptoProvider, InteractionRequiredAuthError } from "@azure/msal-node";
import { decodeJwt } from "jose";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../support/emulator.ts";
import { FormBrowser, redirectParams } from "../support/browser.ts";

/**
 * An unmodified msal-node ConfidentialClientApplication against the emulator's
 * own authority (setup A of the reference notes): https, knownAuthorities, and
 * the emulator's CA trusted through NODE_EXTRA_CA_CERTS.
 */
let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu.close();
});
afterEach(() => {
  vi.useRealTimers();
});

function webApp(): ConfidentialClientApplication {
  return new ConfidentialClientApplication({
    auth: {
      clientId: CONTOSO.webApp.clientId,
      clientSecret: CONTOSO.webApp.secret,
      authority: emu.authority(CONTOSO.id),
      knownAuthorities: [new URL(emu.baseUrl).host],
    },
  });
}

async function signInWithCode(app: ConfidentialClientApplication, scopes: string[], user = CONTOSO.adele) {
  const pkce = await new CryptoProvider().generatePkceCodes();
  const state = "state-" + Math.random().toString(36).slice(2);
  const url = await app.getAuthCodeUrl({
    scopes,
    redirectUri: CONTOSO.webApp.redirectUri,
    codeChallenge: pkce.challenge,
    codeChallengeMethod: "S256",
    state,
    nonce: "nonce-123",
  });
  const browser = new FormBrowser(emu.baseUrl);
  const signInPage = await browser.get(url);
  expect(signInPage.status).toBe(200);
  let step = await browser.signIn(signInPage, user.upn, user.password);
  if (step.status === 200) step = await browser.consent(step, true);
  const params = redirectParams(step);
  expect(params.get("state")).toBe(state);
  expect(params.get("client_info")).toBeTruthy();
  expect(params.get("session_state")).toBeTruthy();
  const result = await app.acquireTokenByCode(
    { code: params.get("code") as string, scopes, redirectUri: CONTOSO.webApp.redirectUri, codeVerifier: pkce.verifier, nonce: "nonce-123", state },
    { code: params.get("code") as string, state: params.get("state") as string, client_info: params.get("client_info") as string },
  );
  return { result, browser, pkce };
}

async function graphMe(token: string): Promise<Response> {
  return fetch(`${emu.graphBaseUrl}/me`, { headers: { authorization: `Bearer ${token}` } });
}

describe("msal-node ConfidentialClientApplication against the emulator authority", () => {
  it("signs in with the authorization code flow (sign-in and consent forms), and the token works on /v1.0/me", async () => {
    const app = webApp();
    const { result } = await signInWithCode(app, ["User.Read", "Calendars.ReadWrite"]);
    expect(result.account?.homeAccountId).toBe(`${CONTOSO.adele.id}.${CONTOSO.id}`);
    expect(result.account?.username).toBe(CONTOSO.adele.upn);
    expect(result.tenantId).toBe(CONTOSO.id);
    expect(result.idTokenClaims).toMatchObject({ nonce: "nonce-123", aud: CONTOSO.webApp.clientId, tid: CONTOSO.id, oid: CONTOSO.adele.id });
    const claims = decodeJwt(result.accessToken);
    expect(claims).toMatchObject({
      aud: "00000003-0000-0000-c000-000000000000",
      iss: `https://sts.windows.net/${CONTOSO.id}/`,
      tid: CONTOSO.id,
      oid: CONTOSO.adele.id,
      appid: CONTOSO.webApp.clientId,
      idtyp: "user",
    });
    expect(String(claims.scp).split(" ").sort()).toEqual(["Calendars.ReadWrite", "User.Read"]);

    const me = await graphMe(result.accessToken);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ id: CONTOSO.adele.id, displayName: "Adele Vance", userPrincipalName: CONTOSO.adele.upn });
  });

  it("acquireTokenSilent refreshes once the access token has expired on both clocks", async () => {
    const app = webApp();
    const { result } = await signInWithCode(app, ["User.Read"]);
    const account = result.account!;
    // A cached token comes back without a network call.
    const cached = await app.acquireTokenSilent({ account, scopes: ["User.Read"] });
    expect(cached.accessToken).toBe(result.accessToken);

    // Move the emulator two hours on: the old token is now refused by Graph...
    await fetch(`${emu.adminUrl}/clock`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ advance: "PT2H" }) });
    expect((await graphMe(result.accessToken)).status).toBe(401);
    // ...and MSAL keeps its own clock, so move that too (only Date is faked).
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(emu.clock.now());

    const renewed = await app.acquireTokenSilent({ account, scopes: ["User.Read"] });
    expect(renewed.accessToken).not.toBe(result.accessToken);
    expect(renewed.fromCache).toBe(false);
    vi.useRealTimers();
    expect((await graphMe(renewed.accessToken)).status).toBe(200);
  });

  it("acquireTokenByClientCredential returns an app token with roles, which /me refuses as app-only", async () => {
    const daemon = new ConfidentialClientApplication({
      auth: {
        clientId: CONTOSO.daemon.clientId,
        clientSecret: CONTOSO.daemon.secret,
        authority: emu.authority(CONTOSO.id),
        knownAuthorities: [new URL(emu.baseUrl).host],
      },
    });
    const result = await daemon.acquireTokenByClientCredential({ scopes: ["https://graph.microsoft.com/.default"] });
    expect(result?.account).toBeNull();
    const claims = decodeJwt(result!.accessToken);
    expect(claims).toMatchObject({ aud: "https://graph.microsoft.com", idtyp: "app", appid: CONTOSO.daemon.clientId, tid: CONTOSO.id });
    expect(claims.roles).toEqual(["User.Read.All", "Calendars.ReadWrite"]);
    expect(claims.scp).toBeUndefined();
    // Cached until shortly before expiry.
    const again = await daemon.acquireTokenByClientCredential({ scopes: ["https://graph.microsoft.com/.default"] });
    expect(again?.accessToken).toBe(result!.accessToken);
    const me = await graphMe(result!.accessToken);
    expect(me.status).toBe(400);
    expect((await me.json()).error).toMatchObject({ code: "BadRequest", message: "/me request is only valid with delegated authentication flow." });
  });

  it("an idle refresh token dies after 90 days (AADSTS700082) and MSAL drops it", async () => {
    const app = webApp();
    const { result } = await signInWithCode(app, ["User.Read"]);
    await fetch(`${emu.adminUrl}/clock`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ advance: "P91D" }) });
    const err = await app.acquireTokenSilent({ account: result.account!, scopes: ["User.Read"], forceRefresh: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InteractionRequiredAuthError);
    expect(String((err as InteractionRequiredAuthError).errorNo)).toBe("700082");
    expect((err as InteractionRequiredAuthError).subError).toBe("bad_token");
    const next = await app.acquireTokenSilent({ account: result.account!, scopes: ["User.Read"], forceRefresh: true }).catch((e: unknown) => e);
    expect((next as { errorCode?: string }).errorCode).toBe("no_tokens_found");
  });

  it("a refresh token revoked through the control plane fails with AADSTS50173", async () => {
    const app = webApp();
    const { result } = await signInWithCode(app, ["User.Read"]);
    const revoke = await fetch(`${emu.adminUrl}/tenants/${CONTOSO.id}/users/${CONTOSO.adele.id}/revokeSignInSessions`, { method: "POST" });
    expect(revoke.status).toBe(200);
    const err = await app.acquireTokenSilent({ account: result.account!, scopes: ["User.Read"], forceRefresh: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InteractionRequiredAuthError);
    expect(String((err as InteractionRequiredAuthError).errorNo)).toBe("50173");
  });
});
