import type { Request, Response } from "express";
import type { IdentityDeps } from "./context.ts";
import { CONSUMERS_TENANT_ID, type TenantSegment } from "./directory.ts";
import { ctxOf } from "../http/request-context.ts";

/**
 * The OpenID Connect discovery document, following Entra's issuer rules: the
 * concrete tenant's URL for a tenant path (by GUID, even when asked by domain),
 * a `{tenantid}` placeholder for `common` and `organizations`.
 */
export function openIdConfiguration(origin: string, segment: TenantSegment, v2: boolean): Record<string, unknown> {
  const pathTenant = segment.kind === "tenant" ? segment.tenantId : segment.segment;
  const issuerTenant =
    segment.kind === "tenant" ? segment.tenantId : segment.kind === "consumers" ? CONSUMERS_TENANT_ID : "{tenantid}";
  const base = `${origin}/${pathTenant}`;
  // Only the v2.0 protocol endpoints are modelled, so both documents name those: a document
  // advertises only endpoints that answer (userinfo and kerberos are left out for the same reason).
  const oauth = `${base}/oauth2/v2.0`;
  return {
    token_endpoint: `${oauth}/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: v2 ? `${base}/discovery/v2.0/keys` : `${base}/discovery/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    issuer: v2 ? `${origin}/${issuerTenant}/v2.0` : `https://sts.windows.net/${issuerTenant}/`,
    request_uri_parameter_supported: false,
    authorization_endpoint: `${oauth}/authorize`,
    device_authorization_endpoint: `${oauth}/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${oauth}/logout`,
    claims_supported: [
      "sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name", "msgraph_host",
      "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver", "at_hash",
      "c_hash", "email",
    ],
    tenant_region_scope: segment.kind === "tenant" ? "EU" : null,
    cloud_instance_name: "microsoftonline.com",
    cloud_graph_host_name: "graph.windows.net",
    msgraph_host: "graph.microsoft.com",
    rbac_url: "https://pas.windows.net",
  };
}

/**
 * GET /common/discovery/instance: Entra's instance (cloud) discovery, naming only this host.
 * Like Entra, the tenant discovery endpoint echoes the tenant segment of `authorization_endpoint`
 * (Python MSAL redeems at the tenant it names); without one, or for another host, it is `common`.
 */
export function instanceDiscovery(req: Request, res: Response): void {
  const { origin } = ctxOf(res);
  const host = new URL(origin).host;
  res.json({
    tenant_discovery_endpoint: `${origin}/${tenantOfAuthorizationEndpoint(req.query.authorization_endpoint, host)}/v2.0/.well-known/openid-configuration`,
    "api-version": "1.1",
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  });
}

const TENANT_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/;

function tenantOfAuthorizationEndpoint(value: unknown, host: string): string {
  if (typeof value !== "string") return "common";
  try {
    const url = new URL(value);
    const segment = url.pathname.split("/")[1] ?? "";
    // Only a plain tenant segment (GUID, domain or alias) is echoed, never other text.
    return url.host === host && TENANT_SEGMENT.test(segment) ? segment : "common";
  } catch {
    return "common";
  }
}

export function jwks(deps: IdentityDeps) {
  return async (_req: Request, res: Response): Promise<void> => {
    res.json((await deps.keys).jwks);
  };
}
