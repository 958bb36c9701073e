import express, { type Express, type NextFunction, type Request, type Response } from "express";
import type { Clock } from "./clock.ts";
import type { Store } from "./store/store.ts";
import type { SigningKeys } from "./identity/keys.ts";
import { TokenMinter } from "./identity/tokens.ts";
import { requestContext } from "./http/request-context.ts";
import { durableAnswers } from "./http/durable-answers.ts";
import { compose } from "./http/compose.ts";
import { corsPolicy } from "./http/cors.ts";
import { controlRouter } from "./control/routes.ts";
import { identityRouter } from "./identity/routes.ts";
import { graphRouter } from "./graph/routes.ts";
import { GraphError, graphErrors, sendGraphError } from "./errors/graph-error.ts";
import type { RequestJournal } from "./journal/journal.ts";
import { journalMiddleware } from "./journal/middleware.ts";
import type { FaultEngine } from "./faults/engine.ts";

export interface AppDeps {
  store: Store;
  clock: Clock;
  keys: SigningKeys;
  caCert: string;
  journal: RequestJournal;
  faults: FaultEngine;
  controlToken?: string | undefined;
  /** Origins allowed to call Graph and the token endpoint from a browser (CORS); empty or absent: closed. */
  corsOrigins?: readonly string[] | undefined;
}

/**
 * The whole request pipeline, in order. Each stage is one line here; the
 * stages live in their feature folders.
 */
export function createApp(deps: AppDeps): Express {
  const app = express();
  const identity = { ...deps, minter: new TokenMinter(deps) };

  // 1. Express settings: no X-Powered-By or ETag work; no proxy trust (callers connect directly).
  app.disable("x-powered-by");
  app.set("etag", false);
  // 2-4, one layer: request context (request-id, client-request-id echo, the origin the caller used);
  // durable answers (a request that may change state is answered once the change is on disk);
  // the request journal (every request, recorded as its answer is sent, secrets redacted).
  app.use(compose(requestContext, durableAnswers(deps.store), journalMiddleware(deps.journal, deps.clock)));
  // 4a. CORS, closed unless origins are configured: only Graph, the token endpoint and discovery/keys, never /_emulator or the pages.
  if (deps.corsOrigins?.length) app.use(corsPolicy(deps.corsOrigins));
  // 5. Control plane (/_emulator): health, CA, clock, reset, tenants, users, apps, consent.
  app.use("/_emulator", controlRouter(deps));
  // 6. Microsoft Graph (/v1.0): token check, throttling and faults, then resources; errors in Graph's format.
  app.use("/v1.0", graphRouter(deps, deps.faults), graphErrorHandler(deps.clock));
  app.use("/beta", (_req: Request, res: Response) => sendGraphError(res, graphErrors.invalidVersion(), deps.clock.now()));
  // 7. Identity platform (login.microsoftonline.com): form body, faults, then /{tenant}/v2.0/..., /{tenant}/oauth2/v2.0/...
  app.use(identityRouter(identity, deps.faults));
  // 8. Anything else: a JSON 404 naming the path.
  app.use((req: Request, res: Response) => {
    res.status(404).json({ error: { code: "NotFound", message: `The emulator serves no ${req.method} ${req.path}.` } });
  });
  // 9. Last resort: malformed input is a 400; anything else is logged (without secrets) and a 500.
  app.use(lastResort);
  return app;
}

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

function lastResort(err: unknown, req: Request, res: Response, _next: NextFunction): void {
  const status = (err as { status?: number }).status;
  if (typeof status === "number" && status >= 400 && status < 500) {
    res.status(status).json({ error: { code: "BadRequest", message: (err as Error).message } });
    return;
  }
  console.error(`graph-emulator: ${req.method} ${req.path} failed:`, err instanceof Error ? err.stack : err);
  if (!res.headersSent) res.status(500).json({ error: { code: "InternalServerError", message: "The emulator hit an unexpected error; see its log." } });
}
