import { request } from "node:https";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { X509Certificate } from "node:crypto";
import type { TLSSocket } from "node:tls";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from "jose";
import { afterAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../emulator/src/testing/index.ts";
import { CONTOSO } from "../support/emulator.ts";

/**
 * The first in-memory start of a process (this file's own worker): the CA and server certificate
 * are EC P-256, and the RSA signing key is still being made when start resolves. A token asked for
 * at once waits for it; the token is RS256 and verifies against the published keys; Node's https,
 * trusting only the emulator's CA, accepts the certificate.
 */
let emu: RunningEmulator | undefined;
afterAll(async () => {
  await emu?.close();
});

/** One HTTPS request trusting only `ca` (not Node's roots, not NODE_EXTRA_CA_CERTS); the server's certificate with the answer. */
function get(url: string, ca: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; body: string; peer: X509Certificate }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? "GET", ca: [ca], headers: init.headers, agent: false }, (res) => {
      const peer = new X509Certificate((res.socket as TLSSocket).getPeerCertificate().raw);
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, peer }));
    });
    req.on("error", reject);
    req.end(init.body);
  });
}

describe("the first in-memory start of a process", () => {
  it("answers a token request made at once with an RS256 token that verifies against its keys, over a certificate its CA vouches for", async () => {
    emu = await startEmulator({ port: 0, inMemory: true, quiet: true });
    const body = new URLSearchParams({ grant_type: "client_credentials", client_id: CONTOSO.daemon.clientId, client_secret: CONTOSO.daemon.secret, scope: "https://graph.microsoft.com/.default" }).toString();
    // No wait between start and the token request: the signing key may still be in the making.
    const tokenAnswer = await get(`${emu.authority(CONTOSO.id)}/oauth2/v2.0/token`, emu.caCert, { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(tokenAnswer.status).toBe(200);
    const token = (JSON.parse(tokenAnswer.body) as { access_token: string }).access_token;

    const keys = await get(`${emu.authority(CONTOSO.id)}/discovery/v2.0/keys`, emu.caCert);
    const jwks = JSON.parse(keys.body) as JSONWebKeySet;
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig" });
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: "RS256", kid: jwks.keys[0]?.kid });
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { algorithms: ["RS256"] });
    expect(payload.appid).toBe(CONTOSO.daemon.clientId);
    const users = await get(`${emu.graphBaseUrl}/users?$top=1`, emu.caCert, { headers: { authorization: `Bearer ${token}` } });
    expect(users.status).toBe(200);

    const ca = new X509Certificate(emu.caCert);
    expect(ca.ca).toBe(true);
    expect(ca.publicKey.asymmetricKeyType).toBe("ec");
    const server = tokenAnswer.peer;
    expect(server.publicKey.asymmetricKeyType).toBe("ec");
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.subjectAltName).toBe("DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1");
    expect(server.checkHost("localhost")).toBe("localhost");
  });

  it("refuses the certificate to a client that does not trust the emulator's CA", async () => {
    const other = new X509Certificate(emu?.caCert as string);
    expect(other.ca).toBe(true);
    const elsewhere = await startEmulator({ port: 0, inMemory: true, quiet: true, hostnames: ["emulator.test"] });
    try {
      // Another set of host names gets a CA of its own, which the first emulator's clients do not trust.
      expect(elsewhere.caCert).not.toBe(emu?.caCert);
      await expect(get(`${elsewhere.adminUrl}/health`, emu?.caCert as string)).rejects.toThrow(/certificate/i);
      expect((await get(`${elsewhere.adminUrl}/health`, elsewhere.caCert)).status).toBe(200);
    } finally {
      await elsewhere.close();
    }
  });

  it("resolves once the server has answered a request over HTTPS, which the journal does not show", async () => {
    const seen: string[] = [];
    const onRequest = (message: unknown) => void seen.push((message as { request: { url: string } }).request.url);
    subscribe("http.server.request.start", onRequest);
    let other: RunningEmulator | undefined;
    try {
      other = await startEmulator({ port: 0, inMemory: true, quiet: true });
      // Answered before start resolved: the start's own request reached the server through its pipeline.
      expect(seen).toEqual(["/_emulator/requests?limit=1"]);
      expect(other.journal.query()).toEqual([]);
      expect(await other.admin.requests()).toEqual([]);
    } finally {
      unsubscribe("http.server.request.start", onRequest);
      await other?.close();
    }
  });
});
