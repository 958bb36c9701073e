import { randomUUID } from "node:crypto";
import type { DeepReadonly } from "../store/store.ts";
import type { Application, User } from "../store/types.ts";
import type { IdentityDeps } from "./context.ts";
import { isGuid } from "./directory.ts";
import { ACCESS_TOKEN_LIFETIME_S, accessTokenIssuer, pairwiseSubject, tokenIdText, v2Issuer } from "./tokens.ts";

export interface ApiTokenInput {
  origin: string;
  tenantId: string;
  api: DeepReadonly<Application>;
  /** The resource as the client named it (identifier URI or appId): a v1 token's `aud`. */
  prefix: string;
  client: DeepReadonly<Application>;
  clientAcr: string | undefined;
  /** A delegated token's user, with its `scp`; absent for an app-only token. */
  user?: DeepReadonly<User>;
  scopes?: string[];
  /** The client's service principal (app-only tokens' oid and sub). */
  clientServicePrincipalId?: string;
  roles: string[];
  groups?: string[] | undefined;
}

/**
 * An access token for a registered API, in the shape its accessTokenVersion
 * asks for (absent means 1, as in Entra). v2: `aud` the API's appId, `iss`
 * `{origin}/{tid}/v2.0`, `azp`/`azpacr`; v1: `aud` the identifier URI,
 * `iss` `https://sts.windows.net/{tid}/`, `appid`/`appidacr`. Delegated tokens
 * carry `scp`, both kinds `roles`; `groups` when the API asks for group claims.
 */
export function apiAccessToken(deps: IdentityDeps, input: ApiTokenInput): Promise<string> {
  const { api, client, user, tenantId } = input;
  const now = deps.clock.nowSeconds();
  const times = { iat: now, nbf: now, exp: now + ACCESS_TOKEN_LIFETIME_S };
  const scp = input.scopes && input.scopes.length > 0 ? { scp: input.scopes.join(" ") } : {};
  const roles = input.roles.length > 0 ? { roles: input.roles } : {};
  const groups = input.groups ? { groups: input.groups } : {};
  const acr = input.clientAcr ?? "1";
  const subjectId = user ? user.id : (input.clientServicePrincipalId ?? client.appId);
  const sub = pairwiseSubject(subjectId, api.appId);
  if (api.accessTokenVersion === 2) {
    return deps.minter.signClaims({
      aud: api.appId,
      iss: v2Issuer(input.origin, tenantId),
      ...times,
      aio: tokenIdText(24),
      azp: client.appId,
      azpacr: acr,
      ...(user ? { name: user.displayName, preferred_username: user.userPrincipalName } : { idtyp: "app" }),
      ...groups,
      oid: subjectId,
      rh: "0.emulator",
      ...roles,
      ...scp,
      sub,
      tid: tenantId,
      uti: tokenIdText(16),
      ver: "2.0",
    });
  }
  const aud = isGuid(input.prefix) ? (api.identifierUris?.[0] ?? api.appId) : input.prefix;
  return deps.minter.signClaims({
    aud,
    iss: accessTokenIssuer(tenantId),
    ...times,
    ...(user ? { acr: "1", amr: ["pwd"] } : {}),
    aio: tokenIdText(24),
    appid: client.appId,
    appidacr: acr,
    ...(user
      ? { family_name: user.surname ?? undefined, given_name: user.givenName ?? undefined, name: user.displayName, unique_name: user.userPrincipalName, upn: user.userPrincipalName }
      : { idtyp: "app" }),
    ...groups,
    idp: user ? undefined : accessTokenIssuer(tenantId),
    oid: subjectId,
    rh: "0.emulator",
    ...roles,
    ...scp,
    sid: user ? randomUUID() : undefined,
    sub,
    tid: tenantId,
    uti: tokenIdText(16),
    ver: "1.0",
  });
}
