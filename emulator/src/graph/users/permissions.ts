import type { Response } from "express";
import type { Store } from "../../store/store.ts";
import { graphErrors } from "../../errors/graph-error.ts";
import { principalOf, type Principal } from "../../http/principal.ts";
import { authorize, ruleFor, type PermissionEntry } from "../permissions.ts";
import { findUser } from "./model.ts";

/**
 * Which permissions allow each users operation: least privileged first, then
 * the higher ones that also allow it, delegated (`scp`) and application
 * (`roles`) separately. test/graph/users/permissions-table.test.ts checks every row
 * against Microsoft's permissions map (microsoft-graph-devx-content
 * permissions.json).
 */
export interface UsersPermissionEntry extends PermissionEntry {
  /** Delegated permissions that only reach the signed-in user's own object (e.g. User.Read on /users/{id}). */
  selfOnly?: readonly string[];
  /** The directory role in `delegatedRoles` is not needed when the target is the signed-in user. */
  selfService?: boolean;
}

const READ_ALL = ["User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"];
const READ_BASIC = ["User.ReadBasic.All", ...READ_ALL];
const WRITE_ALL = ["User.ReadWrite.All", "Directory.ReadWrite.All"];
const MEMBER_OF_DELEGATED = ["User.Read", "Directory.Read.All", "Directory.ReadWrite.All", "GroupMember.Read.All", "GroupMember.ReadBasic.All", "Group.ReadBasic.All"];
const MEMBER_OF_APP = ["Directory.Read.All", "Directory.ReadWrite.All", "GroupMember.ReadBasic.All", "Group.ReadBasic.All"];
/** Roles that may create, change and delete other users. */
export const USER_ADMIN_ROLES = ["User Administrator", "Global Administrator"];

export const USERS_PERMISSIONS: readonly UsersPermissionEntry[] = [
  {
    method: "GET",
    path: "/me",
    delegated: ["User.Read", "User.ReadWrite", "User.ReadBasic.All", ...READ_ALL],
    application: [],
  },
  {
    method: "PATCH",
    path: "/me",
    delegated: ["User.ReadWrite", ...WRITE_ALL],
    application: [],
    delegatedRoles: USER_ADMIN_ROLES,
    selfService: true,
    differsFromMicrosoft: "permissions.json has no PATCH /me entry; the rule follows api/user-update.md (User.ReadWrite for one's own profile).",
  },
  { method: "GET", path: "/users", delegated: READ_BASIC, application: READ_BASIC },
  {
    method: "GET",
    path: "/users/$count",
    delegated: READ_BASIC,
    application: READ_BASIC,
    differsFromMicrosoft: "permissions.json has no /users/$count entry; counting needs what listing needs (GET /users).",
  },
  {
    method: "GET",
    path: "/users/{id}",
    delegated: [...READ_BASIC, "User.Read", "User.ReadWrite"],
    application: READ_BASIC,
    selfOnly: ["User.Read", "User.ReadWrite"],
  },
  { method: "POST", path: "/users", delegated: WRITE_ALL, application: WRITE_ALL, delegatedRoles: USER_ADMIN_ROLES },
  {
    method: "PATCH",
    path: "/users/{id}",
    delegated: [...WRITE_ALL, "User.ReadWrite"],
    application: WRITE_ALL,
    delegatedRoles: USER_ADMIN_ROLES,
    selfOnly: ["User.ReadWrite"],
    selfService: true,
  },
  {
    method: "DELETE",
    path: "/users/{id}",
    delegated: ["User.DeleteRestore.All", "User.ReadWrite.All"],
    application: ["User.DeleteRestore.All", "User.ReadWrite.All"],
    delegatedRoles: USER_ADMIN_ROLES,
  },
  { method: "GET", path: "/me/manager", delegated: READ_ALL, application: [] },
  { method: "GET", path: "/users/{id}/manager", delegated: READ_ALL, application: READ_ALL },
  { method: "PUT", path: "/users/{id}/manager/$ref", delegated: WRITE_ALL, application: WRITE_ALL, delegatedRoles: USER_ADMIN_ROLES },
  { method: "DELETE", path: "/users/{id}/manager/$ref", delegated: WRITE_ALL, application: WRITE_ALL, delegatedRoles: USER_ADMIN_ROLES },
  { method: "GET", path: "/me/directreports", delegated: ["User.Read", ...READ_ALL], application: [] },
  { method: "GET", path: "/users/{id}/directreports", delegated: ["User.Read", ...READ_ALL], application: READ_ALL },
  { method: "GET", path: "/me/memberof", delegated: MEMBER_OF_DELEGATED, application: [] },
  { method: "GET", path: "/users/{id}/memberof", delegated: MEMBER_OF_DELEGATED, application: MEMBER_OF_APP },
  { method: "GET", path: "/users/delta", delegated: READ_ALL, application: READ_ALL },
];

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Table rows by method and path, found once: the table is constant. */
const rowCache = new Map<string, UsersPermissionEntry>();
function rowFor(method: PermissionEntry["method"], path: string): UsersPermissionEntry {
  const key = `${method} ${path}`;
  let row = rowCache.get(key);
  if (!row) {
    row = ruleFor(USERS_PERMISSIONS, method, path) as UsersPermissionEntry;
    rowCache.set(key, row);
  }
  return row;
}

/** Directory roles that a User Administrator may not manage (Entra's "privileged" roles). */
const PROTECTED_FROM_USER_ADMINS = ["Global Administrator", "Privileged Role Administrator", "Application Administrator", "Cloud Application Administrator", "Global Reader"];

/**
 * Enforces the table row for `method path` on the caller, with the target
 * user's id when there is one: self-only permissions count only on oneself,
 * and self-service rows drop the directory-role requirement on oneself.
 * Returns the principal.
 */
export function checkUsersPermission(
  store: Store,
  res: Response,
  method: PermissionEntry["method"],
  path: string,
  targetId?: string,
): Principal {
  const principal = principalOf(res);
  const row = rowFor(method, path);
  const self = principal.kind === "user" && targetId !== undefined && same(targetId, principal.userId);
  const delegated = self ? row.delegated : row.delegated.filter((p) => !row.selfOnly?.some((s) => same(s, p)));
  const needsRole = row.delegatedRoles && !(self && row.selfService);
  authorize(store, principal, { delegated, application: row.application, ...(needsRole ? { delegatedRoles: row.delegatedRoles } : {}) });
  return principal;
}

/** The signed-in user's directory roles (empty for app-only callers). */
export function callerRoles(store: Store, principal: Principal): readonly string[] {
  if (principal.kind !== "user") return [];
  return store.read(principal.tenantId, (t) => findUser(t, principal.userId)?.directoryRoles ?? []);
}

/**
 * A delegated User Administrator (without Global Administrator) may not change
 * or delete users who hold privileged roles; Entra answers 403.
 */
export function checkManageable(store: Store, principal: Principal, target: { directoryRoles: readonly string[] }): void {
  if (principal.kind !== "user") return;
  const roles = callerRoles(store, principal);
  if (roles.some((r) => same(r, "Global Administrator"))) return;
  if (!roles.some((r) => same(r, "User Administrator"))) return;
  if (target.directoryRoles.some((r) => PROTECTED_FROM_USER_ADMINS.some((p) => same(p, r)))) throw graphErrors.insufficientPrivileges();
}
