import express, { type NextFunction, type Request, type Response } from "express";
import type { Clock } from "../clock.ts";
import { GraphError, graphErrors, sendGraphError } from "../errors/graph-error.ts";
import { graphAuth } from "./auth.ts";
import type { GraphDeps } from "./context.ts";
import { OperationMatcher } from "./matcher.ts";
import type { Method, Operation } from "./operation.ts";
import { graphOperations } from "./operations.ts";
import { authorizeOperation } from "./authorize.ts";
import { rewriteKeyForm } from "./users/key-forms.ts";
import type { FaultPort } from "../faults/apply.ts";
import { graphFaults } from "./faults.ts";
import { isBatchEnvelope } from "./batch/envelope.ts";
import { SubRequests } from "./batch/sub-request.ts";

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
 * Graph's stages, in the order a request under /v1.0 meets them (the app's
 * pipeline lists them): the declared size, the token, throttling and faults,
 * the JSON body (not read for GET), the operation table's row, its
 * permission rule, then the row's handler. Errors are answered in Graph's
 * format (anything else goes on to the app's last resort). `batch` takes
 * the pipeline that the requests of a `$batch` go through, one by one.
 */
export function graphStages(deps: GraphDeps, faults: FaultPort) {
  const json = express.json({ limit: JSON_LIMIT });
  const batch = new SubRequests();
  const matcher = new OperationMatcher(graphOperations(deps, batch));
  return {
    declaredSize: refuseDeclaredOversize,
    token: graphAuth(deps),
    // A $batch envelope is not counted or refused by throttling: its requests are, each on its own.
    faults: graphFaults(faults, deps.clock, { uncounted: isBatchEnvelope }),
    body: (req: Request, res: Response, next: NextFunction) =>
      req.method === "GET" || req.method === "HEAD"
        ? next()
        : json(req, res, (err?: unknown) => next(err ?? (nestingDepthOver(req.body, MAX_JSON_DEPTH) ? graphErrors.jsonTooDeep(MAX_JSON_DEPTH) : undefined))),
    operation: matchOperation(matcher),
    authorize: authorizeOperation(deps.store),
    handler: runOperation,
    /** A row's handler that passes the request on, as a path no row serves: Graph's "segment not found". */
    notFound: (req: Request, _res: Response, next: NextFunction) => next(segmentNotFound(req.path)),
    errors: graphErrorHandler(deps.clock),
    batch,
  };
}

/**
 * Finds the request's row in the operation table (the users key forms
 * `/users('…')` first rewritten to `/users/…`) and its parameters; no row is
 * Graph's "segment not found".
 */
function matchOperation(matcher: OperationMatcher) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const rewritten = rewriteKeyForm(req.url);
    if (rewritten !== undefined) req.url = rewritten;
    const q = req.url.indexOf("?");
    const method = (req.method === "HEAD" ? "GET" : req.method) as Method;
    const found = matcher.match(method, q < 0 ? req.url : req.url.slice(0, q), rewritten === undefined ? -1 : 2);
    if (!found) return next(segmentNotFound(req.path));
    if (found.systemSegment !== undefined) return next(graphErrors.segmentNotFound(decoded(found.systemSegment)));
    for (const name in found.params) found.params[name] = decodeParam(found.params[name] as string);
    req.params = found.params;
    res.locals.operation = found.operation;
    next();
  };
}

/** Runs the matched row's handler. */
function runOperation(req: Request, res: Response, next: NextFunction): void | Promise<void> {
  return (res.locals.operation as Operation).handler(req, res, next);
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

/** Percent-decoded where valid; the raw text otherwise. */
function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Graph's answer to a path no row serves: its first segment, percent-decoded where valid. */
function segmentNotFound(path: string) {
  return graphErrors.segmentNotFound(decoded(path.split("/").filter(Boolean)[0] ?? ""));
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
