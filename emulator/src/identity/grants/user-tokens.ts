import { entraErrors } from "../../errors/entra-catalogue.ts";
import type { DeepReadonly } from "../../store/store.ts";
import type { User } from "../../store/types.ts";
import { consentFor } from "../consent.ts";
import type { IdentityDeps } from "../context.ts";
import type { ResolvedApp } from "../directory.ts";
import { issueUserTokens, type TokenResponse } from "../issue.ts";
import type { RequestedScopes } from "../scopes.ts";
import type { GrantRequest } from "./types.ts";

export interface UserGrantEnding {
  tenantId: string;
  user: DeepReadonly<User>;
  resolved: ResolvedApp;
  requested: RequestedScopes;
  /**
   * "required": a scope nobody consented to fails with AADSTS65001, as for
   * every grant that cannot show a consent page; "given": the consent page
   * already ran (an authorization code), so the token carries what is consented.
   */
  consent: "required" | "given";
  nonce?: string | null;
  /** A single-page app's sign-in: its refresh token dies at this instant. */
  spaExpiresAt?: string | undefined;
  /** What the grant records once the user and consent have passed, before the tokens are issued (a refresh token's last use). */
  onAccepted?: () => void;
}

/**
 * The ending every grant that issues user tokens shares (authorization code,
 * refresh token, password, device code, on-behalf-of): the user must be
 * enabled, the scopes consented, then the tokens are issued.
 */
export function finishUserGrant(deps: IdentityDeps, req: GrantRequest, ending: UserGrantEnding): Promise<TokenResponse> {
  const { tenantId, user, resolved, requested } = ending;
  if (!user.accountEnabled) throw entraErrors.userDisabled();
  const { effective, missing } = consentFor(deps.store, tenantId, resolved.app, user.id, requested);
  if (ending.consent === "required" && missing.length > 0) throw entraErrors.consentRequired(resolved.app.appId, resolved.app.displayName);
  ending.onAccepted?.();
  return issueUserTokens(deps, {
    origin: req.origin,
    tenantId,
    user,
    resolved,
    requested,
    effective,
    nonce: ending.nonce ?? null,
    ipAddress: req.ipAddress,
    ...(ending.spaExpiresAt ? { spaExpiresAt: ending.spaExpiresAt } : {}),
  });
}
