import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { randomBytes, X509Certificate } from "node:crypto";

/**
 * The certificate issuer, loaded only when a certificate has to be made: it
 * pulls in an X.509 and ASN.1 stack, which a start with certificates on disk
 * never needs.
 */
async function issuer(): Promise<typeof import("./issue.ts")> {
  return import("./issue.ts");
}

export interface TlsMaterial {
  /** PEM of the local certificate authority that signed the server certificate. */
  caCert: string;
  cert: string;
  key: string;
  /** Where the CA lives on disk, for NODE_EXTRA_CA_CERTS; undefined for in-memory runs. */
  caFile: string | undefined;
}

const FILES = { caCert: "ca.pem", caKey: "ca-key.pem", cert: "server.pem", key: "server-key.pem" } as const;
const YEAR_MS = 365 * 86_400_000;

/**
 * Loads the local CA and the server certificate from `dir`, or creates them
 * (CA valid ten years, server certificate one year, renewed when it has less
 * than a week left). With no `dir` the material is made fresh in memory.
 */
export async function loadOrCreateTls(dir: string | undefined, extraHosts: string[] = []): Promise<TlsMaterial> {
  const hosts = extraHosts.filter((h) => !["localhost", "127.0.0.1", "::1", "0.0.0.0", "::"].includes(h));
  if (dir && existsSync(join(dir, FILES.caCert)) && existsSync(join(dir, FILES.cert))) {
    const [caCert, caKey, cert, key] = await Promise.all(
      [FILES.caCert, FILES.caKey, FILES.cert, FILES.key].map((f) => readFile(join(dir, f), "utf8")),
    ) as [string, string, string, string];
    const x509 = new X509Certificate(cert);
    const names = x509.subjectAltName ?? "";
    const coversHosts = hosts.every((h) => names.includes(`:${h}`));
    if (coversHosts && new Date(x509.validTo).getTime() - Date.now() > 7 * 86_400_000) {
      return { caCert, cert, key, caFile: join(dir, FILES.caCert) };
    }
    const server = await createServerCert(caCert, caKey, hosts);
    await writePrivate(dir, FILES.cert, server.cert);
    await writePrivate(dir, FILES.key, server.key);
    return { caCert, ...server, caFile: join(dir, FILES.caCert) };
  }
  // Each CA has a name of its own: TLS clients find an issuer by name, and one that trusts two
  // emulators' CAs of the same name (NODE_EXTRA_CA_CERTS for one, a dispatcher for another) would
  // check a certificate against the wrong key.
  const ca = await (await issuer()).issueCa(`Graph Emulator Local CA ${randomBytes(4).toString("hex")}`, new Date(Date.now() + 10 * YEAR_MS));
  const server = await createServerCert(ca.cert, ca.key, hosts);
  if (!dir) return { caCert: ca.cert, ...server, caFile: undefined };
  await mkdir(dir, { recursive: true });
  await writePrivate(dir, FILES.caKey, ca.key);
  await writePrivate(dir, FILES.key, server.key);
  await writeFile(join(dir, FILES.caCert), ca.cert);
  await writeFile(join(dir, FILES.cert), server.cert);
  return { caCert: ca.cert, ...server, caFile: join(dir, FILES.caCert) };
}

/** A server certificate for localhost, 127.0.0.1, ::1 and any other host the emulator listens on. */
async function createServerCert(caCert: string, caKey: string, hosts: string[]): Promise<{ cert: string; key: string }> {
  return (await issuer()).issueServerCert(caCert, caKey, hosts, new Date(Date.now() + YEAR_MS));
}

async function writePrivate(dir: string, name: string, text: string): Promise<void> {
  await writeFile(join(dir, name), text, { mode: 0o600 });
}
