import { entraErrors } from "../errors/entra-catalogue.ts";
import { GRAPH_APP_ID, GRAPH_URI, findDelegated, isOidcScope } from "./graph-resource.ts";

export interface RequestedScopes {
  /** OpenID Connect scopes as sent (lower case). */
  oidc: string[];
  /** Graph permissions by canonical name, or [".default"]. */
  graph: string[];
  /** `aud` of the access token: the Graph URI for URI-qualified scopes, else Graph's app id. */
  audience: string;
  /** Whether the caller qualified its scopes with the resource URI (echoed back that way). */
  uriQualified: boolean;
}

const URI_PREFIX = `${GRAPH_URI}/`;
const ID_PREFIX = `${GRAPH_APP_ID}/`;

/**
 * Splits a `scope` parameter into OIDC scopes and Graph permissions, as Entra
 * reads it. Only Microsoft Graph is known as a resource: any other resource,
 * an unknown permission, or `.default` mixed with named permissions is
 * AADSTS70011.
 */
export function parseScopes(scope: string | undefined): RequestedScopes {
  const parts = (scope ?? "").split(/\s+/).filter(Boolean);
  const result: RequestedScopes = { oidc: [], graph: [], audience: GRAPH_APP_ID, uriQualified: false };
  for (const raw of parts) {
    if (isOidcScope(raw)) {
      if (!result.oidc.includes(raw.toLowerCase())) result.oidc.push(raw.toLowerCase());
      continue;
    }
    let name = raw;
    const lower = raw.toLowerCase();
    if (lower.startsWith(URI_PREFIX)) {
      name = raw.slice(URI_PREFIX.length).replace(/^\/+/, "");
      result.uriQualified = true;
      result.audience = GRAPH_URI;
    } else if (lower.startsWith(ID_PREFIX)) {
      name = raw.slice(ID_PREFIX.length);
    } else if (raw.includes("/") || raw.includes(":")) {
      throw entraErrors.invalidScope(raw);
    }
    if (name === ".default") {
      if (!result.graph.includes(".default")) result.graph.push(".default");
      continue;
    }
    const known = findDelegated(name);
    if (!known) throw entraErrors.invalidScope(raw);
    if (!result.graph.includes(known.value)) result.graph.push(known.value);
  }
  if (result.graph.includes(".default") && result.graph.length > 1) {
    throw entraErrors.invalidScope(parts.join(" "));
  }
  return result;
}

/** The `scope` value of a token response, in the style the caller used. */
export function formatGrantedScopes(granted: string[], requested: RequestedScopes): string {
  const resourceScopes = granted.map((s) => (requested.uriQualified ? `${GRAPH_URI}/${s}` : s));
  const oidc = requested.oidc.filter((s) => s !== "offline_access");
  return [...resourceScopes, ...oidc].join(" ");
}
