import type { Request, Response } from "express";
import type { Store } from "../../store/store.ts";
import type { TenantState, User } from "../../store/types.ts";
import { graphErrors } from "../../errors/graph-error.ts";
import { checkPasswordComplexity, readUserBody } from "./body.ts";
import { parseExpand, withManager } from "./expand.ts";
import { contextUrl } from "./links.ts";
import { findUser, removeUser, updateUser } from "../../directory/users.ts";
import { callerRoles, checkManageable, USER_ADMIN_ROLES } from "./manageable.ts";
import { isEventual, parseCount, parseUserSelect, readOptions } from "./query.ts";
import { addressedUser, targetOf } from "./target.ts";
import { userView } from "./views.ts";
import { entityText, userViewTexts } from "./view-text.ts";
import { sendJsonText } from "../../http/send-json.ts";

/** What users may change on their own profile without an admin role (the SharePoint profile fields and their phones). */
const SELF_SERVICE = new Set([
  "aboutMe",
  "birthday",
  "interests",
  "mySite",
  "pastProjects",
  "preferredName",
  "responsibilities",
  "schools",
  "skills",
  "businessPhones",
  "mobilePhone",
  "preferredLanguage",
]);

/** GET /me and GET /users/{id | userPrincipalName}, with $select and $expand=manager (and $levels). */
export function getUser(store: Store) {
  return (req: Request, res: Response): void => {
    const target = targetOf(req, res);
    // $count=true with ConsistencyLevel: eventual is an advanced query, as the management chain example sends it (user-list-manager.md).
    const options = readOptions(req, ["$select", "$expand", ...(isEventual(req) ? ["$count"] : [])]);
    parseCount(options);
    const select = parseUserSelect(options, false);
    const expand = parseExpand(options);
    const text = store.read(target.tenantId, (t) => {
      const user = findUser(t, target.key);
      if (!user) throw graphErrors.resourceNotFound(target.key);
      const head = { "@odata.context": contextUrl(res, "users", select?.context ?? null, true) };
      // Without $expand the user is its ready view text; a manager inline is built each time.
      if (!expand) return entityText(head, userViewTexts(t, select?.properties ?? null)(user));
      return JSON.stringify(withManager(t, user, userView(user, select?.properties ?? null, head), expand));
    });
    sendJsonText(res, text);
  };
}

/** PATCH /me and PATCH /users/{id}: 204, unsent properties keep their values. */
export function patchUser(store: Store) {
  return (req: Request, res: Response): void => {
    const { target, user: found, principal } = addressedUser(store, req, res);
    const props = readUserBody(req.body, found.id);
    const self = principal.kind === "user" && principal.userId.toLowerCase() === found.id.toLowerCase();
    if (self && !callerRoles(store, principal).some((r) => USER_ADMIN_ROLES.includes(r))) {
      if (Object.keys(props).some((p) => !SELF_SERVICE.has(p))) throw graphErrors.insufficientPrivileges();
    }
    if (!self) checkManageable(store, principal, found);
    store.write(target.tenantId, (t) => {
      const user = findUser(t, found.id);
      if (!user) throw graphErrors.resourceNotFound(target.key);
      updateUser(t, user, toChanges(t, user, props));
    });
    res.status(204).end();
  };
}

/** Body properties → stored fields, with Entra's checks on UPN, password and mail. */
function toChanges(t: TenantState, user: User, props: Record<string, unknown>): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(props)) {
    if (name === "passwordProfile") {
      const password = (value as { password?: unknown } | null)?.password;
      if (typeof password === "string") {
        checkPasswordComplexity(password);
        changes.password = password;
      }
      continue;
    }
    if (name === "userPrincipalName") {
      const upn = value as string;
      const domain = upn.slice(upn.lastIndexOf("@") + 1).toLowerCase();
      if (!t.domains.some((d) => d.toLowerCase() === domain)) throw graphErrors.upnDomainInvalid();
      const other = findUser(t, upn);
      if (other && other.id !== user.id) throw graphErrors.upnConflict();
    }
    if (name === "mail") changes.proxyAddresses = typeof value === "string" ? [`SMTP:${value}`] : [];
    changes[name] = value;
  }
  return changes;
}

/** DELETE /users/{id}: 204; the user can no longer sign in or get tokens. */
export function deleteUser(store: Store) {
  return (req: Request, res: Response): void => {
    const { target, user: found, principal } = addressedUser(store, req, res);
    checkManageable(store, principal, found);
    store.write(target.tenantId, (t) => {
      const user = findUser(t, found.id);
      if (user) removeUser(t, user);
    });
    res.status(204).end();
  };
}
