import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import { entraErrors } from "../../errors/entra-catalogue.ts";
import { authenticateClient } from "../client-auth.ts";
import { apiLookup } from "../api-resource.ts";
import type { IdentityDeps } from "../context.ts";
import { findUserById, isGuid } from "../directory.ts";
import { finishUserGrant } from "./user-tokens.ts";
import { parseScopes } from "../scopes.ts";
import type { Grant } from "./types.ts";

export const JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/**
 * grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer with
 * requested_token_use=on_behalf_of: an API trades a user's access token for its
 * own API for a token to Graph (or another API) for the same user. The token
 * must be the emulator's (signature, expiry on the emulator clock) and for the
 * calling app (AADSTS500131); the user or an admin must have consented to the
 * downstream scopes (AADSTS65001). A refresh token comes back with offline_access.
 */
export const onBehalfOfGrant: Grant = {
  grantType: JWT_BEARER_GRANT,
  async handle(deps, req) {
    const assertion = req.params.assertion;
    if (!assertion) throw entraErrors.missingParameter("assertion");
    if (req.params.requested_token_use !== "on_behalf_of") throw entraErrors.missingParameter("requested_token_use");
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(assertion);
    } catch {
      throw entraErrors.malformedAssertion();
    }
    const tid = typeof unverified.tid === "string" && isGuid(unverified.tid) ? unverified.tid.toLowerCase() : undefined;
    const tenantId = req.segment.kind === "tenant" ? req.segment.tenantId : tid ? deps.store.resolveTenant(tid) : undefined;
    if (!tenantId) throw entraErrors.malformedAssertion();
    const resolved = await authenticateClient(deps, tenantId, req.params, req.authorization, req.origin);
    const claims = await verifyUserAssertion(deps, assertion);
    const app = resolved.app;
    const audiences = [app.appId, ...(app.identifierUris ?? [])].map((a) => a.toLowerCase());
    if (typeof claims.aud !== "string" || !audiences.includes(claims.aud.toLowerCase())) {
      throw entraErrors.oboAudienceMismatch(String(claims.aud), app.appId, app.displayName);
    }
    if (claims.tid !== tenantId || typeof claims.oid !== "string" || claims.idtyp === "app") throw entraErrors.malformedGrant();
    const user = findUserById(deps.store, tenantId, claims.oid);
    if (!user) throw entraErrors.malformedGrant();
    if (!user.accountEnabled) throw entraErrors.userDisabled();
    const requested = parseScopes(req.params.scope, apiLookup(deps.store, tenantId));
    return finishUserGrant(deps, req, { tenantId, user, resolved, requested, consent: "required" });
  },
};

/** The user's token: signed with the emulator's key, unexpired on the emulator clock. */
async function verifyUserAssertion(deps: IdentityDeps, assertion: string): Promise<JWTPayload> {
  const keys = await deps.keys;
  try {
    const { payload } = await jwtVerify(assertion, keys.publicKey, { algorithms: ["RS256"], currentDate: deps.clock.now() });
    return payload;
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw entraErrors.oboAssertionExpired(deps.clock.now(), Number(err.payload.exp));
    if (err instanceof joseErrors.JWSSignatureVerificationFailed) {
      const header = decodeProtectedHeader(assertion);
      const known = header.kid === keys.kid;
      throw entraErrors.oboBadSignature(known ? "The provided signature value did not match the expected signature value." : "The key was not found.", String(header.x5t ?? header.kid ?? ""));
    }
    throw entraErrors.malformedAssertion();
  }
}
