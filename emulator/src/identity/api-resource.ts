import type { DeepReadonly, Store } from "../store/store.ts";
import type { Application, ApiScope } from "../store/types.ts";

/**
 * Registered apps as resources ("your own API"): finding the API a scope names
 * by identifier URI or appId, and what its scopes and app roles say.
 */
export interface ApiMatch {
  api: DeepReadonly<Application>;
  homeTenantId: string;
  /** The resource part as the client wrote it (an identifier URI or the appId), for echoing scopes back. */
  prefix: string;
}

export type ApiLookup = (scope: string) => ApiMatch | undefined;

/**
 * A lookup of APIs usable from `tenantId` (its own apps, then multi-tenant apps
 * registered elsewhere); on `common` (no tenant) any tenant's APIs.
 */
export function apiLookup(store: Store, tenantId: string | undefined): ApiLookup {
  return (scope) => {
    const lower = scope.toLowerCase();
    return store.readAll((tenants) => {
      const ordered = tenantId ? [...tenants.filter((t) => t.id === tenantId), ...tenants.filter((t) => t.id !== tenantId)] : tenants;
      for (const t of ordered) {
        for (const app of t.applications) {
          if (tenantId && t.id !== tenantId && app.signInAudience !== "AzureADMultipleOrgs") continue;
          for (const prefix of [...(app.identifierUris ?? []), app.appId]) {
            if (lower.startsWith(`${prefix.toLowerCase()}/`)) return { api: app, homeTenantId: t.id, prefix: scope.slice(0, prefix.length) };
          }
        }
      }
      return undefined;
    });
  };
}

export function findApiScope(api: DeepReadonly<Application>, name: string): DeepReadonly<ApiScope> | undefined {
  const n = name.toLowerCase();
  return (api.scopes ?? []).find((s) => s.value.toLowerCase() === n);
}

/** The app roles a user holds on an API in a tenant: assigned to them or to a group they belong to. */
export function userAppRoles(store: Store, tenantId: string, apiAppId: string, userId: string): string[] {
  return store.read(tenantId, (t) => {
    const sp = t.servicePrincipals.find((s) => s.appId.toLowerCase() === apiAppId.toLowerCase());
    const groups = new Set(t.groups.filter((g) => g.members.includes(userId)).map((g) => g.id));
    const roles = (sp?.appRoleAssignedTo ?? []).filter((a) => a.principalId === userId || (a.principalType === "Group" && groups.has(a.principalId))).map((a) => a.appRole);
    return [...new Set(roles)];
  });
}

/** The app roles a client's service principal holds on an API (application permissions, admin-consented). */
export function clientAppRoles(store: Store, tenantId: string, apiAppId: string, clientSpId: string): string[] {
  return store.read(tenantId, (t) => {
    const sp = t.servicePrincipals.find((s) => s.appId.toLowerCase() === apiAppId.toLowerCase());
    return [...new Set((sp?.appRoleAssignedTo ?? []).filter((a) => a.principalId === clientSpId).map((a) => a.appRole))];
  });
}

/** The `groups` claim for tokens to an API that asks for group claims (groupMembershipClaims). */
export function groupsClaim(store: Store, tenantId: string, api: DeepReadonly<Application>, userId: string): string[] | undefined {
  const kind = api.groupMembershipClaims;
  if (!kind || kind === "None") return undefined;
  return store.read(tenantId, (t) => t.groups.filter((g) => g.members.includes(userId) && (kind === "All" || g.securityEnabled)).map((g) => g.id));
}
