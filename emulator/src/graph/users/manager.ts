import type { Request, Response } from "express";
import type { Store } from "../../store/store.ts";
import { graphErrors } from "../../errors/graph-error.ts";
import { contextUrl } from "./links.ts";
import { findUser, updateUser } from "../../directory/users.ts";
import { checkManageable } from "./manageable.ts";
import { parseUserSelect, readOptions } from "./query.ts";
import { addressedUser, targetOf } from "./target.ts";
import { userAsDirectoryObject } from "./views.ts";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** GET /me/manager and /users/{id}/manager: the manager as a directoryObject, or 404 when there is none. */
export function getManager(store: Store) {
  return (req: Request, res: Response): void => {
    const target = targetOf(req, res);
    const select = parseUserSelect(readOptions(req, ["$select"]), false);
    const body = store.read(target.tenantId, (t) => {
      const user = findUser(t, target.key);
      if (!user) throw graphErrors.resourceNotFound(target.key);
      const manager = user.managerId ? findUser(t, user.managerId) : undefined;
      if (!manager) throw graphErrors.resourceNotFound("manager");
      return userAsDirectoryObject(manager, select?.properties ?? null);
    });
    res.json({ "@odata.context": contextUrl(res, "directoryObjects", select?.context ?? null, true), ...body });
  };
}

/** The object id an `@odata.id` names: `https://graph.microsoft.com/v1.0/users/{id}`, `.../directoryObjects/{id}` or the bare id. */
function referencedId(body: unknown): string {
  if (body === undefined) throw graphErrors.invalidJson();
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw graphErrors.refMissingOdataId();
  const ref = (body as Record<string, unknown>)["@odata.id"];
  if (ref === undefined) throw graphErrors.refMissingOdataId();
  if (typeof ref !== "string") throw graphErrors.invalidObjectIdentifier(JSON.stringify(ref));
  const last = ref.replace(/\/+$/, "").split("/").pop() ?? "";
  let id = last;
  try {
    id = decodeURIComponent(last);
  } catch {
    // an undecodable segment is simply not an id
  }
  if (!GUID.test(id)) throw graphErrors.invalidObjectIdentifier(ref);
  return id;
}

/** PUT /users/{id}/manager/$ref with {"@odata.id": ".../users/{managerId}"}: 204. */
export function putManager(store: Store) {
  return (req: Request, res: Response): void => {
    const { target, user: found, principal } = addressedUser(store, req, res);
    const managerId = referencedId(req.body);
    checkManageable(store, principal, found);
    store.write(target.tenantId, (t) => {
      const manager = findUser(t, managerId);
      if (!manager) throw graphErrors.resourceNotFound(managerId);
      if (manager.id === found.id) throw graphErrors.managerIsSelf();
      const user = findUser(t, found.id);
      if (user) updateUser(t, user, { managerId: manager.id });
    });
    res.status(204).end();
  };
}

/** DELETE /users/{id}/manager/$ref: 204, or 404 when the user has no manager. */
export function deleteManager(store: Store) {
  return (req: Request, res: Response): void => {
    const { target, user: found, principal } = addressedUser(store, req, res);
    if (!found.managerId) throw graphErrors.resourceNotFound("manager");
    checkManageable(store, principal, found);
    store.write(target.tenantId, (t) => {
      const user = findUser(t, found.id);
      if (user) updateUser(t, user, { managerId: null });
    });
    res.status(204).end();
  };
}
