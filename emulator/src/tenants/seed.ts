import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { EmulatorState, TenantState } from "../store/types.ts";
import { addApplication, addGroup, addParsedUser, consentToForeignApp, setUserManager } from "./admin.ts";
import { describeIssues, tenantFixture, type TenantFixture } from "./schemas.ts";

export class FixtureError extends Error {}

/** Reads tenant fixtures from a folder of JSON files (one tenant each) or from one JSON file. */
export function readFixtures(path: string): TenantFixture[] {
  let files: string[];
  try {
    files = statSync(path).isDirectory()
      ? readdirSync(path).filter((f) => f.endsWith(".json")).sort().map((f) => join(path, f))
      : [path];
  } catch (err) {
    throw new FixtureError(`Cannot read fixtures at ${path}: ${(err as Error).message}`);
  }
  const tenants: TenantFixture[] = [];
  for (const file of files) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, "utf8"));
    } catch (err) {
      throw new FixtureError(`${file} is not valid JSON: ${(err as Error).message}`);
    }
    for (const item of Array.isArray(json) ? json : [json]) {
      const parsed = tenantFixture.safeParse(item);
      if (!parsed.success) throw new FixtureError(`${file}: ${describeIssues(parsed.error)}`);
      tenants.push(parsed.data);
    }
  }
  if (tenants.length === 0) throw new FixtureError(`No tenant fixtures found at ${path}`);
  return tenants;
}

export function emptyTenant(f: Pick<TenantFixture, "id" | "displayName" | "defaultDomain" | "domains">): TenantState {
  const domains = [...new Set([f.defaultDomain, ...f.domains].map((d) => d.toLowerCase()))];
  return {
    id: f.id.toLowerCase(),
    displayName: f.displayName,
    defaultDomain: f.defaultDomain.toLowerCase(),
    domains,
    users: [],
    applications: [],
    servicePrincipals: [],
    consentGrants: [],
    authCodes: [],
    refreshTokens: [],
    sessions: [],
    deviceCodes: [],
    groups: [],
    userChanges: [],
    calendars: [],
    events: [],
    calendarSyncStates: [],
    subscriptions: [],
  };
}

/**
 * Brings a tenant read from an older state file up to the current shape by
 * adding collections it lacks; existing data is kept as it is.
 */
export function normalizeTenant(t: Partial<TenantState> & Pick<TenantState, "id">): TenantState {
  const empty = emptyTenant({ id: t.id, displayName: t.displayName ?? t.id, defaultDomain: t.defaultDomain ?? "", domains: t.domains ?? [] });
  return { ...empty, ...t } as TenantState;
}

/** Builds the whole emulator state from fixtures: directories first, then cross-tenant consent. */
export function buildState(fixtures: TenantFixture[]): EmulatorState {
  const tenants = fixtures.map((f) => {
    const t = emptyTenant(f);
    try {
      // Managers may be listed after their reports, so they are linked once everyone exists.
      for (const u of f.users) addParsedUser(t, u, { linkManager: false });
      for (const u of f.users) if (u.manager !== undefined) setUserManager(t, u.userPrincipalName, u.manager);
      for (const g of f.groups) addGroup(t, g);
      for (const a of f.applications) addApplication(t, a);
      // The fixtures are the starting point, not changes: /users/delta starts from here.
      t.userChanges = [];
    } catch (err) {
      throw new FixtureError(`Tenant ${f.displayName}: ${(err as Error).message}`);
    }
    return t;
  });
  fixtures.forEach((f, i) => {
    for (const c of f.consentedApplications) {
      const home = tenants.flatMap((t) => t.applications).find((a) => a.appId.toLowerCase() === c.appId.toLowerCase());
      if (!home) throw new FixtureError(`Tenant ${f.displayName}: consentedApplications names unknown app ${c.appId}`);
      consentToForeignApp(tenants[i] as TenantState, home, c.delegatedPermissions, c.applicationPermissions);
    }
  });
  return { version: 1, tenants };
}
