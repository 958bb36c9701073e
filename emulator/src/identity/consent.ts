import { notePut } from "../store/changes.ts";
import { randomUUID } from "node:crypto";
import type { Store } from "../store/store.ts";
import type { TenantState } from "../store/types.ts";
import type { ResolvedApp } from "./directory.ts";
import { ADMIN_CONSENT_ROLES, findDelegated, isOidcScope } from "./graph-resource.ts";

export const GRAPH_RESOURCE = "graph";

/** Delegated Graph permissions this user may use in this app (user and tenant-wide grants). */
export function grantedScopes(store: Store, tenantId: string, appId: string, userId: string): string[] {
  const id = appId.toLowerCase();
  return store.read(tenantId, (t) => {
    const set = new Set<string>();
    for (const g of t.consentGrants) {
      if (g.clientId.toLowerCase() !== id || g.resource !== GRAPH_RESOURCE) continue;
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
export function checkConsent(requested: string[], granted: string[], declaredAll: readonly string[]): ConsentCheck {
  // OpenID Connect scopes an app declares are sign-in scopes, never sent to a resource.
  const declared = declaredAll.filter((s) => !isOidcScope(s));
  const has = (s: string) => granted.some((g) => g.toLowerCase() === s.toLowerCase());
  if (requested.includes(".default")) {
    if (declared.length === 0) return { effective: granted, missing: granted.length ? [] : ["User.Read"] };
    return { effective: declared.filter(has), missing: declared.filter((s) => !has(s)) };
  }
  return { effective: requested.filter(has), missing: requested.filter((s) => !has(s)) };
}

export function isAdmin(directoryRoles: readonly string[]): boolean {
  return directoryRoles.some((r) => ADMIN_CONSENT_ROLES.includes(r));
}

export function needsAdmin(scopes: string[]): boolean {
  return scopes.some((s) => findDelegated(s)?.adminConsentRequired ?? false);
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
): void {
  store.write(tenantId, (t) => {
    ensureServicePrincipal(t, resolved);
    const consentType = forOrganization ? "AllPrincipals" : "Principal";
    const principalId = forOrganization ? null : userId;
    let grant = t.consentGrants.find(
      (g) =>
        g.clientId.toLowerCase() === resolved.app.appId.toLowerCase() &&
        g.resource === GRAPH_RESOURCE &&
        g.consentType === consentType &&
        g.principalId === principalId,
    );
    if (!grant) {
      grant = { id: randomUUID(), clientId: resolved.app.appId, consentType, principalId, resource: GRAPH_RESOURCE, scopes: [] };
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
