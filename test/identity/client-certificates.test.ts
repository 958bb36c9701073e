import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { X509Certificate, createPrivateKey } from "node:crypto";
import { ConfidentialClientApplication } from "@azure/msal-node";
import { SignJWT, decodeJwt, importPKCS8 } from "jose";
import { generate } from "selfsigned";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../support/emulator.ts";

/** Certificate credentials (RFC 7523 private_key_jwt) with msal-node's clientCertificate, and Entra's refusals. */
let emu: TestEmulator;
let app: { appId: string; clientSecret: string | null; certificates: { thumbprint: string; thumbprintSha256: string }[] };
let pems: { private: string; cert: string };
let otherPems: { private: string; cert: string };
const sha1 = (pem: string) => new X509Certificate(pem).fingerprint.replace(/:/g, "");
const sha256 = (pem: string) => new X509Certificate(pem).fingerprint256.replace(/:/g, "");

beforeAll(async () => {
  emu = await startTestEmulator();
  [pems, otherPems] = await Promise.all([
    generate([{ name: "commonName", value: "contoso-daemon-cert" }], { keySize: 2048 }),
    generate([{ name: "commonName", value: "someone-else" }], { keySize: 2048 }),
  ]);
  const res = await fetch(`${emu.adminUrl}/tenants/${CONTOSO.id}/applications`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ displayName: "Cert daemon", certificates: [pems.cert], applicationPermissions: ["User.Read.All"], adminConsent: true }),
  });
  expect(res.status).toBe(201);
  app = (await res.json()) as typeof app;
});
afterAll(async () => {
  await emu.close();
});

const tokenEndpoint = () => `${emu.baseUrl}/${CONTOSO.id}/oauth2/v2.0/token`;

function cca(privateKey: string, thumbprintSha256: string): ConfidentialClientApplication {
  return new ConfidentialClientApplication({
    auth: {
      clientId: app.appId,
      authority: emu.authority(CONTOSO.id),
      knownAuthorities: [new URL(emu.baseUrl).host],
      clientCertificate: { thumbprintSha256, privateKey },
    },
  });
}

async function assertion(privateKeyPem: string, header: Record<string, string>, claims: Record<string, unknown> = {}): Promise<string> {
  const key = await importPKCS8(createPrivateKey(privateKeyPem).export({ type: "pkcs8", format: "pem" }).toString(), "RS256");
  const now = Math.floor(Date.now() / 1000);
  const payload = { iss: app.appId, sub: app.appId, aud: tokenEndpoint(), iat: now, nbf: now, exp: now + 600, jti: crypto.randomUUID(), ...claims };
  return new SignJWT(payload).setProtectedHeader({ alg: "RS256", typ: "JWT", ...header }).sign(key);
}

async function redeem(clientAssertion: string) {
  const res = await fetch(tokenEndpoint(), {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: app.appId,
      scope: "https://graph.microsoft.com/.default",
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_assertion: clientAssertion,
    }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const x5t = (hex: string) => Buffer.from(hex, "hex").toString("base64url");

describe("registration", () => {
  it("stores the certificate's SHA-1 and SHA-256 thumbprints and issues no secret", () => {
    expect(app.clientSecret).toBeNull();
    expect(app.certificates[0]).toMatchObject({ thumbprint: sha1(pems.cert), thumbprintSha256: sha256(pems.cert) });
  });
  it("refuses text that is no certificate", async () => {
    const res = await fetch(`${emu.adminUrl}/tenants/${CONTOSO.id}/applications`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ displayName: "Bad cert", certificates: ["-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----"] }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("must be a PEM certificate");
  });
});

describe("msal-node clientCertificate", () => {
  it("gets an app-only Graph token, twice with the same assertion (MSAL reuses it), and Graph accepts it", async () => {
    const client = cca(pems.private, sha256(pems.cert));
    const first = await client.acquireTokenByClientCredential({ scopes: ["https://graph.microsoft.com/.default"], skipCache: true });
    const second = await client.acquireTokenByClientCredential({ scopes: ["https://graph.microsoft.com/.default"], skipCache: true });
    for (const r of [first, second]) expect(decodeJwt(r!.accessToken)).toMatchObject({ appid: app.appId, appidacr: "2", roles: ["User.Read.All"] });
    const users = await fetch(`${emu.graphBaseUrl}/users`, { headers: { authorization: `Bearer ${first!.accessToken}` } });
    expect(users.status).toBe(200);
  });

  it("is refused with AADSTS700027 when signed with another key under the registered thumbprint", async () => {
    const client = cca(otherPems.private, sha256(pems.cert));
    await expect(client.acquireTokenByClientCredential({ scopes: ["https://graph.microsoft.com/.default"], skipCache: true })).rejects.toMatchObject({
      errorCode: "invalid_client",
      errorMessage: expect.stringContaining("AADSTS700027: Client assertion contains an invalid signature. [Reason - The provided signature value did not match the expected signature value."),
    });
  });
});

describe("client assertions over HTTP", () => {
  it("accepts x5t (SHA-1) as well as x5t#S256", async () => {
    expect((await redeem(await assertion(pems.private, { x5t: x5t(sha1(pems.cert)) }))).status).toBe(200);
    expect((await redeem(await assertion(pems.private, { "x5t#S256": x5t(sha256(pems.cert)) }))).status).toBe(200);
  });

  it("answers 401 AADSTS700027 'key was not found' for an unknown thumbprint", async () => {
    const r = await redeem(await assertion(otherPems.private, { "x5t#S256": x5t(sha256(otherPems.cert)) }));
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ error: "invalid_client", error_codes: [700027] });
    expect(String(r.body.error_description)).toContain(`[Reason - The key was not found., Thumbprint of key used by client: '${sha256(otherPems.cert).toUpperCase()}'`);
  });

  it("answers AADSTS700024 for an assertion past its exp (and five minutes' skew) on the emulator clock", async () => {
    const a = await assertion(pems.private, { x5t: x5t(sha1(pems.cert)) });
    await fetch(`${emu.adminUrl}/clock`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ advance: "PT16M" }) });
    try {
      const r = await redeem(a);
      expect(r.status).toBe(401);
      expect(r.body).toMatchObject({ error: "invalid_client", error_codes: [700024] });
      expect(String(r.body.error_description)).toMatch(/^AADSTS700024: Client assertion is not within its valid time range\. Current time: \d{4}-\d\d-\d\dT[\d:.]{16}Z, /);
    } finally {
      await fetch(`${emu.adminUrl}/clock`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ set: new Date().toISOString() }) });
    }
  });

  it("refuses another audience, another subject and a malformed assertion", async () => {
    const aud = await redeem(await assertion(pems.private, { x5t: x5t(sha1(pems.cert)) }, { aud: "https://login.microsoftonline.com/other/oauth2/v2.0/token" }));
    expect(aud.body).toMatchObject({ error: "invalid_client", error_codes: [50027] });
    const sub = await redeem(await assertion(pems.private, { x5t: x5t(sha1(pems.cert)) }, { sub: CONTOSO.daemon.clientId }));
    expect(sub.body).toMatchObject({ error: "invalid_client", error_codes: [700021] });
    expect((await redeem("not-a-jwt")).body).toMatchObject({ error: "invalid_request", error_codes: [50027] });
  });

  it("asks a certificate app with no credential for one (AADSTS7000218), and refuses credentials from a public client (AADSTS700025)", async () => {
    const none = await fetch(tokenEndpoint(), { method: "POST", body: new URLSearchParams({ grant_type: "client_credentials", client_id: app.appId, scope: "https://graph.microsoft.com/.default" }) });
    expect(((await none.json()) as { error_codes: number[] }).error_codes).toEqual([7000218]);
    const reg = await fetch(`${emu.adminUrl}/tenants/${CONTOSO.id}/applications`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ displayName: "Public", publicClient: true, delegatedPermissions: ["User.Read"], adminConsent: true }),
    });
    const pub = (await reg.json()) as { appId: string };
    const res = await fetch(tokenEndpoint(), {
      method: "POST",
      body: new URLSearchParams({ grant_type: "password", client_id: pub.appId, client_secret: "anything-at-all", username: CONTOSO.adele.upn, password: CONTOSO.adele.password, scope: "User.Read" }),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error_codes: number[] }).error_codes).toEqual([700025]);
  });
});
