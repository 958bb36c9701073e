import type { NextFunction, Request, Response } from "express";
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

type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
type Handler = (req: Request, res: Response, next: NextFunction) => void;

/** One users route: method, Express-style path, handler. */
export interface UserRoute {
  method: Method;
  path: string;
  handler: Handler;
}

/** Users: /me, /users, /users/{id | userPrincipalName} and their manager, directReports and memberOf. */
export function userRoutes(deps: GraphDeps): UserRoute[] {
  const { store, clock } = deps;
  const get = getUser(store);
  const count = countUsers(store);
  const delta = usersDelta(store);
  return [
    { method: "GET", path: "/me", handler: get },
    { method: "PATCH", path: "/me", handler: patchUser(store) },
    { method: "GET", path: "/me/manager", handler: getManager(store) },
    { method: "GET", path: "/me/directReports", handler: listDirectReports(store) },
    { method: "GET", path: "/me/memberOf", handler: listMemberOf(store) },
    { method: "GET", path: "/users", handler: listUsers(store) },
    { method: "POST", path: "/users", handler: createUser(store, clock) },
    {
      method: "GET",
      path: "/users/:key",
      handler: (req, res) => {
        const key = String(req.params.key);
        if (key === "$count" && !res.locals.quotedKey) return count(req, res);
        if (DELTA.has(key.toLowerCase()) && !res.locals.quotedKey) return delta(req, res);
        return get(req, res);
      },
    },
    { method: "PATCH", path: "/users/:key", handler: patchUser(store) },
    { method: "DELETE", path: "/users/:key", handler: deleteUser(store) },
    { method: "GET", path: "/users/:key/manager", handler: getManager(store) },
    { method: "PUT", path: "/users/:key/manager/:ref", handler: refOnly(putManager(store)) },
    { method: "DELETE", path: "/users/:key/manager/:ref", handler: refOnly(deleteManager(store)) },
    { method: "GET", path: "/users/:key/directReports", handler: listDirectReports(store) },
    { method: "GET", path: "/users/:key/memberOf", handler: listMemberOf(store) },
  ];
}

interface CompiledRoute extends UserRoute {
  /** Lower-cased literal segments, or null where the path has a parameter. */
  segments: (string | null)[];
  /** Parameter names by segment position. */
  names: (string | null)[];
}

/** Express's refusal of a path parameter that is not valid percent-encoding (router's decodeParam). */
function decodeParam(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch (err) {
    if (err instanceof URIError) {
      err.message = `Failed to decode param '${value}'`;
      (err as URIError & { status: number }).status = 400;
    }
    throw err;
  }
}

/**
 * The users routes as one middleware: the OData key forms rewritten, then the
 * request matched against a small table of segments, as an Express router
 * (case-insensitive) would match them (a trailing slash allowed, parameters
 * one segment each and percent-decoded, HEAD served by GET) but without a
 * layer and a route of Express's own per path: users requests are most of
 * Graph's, so they take the short way. Anything else goes on to the next
 * middleware (calendar, then Graph's "segment not found"), as does a handler
 * that passes.
 */
export function userDispatch(deps: GraphDeps): Handler {
  const table: CompiledRoute[] = userRoutes(deps).map((r) => {
    const parts = r.path.split("/").slice(1);
    return {
      ...r,
      segments: parts.map((p) => (p.startsWith(":") ? null : p.toLowerCase())),
      names: parts.map((p) => (p.startsWith(":") ? p.slice(1) : null)),
    };
  });
  return (req, res, next) => {
    keyForms(req, res, () => {
      const q = req.url.indexOf("?");
      let path = q < 0 ? req.url : req.url.slice(0, q);
      if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
      const parts = path.split("/");
      // parts[0] is the empty text before the leading slash.
      if (parts[0] !== "" || parts.length < 2) return next();
      const method = req.method === "HEAD" ? "GET" : req.method;
      let i = 0;
      const tryNext = (err?: unknown): void => {
        if (err !== undefined && err !== null && err !== "route") return next(err);
        for (; i < table.length; ) {
          const route = table[i++] as CompiledRoute;
          if (route.method !== method || route.segments.length !== parts.length - 1) continue;
          let params: Record<string, string> | undefined = {};
          for (let s = 0; s < route.segments.length; s++) {
            const text = parts[s + 1] as string;
            const literal = route.segments[s] as string | null;
            if (literal === null) {
              if (text === "") {
                params = undefined;
                break;
              }
              params[route.names[s] as string] = text;
            } else if (text.length !== literal.length || text.toLowerCase() !== literal) {
              params = undefined;
              break;
            }
          }
          if (!params) continue;
          try {
            for (const name in params) params[name] = decodeParam(params[name] as string);
            req.params = params;
            const result = route.handler(req, res, tryNext) as unknown;
            if (result && typeof (result as Promise<void>).then === "function") (result as Promise<void>).catch((e: unknown) => next(e ?? new Error("Rejected")));
          } catch (e) {
            next(e);
          }
          return;
        }
        next();
      };
      tryNext();
    });
  };
}

/** Serves `.../manager/$ref` only; other segments fall through to Graph's "segment not found". */
function refOnly(handler: (req: Request, res: Response) => void) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (String(req.params.ref) !== "$ref") return next();
    handler(req, res);
  };
}
