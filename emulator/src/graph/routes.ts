import express, { type NextFunction, type Request, type RequestHandler, type Response } from "express";
import type { Clock } from "../clock.ts";
import { GraphError, graphErrors, sendGraphError } from "../errors/graph-error.ts";
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

/**
 * The graph.microsoft.com surface, to mount at /v1.0: every route needs a
 * verified token; errors are answered in Graph's format (anything else goes on
 * to the app's last resort). A plain handler rather than an Express router: it
 * runs inside the app's first layer (see http/mount.ts), so the users routes,
 * most of Graph's traffic, pass through no router at all.
 */
export function graphApi(deps: GraphDeps, faults: FaultEngine): RequestHandler {
  const json = express.json({ limit: JSON_LIMIT });
  // Token check, then throttling and faults, then the JSON body (not read for GET), as one layer.
  const readJson = (req: Request, res: Response, next: NextFunction) =>
    json(req, res, (err?: unknown) => next(err ?? (nestingDepthOver(req.body, MAX_JSON_DEPTH) ? graphErrors.jsonTooDeep(MAX_JSON_DEPTH) : undefined)));
  // Then the users routes, matched without an Express route per path; anything else goes on to
  // calendar, which has its own router, and then to Graph's "segment not found".
  const usersFirst = compose(
    refuseDeclaredOversize,
    graphAuth(deps),
    graphFaults(faults, deps.clock),
    (req, res, next) => (req.method === "GET" ? next() : readJson(req, res, next)),
    userDispatch(deps),
  );
  // Built on the first request that reaches it: its hundred-odd routes take about 10 ms to compile,
  // which a start (to the first answer, typically a health check or a token) need not wait for.
  let calendar: RequestHandler | undefined;
  const errors = graphErrorHandler(deps.clock);
  return (req, res, next) => {
    const fail = (err: unknown) => errors(err, req, res, next);
    usersFirst(req, res, (err?: unknown) => {
      if (!passes(err)) return fail(err);
      calendar ??= calendarRouter(deps);
      calendar(req, res, (err2?: unknown) => {
        if (!passes(err2)) return fail(err2);
        fail(segmentNotFound(req.path));
      });
    });
  };
}

/** A middleware's "go on": no error, or Express's "route" and "router" signals. */
const passes = (err: unknown) => err === undefined || err === null || err === "route" || err === "router";

/** Graph's answer to a path no route serves: its first segment, percent-decoded where valid. */
function segmentNotFound(path: string) {
  const segment = path.split("/").filter(Boolean)[0] ?? "";
  let decoded = segment;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    // Keep the raw text when it is not valid percent-encoding.
  }
  return graphErrors.segmentNotFound(decoded);
}

/** Graph errors in Graph's format; body-parser's refusals as Graph words them; anything else passed on. */
function graphErrorHandler(clock: Clock) {
  return (err: unknown, _req: Request, res: Response, next: NextFunction): void => {
    if (err instanceof GraphError) return sendGraphError(res, err, clock.now());
    const type = (err as { type?: string }).type;
    if (type === "entity.parse.failed" || type === "encoding.unsupported" || type === "charset.unsupported") {
      return sendGraphError(res, graphErrors.invalidJson(), clock.now());
    }
    if (type === "entity.too.large") return sendGraphError(res, graphErrors.bodyTooLarge(), clock.now());
    const status = (err as { status?: number }).status;
    if (typeof status === "number" && status >= 400 && status < 500) {
      return sendGraphError(res, new GraphError(status, "BadRequest", (err as Error).message), clock.now());
    }
    next(err);
  };
}
