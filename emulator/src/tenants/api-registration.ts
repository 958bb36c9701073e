import { findUser } from "../directory/users.ts";
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { notePut } from "../store/changes.ts";
import type { ApiPermission, Application, AppRoleAssignment, ConsentGrant, ServicePrincipal, TenantState } from "../store/types.ts";
import { AdminError } from "./admin-error.ts";
import type { applicationInput, appRoleAssignmentInput } from "./schemas.ts";

type AppInput = z.output<typeof applicationInput>;

/** The fields that make an app an API (identifier URIs, scopes, app roles, token version, group claims). */
export function apiFields(t: TenantState, input: AppInput): Partial<Application> {
  for (const uri of input.identifierUris) {
    const taken = t.applications.find((a) => (a.identifierUris ?? []).some((u) => u.toLowerCase() === uri.toLowerCase()));
    if (taken) throw new AdminError(409, "Conflict", `The identifier URI '${uri}' is already used by application ${taken.appId}.`);
  }
  const fields: Partial<Application> = {};
  if (input.identifierUris.length) fields.identifierUris = input.identifierUris;
  if (input.scopes.length) {
    fields.scopes = input.scopes.map((s) => ({ id: randomUUID(), value: s.value, adminConsentRequired: s.adminConsentRequired, description: s.description ?? `Access ${input.displayName} as you` }));
  }
  if (input.appRoles.length) fields.appRoles = input.appRoles.map((r) => ({ id: r.id ?? randomUUID(), value: r.value, allowedMemberTypes: r.allowedMemberTypes, description: r.description }));
  if (input.accessTokenVersion !== undefined) fields.accessTokenVersion = input.accessTokenVersion;
  if (input.groupMembershipClaims !== undefined) fields.groupMembershipClaims = input.groupMembershipClaims;
  if (input.spaRedirectUris.length) fields.spaRedirectUris = input.spaRedirectUris;
  return fields;
}

/** Finds an API of this tenant by identifier URI or appId. */
export function findApi(t: TenantState, resource: string): Application | undefined {
  const key = resource.toLowerCase();
  return t.applications.find((a) => a.appId.toLowerCase() === key || (a.identifierUris ?? []).some((u) => u.toLowerCase() === key));
}

/** Resolves a client's apiPermissions to the APIs of this tenant, checking every scope and role name. */
export function resolveApiPermissions(t: TenantState, input: AppInput["apiPermissions"]): ApiPermission[] {
  return input.map((p) => {
    const api = findApi(t, p.resource);
    if (!api) throw new AdminError(400, "ValidationError", `apiPermissions: no API with identifier URI or appId '${p.resource}' in tenant ${t.displayName} (register the API first).`);
    const delegated = p.delegated.map((name) => {
      const scope = (api.scopes ?? []).find((s) => s.value.toLowerCase() === name.toLowerCase());
      if (!scope) throw new AdminError(400, "ValidationError", `apiPermissions: '${api.displayName}' exposes no scope '${name}'.`);
      return scope.value;
    });
    const application = p.application.map((name) => {
      const role = (api.appRoles ?? []).find((r) => r.value.toLowerCase() === name.toLowerCase() && r.allowedMemberTypes.includes("Application"));
      if (!role) throw new AdminError(400, "ValidationError", `apiPermissions: '${api.displayName}' has no app role '${name}' for applications.`);
      return role.value;
    });
    return { resourceAppId: api.appId, delegated, application };
  });
}

/** Admin consent to a client's API permissions: tenant-wide delegated grants and app roles for its service principal. */
export function consentToApis(t: TenantState, client: ServicePrincipal, permissions: ApiPermission[], now: string): void {
  for (const p of permissions) {
    if (p.delegated.length > 0) {
      const grant: ConsentGrant = { id: randomUUID(), clientId: client.appId, consentType: "AllPrincipals", principalId: null, resource: p.resourceAppId, scopes: [...p.delegated] };
      t.consentGrants.push(grant);
      notePut(t, "consentGrants", grant);
    }
    for (const role of p.application) assignAppRole(t, p.resourceAppId, { principalId: client.id, appRole: role }, now);
  }
}

function findSp(t: TenantState, key: string): ServicePrincipal | undefined {
  const k = key.toLowerCase();
  return t.servicePrincipals.find((sp) => sp.id.toLowerCase() === k || sp.appId.toLowerCase() === k);
}

/** POST .../servicePrincipals/{id or appId}/appRoleAssignedTo: grants one of the API's app roles. */
export function assignAppRole(t: TenantState, spKey: string, input: z.output<typeof appRoleAssignmentInput>, now: string): AppRoleAssignment {
  const sp = findSp(t, spKey);
  if (!sp) throw new AdminError(404, "NotFound", `Service principal '${spKey}' does not exist (give its id or appId).`);
  const api = t.applications.find((a) => a.appId.toLowerCase() === sp.appId.toLowerCase());
  const role = (api?.appRoles ?? []).find((r) => r.value.toLowerCase() === input.appRole.toLowerCase() || r.id === input.appRole);
  if (!role) throw new AdminError(400, "ValidationError", `appRole: '${sp.displayName}' defines no app role '${input.appRole}'.`);
  const pid = input.principalId.toLowerCase();
  // A principal is named by object id only, never by sign-in name.
  const user = [findUser(t, pid)].find((u) => u?.id.toLowerCase() === pid);
  const group = user ? undefined : t.groups.find((g) => g.id.toLowerCase() === pid);
  const client = user || group ? undefined : t.servicePrincipals.find((s) => s.id.toLowerCase() === pid);
  if (!user && !group && !client) throw new AdminError(400, "ValidationError", `principalId: '${input.principalId}' is no user, group or service principal of this tenant.`);
  const principalType = user ? "User" : group ? "Group" : "ServicePrincipal";
  const member = principalType === "ServicePrincipal" ? "Application" : "User";
  if (!role.allowedMemberTypes.includes(member)) throw new AdminError(400, "ValidationError", `appRole: '${role.value}' is not for ${member === "User" ? "users and groups" : "applications"} (allowedMemberTypes ${role.allowedMemberTypes.join(", ")}).`);
  const existing = (sp.appRoleAssignedTo ?? []).find((a) => a.principalId.toLowerCase() === pid && a.appRoleId === role.id);
  if (existing) return existing;
  const assignment: AppRoleAssignment = {
    id: randomUUID(),
    principalId: (user ?? group ?? client)!.id,
    principalType,
    principalDisplayName: (user ?? group ?? client)!.displayName,
    appRoleId: role.id,
    appRole: role.value,
    createdDateTime: now,
  };
  sp.appRoleAssignedTo = [...(sp.appRoleAssignedTo ?? []), assignment];
  notePut(t, "servicePrincipals", sp);
  return assignment;
}

export function listAppRoleAssignments(t: TenantState, spKey: string): AppRoleAssignment[] {
  const sp = findSp(t, spKey);
  if (!sp) throw new AdminError(404, "NotFound", `Service principal '${spKey}' does not exist (give its id or appId).`);
  return [...(sp.appRoleAssignedTo ?? [])];
}

export function removeAppRoleAssignment(t: TenantState, spKey: string, id: string): void {
  const sp = findSp(t, spKey);
  const list = sp?.appRoleAssignedTo ?? [];
  if (!sp || !list.some((a) => a.id === id)) throw new AdminError(404, "NotFound", `App role assignment '${id}' does not exist on service principal '${spKey}'.`);
  sp.appRoleAssignedTo = list.filter((a) => a.id !== id);
  notePut(t, "servicePrincipals", sp);
}
