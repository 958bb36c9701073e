import type { IncomingMessage, ServerResponse } from "node:http";
import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from "express";
import type { Clock } from "./clock.ts";
import type { Store } from "./store/store.ts";
import type { SigningKeys } from "./identity/keys.ts";
import { TokenMinter } from "./identity/tokens.ts";
import { requestContext } from "./http/request-context.ts";
import { durableAnswers } from "./http/durable-answers.ts";
import { readableRefusals } from "./http/readable-refusals.ts";
import { compose } from "./http/compose.ts";
import { corsPolicy } from "./http/cors.ts";
import { controlRouter } from "./control/routes.ts";
import { identityRouter } from "./identity/routes.ts";
import { graphApi } from "./graph/routes.ts";
import { graphErrors, sendGraphError } from "./errors/graph-error.ts";
import { mountAt } from "./http/mount.ts";
import type { RequestJournal } from "./journal/journal.ts";
import { journalMiddleware } from "./journal/middleware.ts";
import type { FaultEngine } from "./faults/engine.ts";
import { storageRefusal } from "./errors/storage-failure.ts";
import { StoreUnavailableError } from "./store/store.ts";

export interface AppDeps {
  store: Store;
  clock: Clock;
  keys: SigningKeys;
  caCert: string;
  journal: RequestJournal;
  faults: FaultEngine;
  controlToken?: string | undefined;
  /** On loopback: the Host values the control plane and dashboard answer to (filled once the port is known). */
  allowedHosts?: ReadonlySet<string> | undefined;
  /** Origins allowed to call Graph and the token endpoint from a browser (CORS); empty or absent: closed. */
  corsOrigins?: readonly string[] | undefined;
}

/** What the HTTPS server calls for every request. */
export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The whole request pipeline, in order. Each stage is one line here; the
 * stages live in their feature folders.
 */
export function createApp(deps: AppDeps): RequestListener {
  const app = express();
  const identity = { ...deps, minter: new TokenMinter(deps) };

  // 1. Express settings: no X-Powered-By or ETag work; no proxy trust (callers connect directly).
  app.disable("x-powered-by");
  app.set("etag", false);
  const graph = graphApi(deps, deps.faults);
  const cors = deps.corsOrigins?.length ? [corsPolicy(deps.corsOrigins)] : [];
  // 2-6 run for every request before Express's router (see inFront):
  // 2. request context (request-id, client-request-id echo, the origin the caller used);
  //    readable refusals (an answer sent before the body was read waits until it is, up to a bound);
  // 3. the request journal (every request, recorded as its answer is sent, secrets redacted);
  // 4. durable answers (a request that may change state is answered once the change is on disk, and
  //    with a 507/503 in its surface's format when the disk refused it);
  // 5. CORS, closed unless origins are configured: only Graph, the token endpoint and discovery/keys,
  //    never /_emulator or the pages;
  // 6. Microsoft Graph (/v1.0): token check, throttling and faults, then resources; errors in Graph's format.
  const refuse = storageRefusal(deps.clock);
  const front = compose(requestContext, readableRefusals(), journalMiddleware(deps.journal, deps.clock), durableAnswers(deps.store, refuse), ...cors, mountAt("/v1.0", graph));
  // 6a. Graph's beta version is refused.
  app.use("/beta", (_req: Request, res: Response) => sendGraphError(res, graphErrors.invalidVersion(), deps.clock.now()));
  // 7. Control plane (/_emulator): health, CA, clock, reset, tenants, users, apps, consent.
  app.use("/_emulator", controlRouter(deps));
  // 8. Identity platform (login.microsoftonline.com): form body, faults, then /{tenant}/v2.0/..., /{tenant}/oauth2/v2.0/...
  app.use(identityRouter(identity, deps.faults));
  // 9. Anything else: a JSON 404 naming the path.
  app.use((req: Request, res: Response) => {
    res.status(404).json({ error: { code: "NotFound", message: `The emulator serves no ${req.method} ${req.path}.` } });
  });
  // 10. Last resort: malformed input is a 400; a write refused while the disk fails is a 507/503; anything else is logged (without secrets) and a 500.
  const last = lastResort(refuse);
  app.use(last);
  return inFront(app, front, last);
}

/**
 * Runs `front` on every request before the app's router, which gets the
 * requests it passes on; an error it passes goes to the last resort. The
 * request and response are first given what Express's `app.handle` gives
 * them (express/lib/application.js: each other, the app's prototypes, empty
 * locals), so `front` sees what a first middleware would. Graph's requests
 * are answered inside `front` and so skip the router's walk over the app's
 * layers: they are most of the traffic, and that walk was a measurable share
 * of a small request's cost.
 * A request line in absolute form (`GET https://host/v1.0/me`, which HTTP/1.1
 * servers must accept) is taken by its path, so every route sees one form.
 */
function inFront(app: Express, front: RequestHandler, lastResort: ErrorHandler): RequestListener {
  return (req, res) => {
    const request = req as Request;
    const response = res as Response;
    request.res = response;
    response.req = request;
    Object.setPrototypeOf(req, app.request);
    Object.setPrototypeOf(res, app.response);
    response.locals = Object.create(null) as Response["locals"];
    if ((req.url as string).charCodeAt(0) !== 47 /* / */) req.url = originForm(req.url as string);
    request.originalUrl = req.url as string;
    request.baseUrl = "";
    front(request, response, (err?: unknown) => (err ? lastResort(err, request, response, () => {}) : app(request, response)));
  };
}

/** "https://host:port/path?query" -> "/path?query"; anything else is left as it is. */
function originForm(url: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url);
  if (!m) return url;
  const rest = url.slice(m[0].length);
  return rest.startsWith("/") ? rest : `/${rest}`;
}

type ErrorHandler = (err: unknown, req: Request, res: Response, next: NextFunction) => void;

function lastResort(refuse: (req: Request, res: Response, err: Error) => void): ErrorHandler {
  // Four parameters: Express tells error handlers by their arity.
  return (err, req, res, _next) => {
    if (err instanceof StoreUnavailableError && !res.headersSent) return refuse(req, res, err);
    answerError(err, req, res);
  };
}

function answerError(err: unknown, req: Request, res: Response): void {
  const status = (err as { status?: number }).status;
  if (typeof status === "number" && status >= 400 && status < 500) {
    res.status(status).json({ error: { code: "BadRequest", message: (err as Error).message } });
    return;
  }
  console.error(`graph-emulator: ${req.method} ${req.path} failed:`, err instanceof Error ? err.stack : err);
  if (!res.headersSent) res.status(500).json({ error: { code: "InternalServerError", message: "The emulator hit an unexpected error; see its log." } });
}
