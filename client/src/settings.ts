import { z } from "zod";

/**
 * The client's settings, as the "Microsoft functions" settings describe them:
 * the app registration (tenant, client id and secret, redirect URI), the default
 * delegated scopes, named modes, and the app tenant for application permissions.
 * Endpoints default to Microsoft's; pointing at another host (an emulator, a
 * sovereign cloud) is configuration: `authorityHost`, `graphBaseUrl`, `caCertificate`.
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/i;
const SPECIAL_TENANTS = ["common", "organizations", "consumers"] as const;
/** Scopes MSAL adds to every delegated request by itself. */
export const OIDC_SCOPES = ["openid", "profile", "offline_access", "email"];

export const isGuid = (value: string): boolean => GUID.test(value);
export const isSpecialTenant = (tenant: string): boolean => (SPECIAL_TENANTS as readonly string[]).includes(tenant.toLowerCase());

const tenantId = z
  .string()
  .trim()
  .refine((t) => isSpecialTenant(t) || GUID.test(t) || DOMAIN.test(t), {
    error: (iss) =>
      `must be 'common', 'organizations', 'consumers', a verified domain such as contoso.onmicrosoft.com, or the directory (tenant) GUID; got '${String(iss.input)}'`,
  });

const appTenantId = z
  .string()
  .trim()
  .refine((t) => GUID.test(t), {
    error: (iss) =>
      `must be the directory (tenant) GUID, e.g. 6e8c4f2a-1b3d-4c5e-9f7a-0b1c2d3e4f50 (Azure portal > Microsoft Entra ID > Overview > Tenant ID); 'common', domains and other values cannot be used for application permissions; got '${String(iss.input)}'`,
  });

const scope = z
  .string()
  .trim()
  .min(1, "a scope cannot be empty")
  .refine((s) => !/\s/.test(s), { error: (iss) => `one scope per entry, without spaces; got '${String(iss.input)}'` });

const scopes = z.array(scope).transform((list) => dedupe(list.filter((s) => !OIDC_SCOPES.includes(s.toLowerCase()))));

const httpsBase = (what: string) =>
  z
    .string()
    .trim()
    .refine(
      (u) => {
        try {
          return new URL(u).protocol === "https:";
        } catch {
          return false;
        }
      },
      { error: (iss) => `${what} must be an absolute https:// URL; got '${String(iss.input)}'` },
    )
    .transform((u) => u.replace(/\/+$/, ""));

const mode = z
  .object({
    /** When true, this mode's scopes replace the default scopes; otherwise they are added to them. */
    overrideDefault: z.boolean().default(false),
    scopes: scopes.default([]),
  })
  .strict();

export const settingsSchema = z
  .object({
    tenantId: tenantId.default("common"),
    clientId: z.string().trim().refine((c) => GUID.test(c), {
      error: (iss) => `must be the application (client) ID GUID from the app registration; got '${String(iss.input)}'`,
    }),
    clientSecret: z.string().min(1, "is required (Certificates & secrets > Client secrets > Value, not the secret ID)"),
    redirectUri: z.string().trim().refine((u) => URL.canParse(u), { error: (iss) => `must be an absolute URL; got '${String(iss.input)}'` }),
    scopes: scopes.default(["User.Read"]),
    modes: z.record(z.string().min(1, "mode names cannot be empty"), mode).default({}),
    appTenantId: appTenantId.optional(),
    authorityHost: httpsBase("authorityHost").default("https://login.microsoftonline.com"),
    graphBaseUrl: httpsBase("graphBaseUrl")
      .refine((u) => /\/(v1\.0|beta)$/i.test(new URL(u).pathname.replace(/\/+$/, "")), {
        error: "graphBaseUrl must end with the API version, e.g. https://graph.microsoft.com/v1.0",
      })
      .default("https://graph.microsoft.com/v1.0"),
    /** PEM of an extra CA to trust for the authority and Graph hosts (in addition to Node's roots). */
    caCertificate: z
      .string()
      .refine((pem) => pem.includes("-----BEGIN CERTIFICATE-----"), "must be a PEM certificate (-----BEGIN CERTIFICATE-----)")
      .optional(),
    retry: z
      .object({
        /** How many times a throttled (429) or transiently failed (5xx) Graph request is retried. */
        maxRetries: z.number().int().min(0).max(10).default(3),
        /** First backoff delay; doubled on each retry unless Graph sends Retry-After. */
        baseDelayMs: z.number().int().min(0).max(60_000).default(500),
        /** Upper bound for any single wait, Retry-After included. */
        maxDelayMs: z.number().int().min(0).max(300_000).default(30_000),
      })
      .strict()
      .default({ maxRetries: 3, baseDelayMs: 500, maxDelayMs: 30_000 }),
    renewal: z
      .object({
        /** The sweep refreshes users whose tokens were last refreshed at least this many days ago. */
        renewAfterDays: z.number().min(0).max(89).default(7),
      })
      .strict()
      .default({ renewAfterDays: 7 }),
  })
  .strict();

export type SettingsInput = z.input<typeof settingsSchema>;
export type Settings = z.output<typeof settingsSchema>;

/** Thrown when settings are invalid; `issues` lists every problem as "field: message". */
export class SettingsError extends Error {
  readonly code = "SettingsInvalid";
  constructor(readonly issues: string[]) {
    super(`Invalid Microsoft functions settings:\n${issues.map((i) => `  - ${i}`).join("\n")}`);
    this.name = "SettingsError";
  }
}

/** Validates settings and fills in defaults. Never echoes the client secret. */
export function parseSettings(input: unknown): Settings {
  const result = settingsSchema.safeParse(input ?? {});
  if (!result.success) {
    throw new SettingsError(
      result.error.issues.map((issue) => {
        const path = issue.path.map(String).join(".") || "(settings)";
        const message = issue.code === "invalid_type" && issue.input === undefined ? "is required" : issue.message;
        return `${path}: ${message}`;
      }),
    );
  }
  return result.data;
}

/**
 * The delegated scopes for a sign-in mode. The default scopes are used unless
 * the mode has `overrideDefault`, in which case only the mode's scopes are used;
 * a mode without it adds its scopes to the defaults.
 */
export function scopesForMode(settings: Settings, modeName?: string): string[] {
  if (modeName === undefined) return [...settings.scopes];
  const m = settings.modes[modeName];
  if (!m) {
    const known = Object.keys(settings.modes);
    throw new SettingsError([`mode '${modeName}' is not configured (known modes: ${known.length ? known.join(", ") : "none"})`]);
  }
  return m.overrideDefault ? [...m.scopes] : dedupe([...settings.scopes, ...m.scopes]);
}

function dedupe(list: string[]): string[] {
  const seen = new Set<string>();
  return list.filter((s) => {
    const key = s.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Graph's base URL split the way the Graph SDK wants it: `https://host/` and `v1.0`. */
export function graphEndpoint(settings: Settings): { baseUrl: string; version: string; origin: string } {
  const url = new URL(settings.graphBaseUrl);
  const parts = url.pathname.split("/").filter(Boolean);
  const version = parts.pop() as string;
  const prefix = parts.length ? `/${parts.join("/")}` : "";
  return { baseUrl: `${url.origin}${prefix}/`, version, origin: url.origin };
}

/** The authority URL MSAL uses for a tenant. */
export function authorityFor(settings: Settings, tenant: string): string {
  return `${settings.authorityHost}/${tenant}`;
}
