import { createHash } from "node:crypto";
import type { Request, Response } from "express";
import type { DeepReadonly, Store } from "../../store/store.ts";
import type { TenantState, User } from "../../store/types.ts";
import { graphErrors } from "../../errors/graph-error.ts";
import { ROLE_TEMPLATE_IDS } from "../../identity/graph-resource.ts";
import { contextUrl, nextPageLink } from "./links.ts";
import { page, runUserQuery } from "./list.ts";
import { directReportsOf } from "../../directory/users.ts";
import { parseSelect } from "../odata/index.ts";
import { isEventual, LIST_OPTIONS, parsed, parseUserListQuery } from "./query.ts";
import { addressedUser } from "./target.ts";
import { groupAsDirectoryObject, roleAsDirectoryObject, userAsDirectoryObject } from "./views.ts";

/** GET /me/directReports and /users/{id}/directReports: users, as directoryObjects, with the users query options. */
export function listDirectReports(store: Store) {
  return (req: Request, res: Response): void => {
    const { target, user, query } = addressedUser(store, req, res, LIST_OPTIONS);
    const q = parseUserListQuery(query, isEventual(req));
    const select = q.select?.properties ?? null;
    const result = store.read(target.tenantId, (t) => runUserQuery(t, q, directReportsOf(t, user.id)));
    res.json({
      "@odata.context": contextUrl(res, "directoryObjects", q.select?.context ?? null, false),
      ...(result.count !== undefined ? { "@odata.count": result.count } : {}),
      ...(result.next !== null ? { "@odata.nextLink": nextPageLink(req, res, q.fingerprint, result.next) } : {}),
      value: result.items.map((u) => userAsDirectoryObject(u, select)),
    });
  };
}

/** A tenant's activated directory role object id for a role template: stable, derived from both ids. */
export function directoryRoleId(tenantId: string, templateId: string): string {
  const h = createHash("sha256").update(`${tenantId.toLowerCase()}:${templateId}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function memberships(t: DeepReadonly<TenantState>, user: DeepReadonly<User>, select: readonly string[] | null): Record<string, unknown>[] {
  const groups = t.groups.filter((g) => g.members.includes(user.id)).map((g) => groupAsDirectoryObject(g, select));
  const roles = user.directoryRoles.flatMap((name) => {
    const templateId = ROLE_TEMPLATE_IDS[name];
    return templateId ? [roleAsDirectoryObject({ id: directoryRoleId(t.id, templateId), displayName: name, roleTemplateId: templateId }, select)] : [];
  });
  return [...groups, ...roles];
}

/**
 * GET /me/memberOf and /users/{id}/memberOf: groups and directory roles, each
 * with its @odata.type. $filter, $orderby and $search (casts and advanced
 * queries on memberOf) are not emulated.
 */
export function listMemberOf(store: Store) {
  return (req: Request, res: Response): void => {
    const { target, user, query: options } = addressedUser(store, req, res, LIST_OPTIONS);
    if (options.has("$filter") || options.has("$orderby") || options.has("$search")) throw graphErrors.unsupportedQuery();
    const q = parseUserListQuery(new Map([...options].filter(([k]) => k !== "$select")), isEventual(req));
    const selectText = options.get("$select");
    const select = selectText === undefined ? null : parsed("$select", () => parseSelect(selectText));
    const all = store.read(target.tenantId, (t) => memberships(t, user, select));
    const result = page(all, q);
    res.json({
      "@odata.context": contextUrl(res, "directoryObjects", select, false),
      ...(result.count !== undefined ? { "@odata.count": result.count } : {}),
      ...(result.next !== null ? { "@odata.nextLink": nextPageLink(req, res, q.fingerprint, result.next) } : {}),
      value: result.items,
    });
  };
}
