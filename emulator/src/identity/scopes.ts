import { entraErrors } from "../errors/entra-catalogue.ts";
import type { ApiLookup, ApiMatch } from "./api-resource.ts";
import { findApiScope } from "./api-resource.ts";
import { GRAPH_APP_ID, GRAPH_URI, findDelegated, isOidcScope } from "./graph-resource.ts";

export interface RequestedScopes {
  /** OpenID Connect scopes as sent (lower case). */
  oidc: string[];
  /** The resource's permissions by canonical name (Graph's, or the API's), or [".default"]. */
  graph: string[];
  /** The API the scopes are for; absent means Microsoft Graph. */
  api?: ApiMatch;
  /** `aud` of a Graph access token: the Graph URI for URI-qualified scopes, else Graph's app id. */
  audience: string;
  /** Whether the caller qualified its Graph scopes with the resource URI (echoed back that way). */
  uriQualified: boolean;
}

const URI_PREFIX = `${GRAPH_URI}/`;
const ID_PREFIX = `${GRAPH_APP_ID}/`;

/**
 * Splits a `scope` parameter into OIDC scopes and one resource's permissions,
 * as Entra reads it: Microsoft Graph (bare names or URI/appId-qualified), or a
 * registered API named by identifier URI or appId (found with `apis`). An
 * unknown resource or permission, or `.default` mixed with named permissions,
 * is AADSTS70011; scopes of two resources are AADSTS28000.
 */
export function parseScopes(scope: string | undefined, apis?: ApiLookup): RequestedScopes {
  const parts = (scope ?? "").split(/\s+/).filter(Boolean);
  const result: RequestedScopes = { oidc: [], graph: [], audience: GRAPH_APP_ID, uriQualified: false };
  let sawGraph = false;
  const add = (name: string) => {
    if (!result.graph.includes(name)) result.graph.push(name);
  };
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
      const match = apis?.(raw);
      if (!match) throw entraErrors.invalidScope(raw);
      if (sawGraph || (result.api && result.api.api.appId !== match.api.appId)) throw entraErrors.multipleResources(parts.join(" "));
      result.api = match;
      const scopeName = raw.slice(match.prefix.length + 1);
      if (scopeName === ".default") add(".default");
      else {
        const known = findApiScope(match.api, scopeName);
        if (!known) throw entraErrors.invalidScope(raw);
        add(known.value);
      }
      continue;
    }
    if (result.api) throw entraErrors.multipleResources(parts.join(" "));
    sawGraph = true;
    if (name === ".default") {
      add(".default");
      continue;
    }
    const known = findDelegated(name);
    if (!known) throw entraErrors.invalidScope(raw);
    add(known.value);
  }
  if (result.graph.includes(".default") && result.graph.length > 1) {
    throw entraErrors.invalidScope(parts.join(" "));
  }
  return result;
}

/** The `scope` value of a token response, in the style the caller used (an API's scopes always qualified). */
export function formatGrantedScopes(granted: string[], requested: RequestedScopes): string {
  const resourceScopes = granted.map((s) => (requested.api ? `${requested.api.prefix}/${s}` : requested.uriQualified ? `${GRAPH_URI}/${s}` : s));
  const oidc = requested.oidc.filter((s) => s !== "offline_access");
  return [...resourceScopes, ...oidc].join(" ");
}
