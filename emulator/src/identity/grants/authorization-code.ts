import { notePut, noteUnchanged } from "../../store/changes.ts";
import { createHash } from "node:crypto";
import { entraErrors } from "../../errors/entra-catalogue.ts";
import { SPA_REFRESH_TOKEN_LIFETIME_MS } from "../spa.ts";
import { apiLookup } from "../api-resource.ts";
import { findUserById } from "../directory.ts";
import { finishUserGrant } from "./user-tokens.ts";
import { parseScopes } from "../scopes.ts";
import type { DeepReadonly } from "../../store/store.ts";
import type { TenantState } from "../../store/types.ts";
import { openIssuedGrant } from "./issued-grant.ts";
import type { Grant } from "./types.ts";

/** grant_type=authorization_code: single-use codes, redirect URI and PKCE checks. */
export const authorizationCodeGrant: Grant = {
  grantType: "authorization_code",
  async handle(deps, req) {
    const codeOf = (t: DeepReadonly<TenantState>, hash: string) => t.authCodes.find((c) => c.hash === hash);
    const { tenantId, hash, record, resolved } = await openIssuedGrant(deps, req, "code", codeOf, (r) => r?.spa === true);
    if (record.redeemedAt) throw entraErrors.codeAlreadyRedeemed();
    if (deps.clock.nowMs() > new Date(record.expiresAt).getTime()) throw entraErrors.codeExpired();
    if (!req.params.redirect_uri) throw entraErrors.missingParameter("redirect_uri");
    if (req.params.redirect_uri !== record.redirectUri) {
      throw entraErrors.redirectUriMismatchAtRedemption(req.params.redirect_uri, record.redirectUri);
    }
    if (record.codeChallenge) {
      const verifier = req.params.code_verifier;
      if (!verifier) throw entraErrors.pkceMissing();
      const computed =
        record.codeChallengeMethod === "plain" ? verifier : createHash("sha256").update(verifier).digest("base64url");
      if (computed !== record.codeChallenge) throw entraErrors.pkceMismatch();
    }
    const now = deps.clock.now().toISOString();
    deps.store.write(tenantId, (t) => {
      const c = t.authCodes.find((x) => x.hash === hash);
      if (!c) return noteUnchanged(t);
      c.redeemedAt = now;
      notePut(t, "authCodes", c);
    });
    const user = findUserById(deps.store, tenantId, record.userId);
    if (!user) throw entraErrors.malformedGrant();
    const requested = parseScopes(record.scopes.join(" "), apiLookup(deps.store, tenantId));
    return finishUserGrant(deps, req, {
      tenantId,
      user,
      resolved,
      requested,
      consent: "given",
      nonce: record.nonce,
      spaExpiresAt: record.spa ? new Date(deps.clock.nowMs() + SPA_REFRESH_TOKEN_LIFETIME_MS).toISOString() : undefined,
    });
  },
};
