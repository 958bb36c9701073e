import type { IdentityDeps } from "./context.ts";
import type { DeepReadonly } from "../store/store.ts";
import type { User } from "../store/types.ts";
import type { ResolvedApp } from "./directory.ts";
import type { RequestedScopes } from "./scopes.ts";
import { formatGrantedScopes } from "./scopes.ts";
import { ACCESS_TOKEN_LIFETIME_S, clientInfo, newOpaqueGrant, sha256 } from "./tokens.ts";

export interface TokenResponse {
  token_type: "Bearer";
  scope: string;
  expires_in: number;
  ext_expires_in: number;
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  client_info?: string;
}

export interface UserIssueInput {
  origin: string;
  tenantId: string;
  user: DeepReadonly<User>;
  resolved: ResolvedApp;
  requested: RequestedScopes;
  /** Consented Graph permissions the access token carries. */
  effective: string[];
  nonce: string | null;
  ipAddress?: string | undefined;
}

/**
 * Issues the tokens of a user grant (code, refresh, password): the Graph access
 * token, an ID token when `openid` was asked, a refresh token when
 * `offline_access` was asked, and `client_info`.
 */
export async function issueUserTokens(deps: IdentityDeps, input: UserIssueInput): Promise<TokenResponse> {
  const { requested, effective, user, tenantId, resolved } = input;
  const scp = effective.length > 0 ? effective : requested.oidc.filter((s) => s !== "offline_access");
  const access_token = await deps.minter.delegatedAccessToken({
    tenantId,
    user,
    app: resolved.app,
    scopes: scp,
    audience: requested.audience,
    ipAddress: input.ipAddress,
  });
  const body: TokenResponse = {
    token_type: "Bearer",
    scope: formatGrantedScopes(effective, requested),
    expires_in: ACCESS_TOKEN_LIFETIME_S,
    ext_expires_in: ACCESS_TOKEN_LIFETIME_S,
    access_token,
  };
  if (requested.oidc.includes("offline_access")) {
    const refresh = newOpaqueGrant(tenantId);
    const now = deps.clock.now().toISOString();
    deps.store.write(tenantId, (t) => {
      t.refreshTokens.push({
        hash: sha256(refresh),
        clientId: resolved.app.appId,
        userId: user.id,
        scopes: effective,
        issuedAt: now,
        lastUsedAt: now,
        revokedAt: null,
      });
    });
    body.refresh_token = refresh;
  }
  if (requested.oidc.includes("openid")) {
    body.id_token = await deps.minter.idToken({
      origin: input.origin,
      tenantId,
      user,
      clientId: resolved.app.appId,
      nonce: input.nonce,
      includeEmail: requested.oidc.includes("email"),
    });
  }
  body.client_info = clientInfo(user.id, tenantId);
  return body;
}
