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

/** Attaches a RequestContext to every request and echoes ids the way Microsoft does. */
export function requestContext(req: Request, res: Response, next: NextFunction): void {
  const sent = req.get("client-request-id") ?? (typeof req.query["client-request-id"] === "string" ? req.query["client-request-id"] : undefined);
  const ctx: RequestContext = {
    requestId: randomUUID(),
    clientRequestId: sent && GUID.test(sent) ? sent : undefined,
    origin: `${req.protocol}://${req.get("host") ?? "localhost"}`,
  };
  res.locals.ctx = ctx;
  res.set("request-id", ctx.requestId);
  res.set("x-ms-request-id", ctx.requestId);
  if (ctx.clientRequestId) res.set("client-request-id", ctx.clientRequestId);
  next();
}

export function ctxOf(res: Response): RequestContext {
  return res.locals.ctx as RequestContext;
}
