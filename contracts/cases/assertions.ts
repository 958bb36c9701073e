import { createPrivateKey, generateKeyPairSync, randomUUID, X509Certificate } from "node:crypto";
import { SignJWT, importPKCS8 } from "jose";
import { generate } from "selfsigned";
import type { ContractTarget } from "../target.ts";

/** Client assertions (RFC 7523) for the contract cases: signed with a registered certificate or with a stray key. */

export interface CertApp {
  clientId: string;
  privateKey: string;
  thumbprintSha256: string;
}

let certApp: Promise<CertApp> | undefined;

/** An app of the target's tenant with a certificate credential (emulator only: registered through the control plane). */
export function certificateApp(t: ContractTarget): Promise<CertApp> {
  certApp ??= (async () => {
    const pems = await generate([{ name: "commonName", value: "contract-cert" }], { keySize: 2048 });
    const app = await t.admin!.createApplication(t.tenantId, { displayName: "Contract cert app", certificates: [pems.cert], applicationPermissions: ["User.Read.All"], adminConsent: true });
    return { clientId: app.appId, privateKey: pems.private, thumbprintSha256: new X509Certificate(pems.cert).fingerprint256.replace(/:/g, "") };
  })();
  return certApp;
}

/** A signed assertion for `clientId`; `claims` override the usual ones (aud is the tenant's token endpoint). */
export async function signedAssertion(t: ContractTarget, clientId: string, privateKeyPem: string, thumbprintSha256: string, claims: Record<string, unknown> = {}): Promise<string> {
  const key = await importPKCS8(createPrivateKey(privateKeyPem).export({ type: "pkcs8", format: "pem" }).toString(), "RS256");
  const now = Math.floor(Date.now() / 1000);
  const payload = { iss: clientId, sub: clientId, aud: `${t.authorityHost}/${t.tenantId}/oauth2/v2.0/token`, iat: now, nbf: now, exp: now + 600, jti: randomUUID(), ...claims };
  return new SignJWT(payload).setProtectedHeader({ alg: "RS256", typ: "JWT", "x5t#S256": Buffer.from(thumbprintSha256, "hex").toString("base64url") }).sign(key);
}

/** A key no app has registered, with a made-up thumbprint. */
export function strayKey(): { privateKey: string; thumbprintSha256: string } {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { privateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString(), thumbprintSha256: "AB".repeat(32) };
}

export const assertionCredentials = (clientId: string, assertion: string) => ({
  grant_type: "client_credentials",
  client_id: clientId,
  scope: "https://graph.microsoft.com/.default",
  client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
  client_assertion: assertion,
});
