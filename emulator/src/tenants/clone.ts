import { randomBytes, randomUUID } from "node:crypto";
import rfdc from "rfdc";
import type { DeepReadonly } from "../store/store.ts";
import type { TenantState } from "../store/types.ts";

export interface ClonedTenant {
  tenant: TenantState;
  /** The source app ids and the new ones, with their secrets, so tests can sign in. */
  applications: { displayName: string; sourceAppId: string; appId: string; clientSecret: string | null }[];
}

/**
 * Copies a tenant into a new one with its own GUID and domain, for test files
 * that must not see each other's state. Users keep their object ids (each
 * tenant is its own directory) and move to the new domain; registered apps get
 * new app ids (app ids are global); sessions, codes and tokens are not copied.
 */
/**
 * A deep copy that shares strings with its source (they are immutable), where structuredClone makes
 * every string anew: a test suite's tenants then take a third of the memory, and the garbage
 * collector, which copies each new tenant once or twice before it settles, a third of the work.
 */
const deepCopy = rfdc({ proto: false, circles: false });

export function cloneTenant(source: DeepReadonly<TenantState>, options: { displayName?: string | undefined }): ClonedTenant {
  const id = randomUUID();
  const slug = `t${randomBytes(5).toString("hex")}`;
  const domain = `${slug}.onmicrosoft.com`;
  const copy = deepCopy(source) as TenantState;
  const reDomain = (upn: string) => `${upn.slice(0, upn.lastIndexOf("@"))}@${domain}`;
  const appIds = new Map<string, string>();
  const applications: ClonedTenant["applications"] = [];
  for (const app of copy.applications) {
    const appId = randomUUID();
    appIds.set(app.appId.toLowerCase(), appId);
    applications.push({ displayName: app.displayName, sourceAppId: app.appId, appId, clientSecret: app.secrets[0]?.secretText ?? null });
    app.appId = appId;
    app.id = randomUUID();
  }
  const mapApp = (appId: string) => appIds.get(appId.toLowerCase()) ?? appId;
  for (const user of copy.users) {
    user.userPrincipalName = reDomain(user.userPrincipalName);
    if (user.mail) user.mail = reDomain(user.mail);
  }
  const spIds = new Map<string, string>();
  for (const sp of copy.servicePrincipals) {
    sp.appId = mapApp(sp.appId);
    const newId = randomUUID();
    spIds.set(sp.id, newId);
    sp.id = newId;
  }
  // Your own APIs: permissions name APIs by appId, role assignments name service principals by id.
  for (const app of copy.applications) for (const p of app.apiPermissions ?? []) p.resourceAppId = mapApp(p.resourceAppId);
  for (const sp of copy.servicePrincipals) {
    for (const a of sp.appRoleAssignedTo ?? []) {
      a.id = randomUUID();
      if (a.principalType === "ServicePrincipal") a.principalId = spIds.get(a.principalId) ?? a.principalId;
    }
  }
  for (const g of copy.consentGrants) {
    g.clientId = mapApp(g.clientId);
    g.resource = g.resource === "graph" ? g.resource : mapApp(g.resource).toLowerCase();
    g.id = randomUUID();
  }
  const tenant: TenantState = {
    ...copy,
    id,
    displayName: options.displayName ?? `${source.displayName} (${slug})`,
    defaultDomain: domain,
    domains: [domain],
    authCodes: [],
    refreshTokens: [],
    sessions: [],
    deviceCodes: [],
    // Sync states name the source tenant's rounds; a clone starts without any.
    calendarSyncStates: [],
    // Subscriptions belong to the source tenant's applications and receivers.
    subscriptions: [],
  };
  return { tenant, applications };
}
