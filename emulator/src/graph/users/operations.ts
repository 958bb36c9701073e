import type { GraphDeps } from "../context.ts";
import type { Operation, OperationPermissions } from "../operation.ts";
import { countUsers, listUsers } from "./collection.ts";
import { createUser } from "./create.ts";
import { usersDelta } from "./delta.ts";
import { deleteUser, getUser, patchUser } from "./item.ts";
import { deleteManager, getManager, putManager } from "./manager.ts";
import { USER_ADMIN_ROLES } from "./manageable.ts";
import { listDirectReports, listMemberOf } from "./relations.ts";

/*
 * Users' permissions, least privileged first, delegated (`scp`) and
 * application (`roles`) separately. test/graph/users/permissions-table.test.ts
 * checks every row against Microsoft's permissions map (permissions.json);
 * rows that knowingly differ say why.
 */
const READ_ALL = ["User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"];
const READ_BASIC = ["User.ReadBasic.All", ...READ_ALL];
const WRITE_ALL = ["User.ReadWrite.All", "Directory.ReadWrite.All"];
const MEMBER_OF_DELEGATED = ["User.Read", "Directory.Read.All", "Directory.ReadWrite.All", "GroupMember.Read.All", "GroupMember.ReadBasic.All", "Group.ReadBasic.All"];
const MEMBER_OF_APP = ["Directory.Read.All", "Directory.ReadWrite.All", "GroupMember.ReadBasic.All", "Group.ReadBasic.All"];

/** A directory rule: refused with Authorization_RequestDenied. */
const rule = (r: Omit<OperationPermissions, "refusal">): OperationPermissions => ({ ...r, refusal: "directory" });
const ADMIN_WRITE = rule({ delegated: WRITE_ALL, application: WRITE_ALL, delegatedRoles: USER_ADMIN_ROLES });

/** Users: /me, /users, /users/{user} (id or userPrincipalName) and their manager, directReports and memberOf. */
export function usersOperations(deps: GraphDeps): Operation[] {
  const { store, clock } = deps;
  const get = getUser(store);
  const patch = patchUser(store);
  const manager = getManager(store);
  const reports = listDirectReports(store);
  const memberOf = listMemberOf(store);
  return [
    { method: "GET", path: "/me", summary: "The signed-in user ($select, $expand=manager).", handler: get, permissions: rule({ delegated: ["User.Read", "User.ReadWrite", "User.ReadBasic.All", ...READ_ALL], application: [] }) },
    {
      method: "PATCH",
      path: "/me",
      summary: "Update the signed-in user; without an admin role only the self-service properties.",
      handler: patch,
      permissions: rule({
        delegated: ["User.ReadWrite", ...WRITE_ALL],
        application: [],
        delegatedRoles: USER_ADMIN_ROLES,
        selfService: true,
        differsFromMicrosoft: "permissions.json has no PATCH /me entry; the rule follows api/user-update.md (User.ReadWrite for one's own profile).",
      }),
    },
    { method: "GET", path: "/me/manager", summary: "The signed-in user's manager, as a directoryObject.", handler: manager, permissions: rule({ delegated: READ_ALL, application: [] }) },
    { method: "GET", path: "/me/directReports", summary: "The signed-in user's direct reports.", handler: reports, permissions: rule({ delegated: ["User.Read", ...READ_ALL], application: [] }) },
    { method: "GET", path: "/me/memberOf", summary: "Groups and directory roles of the signed-in user.", handler: memberOf, permissions: rule({ delegated: MEMBER_OF_DELEGATED, application: [] }) },
    { method: "GET", path: "/users", summary: "List users: $select, $filter, $orderby, $search, $top, $count, paging.", handler: listUsers(store), permissions: rule({ delegated: READ_BASIC, application: READ_BASIC }) },
    { method: "POST", path: "/users", summary: "Create a user.", handler: createUser(store, clock), permissions: ADMIN_WRITE },
    {
      method: "GET",
      path: "/users/$count",
      summary: "Count users (text/plain); needs ConsistencyLevel: eventual.",
      handler: countUsers(store),
      permissions: rule({ delegated: READ_BASIC, application: READ_BASIC, differsFromMicrosoft: "permissions.json has no /users/$count entry; counting needs what listing needs (GET /users)." }),
    },
    { method: "GET", path: "/users/delta()", summary: "Changes to users since a delta token ($select, $filter by id, return=minimal).", handler: usersDelta(store), permissions: rule({ delegated: READ_ALL, application: READ_ALL }) },
    {
      method: "GET",
      path: "/users/{user}",
      summary: "A user by id or userPrincipalName ($select, $expand=manager).",
      handler: get,
      permissions: rule({ delegated: [...READ_BASIC, "User.Read", "User.ReadWrite"], application: READ_BASIC, selfOnly: ["User.Read", "User.ReadWrite"] }),
    },
    {
      method: "PATCH",
      path: "/users/{user}",
      summary: "Update a user.",
      handler: patch,
      permissions: rule({ delegated: [...WRITE_ALL, "User.ReadWrite"], application: WRITE_ALL, delegatedRoles: USER_ADMIN_ROLES, selfOnly: ["User.ReadWrite"], selfService: true }),
    },
    {
      method: "DELETE",
      path: "/users/{user}",
      summary: "Delete a user; it can no longer sign in or get tokens.",
      handler: deleteUser(store),
      permissions: rule({ delegated: ["User.DeleteRestore.All", "User.ReadWrite.All"], application: ["User.DeleteRestore.All", "User.ReadWrite.All"], delegatedRoles: USER_ADMIN_ROLES }),
    },
    { method: "GET", path: "/users/{user}/manager", summary: "A user's manager, as a directoryObject.", handler: manager, permissions: rule({ delegated: READ_ALL, application: READ_ALL }) },
    { method: "PUT", path: "/users/{user}/manager/$ref", summary: "Set a user's manager.", handler: putManager(store), permissions: ADMIN_WRITE },
    { method: "DELETE", path: "/users/{user}/manager/$ref", summary: "Remove a user's manager.", handler: deleteManager(store), permissions: ADMIN_WRITE },
    { method: "GET", path: "/users/{user}/directReports", summary: "A user's direct reports.", handler: reports, permissions: rule({ delegated: ["User.Read", ...READ_ALL], application: READ_ALL }) },
    { method: "GET", path: "/users/{user}/memberOf", summary: "Groups and directory roles of a user.", handler: memberOf, permissions: rule({ delegated: MEMBER_OF_DELEGATED, application: MEMBER_OF_APP }) },
  ];
}
