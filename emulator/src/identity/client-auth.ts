import { timingSafeEqual } from "node:crypto";
import { entraErrors } from "../errors/entra-catalogue.ts";
import type { IdentityDeps } from "./context.ts";
import { resolveApp, type ResolvedApp } from "./directory.ts";
import { sha256 } from "./tokens.ts";
import { JWT_BEARER_ASSERTION, verifyClientAssertion } from "./client-assertion.ts";

export type FormParams = Record<string, string | undefined>;

/** Reads client_id and client_secret from the body or an HTTP Basic header (client_secret_basic). */
export function clientCredentialsOf(params: FormParams, authorization: string | undefined): { clientId?: string; secret?: string } {
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? "");
  if (basic) {
    const decoded = Buffer.from(basic[1] as string, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon > 0) {
      return { clientId: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
    }
  }
  return { clientId: params.client_id, secret: params.client_secret };
}

/** The form-encoding of client_secret_basic (RFC 6749 §2.3.1); bad percent-encoding is a malformed request, not a crash. */
function formDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    throw entraErrors.malformedRequest();
  }
}

/** SHA-256 digests of stored secrets by their text, so each is hashed once, not on every token request. */
const storedDigests = new Map<string, Buffer>();
function digestOfStored(secretText: string): Buffer {
  let digest = storedDigests.get(secretText);
  if (!digest) {
    if (storedDigests.size >= 1000) storedDigests.clear();
    digest = Buffer.from(sha256(secretText));
    storedDigests.set(secretText, digest);
  }
  return digest;
}

/**
 * Authenticates the calling application in `tenantId`. Apps with secrets or
 * certificates are confidential clients and must present a valid, unexpired
 * secret or a signed client assertion; apps with neither are public clients,
 * and one registered as public may present no credential at all.
 */
export async function authenticateClient(
  deps: IdentityDeps,
  tenantId: string,
  params: FormParams,
  authorization: string | undefined,
  origin: string,
): Promise<ResolvedApp> {
  const { clientId, secret } = clientCredentialsOf(params, authorization);
  if (!clientId) throw entraErrors.missingParameter("client_id");
  const resolved = resolveApp(deps.store, tenantId, clientId);
  const assertionType = params.client_assertion_type;
  const assertion = params.client_assertion;
  if (resolved.app.publicClient && (secret || assertion)) throw entraErrors.publicClientWithCredential();
  if (assertionType !== undefined || assertion !== undefined) {
    if (assertionType !== JWT_BEARER_ASSERTION) throw entraErrors.invalidParameterValue("client_assertion_type", assertionType ?? "");
    if (!assertion) throw entraErrors.missingParameter("client_assertion");
    await verifyClientAssertion(deps, resolved.app, assertion, { origin, tenantId });
    return { ...resolved, clientAcr: "2" };
  }
  const secrets = resolved.app.secrets;
  if (secrets.length === 0 && (resolved.app.certificates ?? []).length === 0) return { ...resolved, clientAcr: "0" };
  if (!secret) throw entraErrors.missingClientCredential();
  const sent = Buffer.from(sha256(secret));
  const match = secrets.find((s) => timingSafeEqual(digestOfStored(s.secretText), sent));
  if (!match) throw entraErrors.invalidClientSecret(resolved.app.appId);
  if (new Date(match.endDateTime).getTime() <= deps.clock.nowMs()) throw entraErrors.expiredClientSecret(resolved.app.appId);
  return { ...resolved, clientAcr: "1" };
}
