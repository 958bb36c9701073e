import { notePut, noteUnchanged } from "../../store/changes.ts";
import { createHash } from "node:crypto";
import { entraErrors } from "../../errors/entra-catalogue.ts";
import { authenticateForPlatform, SPA_REFRESH_TOKEN_LIFETIME_MS } from "../spa.ts";
import { consentFor } from "../consent.ts";
import { apiLookup } from "../api-resource.ts";
import { findUserById } from "../directory.ts";
import { issueUserTokens } from "../issue.ts";
import { parseScopes } from "../scopes.ts";
import { sha256 } from "../tokens.ts";
import { tenantOfGrant } from "./grant-tenant.ts";
import type { Grant } from "./types.ts";

/** grant_type=authorization_code: single-use codes, redirect URI and PKCE checks. */
export const authorizationCodeGrant: Grant = {
  grantType: "authorization_code",
  async handle(deps, req) {
    const code = req.params.code;
    if (!code) throw entraErrors.missingParameter("code");
    const tenantId = tenantOfGrant(deps.store, req.segment, code);
    const hash = sha256(code);
    const record = deps.store.read(tenantId, (t) => t.authCodes.find((c) => c.hash === hash));
    const resolved = await authenticateForPlatform(deps, tenantId, req, record?.spa === true);
    if (!record || record.clientId.toLowerCase() !== resolved.app.appId.toLowerCase()) throw entraErrors.malformedGrant();
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
    if (!user.accountEnabled) throw entraErrors.userDisabled();
    const requested = parseScopes(record.scopes.join(" "), apiLookup(deps.store, tenantId));
    const { effective } = consentFor(deps.store, tenantId, resolved.app, user.id, requested);
    return issueUserTokens(deps, {
      origin: req.origin,
      tenantId,
      user,
      resolved,
      requested,
      effective,
      nonce: record.nonce,
      ipAddress: req.ipAddress,
      ...(record.spa ? { spaExpiresAt: new Date(deps.clock.nowMs() + SPA_REFRESH_TOKEN_LIFETIME_MS).toISOString() } : {}),
    });
  },
};
