import type { IncomingMessage, ServerResponse } from "node:http";
import express, { type NextFunction, type Request, type RequestHandler, type Response } from "express";
import type { Clock } from "./clock.ts";
import type { Store } from "./store/store.ts";
import type { SigningKeys } from "./identity/keys.ts";
import { TokenMinter } from "./identity/tokens.ts";
import { requestContext } from "./http/request-context.ts";
import { durableAnswers } from "./http/durable-answers.ts";
import { readableRefusals } from "./http/readable-refusals.ts";
import { installAnswerPath } from "./http/answer-path.ts";
import { loadBodyDecoders } from "./http/body-decoders.ts";
import { compose, withErrors } from "./http/compose.ts";
import { corsPolicy } from "./http/cors.ts";
import { mountAt } from "./http/mount.ts";
import { controlRouter } from "./control/routes.ts";
import { identityStages } from "./identity/routes.ts";
import { graphStages } from "./graph/routes.ts";
import { graphErrors, sendGraphError } from "./errors/graph-error.ts";
import type { RequestJournal } from "./journal/journal.ts";
import { requestJournal } from "./journal/middleware.ts";
import type { FaultEngine } from "./faults/engine.ts";
import { storageRefusal } from "./errors/storage-failure.ts";
import { StoreUnavailableError } from "./store/store.ts";
import { StoreUnreadableError } from "./store/lazy-partitions.ts";
import type { ChangeNotifications } from "./graph/subscriptions/notifications.ts";

export interface AppDeps {
  store: Store;
  clock: Clock;
  /** The token-signing key, made or loaded in the background from start: awaited where a token is signed or checked. */
  keys: Promise<SigningKeys>;
  caCert: string;
  journal: RequestJournal;
  faults: FaultEngine;
  /** Change notifications (graph/subscriptions): the server makes them and stops them on close. */
  notifications: ChangeNotifications;
  controlToken?: string | undefined;
  /** On loopback: the Host values the control plane and dashboard answer to (filled once the port is known). */
  allowedHosts?: ReadonlySet<string> | undefined;
  /** Origins allowed to call Graph and the token endpoint from a browser (CORS); empty or absent: closed. */
  corsOrigins?: readonly string[] | undefined;
}

/** What the HTTPS server calls for every request. */
export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The whole request pipeline: every stage, in the order a request meets it,
 * then every stage of the answer's way out. The stages live in their feature
 * folders; their order lives here.
 */
export function createApp(deps: AppDeps): RequestListener {
  // Express gives the requests and responses their methods (res.json, req.query...); its settings:
  // no X-Powered-By or ETag work; no proxy trust (callers connect directly).
  const app = express();
  loadBodyDecoders();
  app.disable("x-powered-by");
  app.set("etag", false);
  const refuse = storageRefusal(deps.clock);
  const journal = requestJournal(deps.journal, deps.clock);
  const durable = durableAnswers(deps.store, refuse);
  const faults = { engine: deps.faults, dropped: journal.dropped };
  const graph = graphStages(deps, faults);
  const identity = identityStages({ ...deps, minter: new TokenMinter(deps) }, faults);
  // Graph under /v1.0: declared size, token, throttling and faults, JSON body, the operation table's row, its
  // permission rule, its handler; errors in Graph's format.
  const graphV1 = withErrors(compose(graph.declaredSize, graph.token, graph.faults, graph.body, graph.operation, graph.authorize, graph.handler, graph.notFound), graph.errors);
  // The requests a $batch carries meet the journal's start and the same Graph stages, each on its own.
  graph.batch.runThrough(compose(journal.start, mountAt("/v1.0", graphV1)), journal.dropped);
  const notFound = (req: Request, res: Response) => res.status(404).json({ error: { code: "NotFound", message: `The emulator serves no ${req.method} ${req.path}.` } });

  const pipeline = compose(
    // 1. Request context: request-id, the client-request-id echo, the origin the caller used.
    requestContext,
    // 2. The request journal notes the request (recorded as its answer goes out, secrets redacted).
    journal.start,
    // 3. Durable answers mark the store: a request that may change state is answered once its change is on disk.
    durable.start,
    // 4. CORS, closed unless origins are configured: only Graph, the token endpoint and discovery/keys.
    ...(deps.corsOrigins?.length ? [corsPolicy(deps.corsOrigins)] : []),
    // 5. Microsoft Graph (/v1.0): declared size, token, throttling and faults, JSON body, the operation
    //    table's row, its permission rule, its handler; errors in Graph's format. ($batch runs its
    //    requests through these same stages.)
    mountAt("/v1.0", graphV1),
    // 6. Graph's beta version is refused.
    mountAt("/beta", (_req, res) => sendGraphError(res, graphErrors.invalidVersion(), deps.clock.now())),
    // 7. Control plane (/_emulator): host check, token, then health, CA, clock, tenants, faults, journal, snapshots, dashboard.
    mountAt("/_emulator", controlRouter(deps)),
    // 8. Identity platform (login.microsoftonline.com): security headers, form body, faults, then
    //    /{tenant}/v2.0/..., /{tenant}/oauth2/v2.0/...; unreadable forms in Entra's format.
    withErrors(compose(identity.headers, identity.form, identity.faults, identity.routes), identity.errors),
    // 9. Anything else: a JSON 404 naming the path.
    notFound,
  );
  // The answer's way out, for every answer sent: held until the request's writes are durable (a 507/503 in
  // the surface's format when the disk refused one), recorded in the journal, then, when the request body
  // was not read, sent once it is (readable refusals).
  installAnswerPath(app.response, [durable.answer, journal.answer, readableRefusals()]);
  // 10. Last resort: malformed input is a 400; a write refused while the disk fails is a 507/503; anything else is logged (without secrets) and a 500.
  return listener(app, pipeline, lastResort(refuse));
}

type ErrorHandler = (err: unknown, req: Request, res: Response, next: NextFunction) => void;

/**
 * Gives each request and response what Express's `app.handle` gives them
 * (express/lib/application.js: each other, the app's prototypes, empty
 * locals), then runs the pipeline; an error it passes on goes to the last
 * resort. A request line in absolute form (`GET https://host/v1.0/me`, which
 * HTTP/1.1 servers must accept) is taken by its path, so every stage sees one
 * form.
 */
function listener(app: express.Express, pipeline: RequestHandler, last: ErrorHandler): RequestListener {
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
    pipeline(request, response, (err?: unknown) => last(err ?? new Error("The pipeline passed a request on"), request, response, () => {}));
  };
}

/** "https://host:port/path?query" -> "/path?query"; anything else is left as it is. */
function originForm(url: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url);
  if (!m) return url;
  const rest = url.slice(m[0].length);
  return rest.startsWith("/") ? rest : `/${rest}`;
}

function lastResort(refuse: (req: Request, res: Response, err: Error) => void): ErrorHandler {
  // A damaged state file fails every request that needs it: its log line is written once.
  const told = new Set<string>();
  return (err, req, res) => {
    if (err instanceof StoreUnreadableError && !told.has(err.message)) {
      told.add(err.message);
      console.error(`graph-emulator: ${err.message}`);
    }
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
