import { randomBytes, randomUUID } from "node:crypto";
import type { Clock } from "../clock.ts";
import type { TenantState, User, Application } from "../store/types.ts";
import { GRAPH_RESOURCE } from "../identity/consent.ts";
import { applicationInput, userInput, type ApplicationInput, type UserInput } from "./schemas.ts";

/** Directory changes that fixtures and the control plane share. They run inside `store.write`. */

export class AdminError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function addUser(t: TenantState, raw: UserInput): User {
  const input = userInput.parse(raw);
  const upn = input.userPrincipalName.toLowerCase();
  const domain = upn.slice(upn.lastIndexOf("@") + 1);
  if (!t.domains.some((d) => d.toLowerCase() === domain)) {
    throw new AdminError(400, "InvalidDomain", `The domain '${domain}' of userPrincipalName is not a domain of tenant ${t.displayName} (${t.domains.join(", ")}).`);
  }
  if (t.users.some((u) => u.userPrincipalName.toLowerCase() === upn)) {
    throw new AdminError(409, "Conflict", `Another object with the same value for property userPrincipalName already exists.`);
  }
  const id = input.id ?? randomUUID();
  if (t.users.some((u) => u.id === id)) throw new AdminError(409, "Conflict", `A user with id ${id} already exists.`);
  const user: User = {
    id,
    userPrincipalName: input.userPrincipalName,
    displayName: input.displayName,
    givenName: input.givenName ?? null,
    surname: input.surname ?? null,
    mail: input.mail === undefined ? input.userPrincipalName : input.mail,
    jobTitle: input.jobTitle ?? null,
    mobilePhone: input.mobilePhone ?? null,
    officeLocation: input.officeLocation ?? null,
    preferredLanguage: input.preferredLanguage ?? null,
    businessPhones: input.businessPhones,
    accountEnabled: input.accountEnabled,
    password: input.password,
    directoryRoles: input.directoryRoles,
    tokensValidFrom: new Date(0).toISOString(),
  };
  t.users.push(user);
  return user;
}

export interface CreatedApplication {
  application: Application;
  clientSecret: string | null;
}

/** Registers an app with its service principal and, with adminConsent, tenant-wide grants. */
export function addApplication(t: TenantState, raw: ApplicationInput): CreatedApplication {
  const input = applicationInput.parse(raw);
  const appId = input.appId ?? randomUUID();
  if (t.applications.some((a) => a.appId === appId)) throw new AdminError(409, "Conflict", `An application with appId ${appId} already exists.`);
  const clientSecret = input.clientSecret === null ? null : (input.clientSecret ?? randomBytes(30).toString("base64url"));
  const application: Application = {
    id: randomUUID(),
    appId,
    displayName: input.displayName,
    signInAudience: input.signInAudience,
    redirectUris: input.redirectUris,
    secrets: clientSecret ? [{ keyId: randomUUID(), secretText: clientSecret, endDateTime: "2299-12-31T00:00:00Z" }] : [],
    delegatedPermissions: input.delegatedPermissions,
    applicationPermissions: input.applicationPermissions,
  };
  t.applications.push(application);
  t.servicePrincipals.push({
    id: randomUUID(),
    appId,
    displayName: input.displayName,
    appRoleAssignments: input.adminConsent ? [...input.applicationPermissions] : [],
  });
  if (input.adminConsent && input.delegatedPermissions.length > 0) {
    t.consentGrants.push({
      id: randomUUID(),
      clientId: appId,
      consentType: "AllPrincipals",
      principalId: null,
      resource: GRAPH_RESOURCE,
      scopes: [...input.delegatedPermissions],
    });
  }
  return { application, clientSecret };
}

/** Admin consent in this tenant to an app registered elsewhere (a multi-tenant app). */
export function consentToForeignApp(
  t: TenantState,
  app: { appId: string; displayName: string },
  delegated: string[],
  application: string[],
): void {
  let sp = t.servicePrincipals.find((s) => s.appId === app.appId);
  if (!sp) {
    sp = { id: randomUUID(), appId: app.appId, displayName: app.displayName, appRoleAssignments: [] };
    t.servicePrincipals.push(sp);
  }
  for (const r of application) if (!sp.appRoleAssignments.includes(r)) sp.appRoleAssignments.push(r);
  if (delegated.length > 0) {
    t.consentGrants.push({ id: randomUUID(), clientId: app.appId, consentType: "AllPrincipals", principalId: null, resource: GRAPH_RESOURCE, scopes: delegated });
  }
}

/** Like Graph's revokeSignInSessions: refresh tokens issued before now stop working. */
export function revokeSignInSessions(t: TenantState, userId: string, clock: Clock): void {
  const user = t.users.find((u) => u.id === userId || u.userPrincipalName.toLowerCase() === userId.toLowerCase());
  if (!user) throw new AdminError(404, "NotFound", `User '${userId}' was not found in tenant ${t.displayName}.`);
  const now = clock.now().toISOString();
  user.tokensValidFrom = now;
  // Mark existing tokens too, so one issued in the same millisecond is revoked as well.
  for (const rt of t.refreshTokens) if (rt.userId === user.id && !rt.revokedAt) rt.revokedAt = now;
  t.sessions = t.sessions.filter((s) => s.userId !== user.id);
}

export function patchUserAdmin(
  t: TenantState,
  userKey: string,
  patch: { directoryRoles?: string[] | undefined; password?: string | undefined; accountEnabled?: boolean | undefined },
): User {
  const user = t.users.find((u) => u.id === userKey || u.userPrincipalName.toLowerCase() === userKey.toLowerCase());
  if (!user) throw new AdminError(404, "NotFound", `User '${userKey}' was not found in tenant ${t.displayName}.`);
  if (patch.directoryRoles) user.directoryRoles = patch.directoryRoles;
  if (patch.password !== undefined) user.password = patch.password;
  if (patch.accountEnabled !== undefined) user.accountEnabled = patch.accountEnabled;
  return user;
}

/** Public view of a user: everything but the password. */
export function publicUser(user: Pick<User, "password"> & Record<string, unknown>): Record<string, unknown> {
  const { password: _password, ...rest } = user;
  return rest;
}
