import { Router, type NextFunction, type Request, type Response } from "express";
import type { GraphDeps } from "../context.ts";
import { countUsers, listUsers } from "./collection.ts";
import { createUser } from "./create.ts";
import { usersDelta } from "./delta.ts";
import { deleteUser, getUser, patchUser } from "./item.ts";
import { deleteManager, getManager, putManager } from "./manager.ts";
import { listDirectReports, listMemberOf } from "./relations.ts";

const DELTA = new Set(["delta", "delta()", "microsoft.graph.delta", "microsoft.graph.delta()"]);

/**
 * Rewrites the OData key forms `/users('AdeleV@contoso.com')` (quotes doubled
 * inside) and `/users(87d349ed-…)` to `/users/{key}`, so one set of routes
 * serves both. A quoted key may start with `$`.
 */
function keyForms(req: Request, res: Response, next: NextFunction): void {
  const q = req.url.indexOf("?");
  const path = q < 0 ? req.url : req.url.slice(0, q);
  if (!/^\/users(\(|%28)/i.test(path)) return next();
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return next();
  }
  const m = /^\/users\((?:'((?:[^']|'')*)'|([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}))\)(\/.*)?$/i.exec(decoded);
  if (!m) return next();
  const key = m[1] !== undefined ? m[1].replace(/''/g, "'") : (m[2] as string);
  res.locals.quotedKey = m[1] !== undefined;
  req.url = `/users/${encodeURIComponent(key)}${m[3] ?? ""}${q < 0 ? "" : req.url.slice(q)}`;
  next();
}

/** Users: /me, /users, /users/{id | userPrincipalName} and their manager, directReports and memberOf. */
export function usersRouter(deps: GraphDeps): Router {
  const router = Router({ caseSensitive: false });
  addUserRoutes(router, deps);
  return router;
}

/**
 * Adds the users routes to `router` itself (the Graph router), so that a
 * users request is matched there without entering a router of its own.
 */
export function addUserRoutes(router: Router, deps: GraphDeps): void {
  const { store, clock } = deps;
  router.use(keyForms);

  router.get("/me", getUser(store));
  router.patch("/me", patchUser(store));
  router.get("/me/manager", getManager(store));
  router.get("/me/directReports", listDirectReports(store));
  router.get("/me/memberOf", listMemberOf(store));

  router.get("/users", listUsers(store));
  router.post("/users", createUser(store, clock));
  const get = getUser(store);
  const count = countUsers(store);
  const delta = usersDelta(store);
  router.get("/users/:key", (req, res) => {
    const key = String(req.params.key);
    if (key === "$count" && !res.locals.quotedKey) return count(req, res);
    if (DELTA.has(key.toLowerCase()) && !res.locals.quotedKey) return delta(req, res);
    return get(req, res);
  });
  router.patch("/users/:key", patchUser(store));
  router.delete("/users/:key", deleteUser(store));
  router.get("/users/:key/manager", getManager(store));
  router.put("/users/:key/manager/:ref", refOnly(putManager(store)));
  router.delete("/users/:key/manager/:ref", refOnly(deleteManager(store)));
  router.get("/users/:key/directReports", listDirectReports(store));
  router.get("/users/:key/memberOf", listMemberOf(store));
}

/** Serves `.../manager/$ref` only; other segments fall through to Graph's "segment not found". */
function refOnly(handler: (req: Request, res: Response) => void) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (String(req.params.ref) !== "$ref") return next();
    handler(req, res);
  };
}
