import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  AuthError,
  ClientAuthError,
  ConfidentialClientApplication,
  CryptoProvider,
  InteractionRequiredAuthError,
  PublicClientApplication,
  ServerError,
  type AccountInfo,
} from "@azure/msal-node";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../support/emulator.ts";
import { FormBrowser, redirectParams, type Step } from "../support/browser.ts";

/**
 * Every AADSTS error the emulator answers, checked on the wire (status,
 * `error`, `suberror`, `error_codes`, the description's trailer and the
 * id/timestamp fields) and, where msal-node can reach the case, by the error
 * class MSAL turns it into: that class decides whether an app falls back to
 * interactive sign-in (InteractionRequiredAuthError) or fails (ServerError).
 */

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu.close();
});
beforeEach(async () => {
  const res = await fetch(`${emu.adminUrl}/reset`, { method: "POST" });
  expect(res.status).toBe(200);
});

const UNKNOWN_TENANT_GUID = "11111111-2222-4333-8444-555555555555";
const UNKNOWN_TENANT_DOMAIN = "no-such-tenant.onmicrosoft.com";
const UNKNOWN_CLIENT_ID = "22222222-3333-4444-8555-666666666666";
const WEB = CONTOSO.webApp;
const OTHER_REDIRECT_URI = "https://localhost:3000/auth/callback"; // registered for the web app, but not the one the code was issued for

// ---------------------------------------------------------------------------
// Wire-level helpers
// ---------------------------------------------------------------------------

interface Expected {
  status: number;
  error: string;
  /** The expected `suberror`; leave out to require that there is none. */
  suberror?: string;
  code: number;
}

/** POSTs a form to a tenant's token endpoint, with a client-request-id Entra should echo as correlation_id. */
async function token(tenant: string, form: Record<string, string>): Promise<Response> {
  return fetch(`${emu.baseUrl}/${tenant}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "client-request-id": crypto.randomUUID() },
    body: new URLSearchParams(form).toString(),
  });
}

function discovery(tenant: string): Promise<Response> {
  return fetch(`${emu.baseUrl}/${tenant}/v2.0/.well-known/openid-configuration`, {
    headers: { "client-request-id": crypto.randomUUID() },
  });
}

const webSecret = { client_id: WEB.clientId, client_secret: WEB.secret };

/** ROPC for a user of Contoso through the web app (a confidential client). */
function ropc(username: string, password: string, scope: string, client: Record<string, string> = webSecret): Promise<Response> {
  return token(CONTOSO.id, { grant_type: "password", username, password, scope, ...client });
}

/** Asserts Entra's JSON error format (reference §3) and returns the body. */
async function expectEntraError(res: Response, want: Expected): Promise<Record<string, unknown>> {
  const text = await res.text();
  expect(res.status, text).toBe(want.status);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  expect(res.headers.get("www-authenticate")).toBeNull();
  const body = JSON.parse(text) as Record<string, unknown>;
  expect(body.error).toBe(want.error);
  if (want.suberror === undefined) expect(body).not.toHaveProperty("suberror");
  else expect(body.suberror).toBe(want.suberror);

  expect(Array.isArray(body.error_codes)).toBe(true);
  expect((body.error_codes as unknown[])[0]).toBe(want.code);
  const description = body.error_description;
  expect(typeof description).toBe("string");
  expect(description as string).toMatch(new RegExp(`^AADSTS${want.code}: `));
  expect(description).toContain("\r\nTrace ID: ");
  expect(description).toContain("\r\nCorrelation ID: ");
  expect(description).toContain("\r\nTimestamp: ");

  for (const field of ["timestamp", "trace_id", "correlation_id", "error_uri"]) {
    expect(typeof body[field], field).toBe("string");
    expect((body[field] as string).length, field).toBeGreaterThan(0);
  }
  // The trailer repeats the fields, and the timestamp is in Entra's "2016-01-09 02:02:12Z" style.
  expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
  expect(description).toContain(`\r\nTrace ID: ${String(body.trace_id)}`);
  expect(description).toContain(`\r\nCorrelation ID: ${String(body.correlation_id)}`);
  expect(description).toContain(`\r\nTimestamp: ${String(body.timestamp)}`);
  expect(body.error_uri).toMatch(new RegExp(`[?&]code=${want.code}$`));
  return body;
}

/** Asserts the error class msal-node produced, its errorCode and errorNo. */
function expectMsalError(
  err: unknown,
  kind: "ServerError" | "InteractionRequiredAuthError",
  errorCode: string,
  code: number,
): void {
  if (kind === "ServerError") {
    expect(err).toBeInstanceOf(ServerError);
    expect(err).not.toBeInstanceOf(InteractionRequiredAuthError);
  } else {
    expect(err).toBeInstanceOf(InteractionRequiredAuthError);
    expect(err).not.toBeInstanceOf(ServerError);
  }
  const e = err as ServerError | InteractionRequiredAuthError;
  expect(e.errorCode).toBe(errorCode);
  expect(String(e.errorNo)).toBe(String(code));
}

/** Awaits an MSAL call that must fail, and returns what it threw. */
async function failure(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    (ok) => {
      throw new Error(`expected MSAL to throw, got ${JSON.stringify(ok)?.slice(0, 300)}`);
    },
    (err: unknown) => err,
  );
}

async function admin(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${emu.adminUrl}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  });
}

async function advanceClock(duration: string): Promise<void> {
  expect((await admin("POST", "/clock", { advance: duration })).status).toBe(200);
}

/** A raw refresh token for Adele in the web app: consent through the control plane, then ROPC. */
async function rawRefreshToken(): Promise<string> {
  const consent = await admin("POST", `/tenants/${CONTOSO.id}/consents`, {
    clientId: WEB.clientId,
    consentType: "Principal",
    principalId: CONTOSO.adele.id,
    scopes: ["User.Read"],
  });
  expect(consent.status).toBe(201);
  const res = await ropc(CONTOSO.adele.upn, CONTOSO.adele.password, "openid offline_access User.Read");
  const body = (await res.json()) as { refresh_token?: string };
  expect(res.status, JSON.stringify(body)).toBe(200);
  expect(body.refresh_token).toBeTruthy();
  return body.refresh_token as string;
}

// ---------------------------------------------------------------------------
// MSAL helpers
// ---------------------------------------------------------------------------

function cca(clientId: string, clientSecret: string, tenant: string = CONTOSO.id): ConfidentialClientApplication {
  return new ConfidentialClientApplication({
    auth: { clientId, clientSecret, authority: emu.authority(tenant), knownAuthorities: [new URL(emu.baseUrl).host] },
  });
}
const webApp = () => cca(WEB.clientId, WEB.secret);
const daemon = (secret: string = CONTOSO.daemon.secret) => cca(CONTOSO.daemon.clientId, secret);

interface IssuedCode {
  code: string;
  state: string;
  clientInfo: string;
  verifier: string;
  scopes: string[];
}

/** Drives /authorize through the sign-in (and consent) forms and returns the code, not yet redeemed. */
async function authorizeCode(app: ConfidentialClientApplication, scopes: string[], user = CONTOSO.adele): Promise<IssuedCode> {
  const pkce = await new CryptoProvider().generatePkceCodes();
  const state = "state-" + Math.random().toString(36).slice(2);
  const url = await app.getAuthCodeUrl({
    scopes,
    redirectUri: WEB.redirectUri,
    codeChallenge: pkce.challenge,
    codeChallengeMethod: "S256",
    state,
  });
  const browser = new FormBrowser(emu.baseUrl);
  const signInPage = await browser.get(url);
  expect(signInPage.status).toBe(200);
  let step = await browser.signIn(signInPage, user.upn, user.password);
  if (step.status === 200) step = await browser.consent(step, true);
  const params = redirectParams(step);
  expect(params.get("state")).toBe(state);
  return {
    code: params.get("code") as string,
    state,
    clientInfo: params.get("client_info") as string,
    verifier: pkce.verifier,
    scopes,
  };
}

function redeem(app: ConfidentialClientApplication, issued: IssuedCode, overrides: { codeVerifier?: string; redirectUri?: string } = {}) {
  return app.acquireTokenByCode(
    {
      code: issued.code,
      scopes: issued.scopes,
      redirectUri: overrides.redirectUri ?? WEB.redirectUri,
      codeVerifier: overrides.codeVerifier ?? issued.verifier,
      state: issued.state,
    },
    { code: issued.code, state: issued.state, client_info: issued.clientInfo },
  );
}

/** Signs Adele in to the web app with the code flow and returns her MSAL account. */
async function signIn(app: ConfidentialClientApplication, scopes: string[] = ["User.Read"]): Promise<AccountInfo> {
  const result = await redeem(app, await authorizeCode(app, scopes));
  expect(result.account).toBeTruthy();
  return result.account as AccountInfo;
}

// ---------------------------------------------------------------------------
// /authorize helpers
// ---------------------------------------------------------------------------

function authorizeUrl(params: Record<string, string>, tenant: string = CONTOSO.id): string {
  const query = new URLSearchParams({
    client_id: WEB.clientId,
    response_type: "code",
    redirect_uri: WEB.redirectUri,
    scope: "openid profile offline_access User.Read",
    state: "st-" + Math.random().toString(36).slice(2),
    ...params,
  });
  return `${emu.baseUrl}/${tenant}/oauth2/v2.0/authorize?${query.toString()}`;
}

/** Entra's own error page: shown, never redirected, since the redirect URI cannot be trusted (or the user must see it). */
function expectErrorPage(step: Step, code: number): void {
  expect(step.status).toBe(400);
  expect(step.location).toBeUndefined();
  expect(step.html).toContain(`AADSTS${code}`);
  expect(step.html).toMatch(/<html/i);
}

/** An error sent back to the app's redirect URI, with Entra's description trailer. */
function expectErrorRedirect(step: Step, want: { error: string; code: number; state: string }): URLSearchParams {
  const params = redirectParams(step);
  expect(step.location?.startsWith(WEB.redirectUri + "?")).toBe(true);
  expect(params.get("error")).toBe(want.error);
  expect(params.get("code")).toBeNull();
  const description = params.get("error_description") ?? "";
  expect(description).toMatch(new RegExp(`^AADSTS${want.code}: `));
  expect(description).toContain("\r\nTrace ID: ");
  expect(description).toContain("\r\nCorrelation ID: ");
  expect(description).toContain("\r\nTimestamp: ");
  expect(params.get("error_uri")).toMatch(new RegExp(`[?&]code=${want.code}$`));
  expect(params.get("state")).toBe(want.state);
  return params;
}

// ---------------------------------------------------------------------------
// Token endpoint and discovery: single-request cases
// ---------------------------------------------------------------------------

interface TableCase extends Expected {
  name: string;
  send: () => Promise<Response>;
  /** The same case through msal-node, when MSAL can reach it. */
  msal?: { kind: "ServerError" | "InteractionRequiredAuthError"; call: () => Promise<unknown> };
}

const table: TableCase[] = [
  {
    name: "90002 unknown tenant (GUID) at the token endpoint",
    status: 400, error: "invalid_tenant", code: 90002,
    send: () => token(UNKNOWN_TENANT_GUID, { grant_type: "client_credentials", client_id: CONTOSO.daemon.clientId, client_secret: CONTOSO.daemon.secret, scope: "https://graph.microsoft.com/.default" }),
  },
  {
    name: "90002 unknown tenant (domain) at the token endpoint",
    status: 400, error: "invalid_tenant", code: 90002,
    send: () => token(UNKNOWN_TENANT_DOMAIN, { grant_type: "password", username: CONTOSO.adele.upn, password: CONTOSO.adele.password, scope: "User.Read", ...webSecret }),
  },
  {
    name: "90002 unknown tenant (GUID) at discovery",
    status: 400, error: "invalid_tenant", code: 90002,
    send: () => discovery(UNKNOWN_TENANT_GUID),
  },
  {
    name: "90002 unknown tenant (domain) at discovery",
    status: 400, error: "invalid_tenant", code: 90002,
    send: () => discovery(UNKNOWN_TENANT_DOMAIN),
  },
  {
    name: "900023 malformed tenant at the token endpoint",
    status: 400, error: "invalid_request", code: 900023,
    send: () => token("not_a_tenant!", { grant_type: "client_credentials", client_id: CONTOSO.daemon.clientId, client_secret: CONTOSO.daemon.secret, scope: "https://graph.microsoft.com/.default" }),
  },
  {
    name: "900023 malformed tenant at discovery",
    status: 400, error: "invalid_request", code: 900023,
    send: () => discovery("not_a_tenant!"),
  },
  {
    name: "700016 unknown application (client credentials)",
    status: 400, error: "unauthorized_client", code: 700016,
    send: () => token(CONTOSO.id, { grant_type: "client_credentials", client_id: UNKNOWN_CLIENT_ID, client_secret: "whatever", scope: "https://graph.microsoft.com/.default" }),
    msal: { kind: "ServerError", call: () => cca(UNKNOWN_CLIENT_ID, "whatever").acquireTokenByClientCredential({ scopes: ["https://graph.microsoft.com/.default"] }) },
  },
  {
    name: "7000215 wrong client secret",
    status: 401, error: "invalid_client", code: 7000215,
    send: () => token(CONTOSO.id, { grant_type: "client_credentials", client_id: CONTOSO.daemon.clientId, client_secret: "not-the-secret", scope: "https://graph.microsoft.com/.default" }),
    msal: { kind: "ServerError", call: () => daemon("not-the-secret").acquireTokenByClientCredential({ scopes: ["https://graph.microsoft.com/.default"] }) },
  },
  {
    name: "7000218 confidential client sent no secret",
    status: 401, error: "invalid_client", code: 7000218,
    send: () => ropc(CONTOSO.adele.upn, CONTOSO.adele.password, "User.Read", { client_id: WEB.clientId }),
    // A public client application using the web app's id sends no credential at all.
    msal: {
      kind: "ServerError",
      call: () =>
        new PublicClientApplication({
          auth: { clientId: WEB.clientId, authority: emu.authority(CONTOSO.id), knownAuthorities: [new URL(emu.baseUrl).host] },
        }).acquireTokenByUsernamePassword({ scopes: ["User.Read"], username: CONTOSO.adele.upn, password: CONTOSO.adele.password }),
    },
  },
  {
    name: "65001 consent required (ROPC for a scope never consented)",
    status: 400, error: "invalid_grant", suberror: "consent_required", code: 65001,
    send: () => ropc(CONTOSO.adele.upn, CONTOSO.adele.password, "openid offline_access Mail.Read"),
    msal: {
      kind: "InteractionRequiredAuthError",
      call: () => webApp().acquireTokenByUsernamePassword({ scopes: ["Mail.Read"], username: CONTOSO.adele.upn, password: CONTOSO.adele.password }),
    },
  },
  {
    name: "70011 invalid scope (ROPC)",
    status: 400, error: "invalid_scope", code: 70011,
    send: () => ropc(CONTOSO.adele.upn, CONTOSO.adele.password, "openid User.Nope"),
    msal: {
      kind: "ServerError",
      call: () => webApp().acquireTokenByUsernamePassword({ scopes: ["User.Nope"], username: CONTOSO.adele.upn, password: CONTOSO.adele.password }),
    },
  },
  {
    name: "1002012 client credentials without /.default",
    status: 400, error: "invalid_scope", code: 1002012,
    send: () => token(CONTOSO.id, { grant_type: "client_credentials", client_id: CONTOSO.daemon.clientId, client_secret: CONTOSO.daemon.secret, scope: "https://graph.microsoft.com/User.Read.All" }),
    msal: { kind: "ServerError", call: () => daemon().acquireTokenByClientCredential({ scopes: ["https://graph.microsoft.com/User.Read.All"] }) },
  },
  {
    name: "9002313 malformed request (garbage refresh token)",
    status: 400, error: "invalid_grant", code: 9002313,
    send: () => token(CONTOSO.id, { grant_type: "refresh_token", refresh_token: "garbage", scope: "User.Read", ...webSecret }),
    msal: { kind: "ServerError", call: () => webApp().acquireTokenByRefreshToken({ refreshToken: "garbage", scopes: ["User.Read"] }) },
  },
  {
    name: "50126 wrong password (ROPC)",
    status: 400, error: "invalid_grant", code: 50126,
    send: () => ropc(CONTOSO.adele.upn, "wrong-password", "User.Read"),
    msal: {
      kind: "ServerError",
      call: () => webApp().acquireTokenByUsernamePassword({ scopes: ["User.Read"], username: CONTOSO.adele.upn, password: "wrong-password" }),
    },
  },
  {
    name: "50057 disabled user (ROPC)",
    status: 400, error: "invalid_grant", code: 50057,
    send: () => ropc(CONTOSO.disabled.upn, CONTOSO.disabled.password, "User.Read"),
    msal: {
      kind: "ServerError",
      call: () => webApp().acquireTokenByUsernamePassword({ scopes: ["User.Read"], username: CONTOSO.disabled.upn, password: CONTOSO.disabled.password }),
    },
  },
  {
    name: "900144 missing grant_type",
    status: 400, error: "invalid_request", code: 900144,
    send: () => token(CONTOSO.id, { scope: "User.Read", ...webSecret }),
  },
  {
    name: "70003 unsupported grant_type",
    status: 400, error: "unsupported_grant_type", code: 70003,
    send: () => token(CONTOSO.id, { grant_type: "magic_link", scope: "User.Read", ...webSecret }),
  },
  {
    name: "50059 client credentials on /common",
    status: 400, error: "invalid_request", code: 50059,
    send: () => token("common", { grant_type: "client_credentials", client_id: CONTOSO.daemon.clientId, client_secret: CONTOSO.daemon.secret, scope: "https://graph.microsoft.com/.default" }),
  },
];

describe("token endpoint and discovery errors", () => {
  it.each(table)("$name", async (c) => {
    await expectEntraError(await c.send(), c);
    if (c.msal) expectMsalError(await failure(c.msal.call()), c.msal.kind, c.error, c.code);
  });

  it("Entra echoes a client-request-id GUID as the correlation ID", async () => {
    const id = crypto.randomUUID();
    const res = await fetch(`${emu.baseUrl}/${CONTOSO.id}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "client-request-id": id },
      body: new URLSearchParams({ scope: "User.Read", ...webSecret }).toString(),
    });
    const body = await expectEntraError(res, { status: 400, error: "invalid_request", code: 900144 });
    expect(body.correlation_id).toBe(id);
  });

  // MSAL stops before the token request in these cases, with a ClientAuthError of its own.
  it.each([
    { name: "90002 unknown tenant", tenant: UNKNOWN_TENANT_GUID, errorCode: "endpoints_resolution_error" },
    { name: "900023 malformed tenant", tenant: "not_a_tenant!", errorCode: "endpoints_resolution_error" },
    { name: "50059 client credentials on /common", tenant: "common", errorCode: "missing_tenant_id_error" },
  ])("$name: msal-node fails on its side with $errorCode (not a ServerError)", async ({ tenant, errorCode }) => {
    const app = cca(CONTOSO.daemon.clientId, CONTOSO.daemon.secret, tenant);
    const err = await failure(app.acquireTokenByClientCredential({ scopes: ["https://graph.microsoft.com/.default"] }));
    expect(err).toBeInstanceOf(ClientAuthError);
    expect(err).not.toBeInstanceOf(ServerError);
    expect(err).not.toBeInstanceOf(InteractionRequiredAuthError);
    expect((err as ClientAuthError).errorCode).toBe(errorCode);
  });
});

// ---------------------------------------------------------------------------
// Token endpoint: cases that need a signed-in user, a code, or time
// ---------------------------------------------------------------------------

describe("grant lifecycle errors", () => {
  it("65001: consent withdrawn through the control plane → acquireTokenSilent(forceRefresh) throws InteractionRequiredAuthError", async () => {
    const app = webApp();
    const account = await signIn(app, ["User.Read"]);

    const list = await admin("GET", `/tenants/${CONTOSO.id}/consents`);
    expect(list.status).toBe(200);
    const grants = (await list.json()) as { id: string; clientId: string; principalId: string | null }[];
    const mine = grants.filter((g) => g.clientId.toLowerCase() === WEB.clientId && g.principalId === CONTOSO.adele.id);
    expect(mine).toHaveLength(1);
    expect((await admin("DELETE", `/tenants/${CONTOSO.id}/consents/${mine[0]!.id}`)).status).toBe(204);

    const err = await failure(app.acquireTokenSilent({ account, scopes: ["User.Read"], forceRefresh: true }));
    expectMsalError(err, "InteractionRequiredAuthError", "invalid_grant", 65001);
    expect((err as InteractionRequiredAuthError).subError).toBe("consent_required");
  });

  it("70011: an unknown scope on the refresh grant", async () => {
    const rt = await rawRefreshToken();
    await expectEntraError(await token(CONTOSO.id, { grant_type: "refresh_token", refresh_token: rt, scope: "User.Nope", ...webSecret }), {
      status: 400, error: "invalid_scope", code: 70011,
    });
    const app = webApp();
    const account = await signIn(app);
    expectMsalError(await failure(app.acquireTokenSilent({ account, scopes: ["User.Nope"], forceRefresh: true })), "ServerError", "invalid_scope", 70011);
  });

  it("700082: a refresh token idle for 91 days → invalid_grant/bad_token, InteractionRequiredAuthError, and MSAL drops it", async () => {
    const app = webApp();
    const account = await signIn(app);
    const rt = await rawRefreshToken();
    await advanceClock("P91D");

    await expectEntraError(await token(CONTOSO.id, { grant_type: "refresh_token", refresh_token: rt, scope: "User.Read", ...webSecret }), {
      status: 400, error: "invalid_grant", suberror: "bad_token", code: 700082,
    });

    const err = await failure(app.acquireTokenSilent({ account, scopes: ["User.Read"], forceRefresh: true }));
    expectMsalError(err, "InteractionRequiredAuthError", "invalid_grant", 700082);
    expect((err as InteractionRequiredAuthError).subError).toBe("bad_token");
    const next = await failure(app.acquireTokenSilent({ account, scopes: ["User.Read"], forceRefresh: true }));
    expect((next as AuthError).errorCode).toBe("no_tokens_found");
  });

  it("50173: sessions revoked through the control plane → invalid_grant/bad_token, InteractionRequiredAuthError", async () => {
    const app = webApp();
    const account = await signIn(app);
    const rt = await rawRefreshToken();
    // Keep "issued before the revocation" strict even if both land in the same millisecond.
    await advanceClock("PT1M");
    const revoke = await admin("POST", `/tenants/${CONTOSO.id}/users/${CONTOSO.adele.id}/revokeSignInSessions`);
    expect(revoke.status).toBe(200);

    await expectEntraError(await token(CONTOSO.id, { grant_type: "refresh_token", refresh_token: rt, scope: "User.Read", ...webSecret }), {
      status: 400, error: "invalid_grant", suberror: "bad_token", code: 50173,
    });
    const err = await failure(app.acquireTokenSilent({ account, scopes: ["User.Read"], forceRefresh: true }));
    expectMsalError(err, "InteractionRequiredAuthError", "invalid_grant", 50173);
  });

  it("54005: an authorization code redeemed twice → ServerError", async () => {
    const app = webApp();
    const issued = await authorizeCode(app, ["User.Read"]);
    const first = await redeem(app, issued);
    expect(first.accessToken).toBeTruthy();

    expectMsalError(await failure(redeem(app, issued)), "ServerError", "invalid_grant", 54005);
    const res = await token(CONTOSO.id, {
      grant_type: "authorization_code", code: issued.code, redirect_uri: WEB.redirectUri, code_verifier: issued.verifier, scope: "User.Read", ...webSecret,
    });
    const body = await expectEntraError(res, { status: 400, error: "invalid_grant", code: 54005 });
    expect(body.error_codes).toEqual([54005]);
  });

  it("501481: a PKCE verifier that does not match the challenge → ServerError", async () => {
    const app = webApp();
    const issued = await authorizeCode(app, ["User.Read"]);
    const wrong = (await new CryptoProvider().generatePkceCodes()).verifier;

    expectMsalError(await failure(redeem(app, issued, { codeVerifier: wrong })), "ServerError", "invalid_grant", 501481);
    // A failed PKCE check does not spend the code, so the same mismatch shows on the wire.
    const res = await token(CONTOSO.id, {
      grant_type: "authorization_code", code: issued.code, redirect_uri: WEB.redirectUri, code_verifier: wrong, scope: "User.Read", ...webSecret,
    });
    await expectEntraError(res, { status: 400, error: "invalid_grant", code: 501481 });
  });

  it("500112: redeeming a code with another redirect URI than the one it was issued for → ServerError", async () => {
    const app = webApp();
    const issued = await authorizeCode(app, ["User.Read"]);
    expectMsalError(await failure(redeem(app, issued, { redirectUri: OTHER_REDIRECT_URI })), "ServerError", "invalid_client", 500112);
    const res = await token(CONTOSO.id, {
      grant_type: "authorization_code", code: issued.code, redirect_uri: OTHER_REDIRECT_URI, code_verifier: issued.verifier, scope: "User.Read", ...webSecret,
    });
    await expectEntraError(res, { status: 400, error: "invalid_client", code: 500112 });
  });
});

// ---------------------------------------------------------------------------
// /authorize: errors shown on Entra's page and errors redirected to the app
// ---------------------------------------------------------------------------

describe("authorize errors", () => {
  it("50011: a redirect URI that is not registered is shown on Entra's page, not redirected", async () => {
    const res = await fetch(authorizeUrl({ redirect_uri: "https://evil.example/callback" }), { redirect: "manual" });
    expect(res.headers.get("www-authenticate")).toBeNull();
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expectErrorPage({ status: res.status, location: res.headers.get("location") ?? undefined, html, url: res.url }, 50011);
    expect(html).not.toContain("evil.example/callback?");
  });

  it("65004: the user declines consent → redirected with error=consent_required and the state", async () => {
    const browser = new FormBrowser(emu.baseUrl);
    const url = authorizeUrl({ state: "declined-state" });
    const signInPage = await browser.get(url);
    expect(signInPage.status).toBe(200);
    const consentPage = await browser.signIn(signInPage, CONTOSO.adele.upn, CONTOSO.adele.password);
    expect(consentPage.status).toBe(200);
    const step = await browser.consent(consentPage, false);
    expectErrorRedirect(step, { error: "consent_required", code: 65004, state: "declined-state" });
  });

  it("50058: prompt=none without a session → redirected with error=login_required", async () => {
    const browser = new FormBrowser(emu.baseUrl);
    const step = await browser.get(authorizeUrl({ prompt: "none", state: "silent-state" }));
    expectErrorRedirect(step, { error: "login_required", code: 50058, state: "silent-state" });
  });

  it("90094: a non-admin user asked for an admin-only scope sees Entra's page", async () => {
    const browser = new FormBrowser(emu.baseUrl);
    const signInPage = await browser.get(authorizeUrl({ scope: "openid profile User.Read.All" }));
    expect(signInPage.status).toBe(200);
    const step = await browser.signIn(signInPage, CONTOSO.adele.upn, CONTOSO.adele.password);
    expectErrorPage(step, 90094);
  });
});
