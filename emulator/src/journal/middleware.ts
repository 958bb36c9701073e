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

/**
 * Records every request as its answer is sent: who (tenant, client, user from
 * the verified principal or the request), what, the status and error code, and
 * how long it took. The journal's own reads are not recorded.
 */
export function journalMiddleware(journal: RequestJournal, clock: Clock) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.path.startsWith("/_emulator/requests")) return next();
    const started = performance.now();
    const time = clock.now().toISOString();
    // Routers rewrite req.url while they run, so read the path now.
    const path = req.path;
    const url = redactUrl(req.originalUrl).slice(0, 2048);
    let recorded = false;
    const record = (answered: boolean) => {
      if (recorded) return;
      recorded = true;
      const principal = res.locals.principal as Principal | undefined;
      const headers: Record<string, string> = {};
      for (const h of KEPT_HEADERS) {
        const v = req.get(h);
        if (v) headers[h] = v.slice(0, 512);
      }
      const auth = redactAuthorization(req.get("authorization"));
      if (auth) headers.authorization = auth;
      const body = (req.body ?? {}) as Record<string, unknown>;
      const segment = /^\/([^/]+)\/(?:oauth2|v2\.0|discovery|\.well-known)/i.exec(path)?.[1];
      const clientId = principal?.appId ?? (typeof body.client_id === "string" ? body.client_id : typeof req.query.client_id === "string" ? req.query.client_id : null);
      journal.record({
        time,
        method: req.method,
        url,
        area: areaOf(path),
        tenant: principal?.tenantId ?? segment ?? null,
        clientId,
        userId: principal?.kind === "user" ? principal.userId : null,
        // 0: the connection closed without an answer (for example a drop_connection fault).
        status: answered || res.headersSent ? res.statusCode : 0,
        errorCode: res.statusCode >= 400 ? ((res.locals.errorCode as string | undefined) ?? lastErrorCode) : null,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
        headers,
        faultId: (res.locals.faultId as string | undefined) ?? null,
      });
    };
    // Record as the answer is handed over (before the client can read it), or when the connection closes without one.
    let lastErrorCode: string | null = null;
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    res.end = ((...args: unknown[]) => {
      // Errors that no serializer labelled (control plane, 404s): read the code from the JSON body.
      const chunk = args[0];
      if (res.statusCode >= 400 && res.locals.errorCode === undefined && (typeof chunk === "string" || Buffer.isBuffer(chunk))) lastErrorCode = errorCodeOf(safeParse(chunk.toString()));
      record(true);
      return end(...args);
    }) as Response["end"];
    res.on("close", () => record(false));
    next();
  };
}
