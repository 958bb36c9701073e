import { readFileSync } from "node:fs";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { decodeJwt, decodeProtectedHeader, generateKeyPair, importJWK, SignJWT, type JWK, type JWTPayload } from "jose";
import { CONTOSO, FABRIKAM, startTestEmulator, type TestEmulator } from "../support/emulator.ts";

/**
 * The Graph token check (emulator/src/graph/auth.ts) as seen from outside:
 * every failure is a 401 InvalidAuthenticationToken in Graph's error format
 * with a WWW-Authenticate challenge; a verified token without a fitting scope
 * is a 403.
 */
let emu: TestEmulator;

const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
const GRAPH_URI = "https://graph.microsoft.com";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function control(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${emu.adminUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function consent(scopes: string[]): Promise<void> {
  const res = await control("POST", `/tenants/${CONTOSO.id}/consents`, {
    clientId: CONTOSO.webApp.clientId,
    consentType: "AllPrincipals",
    scopes,
  });
  expect(res.status).toBe(201);
}

/** A real emulator access token for Adele in the Contoso Web Portal, through grant_type=password. */
async function passwordToken(scope = "User.Read openid profile offline_access"): Promise<string> {
  const res = await fetch(`${emu.baseUrl}/${CONTOSO.id}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "password",
      client_id: CONTOSO.webApp.clientId,
      client_secret: CONTOSO.webApp.secret,
      username: CONTOSO.adele.upn,
      password: CONTOSO.adele.password,
      scope,
    }),
  });
  const body = (await res.json()) as { access_token?: string };
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body.access_token as string;
}

function me(token: string | undefined, headers: Record<string, string> = {}, path = "/me"): Promise<Response> {
  return fetch(`${emu.graphBaseUrl}${path}`, {
    headers: token === undefined ? headers : { ...headers, authorization: `Bearer ${token}` },
  });
}

interface GraphErrorBody {
  error: { code: string; message: string; innerError: { date: string; "request-id": string; "client-request-id": string } };
}

/** Checks Graph's error envelope and returns it. */
async function expectGraphError(res: Response, status: number, code: string): Promise<GraphErrorBody["error"]> {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  const body = (await res.json()) as GraphErrorBody;
  expect(Object.keys(body)).toEqual(["error"]);
  expect(Object.keys(body.error).sort()).toEqual(["code", "innerError", "message"]);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe("string");
  expect(Object.keys(body.error.innerError).sort()).toEqual(["client-request-id", "date", "request-id"]);
  expect(body.error.innerError.date).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  expect(body.error.innerError["request-id"]).toMatch(GUID);
  expect(body.error.innerError["request-id"]).toBe(res.headers.get("request-id"));
  expect(body.error.innerError["client-request-id"]).toMatch(GUID);
  return body.error;
}

/** A 401 InvalidAuthenticationToken with Graph's challenge; returns the message. */
async function expect401(res: Response): Promise<string> {
  const error = await expectGraphError(res, 401, "InvalidAuthenticationToken");
  const challenge = res.headers.get("www-authenticate");
  expect(challenge).not.toBeNull();
  expect(challenge!.startsWith('Bearer realm=""')).toBe(true);
  expect(challenge).toContain(`authorization_uri="${emu.baseUrl}/common/oauth2/authorize"`);
  expect(challenge).toContain(`client_id="${GRAPH_APP_ID}"`);
  return error.message;
}

/** The emulator's own signing key, read from the data dir it was started with. */
function emulatorKeyJwk(): JWK {
  return JSON.parse(readFileSync(join(emu.dataDir, "signing-key.json"), "utf8")) as JWK;
}

/** Signs `payload` with the emulator's real key and the header the emulator uses. */
async function signWithEmulatorKey(payload: JWTPayload, headerFrom: string): Promise<string> {
  const key = await importJWK({ ...emulatorKeyJwk(), alg: "RS256" }, "RS256");
  const header = decodeProtectedHeader(headerFrom);
  return new SignJWT(payload).setProtectedHeader({ ...header, alg: "RS256" }).sign(key);
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

beforeAll(async () => {
  emu = await startTestEmulator();
  // The Web Portal has no admin consent in the fixtures; ROPC cannot prompt.
  await consent(["User.Read"]);
});
afterAll(async () => {
  await emu?.close();
});
afterEach(() => {
  emu.clock.reset();
});

describe("GET /v1.0/me with a valid token", () => {
  it("accepts a real emulator token from grant_type=password", async () => {
    const token = await passwordToken();
    expect(decodeJwt(token)).toMatchObject({ aud: GRAPH_APP_ID, tid: CONTOSO.id, oid: CONTOSO.adele.id, scp: "User.Read" });
    const res = await me(token);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: CONTOSO.adele.id, userPrincipalName: CONTOSO.adele.upn });
  });

  it("accepts both Graph audiences: the app id (scope User.Read) and the URI (scope https://graph.microsoft.com/User.Read)", async () => {
    const byId = await passwordToken("User.Read");
    expect(decodeJwt(byId).aud).toBe(GRAPH_APP_ID);
    expect((await me(byId)).status).toBe(200);

    const byUri = await passwordToken(`${GRAPH_URI}/User.Read`);
    expect(decodeJwt(byUri).aud).toBe(GRAPH_URI);
    expect((await me(byUri)).status).toBe(200);
  });

  it("tolerates five minutes of clock skew either side", async () => {
    const token = await passwordToken();
    const { nbf, exp } = decodeJwt(token) as { nbf: number; exp: number };
    // Just before nbf, within the tolerance.
    emu.clock.set(new Date((nbf - 240) * 1000));
    expect((await me(token)).status).toBe(200);
    // Just after exp, within the tolerance.
    emu.clock.set(new Date((exp + 240) * 1000));
    expect((await me(token)).status).toBe(200);
  });
});

describe("GET /v1.0/me refuses bad tokens with 401 InvalidAuthenticationToken", () => {
  it("no Authorization header: Access token is empty.", async () => {
    expect(await expect401(await me(undefined))).toBe("Access token is empty.");
  });

  it("an empty bearer value or another scheme: Access token is empty.", async () => {
    expect(await expect401(await me(undefined, { authorization: "Bearer " }))).toBe("Access token is empty.");
    expect(await expect401(await me(undefined, { authorization: "Basic dXNlcjpwYXNz" }))).toBe("Access token is empty.");
  });

  it("a token with no dots: IDX14100", async () => {
    const message = await expect401(await me("notajwtatall"));
    expect(message.startsWith("IDX14100")).toBe(true);
  });

  it("a token signed by another RSA key with the same kid", async () => {
    const real = await passwordToken();
    const other = await generateKeyPair("RS256");
    const forged = await new SignJWT(decodeJwt(real)).setProtectedHeader({ ...decodeProtectedHeader(real), alg: "RS256" }).sign(other.privateKey);
    expect(decodeProtectedHeader(forged).kid).toBe(decodeProtectedHeader(real).kid);
    expect(await expect401(await me(forged))).toBe("Access token validation failure.");
  });

  it("a tampered payload under the real signature", async () => {
    const real = await passwordToken();
    const [h, , s] = real.split(".");
    const payload = { ...decodeJwt(real), oid: CONTOSO.megan.id };
    expect(await expect401(await me(`${h}.${b64url(payload)}.${s}`))).toBe("Access token validation failure.");
  });

  it("a tampered payload under the signature of a token already verified and cached", async () => {
    // The verified-token cache is looked up by the token's last characters (its signature's):
    // a token that shares them must still be checked in full, not taken from the cache.
    const real = await passwordToken();
    expect((await me(real)).status).toBe(200);
    const [h, , s] = real.split(".");
    const payload = { ...decodeJwt(real), oid: CONTOSO.megan.id };
    expect(await expect401(await me(`${h}.${b64url(payload)}.${s}`))).toBe("Access token validation failure.");
    expect((await me(real)).status).toBe(200);
  });

  it("an unsecured JWT (alg none)", async () => {
    const real = await passwordToken();
    const unsecured = `${b64url({ alg: "none", typ: "JWT" })}.${b64url(decodeJwt(real))}.`;
    expect(await expect401(await me(unsecured))).toBe("Access token validation failure.");
  });

  it("an HS256 token signed with some secret", async () => {
    const real = await passwordToken();
    const secret = new TextEncoder().encode("some-shared-secret-that-is-long-enough-for-hs256");
    const hs = await new SignJWT(decodeJwt(real)).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(secret);
    expect(await expect401(await me(hs))).toBe("Access token validation failure.");
  });

  it("an HS256 token keyed with the emulator's public key (algorithm confusion)", async () => {
    const real = await passwordToken();
    const { n, e } = emulatorKeyJwk();
    const hs = await new SignJWT(decodeJwt(real))
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .sign(new TextEncoder().encode(JSON.stringify({ e, kty: "RSA", n })));
    expect(await expect401(await me(hs))).toBe("Access token validation failure.");
  });

  it("garbage with dots", async () => {
    expect(await expect401(await me("a.b.c"))).toBe("Access token validation failure.");
    expect(await expect401(await me("...."))).toBe("Access token validation failure.");
  });

  it("an expired token: Access token has expired or is not yet valid.", async () => {
    const token = await passwordToken();
    expect((await me(token)).status).toBe(200);
    const moved = await control("POST", "/clock", { advance: "PT2H" });
    expect(moved.status).toBe(200);
    expect(await expect401(await me(token))).toBe("Access token has expired or is not yet valid.");
  });

  it("a token that is not yet valid: Access token has expired or is not yet valid.", async () => {
    const token = await passwordToken();
    const nbf = decodeJwt(token).nbf as number;
    const set = await control("POST", "/clock", { set: new Date((nbf - 600) * 1000).toISOString() });
    expect(set.status).toBe(200);
    expect(await expect401(await me(token))).toBe("Access token has expired or is not yet valid.");
  });

  it("another audience, forged with a wrong key: refused on the signature", async () => {
    const real = await passwordToken();
    const other = await generateKeyPair("RS256");
    const forged = await new SignJWT({ ...decodeJwt(real), aud: "api://other" })
      .setProtectedHeader({ ...decodeProtectedHeader(real), alg: "RS256" })
      .sign(other.privateKey);
    expect(await expect401(await me(forged))).toBe("Access token validation failure.");
  });

  it("another audience with a valid signature: Invalid audience.", async () => {
    const real = await passwordToken();
    const token = await signWithEmulatorKey({ ...decodeJwt(real), aud: "api://other" }, real);
    expect(await expect401(await me(token))).toBe("Access token validation failure. Invalid audience.");
  });

  it("a valid signature and an audience given as an array: Invalid audience.", async () => {
    const real = await passwordToken();
    const token = await signWithEmulatorKey({ ...decodeJwt(real), aud: [GRAPH_APP_ID, "api://other"] }, real);
    expect(await expect401(await me(token))).toBe("Access token validation failure. Invalid audience.");
  });

  it("a valid signature and an iss naming an unknown tenant: Invalid issuer.", async () => {
    const real = await passwordToken();
    const unknown = randomUUID();
    const token = await signWithEmulatorKey({ ...decodeJwt(real), tid: unknown, iss: `https://sts.windows.net/${unknown}/` }, real);
    expect(await expect401(await me(token))).toBe("Access token validation failure. Invalid issuer.");
  });

  it("a valid signature and an iss that does not match tid: Invalid issuer.", async () => {
    const real = await passwordToken();
    const token = await signWithEmulatorKey({ ...decodeJwt(real), iss: `https://sts.windows.net/${FABRIKAM.id}/` }, real);
    expect(await expect401(await me(token))).toBe("Access token validation failure. Invalid issuer.");
    const v2 = await signWithEmulatorKey({ ...decodeJwt(real), iss: `${emu.baseUrl}/${CONTOSO.id}/v2.0` }, real);
    expect(await expect401(await me(v2))).toBe("Access token validation failure. Invalid issuer.");
  });

  it("a valid signature but no exp or nbf", async () => {
    const real = await passwordToken();
    const { exp: _exp, ...noExp } = decodeJwt(real);
    expect(await expect401(await me(await signWithEmulatorKey(noExp, real)))).toBe("Access token validation failure.");
    const { nbf: _nbf, ...noNbf } = decodeJwt(real);
    expect(await expect401(await me(await signWithEmulatorKey(noNbf, real)))).toBe("Access token validation failure.");
  });

  it("an ID token (audience is the client, v2.0 issuer): Invalid audience.", async () => {
    const res = await fetch(`${emu.baseUrl}/${CONTOSO.id}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "password",
        client_id: CONTOSO.webApp.clientId,
        client_secret: CONTOSO.webApp.secret,
        username: CONTOSO.adele.upn,
        password: CONTOSO.adele.password,
        scope: "User.Read openid profile",
      }),
    });
    const { id_token } = (await res.json()) as { id_token: string };
    expect(decodeJwt(id_token).aud).toBe(CONTOSO.webApp.clientId);
    expect(await expect401(await me(id_token))).toBe("Access token validation failure. Invalid audience.");
  });
});

describe("after the token check", () => {
  it("a valid user token without any User.* scope gets 403 Authorization_RequestDenied", async () => {
    await consent(["Calendars.Read"]);
    const token = await passwordToken("Calendars.Read");
    expect(decodeJwt(token).scp).toBe("Calendars.Read");
    const res = await me(token);
    const error = await expectGraphError(res, 403, "Authorization_RequestDenied");
    expect(error.message).toBe("Insufficient privileges to complete the operation.");
    expect(res.headers.get("www-authenticate")).toBeNull();
  });

  it("an unknown Graph path gets 400 BadRequest", async () => {
    const token = await passwordToken();
    const error = await expectGraphError(await me(token, {}, "/nothing"), 400, "BadRequest");
    expect(error.message).toBe("Resource not found for the segment 'nothing'.");
  });

  it("an unknown Graph path without a token is still a 401 (the token check runs first)", async () => {
    expect(await expect401(await me(undefined, {}, "/nothing"))).toBe("Access token is empty.");
  });

  it("echoes a client-request-id header in the response header and innerError", async () => {
    const clientRequestId = randomUUID();
    const res = await me(undefined, { "client-request-id": clientRequestId });
    expect(res.headers.get("client-request-id")).toBe(clientRequestId);
    const error = await expectGraphError(res, 401, "InvalidAuthenticationToken");
    expect(error.innerError["client-request-id"]).toBe(clientRequestId);
    expect(error.innerError["request-id"]).not.toBe(clientRequestId);
  });

  it("without a client-request-id, innerError repeats the request-id and no client-request-id header is sent", async () => {
    const res = await me(undefined);
    expect(res.headers.get("client-request-id")).toBeNull();
    const error = await expectGraphError(res, 401, "InvalidAuthenticationToken");
    expect(error.innerError["client-request-id"]).toBe(error.innerError["request-id"]);
  });

  it("innerError.date follows the emulator clock", async () => {
    await control("POST", "/clock", { set: "2027-03-04T05:06:07Z" });
    const error = await expectGraphError(await me(undefined), 401, "InvalidAuthenticationToken");
    expect(error.innerError.date.startsWith("2027-03-04T05:06:")).toBe(true);
  });
});
