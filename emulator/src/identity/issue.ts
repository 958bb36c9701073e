import { notePut, removeWhere } from "../store/changes.ts";
import type { RefreshToken } from "../store/types.ts";
import type { IdentityDeps } from "./context.ts";
import type { DeepReadonly } from "../store/store.ts";
import type { User } from "../store/types.ts";
import type { ResolvedApp } from "./directory.ts";
import type { RequestedScopes } from "./scopes.ts";
import { formatGrantedScopes } from "./scopes.ts";
import { apiAccessToken } from "./api-tokens.ts";
import { groupsClaim, userAppRoles } from "./api-resource.ts";
import { ACCESS_TOKEN_LIFETIME_S, clientInfo, newOpaqueGrant, sha256 } from "./tokens.ts";

/**
 * Refresh tokens kept per user and application. Each grant returns a new one and
 * the earlier ones stay usable, as in Entra, so without a bound a client that
 * refreshes in a loop adds a record per request for as long as the emulator
 * runs (npm run soak showed it). Beyond this many, the least recently used are
 * forgotten and then fail like unknown tokens.
 */
export const MAX_REFRESH_TOKENS_PER_USER_AND_APP = 100;

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
  /** A single-page app's sign-in: its refresh token dies at this instant. */
  spaExpiresAt?: string;
}

/**
 * Issues the tokens of a user grant (code, refresh, password): the Graph access
 * token, an ID token when `openid` was asked, a refresh token when
 * `offline_access` was asked, and `client_info`.
 */
export async function issueUserTokens(deps: IdentityDeps, input: UserIssueInput): Promise<TokenResponse> {
  const { requested, effective, user, tenantId, resolved } = input;
  const scp = effective.length > 0 ? effective : requested.oidc.filter((s) => s !== "offline_access");
  const api = requested.api;
  const access_token = api
    ? await apiAccessToken(deps, {
        origin: input.origin,
        tenantId,
        api: api.api,
        prefix: api.prefix,
        client: resolved.app,
        clientAcr: resolved.clientAcr,
        user,
        scopes: effective,
        roles: userAppRoles(deps.store, tenantId, api.api.appId, user.id),
        groups: groupsClaim(deps.store, tenantId, api.api, user.id),
      })
    : await deps.minter.delegatedAccessToken({
        tenantId,
        user,
        app: resolved.app,
        scopes: scp,
        audience: requested.audience,
        ipAddress: input.ipAddress,
        clientAcr: resolved.clientAcr,
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
      const record: RefreshToken = {
        hash: sha256(refresh),
        clientId: resolved.app.appId,
        userId: user.id,
        // An API's scopes are kept qualified, so a refresh without `scope` asks the same resource again.
        scopes: api ? effective.map((s) => `${api.prefix}/${s}`) : effective,
        issuedAt: now,
        lastUsedAt: now,
        revokedAt: null,
        ...(input.spaExpiresAt ? { spaExpiresAt: input.spaExpiresAt } : {}),
      };
      t.refreshTokens.push(record);
      notePut(t, "refreshTokens", record);
      const mine = t.refreshTokens.filter((r) => r.userId === record.userId && r.clientId === record.clientId);
      if (mine.length > MAX_REFRESH_TOKENS_PER_USER_AND_APP) {
        // ISO times sort as text; ties keep issue order, so the oldest go first.
        const stale = new Set(mine.sort((a, b) => (a.lastUsedAt < b.lastUsedAt ? -1 : a.lastUsedAt > b.lastUsedAt ? 1 : 0)).slice(0, mine.length - MAX_REFRESH_TOKENS_PER_USER_AND_APP));
        removeWhere(t, "refreshTokens", (r) => stale.has(r));
      }
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
