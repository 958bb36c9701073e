import { createHash } from "node:crypto";
import { seededRandom } from "../util/seeded-random.ts";

/**
 * Synthetic tenants for scale tests and benchmarks: N users with realistic
 * names, titles, departments and places, a management tree, one group per
 * department and an admin-consented app, as a tenant fixture (the format of
 * fixtures/tenants/*.json). Deterministic for a given seed.
 */

export interface SyntheticOptions {
  users: number;
  /** PRNG seed: the same seed gives the same tenant. */
  seed: number;
  tenantId?: string;
  domain?: string;
  displayName?: string;
  /** Every user's password. */
  password: string;
  /** The bench app's client secret. */
  clientSecret: string;
  /** Direct reports per manager. */
  fanout: number;
}

export const SYNTHETIC_DEFAULTS: Omit<SyntheticOptions, "users"> = {
  seed: 1,
  password: "Passw0rd!",
  clientSecret: "synthetic-bench-secret-value",
  fanout: 8,
};

/** The well-known parts of a synthetic tenant, for scripts that sign in to it. */
export interface SyntheticTenantInfo {
  tenantId: string;
  domain: string;
  admin: { userPrincipalName: string; password: string };
  app: { appId: string; clientSecret: string };
}

const FIRST = ["Adele", "Adrian", "Aisha", "Alex", "Amir", "Ana", "Ben", "Bianca", "Carlos", "Chen", "Diego", "Elena", "Emma", "Farah", "Grace", "Hiro", "Ines", "Isaiah", "Jamal", "Johanna", "Kai", "Lee", "Lina", "Lucas", "Megan", "Mei", "Nia", "Omar", "Patti", "Priya", "Rafael", "Sara", "Tomas", "Uma", "Victor", "Wei", "Yara", "Zoe"];
const LAST = ["Vance", "Bowen", "Wilber", "Siciliani", "Langer", "Gu", "Fernandez", "Lorenz", "Adams", "Brooks", "Chowdhury", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ito", "Jensen", "Kowalski", "Larsen", "Moreau", "Nakamura", "Okafor", "Patel", "Quinn", "Rossi", "Schmidt", "Tanaka", "Umar", "Varga", "Weber", "Xu", "Yilmaz", "Zhang"];
const DEPARTMENTS = ["Sales", "Marketing", "Engineering", "Finance", "HR", "Operations", "Legal", "Support", "Retail", "Research"];
const TITLES = ["Analyst", "Engineer", "Manager", "Specialist", "Coordinator", "Consultant", "Director", "Associate", "Lead", "Administrator"];
const PLACES: [string, string, string][] = [
  ["Seattle", "WA", "United States"],
  ["Redmond", "WA", "United States"],
  ["New York", "NY", "United States"],
  ["London", "", "United Kingdom"],
  ["Berlin", "", "Germany"],
  ["Paris", "", "France"],
  ["Tokyo", "", "Japan"],
  ["Sydney", "NSW", "Australia"],
  ["Toronto", "ON", "Canada"],
  ["São Paulo", "SP", "Brazil"],
];
const USAGE: Record<string, string> = { "United States": "US", "United Kingdom": "GB", Germany: "DE", France: "FR", Japan: "JP", Australia: "AU", Canada: "CA", Brazil: "BR" };

/** A GUID derived from text, so ids are stable across runs with the same seed. */
function guidOf(text: string): string {
  const h = createHash("sha256").update(text).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function syntheticInfo(options: Omit<SyntheticOptions, "users"> & Partial<Pick<SyntheticOptions, "users">>): SyntheticTenantInfo {
  const domain = options.domain ?? "synthetic.onmicrosoft.com";
  return {
    tenantId: options.tenantId ?? guidOf(`tenant:${options.seed}`),
    domain,
    admin: { userPrincipalName: `admin@${domain}`, password: options.password },
    app: { appId: guidOf(`app:${options.seed}`), clientSecret: options.clientSecret },
  };
}

/**
 * Builds the tenant fixture. `onUser` is called after each user (for a
 * progress bar). User 0 is a Global Administrator named admin@domain; user i
 * reports to user floor((i - 1) / fanout).
 */
export function syntheticTenant(options: SyntheticOptions, onUser: (done: number) => void = () => {}): Record<string, unknown> {
  const info = syntheticInfo(options);
  const random = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const users: Record<string, unknown>[] = [];
  const members = new Map<string, string[]>(DEPARTMENTS.map((d) => [d, []]));
  for (let i = 0; i < options.users; i++) {
    const given = i === 0 ? "Synthetic" : pick(FIRST);
    const surname = i === 0 ? "Admin" : pick(LAST);
    const upn = i === 0 ? info.admin.userPrincipalName : `${given}.${surname}${i}@${info.domain}`.toLowerCase();
    const department = pick(DEPARTMENTS);
    const [city, state, country] = pick(PLACES);
    const user: Record<string, unknown> = {
      id: guidOf(`user:${options.seed}:${i}`),
      displayName: `${given} ${surname}`,
      givenName: given,
      surname,
      userPrincipalName: upn,
      jobTitle: i === 0 ? "Administrator" : `${pick(TITLES)}`,
      department,
      city,
      ...(state ? { state } : {}),
      country,
      usageLocation: USAGE[country],
      employeeId: String(100000 + i),
      companyName: options.displayName ?? "Synthetic",
      officeLocation: `${1 + Math.floor(random() * 40)}/${1000 + Math.floor(random() * 3000)}`,
      businessPhones: [`+1 425 555 ${String(i % 10000).padStart(4, "0")}`],
      password: options.password,
      createdDateTime: new Date(Date.UTC(2018, 0, 1) + Math.floor(random() * 6 * 365) * 86_400_000).toISOString(),
    };
    if (i === 0) user.directoryRoles = ["Global Administrator"];
    if (i > 0) user.manager = users[Math.floor((i - 1) / options.fanout)]?.userPrincipalName;
    users.push(user);
    members.get(department)?.push(upn);
    onUser(i + 1);
  }
  return {
    id: info.tenantId,
    displayName: options.displayName ?? "Synthetic",
    defaultDomain: info.domain,
    domains: [],
    users,
    groups: DEPARTMENTS.map((d) => ({
      id: guidOf(`group:${options.seed}:${d}`),
      displayName: `${d} Team`,
      mailNickname: `${d.toLowerCase()}team`,
      securityEnabled: true,
      members: members.get(d),
    })),
    applications: [
      {
        appId: info.app.appId,
        displayName: "Synthetic Bench App",
        redirectUris: ["http://localhost/callback"],
        clientSecret: options.clientSecret,
        delegatedPermissions: ["User.Read", "User.ReadBasic.All", "Calendars.ReadWrite"],
        applicationPermissions: ["User.Read.All", "Calendars.ReadWrite"],
        adminConsent: true,
      },
    ],
  };
}
