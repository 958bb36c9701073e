import { randomUUID } from "node:crypto";
import type { NextFunction, Request, Response } from "express";

export interface RequestContext {
  requestId: string;
  /** The caller's client-request-id, when it sent a GUID. */
  clientRequestId: string | undefined;
  /** Scheme, host and port the caller used, e.g. https://localhost:8443. */
  origin: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Attaches a RequestContext to every request and echoes ids the way Microsoft
 * does. It runs on every request, so it reads headers directly and parses the
 * query string only when it may carry a client-request-id.
 */
export function requestContext(req: Request, res: Response, next: NextFunction): void {
  const header = req.headers["client-request-id"];
  let sent = typeof header === "string" ? header : undefined;
  if (sent === undefined && req.url.includes("client-request-id")) {
    const fromQuery = req.query["client-request-id"];
    if (typeof fromQuery === "string") sent = fromQuery;
  }
  const requestId = randomUUID();
  // The scheme the caller used: the socket's, as req.protocol says without a forwarding header (it is only
  // consulted when one is present, in case proxy trust is ever configured).
  const scheme = req.headers["x-forwarded-proto"] === undefined ? ((req.socket as { encrypted?: boolean }).encrypted ? "https" : "http") : req.protocol;
  const ctx: RequestContext = {
    requestId,
    clientRequestId: sent && GUID.test(sent) ? sent : undefined,
    origin: `${scheme}://${req.headers.host ?? "localhost"}`,
  };
  res.locals.ctx = ctx;
  res.setHeader("request-id", requestId);
  res.setHeader("x-ms-request-id", requestId);
  if (ctx.clientRequestId) res.setHeader("client-request-id", ctx.clientRequestId);
  next();
}

export function ctxOf(res: Response): RequestContext {
  return res.locals.ctx as RequestContext;
}
