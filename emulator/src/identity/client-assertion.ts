import { X509Certificate } from "node:crypto";
import { compactVerify, decodeJwt, decodeProtectedHeader, type JWTPayload, type ProtectedHeaderParameters } from "jose";
import { entraErrors } from "../errors/entra-catalogue.ts";
import type { DeepReadonly } from "../store/store.ts";
import type { Application, ClientCertificate } from "../store/types.ts";
import type { IdentityDeps } from "./context.ts";

export const JWT_BEARER_ASSERTION = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** Thumbprints and validity of a PEM certificate, as an app registration stores them. */
export function describeCertificate(pem: string, keyId: string): ClientCertificate {
  const cert = new X509Certificate(pem);
  return {
    keyId,
    thumbprint: cert.fingerprint.replace(/:/g, "").toUpperCase(),
    thumbprintSha256: cert.fingerprint256.replace(/:/g, "").toUpperCase(),
    startDateTime: new Date(cert.validFrom).toISOString(),
    endDateTime: new Date(cert.validTo).toISOString(),
    pem: cert.toString(),
  };
}

/** The clock skew allowed on exp and nbf: five minutes, Microsoft.IdentityModel's default, which Entra's validation follows. */
const CLOCK_SKEW_S = 300;

const hexOf = (b64url: string) => Buffer.from(b64url, "base64url").toString("hex").toUpperCase();

/**
 * Verifies an RFC 7523 client assertion (private_key_jwt) as Entra does: the
 * certificate named by `x5t#S256` or `x5t`, its signature, `iss`/`sub` equal to
 * the client id, `aud` this tenant's token endpoint, and `exp`/`nbf` on the
 * emulator clock. A `jti` seen before is accepted, like Entra: MSAL reuses one
 * assertion for its ten minutes.
 */
export async function verifyClientAssertion(
  deps: IdentityDeps,
  app: DeepReadonly<Application>,
  assertion: string,
  audience: { origin: string; tenantId: string },
): Promise<void> {
  let header: ProtectedHeaderParameters;
  let claims: JWTPayload;
  try {
    header = decodeProtectedHeader(assertion);
    claims = decodeJwt(assertion);
  } catch {
    throw entraErrors.malformedAssertion();
  }
  const certificates = app.certificates ?? [];
  const s256 = typeof header["x5t#S256"] === "string" ? hexOf(header["x5t#S256"]) : undefined;
  const sha1 = typeof header.x5t === "string" ? hexOf(header.x5t) : undefined;
  const cert = certificates.find((c) => (s256 ? c.thumbprintSha256 === s256 : sha1 !== undefined && c.thumbprint === sha1));
  if (!cert) throw entraErrors.assertionKeyNotFound(s256 ?? sha1 ?? "", app.appId);
  try {
    await compactVerify(assertion, new X509Certificate(cert.pem).publicKey, { algorithms: ["RS256", "PS256", "ES256"] });
  } catch {
    throw entraErrors.assertionBadSignature(s256 ? cert.thumbprintSha256 : cert.thumbprint, new Date(cert.startDateTime), new Date(cert.endDateTime), app.appId);
  }
  const appId = app.appId.toLowerCase();
  if (String(claims.sub ?? "").toLowerCase() !== appId || String(claims.iss ?? "").toLowerCase() !== appId) throw entraErrors.assertionSubjectMismatch();
  const now = deps.clock.nowSeconds();
  if (typeof claims.exp !== "number" || claims.exp + CLOCK_SKEW_S <= now || (typeof claims.nbf === "number" && claims.nbf - CLOCK_SKEW_S > now)) {
    throw entraErrors.assertionTimeRange(deps.clock.now(), claims.nbf, claims.exp);
  }
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.some((a) => typeof a === "string" && isTokenEndpointOf(deps, a, audience))) throw entraErrors.assertionAudience();
}

/** `{origin}/{tenant}/oauth2[/v2.0]/token` where the tenant is this one (by id or domain) or a multi-tenant alias. */
function isTokenEndpointOf(deps: IdentityDeps, aud: string, expected: { origin: string; tenantId: string }): boolean {
  let url: URL;
  try {
    url = new URL(aud);
  } catch {
    return false;
  }
  if (url.origin !== expected.origin) return false;
  const m = /^\/([^/]+)\/oauth2\/(?:v2\.0\/)?token$/i.exec(url.pathname);
  if (!m) return false;
  const segment = (m[1] as string).toLowerCase();
  return segment === "common" || segment === "organizations" || deps.store.resolveTenant(segment) === expected.tenantId;
}
