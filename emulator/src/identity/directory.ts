import type { DeepReadonly, Store } from "../store/store.ts";
import type { Application, ServicePrincipal, User } from "../store/types.ts";
import { entraErrors } from "../errors/entra-catalogue.ts";
import { findUser } from "../directory/users.ts";

export type TenantSegment =
  | { kind: "tenant"; tenantId: string; segment: string }
  | { kind: "common" | "organizations" | "consumers"; segment: string };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A host name, dotted or not: anything else cannot be a tenant domain (AADSTS900023). */
const DNS_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;
/** The tenant that personal Microsoft accounts belong to. */
export const CONSUMERS_TENANT_ID = "9188040d-6c67-4c5b-b112-36a304b66dad";

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/**
 * Resolves the `{tenant}` path segment as Entra does: a GUID or a verified
 * domain of a known tenant, or one of the multi-tenant aliases. Throws
 * AADSTS900023 for text that is no identifier at all, AADSTS90002 otherwise.
 */
export function resolveTenantSegment(store: Store, segment: string): TenantSegment {
  const lower = segment.toLowerCase();
  if (lower === "common" || lower === "organizations" || lower === "consumers") return { kind: lower, segment: lower };
  if (!GUID.test(segment) && !DNS_NAME.test(segment)) throw entraErrors.malformedTenant(segment);
  const tenantId = store.resolveTenant(segment);
  if (!tenantId) throw entraErrors.tenantNotFound(segment);
  return { kind: "tenant", tenantId, segment: lower };
}

export interface ResolvedApp {
  app: DeepReadonly<Application>;
  homeTenantId: string;
  /** How the client authenticated, as `appidacr`/`azpacr` say: 0 none (public), 1 secret, 2 certificate. */
  clientAcr?: "0" | "1" | "2";
}

/** Finds an application registration by client id in any tenant (its home). */
export function findAppRegistration(store: Store, clientId: string): ResolvedApp | undefined {
  const id = clientId.toLowerCase();
  return store.readAll((tenants) => {
    for (const t of tenants) {
      const app = t.applications.find((a) => a.appId.toLowerCase() === id);
      if (app) return { app, homeTenantId: t.id };
    }
    return undefined;
  });
}

/**
 * Finds the application a client id names, as seen from `tenantId`: its own
 * registration, or a multi-tenant app registered elsewhere. Throws AADSTS700016
 * when the app is unknown or single-tenant in another directory.
 */
export function resolveApp(store: Store, tenantId: string, clientId: string): ResolvedApp {
  const found = findAppRegistration(store, clientId);
  const usable =
    found &&
    (found.homeTenantId === tenantId ||
      found.app.signInAudience === "AzureADMultipleOrgs" ||
      findServicePrincipal(store, tenantId, clientId) !== undefined);
  if (!found || !usable) {
    const name = store.read(tenantId, (t) => t.defaultDomain);
    throw entraErrors.unknownApplication(clientId, name);
  }
  return found;
}

export function findServicePrincipal(
  store: Store,
  tenantId: string,
  appId: string,
): DeepReadonly<ServicePrincipal> | undefined {
  const id = appId.toLowerCase();
  return store.read(tenantId, (t) => t.servicePrincipals.find((sp) => sp.appId.toLowerCase() === id));
}

export function findUserById(store: Store, tenantId: string, userId: string): DeepReadonly<User> | undefined {
  return store.read(tenantId, (t) => findUser(t, userId));
}

/**
 * Finds a user by sign-in name. On a tenant path the user must belong to that
 * tenant; on `common`/`organizations` the name's domain picks the tenant.
 */
export function findUserBySignInName(
  store: Store,
  segment: TenantSegment,
  username: string,
): { user: DeepReadonly<User>; tenantId: string } | undefined {
  const name = username.trim().toLowerCase();
  const tenantId =
    segment.kind === "tenant" ? segment.tenantId : store.resolveTenant(name.slice(name.lastIndexOf("@") + 1));
  if (!tenantId) return undefined;
  // A sign-in name is a UPN or, as Entra also accepts, the mail address.
  const user = store.read(tenantId, (t) => findUser(t, name, "mailbox"));
  return user ? { user, tenantId } : undefined;
}

export function tenantDisplayName(store: Store, tenantId: string): string {
  return store.read(tenantId, (t) => t.displayName);
}
