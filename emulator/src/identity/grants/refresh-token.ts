import { notePut, noteUnchanged, removeWhere } from "../../store/changes.ts";
import { entraErrors } from "../../errors/entra-catalogue.ts";
import { apiLookup } from "../api-resource.ts";
import { findUserById } from "../directory.ts";
import { finishUserGrant } from "./user-tokens.ts";
import { parseScopes } from "../scopes.ts";
import { REFRESH_TOKEN_INACTIVITY_DAYS } from "../tokens.ts";
import type { DeepReadonly } from "../../store/store.ts";
import type { TenantState } from "../../store/types.ts";
import { openIssuedGrant } from "./issued-grant.ts";
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
    const tokenOf = (t: DeepReadonly<TenantState>, hash: string) => t.refreshTokens.find((r) => r.hash === hash);
    const { tenantId, hash, record, resolved } = await openIssuedGrant(deps, req, "refresh_token", tokenOf, (r) => r?.spaExpiresAt !== undefined);
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
    // Once the scopes are consented, the token's use is recorded (before the new tokens are issued).
    const markUsed = () => {
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
    };
    // A SPA's new refresh token keeps the original one's end: the 24 hours do not slide.
    return finishUserGrant(deps, req, { tenantId, user, resolved, requested, consent: "required", spaExpiresAt: record.spaExpiresAt, onAccepted: markUsed });
  },
};
