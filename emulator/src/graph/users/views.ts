import type { DeepReadonly } from "../../store/store.ts";
import type { Group, User } from "../../store/types.ts";
import { DEFAULT_USER_PROPERTIES, userProperty } from "./properties.ts";

type RUser = DeepReadonly<User>;

const EPOCH = new Date(0).toISOString();

/** A user property as Graph returns it: unset is null (or [] for non-nullable collections), secrets never. */
export function userValue(user: RUser, name: string): unknown {
  switch (name) {
    case "passwordProfile":
      // Graph never returns the password; the profile reads as null.
      return null;
    case "userType":
      return user.userType ?? "Member";
    case "signInSessionsValidFromDateTime":
      return user.tokensValidFrom && user.tokensValidFrom !== EPOCH ? user.tokensValidFrom : (user.createdDateTime ?? null);
    default: {
      const value = user[name];
      if (value !== undefined && value !== null) return value;
      return userProperty(name)?.nonNullable ? [] : null;
    }
  }
}

/** Graph's default view of a user (no $select), after the properties of `head` when given. */
export function defaultUserView(user: RUser, head?: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = head ?? {};
  for (const name of DEFAULT_USER_PROPERTIES) out[name] = userValue(user, name);
  return out;
}

/**
 * A user with `$select`: the selected properties in the order asked for.
 * `select` holds canonical names; names the type lacks were dropped by the
 * query parser (user is an open type, so Graph ignores them). `head` (e.g.
 * `@odata.context`) comes first when given, and is the object filled in.
 */
export function userView(user: RUser, select: readonly string[] | null, head?: Record<string, unknown>): Record<string, unknown> {
  if (!select) return defaultUserView(user, head);
  const out: Record<string, unknown> = head ?? {};
  for (const name of select) out[name] = userValue(user, name);
  return out;
}

/** A user inside a directoryObject collection or reference (manager, directReports, memberOf). */
export function userAsDirectoryObject(user: RUser, select: readonly string[] | null): Record<string, unknown> {
  return { "@odata.type": "#microsoft.graph.user", ...userView(user, select) };
}

/** A group inside memberOf, with Graph's default group properties. */
export function groupAsDirectoryObject(group: DeepReadonly<Group>, select: readonly string[] | null): Record<string, unknown> {
  const all: Record<string, unknown> = {
    id: group.id,
    deletedDateTime: null,
    classification: null,
    createdDateTime: null,
    description: group.description,
    displayName: group.displayName,
    expirationDateTime: null,
    groupTypes: group.groupTypes,
    isAssignableToRole: null,
    mail: group.mail,
    mailEnabled: group.mailEnabled,
    mailNickname: group.mailNickname,
    membershipRule: null,
    membershipRuleProcessingState: null,
    onPremisesDomainName: null,
    onPremisesLastSyncDateTime: null,
    onPremisesNetBiosName: null,
    onPremisesSamAccountName: null,
    onPremisesSecurityIdentifier: null,
    onPremisesSyncEnabled: null,
    preferredDataLocation: null,
    preferredLanguage: null,
    proxyAddresses: group.mail ? [`SMTP:${group.mail}`] : [],
    renewedDateTime: null,
    resourceBehaviorOptions: [],
    resourceProvisioningOptions: [],
    securityEnabled: group.securityEnabled,
    securityIdentifier: null,
    theme: null,
    visibility: group.groupTypes.includes("Unified") ? "Public" : null,
    onPremisesProvisioningErrors: [],
    serviceProvisioningErrors: [],
  };
  return { "@odata.type": "#microsoft.graph.group", ...pick(all, select) };
}

/** An activated directory role inside memberOf. */
export function roleAsDirectoryObject(
  role: { id: string; displayName: string; roleTemplateId: string },
  select: readonly string[] | null,
): Record<string, unknown> {
  const all = {
    id: role.id,
    deletedDateTime: null,
    description: ROLE_DESCRIPTIONS[role.displayName] ?? null,
    displayName: role.displayName,
    roleTemplateId: role.roleTemplateId,
  };
  return { "@odata.type": "#microsoft.graph.directoryRole", ...pick(all, select) };
}

function pick(all: Record<string, unknown>, select: readonly string[] | null): Record<string, unknown> {
  if (!select) return all;
  const lower = new Map(Object.keys(all).map((k) => [k.toLowerCase(), k]));
  const out: Record<string, unknown> = {};
  for (const name of select) {
    const key = lower.get(name.toLowerCase());
    if (key) out[key] = all[key];
  }
  return out;
}

/** Short role descriptions, in the emulator's words. */
const ROLE_DESCRIPTIONS: Record<string, string> = {
  "Global Administrator": "Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft Entra identities.",
  "User Administrator": "Can manage all aspects of users and groups, including resetting passwords for limited admins.",
  "Privileged Role Administrator": "Can manage role assignments in Microsoft Entra ID, and all aspects of Privileged Identity Management.",
  "Cloud Application Administrator": "Can create and manage all aspects of app registrations and enterprise apps except App Proxy.",
  "Application Administrator": "Can create and manage all aspects of app registrations and enterprise apps.",
  "Global Reader": "Can read everything that a Global Administrator can, but not update anything.",
  "Directory Readers": "Can read basic directory information. Commonly used to grant directory read access to applications and guests.",
};
