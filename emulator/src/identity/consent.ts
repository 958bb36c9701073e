import { notePut } from "../store/changes.ts";
import { randomUUID } from "node:crypto";
import type { Store } from "../store/store.ts";
import type { TenantState } from "../store/types.ts";
import type { ResolvedApp } from "./directory.ts";
import { ADMIN_CONSENT_ROLES, findDelegated, isOidcScope } from "./graph-resource.ts";
import type { DeepReadonly } from "../store/store.ts";
import type { Application } from "../store/types.ts";
import type { RequestedScopes } from "./scopes.ts";
import { findApiScope } from "./api-resource.ts";

export const GRAPH_RESOURCE = "graph";

/** The `resource` of consent grants for these scopes: "graph", or the API's appId. */
export function resourceKey(requested: RequestedScopes): string {
  return requested.api ? requested.api.api.appId.toLowerCase() : GRAPH_RESOURCE;
}

/** Delegated permissions to a resource this user may use in this app (user and tenant-wide grants). */
export function grantedScopes(store: Store, tenantId: string, appId: string, userId: string, resource = GRAPH_RESOURCE): string[] {
  const id = appId.toLowerCase();
  return store.read(tenantId, (t) => {
    const set = new Set<string>();
    for (const g of t.consentGrants) {
      if (g.clientId.toLowerCase() !== id || g.resource.toLowerCase() !== resource) continue;
      if (g.consentType === "AllPrincipals" || g.principalId === userId) g.scopes.forEach((s) => set.add(s));
    }
    return [...set];
  });
}

export interface ConsentCheck {
  /** Permissions the token will carry once consented. */
  effective: string[];
  /** Permissions that still need consent. */
  missing: string[];
}

/**
 * Compares the requested Graph permissions with what has been consented.
 * `.default` means "what the app declares": consented ones are effective, the
 * rest missing (an app that declares nothing gets whatever was consented).
 */
export function checkConsent(requested: string[], granted: string[], declaredAll: readonly string[], fallback: string[] = ["User.Read"]): ConsentCheck {
  // OpenID Connect scopes an app declares are sign-in scopes, never sent to a resource.
  const declared = declaredAll.filter((s) => !isOidcScope(s));
  const has = (s: string) => granted.some((g) => g.toLowerCase() === s.toLowerCase());
  if (requested.includes(".default")) {
    if (declared.length === 0) return { effective: granted, missing: granted.length ? [] : fallback };
    return { effective: declared.filter(has), missing: declared.filter((s) => !has(s)) };
  }
  return { effective: requested.filter(has), missing: requested.filter((s) => !has(s)) };
}

/** The delegated permissions a client declares to the requested resource. */
export function declaredFor(app: DeepReadonly<Application>, requested: RequestedScopes): readonly string[] {
  if (!requested.api) return app.delegatedPermissions;
  const id = requested.api.api.appId.toLowerCase();
  return (app.apiPermissions ?? []).find((p) => p.resourceAppId.toLowerCase() === id)?.delegated ?? [];
}

/** Consent state of a user's request: what is granted to the client for the requested resource, and what is not yet. */
export function consentFor(store: Store, tenantId: string, app: DeepReadonly<Application>, userId: string, requested: RequestedScopes): ConsentCheck {
  const granted = grantedScopes(store, tenantId, app.appId, userId, resourceKey(requested));
  return checkConsent(requested.graph, granted, declaredFor(app, requested), requested.api ? [] : ["User.Read"]);
}

/** A permission as a consent page shows it: Graph's wording, or the API's own description. */
export function describePermission(requested: RequestedScopes | undefined, value: string): { value: string; description: string; adminConsentRequired: boolean; detail?: string } {
  if (requested?.api) {
    const s = findApiScope(requested.api.api, value);
    return { value: `${requested.api.prefix}/${value}`, description: s?.description ?? value, adminConsentRequired: s?.adminConsentRequired ?? false, detail: `A permission of ${requested.api.api.displayName}, an API of your organization.` };
  }
  const p = findDelegated(value);
  return { value, description: p?.description ?? value, adminConsentRequired: p?.adminConsentRequired ?? false, ...(p ? { detail: p.detail } : {}) };
}

export function isAdmin(directoryRoles: readonly string[]): boolean {
  return directoryRoles.some((r) => ADMIN_CONSENT_ROLES.includes(r));
}

export function needsAdmin(scopes: string[], requested?: RequestedScopes): boolean {
  return scopes.some((s) => describePermission(requested, s).adminConsentRequired);
}

/**
 * Records consent: a grant for this user, or for all users when an admin
 * consents for the organization. Creates the app's service principal in the
 * tenant if it has none yet (first consent to a multi-tenant app).
 */
export function recordConsent(
  store: Store,
  tenantId: string,
  resolved: ResolvedApp,
  userId: string,
  scopes: string[],
  forOrganization: boolean,
  resource = GRAPH_RESOURCE,
): void {
  store.write(tenantId, (t) => {
    ensureServicePrincipal(t, resolved);
    const consentType = forOrganization ? "AllPrincipals" : "Principal";
    const principalId = forOrganization ? null : userId;
    let grant = t.consentGrants.find(
      (g) =>
        g.clientId.toLowerCase() === resolved.app.appId.toLowerCase() &&
        g.resource.toLowerCase() === resource &&
        g.consentType === consentType &&
        g.principalId === principalId,
    );
    if (!grant) {
      grant = { id: randomUUID(), clientId: resolved.app.appId, consentType, principalId, resource, scopes: [] };
      t.consentGrants.push(grant);
    }
    for (const s of scopes) if (!grant.scopes.some((g) => g.toLowerCase() === s.toLowerCase())) grant.scopes.push(s);
    notePut(t, "consentGrants", grant);
  });
}

function ensureServicePrincipal(t: TenantState, resolved: ResolvedApp): void {
  const id = resolved.app.appId.toLowerCase();
  if (t.servicePrincipals.some((sp) => sp.appId.toLowerCase() === id)) return;
  const sp = { id: randomUUID(), appId: resolved.app.appId, displayName: resolved.app.displayName, appRoleAssignments: [] };
  t.servicePrincipals.push(sp);
  notePut(t, "servicePrincipals", sp);
}
