import type { NextFunction, Request, RequestHandler, Response } from "express";

/**
 * Runs several middlewares as one, in order. The pipeline stays a readable
 * list while Express matches one layer instead of several on every request
 * (its per-layer matching is a measurable share of a small request's cost).
 * Async middlewares that reject pass the error on, as Express 5 does.
 */
export function compose(...handlers: RequestHandler[]): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    let i = 0;
    const step = (err?: unknown): void => {
      if (err !== undefined && err !== null) return next(err);
      const handler = handlers[i++];
      if (!handler) return next();
      runHandler(handler, req, res, step);
    };
    step();
  };
}

/**
 * Calls a middleware as Express 5 does: what it throws, and what its promise
 * rejects with, goes to `next`. The one runner of every stage the pipeline
 * calls itself (compose, mountAt); no promise is made for a synchronous stage.
 */
export function runHandler(handler: RequestHandler, req: Request, res: Response, next: NextFunction): void {
  try {
    const result = handler(req, res, next) as unknown;
    if (result && typeof (result as Promise<void>).then === "function") (result as Promise<void>).catch((e: unknown) => next(e ?? new Error("Rejected")));
  } catch (e) {
    next(e);
  }
}

/**
 * Runs `handler`, sending an error it passes on to `onError` (a surface's
 * error format), which may answer or pass it on in turn.
 */
export function withErrors(handler: RequestHandler, onError: (err: unknown, req: Request, res: Response, next: NextFunction) => void): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    handler(req, res, (err?: unknown) => (err === undefined || err === null || err === "route" || err === "router" ? next() : onError(err, req, res, next)));
  };
}
