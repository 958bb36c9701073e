import { X509Certificate } from "node:crypto";
import { z } from "zod";
import { findApplicationPermission, findDelegated, isOidcScope, ROLE_TEMPLATE_IDS } from "../identity/graph-resource.ts";

const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a GUID");
/** A delegated Graph permission; Entra lists the OpenID Connect scopes (openid, profile, email, offline_access) under Graph too. */
const delegated = z.string().refine((s) => findDelegated(s) !== undefined || isOidcScope(s), { error: (iss) => `unknown delegated Graph permission '${String(iss.input)}'` });
const appPermission = z
  .string()
  .refine((s) => findApplicationPermission(s) !== undefined, { error: (iss) => `unknown Graph application permission '${String(iss.input)}'` });
const role = z
  .string()
  .refine((s) => s in ROLE_TEMPLATE_IDS, { error: (iss) => `unknown directory role '${String(iss.input)}' (known: ${Object.keys(ROLE_TEMPLATE_IDS).join(", ")})` });
function isCertificate(pem: string): boolean {
  try {
    new X509Certificate(pem);
    return true;
  } catch {
    return false;
  }
}
const redirectUri = z.string().url().refine((u) => /^(https?:\/\/|[a-z][a-z0-9+.-]*:\/)/i.test(u), "must be an absolute URI");

/** An optional Graph profile property (city, department, ...) of a fixture user. */
const profileString = z.string().nullable().optional();

/** A user, as fixtures and POST /_emulator/tenants/{tenant}/users describe it. */
export const userInput = z.object({
  id: guid.optional(),
  displayName: z.string().min(1).max(256),
  userPrincipalName: z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, "must look like name@domain"),
  password: z.string().min(1).default("Passw0rd!"),
  givenName: z.string().nullable().optional(),
  surname: z.string().nullable().optional(),
  mail: z.string().nullable().optional(),
  jobTitle: z.string().nullable().optional(),
  mobilePhone: z.string().nullable().optional(),
  officeLocation: z.string().nullable().optional(),
  preferredLanguage: z.string().nullable().optional(),
  businessPhones: z.array(z.string()).default([]),
  accountEnabled: z.boolean().default(true),
  directoryRoles: z.array(role).default([]),
  /** The manager, by userPrincipalName or object id (in fixtures, any user of the same tenant). */
  manager: z.string().min(1).optional(),
  /** Defaults to the part of userPrincipalName before the @. */
  mailNickname: z.string().min(1).max(64).optional(),
  /** ISO 8601 creation instant; Graph shows null when a fixture does not give one. */
  createdDateTime: z.iso.datetime({ offset: true }).optional(),
  city: profileString,
  country: profileString,
  state: profileString,
  streetAddress: profileString,
  postalCode: profileString,
  department: profileString,
  companyName: profileString,
  employeeId: profileString,
  employeeType: profileString,
  usageLocation: profileString,
  userType: profileString,
  ageGroup: profileString,
  faxNumber: profileString,
  aboutMe: profileString,
  mySite: profileString,
  preferredName: profileString,
  employeeHireDate: profileString,
  otherMails: z.array(z.string()).optional(),
  identities: z.array(z.object({ signInType: z.string(), issuer: z.string(), issuerAssignedId: z.string() }).strict()).optional(),
}).strict();
export type UserInput = z.input<typeof userInput>;

/** A group, as fixtures describe it; members are users named by userPrincipalName or object id. */
export const groupInput = z.object({
  id: guid.optional(),
  displayName: z.string().min(1).max(256),
  description: z.string().nullable().optional(),
  mailNickname: z.string().min(1).max(64).optional(),
  mail: z.string().nullable().optional(),
  mailEnabled: z.boolean().default(false),
  securityEnabled: z.boolean().default(true),
  groupTypes: z.array(z.string()).default([]),
  members: z.array(z.string().min(1)).default([]),
}).strict();
export type GroupInput = z.input<typeof groupInput>;

/** What the control plane may change on a user beyond Graph: roles, password, enabled state. */
export const userAdminPatch = z.object({
  directoryRoles: z.array(role).optional(),
  password: z.string().min(1).optional(),
  accountEnabled: z.boolean().optional(),
}).strict();

/** A scope name or app role value: Entra allows no spaces and no leading dot. */
const permissionValue = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,119}$/, "letters, digits, '.', '_', ':' or '-', not starting with '.'");
const apiScope = z.union([
  permissionValue.transform((value) => ({ value, adminConsentRequired: false, description: undefined as string | undefined })),
  z.object({ value: permissionValue, adminConsentRequired: z.boolean().default(false), description: z.string().max(500).optional() }).strict(),
]);
const appRole = z.object({
  id: guid.optional(),
  value: permissionValue,
  allowedMemberTypes: z.array(z.enum(["User", "Application"])).min(1),
  description: z.string().max(500).default(""),
}).strict();
const identifierUri = z.string().max(200).refine((u) => /^(api|https?):\/\/[^\s/]+(\/[^\s]*)?$/i.test(u) && !u.endsWith("/"), "must be an absolute URI such as api://<appId> (no trailing slash)");

/** An application registration, as fixtures and POST /_emulator/tenants/{tenant}/applications describe it. */
export const applicationInput = z.object({
  appId: guid.optional(),
  displayName: z.string().min(1).max(256),
  signInAudience: z.enum(["AzureADMyOrg", "AzureADMultipleOrgs"]).default("AzureADMyOrg"),
  redirectUris: z.array(redirectUri).default([]),
  /** A client secret to use; one is generated when omitted. `null` makes a public client with no secret. */
  clientSecret: z.string().min(8).nullable().optional(),
  /** Certificate credentials (PEM), for client assertions signed with their keys (private_key_jwt). */
  certificates: z.array(z.string().refine(isCertificate, "must be a PEM certificate (-----BEGIN CERTIFICATE-----)")).max(20).default([]),
  /** A public client (desktop, CLI, device code): no secret is issued and none is asked for. */
  publicClient: z.boolean().default(false),
  /** When the client secret expires (default: far in the future); a past date makes a secret Entra refuses with AADSTS7000222. */
  clientSecretEndDateTime: z.iso.datetime().optional(),
  delegatedPermissions: z.array(delegated).default([]),
  applicationPermissions: z.array(appPermission).default([]),
  /** Grant tenant-wide consent to every declared permission (delegated and application). */
  adminConsent: z.boolean().default(false),
  /** Redirect URIs of the single-page application platform (codes redeemed cross-origin, no secret). */
  spaRedirectUris: z.array(redirectUri).default([]),
  /** The app as an API: identifier URIs, exposed scopes, app roles, token version and group claims. */
  identifierUris: z.array(identifierUri).max(20).default([]),
  scopes: z.array(apiScope).max(100).default([]),
  appRoles: z.array(appRole).max(100).default([]),
  accessTokenVersion: z.union([z.literal(1), z.literal(2)]).optional(),
  groupMembershipClaims: z.enum(["None", "SecurityGroup", "All"]).optional(),
  /** Permissions to other APIs: the API by identifier URI or appId, and the scopes and app roles wanted. */
  apiPermissions: z.array(z.object({
    resource: z.string().min(1).max(200),
    delegated: z.array(z.string()).default([]),
    application: z.array(z.string()).default([]),
  }).strict()).max(50).default([]),
}).strict()
  .refine((a) => !(a.publicClient && typeof a.clientSecret === "string"), { error: "clientSecret: a public client has no secret (leave it out or give null)", path: ["clientSecret"] })
  .refine((a) => !(a.publicClient && a.certificates.length > 0), { error: "certificates: a public client has no credentials", path: ["certificates"] })
  .refine((a) => new Set(a.scopes.map((s) => s.value.toLowerCase())).size === a.scopes.length, { error: "scopes: each value must be unique", path: ["scopes"] })
  .refine((a) => new Set(a.appRoles.map((r) => r.value.toLowerCase())).size === a.appRoles.length, { error: "appRoles: each value must be unique", path: ["appRoles"] });

/** Grants an app role of an API's service principal to a user, group or service principal. */
export const appRoleAssignmentInput = z.object({
  principalId: guid,
  appRole: z.string().min(1).max(120),
}).strict();
export type ApplicationInput = z.input<typeof applicationInput>;

/** A multi-tenant application from another tenant that this tenant has consented to. */
export const consentedAppInput = z.object({
  appId: guid,
  delegatedPermissions: z.array(delegated).default([]),
  applicationPermissions: z.array(appPermission).default([]),
}).strict();

export const tenantFixture = z.object({
  id: guid,
  displayName: z.string().min(1),
  defaultDomain: z.string().min(3),
  domains: z.array(z.string()).default([]),
  users: z.array(userInput).default([]),
  applications: z.array(applicationInput).default([]),
  groups: z.array(groupInput).default([]),
  consentedApplications: z.array(consentedAppInput).default([]),
}).strict();
export type TenantFixture = z.output<typeof tenantFixture>;

/** Application permissions granted to a service principal (replaces the list). */
export const servicePrincipalPatch = z.object({ appRoleAssignments: z.array(appPermission) }).strict();

export const consentInput = z.object({
  clientId: guid,
  consentType: z.enum(["AllPrincipals", "Principal"]),
  principalId: guid.nullable().optional(),
  scopes: z.array(delegated).min(1),
}).strict();

export const clockInput = z
  .object({
    advance: z.string({ error: "must be an ISO 8601 duration string such as P91D" }).optional(),
    set: z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time such as 2027-01-01T00:00:00Z" }).optional(),
  })
  .strict()
  .refine((b) => (b.advance === undefined) !== (b.set === undefined), { error: "give exactly one of advance or set" });

/** Formats a zod failure as one readable line per problem. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join(".") : "body"}: ${i.message}`).join("; ");
}
