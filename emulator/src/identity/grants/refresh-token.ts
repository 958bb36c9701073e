import { notePut, noteUnchanged, removeWhere } from "../../store/changes.ts";
import { entraErrors } from "../../errors/entra-catalogue.ts";
import { authenticateForPlatform } from "../spa.ts";
import { consentFor } from "../consent.ts";
import { apiLookup } from "../api-resource.ts";
import { findUserById } from "../directory.ts";
import { issueUserTokens } from "../issue.ts";
import { parseScopes } from "../scopes.ts";
import { REFRESH_TOKEN_INACTIVITY_DAYS, sha256 } from "../tokens.ts";
import { tenantOfGrant } from "./grant-tenant.ts";
import type { Grant } from "./types.ts";

const DAY_MS = 86_400_000;

/**
 * grant_type=refresh_token. A refresh token dies after 90 days unused
 * (AADSTS700082) or when it or the user's sessions are revoked (AADSTS50173).
 * Each use returns a new refresh token; the old one stays usable, as in Entra.
 */
export const refreshTokenGrant: Grant = {
  grantType: "refresh_token",
  async handle(deps, req) {
    const text = req.params.refresh_token;
    if (!text) throw entraErrors.missingParameter("refresh_token");
    const tenantId = tenantOfGrant(deps.store, req.segment, text);
    const hash = sha256(text);
    const record = deps.store.read(tenantId, (t) => t.refreshTokens.find((r) => r.hash === hash));
    const resolved = await authenticateForPlatform(deps, tenantId, req, record?.spaExpiresAt !== undefined);
    if (!record || record.clientId.toLowerCase() !== resolved.app.appId.toLowerCase()) throw entraErrors.malformedGrant();
    const user = findUserById(deps.store, tenantId, record.userId);
    const issuedAt = new Date(record.issuedAt);
    if (!user) throw entraErrors.grantRevoked(issuedAt, deps.clock.now());
    const validFrom = new Date(user.tokensValidFrom);
    if (record.revokedAt) throw entraErrors.grantRevoked(issuedAt, new Date(record.revokedAt));
    if (issuedAt.getTime() < validFrom.getTime()) throw entraErrors.grantRevoked(issuedAt, validFrom);
    const idle = deps.clock.nowMs() - new Date(record.lastUsedAt).getTime();
    if (record.spaExpiresAt && deps.clock.nowMs() >= new Date(record.spaExpiresAt).getTime()) throw entraErrors.spaRefreshTokenExpired(issuedAt);
    if (idle > REFRESH_TOKEN_INACTIVITY_DAYS * DAY_MS) throw entraErrors.refreshTokenExpired(issuedAt, REFRESH_TOKEN_INACTIVITY_DAYS);
    if (!user.accountEnabled) throw entraErrors.userDisabled();

    const requested = parseScopes(req.params.scope ?? record.scopes.join(" "), apiLookup(deps.store, tenantId));
    if (!requested.oidc.includes("offline_access")) requested.oidc.push("offline_access");
    const { effective, missing } = consentFor(deps.store, tenantId, resolved.app, user.id, requested);
    if (missing.length > 0) throw entraErrors.consentRequired(resolved.app.appId, resolved.app.displayName);

    const now = deps.clock.now().toISOString();
    deps.store.write(tenantId, (t) => {
      const r = t.refreshTokens.find((x) => x.hash === hash);
      if (r) {
        r.lastUsedAt = now;
        notePut(t, "refreshTokens", r);
      } else noteUnchanged(t);
      // Forget refresh tokens long past use (twice the window, so late callers still get 700082).
      const horizon = deps.clock.nowMs() - 2 * REFRESH_TOKEN_INACTIVITY_DAYS * DAY_MS;
      removeWhere(t, "refreshTokens", (x) => new Date(x.lastUsedAt).getTime() < horizon);
    });
    return issueUserTokens(deps, {
      origin: req.origin,
      tenantId,
      user,
      resolved,
      requested,
      effective,
      nonce: null,
      ipAddress: req.ipAddress,
      // A SPA's new refresh token keeps the original one's end: the 24 hours do not slide.
      ...(record.spaExpiresAt ? { spaExpiresAt: record.spaExpiresAt } : {}),
    });
  },
};
