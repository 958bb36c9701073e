import express, { Router, type NextFunction, type Request, type Response } from "express";
import { graphErrors } from "../errors/graph-error.ts";
import { graphAuth } from "./auth.ts";
import { compose } from "../http/compose.ts";
import type { GraphDeps } from "./context.ts";
import { calendarRouter } from "./calendar/routes.ts";
import { userDispatch } from "./users/routes.ts";
import type { FaultEngine } from "../faults/engine.ts";
import { graphFaults } from "../faults/middleware.ts";

export type { GraphDeps } from "./context.ts";

const JSON_LIMIT = 4 * 1024 * 1024;

/**
 * A body declared (Content-Length) over the limit is refused at once and the
 * connection closed: the JSON parser would first read it all, so a client
 * announcing gigabytes would wait for an answer until it had sent them.
 */
function refuseDeclaredOversize(req: Request, res: Response, next: NextFunction): void {
  if (Number(req.headers["content-length"]) > JSON_LIMIT) {
    res.set("Connection", "close");
    throw graphErrors.bodyTooLarge();
  }
  next();
}

/** OData's limit on nested arrays and objects in a payload (ODataMessageQuotas.MaxNestingDepth). */
const MAX_JSON_DEPTH = 100;

/**
 * Whether JSON nests deeper than `limit`, walked without recursion. Deeper
 * bodies never reach the handlers, whose cloning and serializing of stored
 * values would overflow the stack (a 500) on input nested thousands deep.
 */
function nestingDepthOver(value: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  for (let item = pending.pop(); item; item = pending.pop()) {
    const [v, depth] = item;
    if (v === null || typeof v !== "object") continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child !== null && typeof child === "object") pending.push([child, depth + 1]);
  }
  return false;
}

/** The graph.microsoft.com surface, mounted at /v1.0. Every route needs a verified token. */
export function graphRouter(deps: GraphDeps, faults: FaultEngine): Router {
  const router = Router({ caseSensitive: false });
  const json = express.json({ limit: JSON_LIMIT });
  // Token check, then throttling and faults, then the JSON body (not read for GET), as one layer.
  const readJson = (req: Request, res: Response, next: NextFunction) =>
    json(req, res, (err?: unknown) => next(err ?? (nestingDepthOver(req.body, MAX_JSON_DEPTH) ? graphErrors.jsonTooDeep(MAX_JSON_DEPTH) : undefined)));
  // Then the users routes, matched in the same layer without an Express route per path (most Graph
  // requests are users requests); anything else goes on to calendar, which has its own router.
  router.use(
    compose(
      refuseDeclaredOversize,
      graphAuth(deps),
      graphFaults(faults, deps.clock),
      (req, res, next) => (req.method === "GET" ? next() : readJson(req, res, next)),
      userDispatch(deps),
    ),
  );
  router.use(calendarRouter(deps));
  router.use((req) => {
    const segment = req.path.split("/").filter(Boolean)[0] ?? "";
    let decoded = segment;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      // Keep the raw text when it is not valid percent-encoding.
    }
    throw graphErrors.segmentNotFound(decoded);
  });
  return router;
}
