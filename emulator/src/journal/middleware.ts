import type { NextFunction, Request, Response } from "express";
import type { Clock } from "../clock.ts";
import type { Principal } from "../graph/auth.ts";
import type { Area, RequestJournal } from "./journal.ts";
import { redactAuthorization, redactUrl } from "./redact.ts";

const KEPT_HEADERS = ["user-agent", "content-type", "client-request-id", "consistencylevel", "prefer", "x-anchormailbox"];

function areaOf(path: string): Area {
  if (path.startsWith("/_emulator")) return "control";
  if (/^\/(v1\.0|beta)(\/|$)/i.test(path)) return "graph";
  if (/^\/[^/]+\/(oauth2|v2\.0|discovery|\.well-known)/i.test(path) || path.startsWith("/common/")) return "identity";
  return "other";
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Reads the error code out of an answer body without keeping the body. */
function errorCodeOf(body: unknown): string | null {
  if (!body || typeof body !== "object") return null;
  const b = body as { error?: unknown; error_codes?: unknown };
  if (b.error && typeof b.error === "object" && typeof (b.error as { code?: unknown }).code === "string") return (b.error as { code: string }).code;
  if (typeof b.error === "string") return Array.isArray(b.error_codes) ? `${b.error} AADSTS${String(b.error_codes[0])}` : b.error;
  return null;
}

/** Lets a handler that drops the connection (a fault) record the request without an answer. */
export function recordDropped(res: Response): void {
  (res.locals.journalDropped as (() => void) | undefined)?.();
}

/**
 * Records every request as its answer is sent: who (tenant, client, user from
 * the verified principal or the request), what, the status and error code, and
 * how long it took. The journal's own reads are not recorded. This runs on
 * every request, so it keeps to plain work: no listeners, no parsing unless
 * the answer is an error no serializer labelled.
 */
export function journalMiddleware(journal: RequestJournal, clock: Clock) {
  return (req: Request, res: Response, next: NextFunction): void => {
    // Routers rewrite req.url while they run, so read the path now.
    const path = req.path;
    if (path.startsWith("/_emulator/requests")) return next();
    const started = performance.now();
    const timeMs = clock.nowMs();
    const originalUrl = req.originalUrl;
    let recorded = false;
    const record = (answered: boolean, chunk: unknown) => {
      if (recorded) return;
      recorded = true;
      const status = res.statusCode;
      let errorCode: string | null = null;
      if (answered && status >= 400) {
        errorCode = (res.locals.errorCode as string | undefined) ?? null;
        // Errors that no serializer labelled (control plane, 404s): read the code from the JSON body.
        if (errorCode === null && (typeof chunk === "string" || Buffer.isBuffer(chunk))) errorCode = errorCodeOf(safeParse(chunk.toString()));
      }
      const principal = res.locals.principal as Principal | undefined;
      const headers: Record<string, string> = {};
      for (const h of KEPT_HEADERS) {
        const v = req.headers[h];
        if (typeof v === "string") headers[h] = v.length > 512 ? v.slice(0, 512) : v;
      }
      const auth = redactAuthorization(req.headers.authorization);
      if (auth) headers.authorization = auth;
      const area = areaOf(path);
      let tenant: string | null = principal?.tenantId ?? null;
      let clientId: string | null = principal?.appId ?? null;
      if (!principal && area === "identity") {
        tenant = /^\/([^/]+)\//.exec(path)?.[1] ?? null;
        const body = req.body as Record<string, unknown> | undefined;
        clientId = typeof body?.client_id === "string" ? body.client_id : typeof req.query.client_id === "string" ? req.query.client_id : null;
      }
      journal.record({
        timeMs,
        method: req.method,
        url: originalUrl.includes("?") ? redactUrl(originalUrl).slice(0, 2048) : originalUrl.slice(0, 2048),
        area,
        tenant,
        clientId,
        userId: principal?.kind === "user" ? principal.userId : null,
        // 0: the connection closed without an answer (for example a drop_connection fault).
        status: answered ? status : 0,
        errorCode,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
        headers,
        faultId: (res.locals.faultId as string | undefined) ?? null,
      });
    };
    // Record as the answer is handed over, before the client can read it.
    const end = res.end;
    res.end = function (this: Response, ...args: unknown[]) {
      record(true, args[0]);
      return (end as (...a: unknown[]) => Response).apply(this, args);
    } as Response["end"];
    res.locals.journalDropped = () => record(false, undefined);
    next();
  };
}
