import { entraErrors } from "../../errors/entra-catalogue.ts";
import { authenticateClient } from "../client-auth.ts";
import { findServicePrincipal } from "../directory.ts";
import { GRAPH_APP_ID, GRAPH_URI } from "../graph-resource.ts";
import { ACCESS_TOKEN_LIFETIME_S } from "../tokens.ts";
import type { Grant } from "./types.ts";
import { apiLookup, clientAppRoles } from "../api-resource.ts";
import { apiAccessToken } from "../api-tokens.ts";

/**
 * grant_type=client_credentials: a concrete tenant, exactly one
 * `<resource>/.default` scope, and `roles` from the application permissions an
 * admin granted to the app's service principal in that tenant. No refresh
 * token, ID token or client_info, as in Entra.
 */
export const clientCredentialsGrant: Grant = {
  grantType: "client_credentials",
  async handle(deps, req) {
    if (req.segment.kind !== "tenant") throw entraErrors.tenantRequired();
    const tenantId = req.segment.tenantId;
    const resolved = await authenticateClient(deps, tenantId, req.params, req.authorization, req.origin);
    const scope = req.params.scope;
    if (!scope) throw entraErrors.missingParameter("scope");
    const parts = scope.split(/\s+/).filter(Boolean);
    const only = parts.length === 1 ? (parts[0] as string) : "";
    const resource = only.toLowerCase().replace(/\/+\.default$/, "");
    if (!only.toLowerCase().endsWith("/.default")) throw entraErrors.clientCredentialsScope(scope);
    const api = resource !== GRAPH_URI && resource !== GRAPH_APP_ID ? apiLookup(deps.store, tenantId)(only) : undefined;
    if (!api && resource !== GRAPH_URI && resource !== GRAPH_APP_ID) throw entraErrors.invalidScope(scope);
    const sp = findServicePrincipal(deps.store, tenantId, resolved.app.appId);
    if (!sp) throw entraErrors.missingServicePrincipal(resolved.app.appId, tenantId);
    if (api) {
      // Your own API: the roles an admin granted the client on the API's service principal.
      const access_token = await apiAccessToken(deps, {
        origin: req.origin,
        tenantId,
        api: api.api,
        prefix: api.prefix,
        client: resolved.app,
        clientAcr: resolved.clientAcr,
        clientServicePrincipalId: sp.id,
        roles: clientAppRoles(deps.store, tenantId, api.api.appId, sp.id),
      });
      return { token_type: "Bearer", scope: `${api.prefix}/.default`, expires_in: ACCESS_TOKEN_LIFETIME_S, ext_expires_in: ACCESS_TOKEN_LIFETIME_S, access_token };
    }
    const access_token = await deps.minter.appAccessToken({
      tenantId,
      app: resolved.app,
      servicePrincipal: sp,
      roles: [...sp.appRoleAssignments],
      clientAcr: resolved.clientAcr,
      audience: resource === GRAPH_APP_ID ? GRAPH_APP_ID : GRAPH_URI,
    });
    return {
      token_type: "Bearer",
      scope: resource === GRAPH_APP_ID ? `${GRAPH_APP_ID}/.default` : `${GRAPH_URI}/.default`,
      expires_in: ACCESS_TOKEN_LIFETIME_S,
      ext_expires_in: ACCESS_TOKEN_LIFETIME_S,
      access_token,
    };
  },
};
