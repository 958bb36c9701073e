import { createServer, request } from "node:https";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generate } from "selfsigned";
import { afterEach, describe, expect, it } from "vitest";
import { loadOrCreateTls } from "./certificates.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "graph-emulator-tls-"));
  dirs.push(d);
  return d;
}

/** A TLS handshake with a server on `cert`/`key`, from a client trusting only `ca`: the status of one request. */
async function handshake(cert: string, key: string, ca: string): Promise<number> {
  const server = createServer({ cert, key }, (_req, res) => res.end("ok"));
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise((resolve, reject) => {
      request(`https://localhost:${port}/`, { ca: [ca], agent: false }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      })
        .on("error", reject)
        .end();
    });
  } finally {
    server.close();
  }
}

describe("loadOrCreateTls", () => {
  it("makes an EC P-256 CA and a server certificate it signed, for localhost, the loopback addresses and the extra hosts", async () => {
    const dir = tempDir();
    const tls = await loadOrCreateTls(dir, ["emulator.test", "10.1.2.3", "fe80::1"]);
    const ca = new X509Certificate(tls.caCert);
    const server = new X509Certificate(tls.cert);
    expect(ca.ca).toBe(true);
    expect(ca.subject).toMatch(/^CN=Graph Emulator Local CA [0-9a-f]{8}$/);
    expect(ca.publicKey.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
    expect(server.ca).toBe(false);
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.subjectAltName).toBe("DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:emulator.test, IP Address:10.1.2.3, IP Address:FE80:0:0:0:0:0:0:1");
    expect(server.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1"]);
    expect(new Date(server.validTo).getTime() - Date.now()).toBeGreaterThan(360 * 86_400_000);
    expect(new Date(ca.validTo).getTime() - Date.now()).toBeGreaterThan(9 * 365 * 86_400_000);
    expect(tls.caFile).toBe(join(dir, "ca.pem"));
    expect(await handshake(tls.cert, tls.key, tls.caCert)).toBe(200);
    // Loaded again as it is.
    expect((await loadOrCreateTls(dir, ["emulator.test"])).cert).toBe(tls.cert);
  });

  it("renews the server certificate of a data dir made before with an RSA CA, signed by that CA", async () => {
    const dir = tempDir();
    const rsaCa = await generate([{ name: "commonName", value: "Graph Emulator Local CA 0badcafe" }], {
      keySize: 2048,
      algorithm: "sha256",
      extensions: [
        { name: "basicConstraints", cA: true, critical: true },
        { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
      ],
    });
    writeFileSync(join(dir, "ca.pem"), rsaCa.cert);
    writeFileSync(join(dir, "ca-key.pem"), rsaCa.private);
    // A server certificate that does not cover the host asked for now: it is made again.
    writeFileSync(join(dir, "server.pem"), rsaCa.cert);
    writeFileSync(join(dir, "server-key.pem"), rsaCa.private);
    const tls = await loadOrCreateTls(dir, ["emulator.test"]);
    expect(tls.caCert).toBe(rsaCa.cert);
    const server = new X509Certificate(tls.cert);
    expect(server.checkIssued(new X509Certificate(rsaCa.cert))).toBe(true);
    expect(server.verify(new X509Certificate(rsaCa.cert).publicKey)).toBe(true);
    expect(server.subjectAltName).toContain("DNS:emulator.test");
    expect(readFileSync(join(dir, "server.pem"), "utf8")).toBe(tls.cert);
    expect(await handshake(tls.cert, tls.key, rsaCa.cert)).toBe(200);
  });

  it("makes a CA of its own each time in memory", async () => {
    const [a, b] = await Promise.all([loadOrCreateTls(undefined), loadOrCreateTls(undefined)]);
    expect(a.caFile).toBeUndefined();
    expect(a.caCert).not.toBe(b.caCert);
    expect(await handshake(a.cert, a.key, a.caCert)).toBe(200);
    await expect(handshake(a.cert, a.key, b.caCert)).rejects.toThrow(/certificate/i);
  });
});
