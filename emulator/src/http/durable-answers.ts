import type { NextFunction, Request, Response } from "express";

/** What durable answers need of the store: a mark at the start of a request, and a flush that says whether anything failed since. */
export interface DurableStore {
  mark(): number;
  flush(since?: number): Promise<void>;
}

/** Headers an answer keeps when it is replaced by a refusal (the rest described the success: Location, cookies, body type...). */
const KEPT = new Set([
  "request-id",
  "x-ms-request-id",
  "client-request-id",
  "cache-control",
  "content-security-policy",
  "x-frame-options",
  "x-content-type-options",
  "referrer-policy",
  "vary",
]);

/**
 * Holds back the answer to any request that may change state until the store
 * has written every change so far: an acknowledged write survives a crash.
 * When the disk refused a write during the request, a success is not sent:
 * `refuse` answers in the surface's own error format instead (an error answer
 * is sent as it is: it acknowledged nothing). An answer whose headers already
 * went out cannot be taken back, so its connection is cut instead.
 * Reads (GET, HEAD, OPTIONS) are answered at once.
 */
export function durableAnswers(store: DurableStore, refuse: (req: Request, res: Response, err: Error) => void) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return next();
    const mark = store.mark();
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    let held = false;
    res.end = ((...args: unknown[]) => {
      if (held) return end(...args);
      held = true;
      store.flush(mark).then(
        () => end(...args),
        (err: unknown) => {
          if (res.statusCode >= 400) return end(...args);
          if (res.headersSent) return void res.destroy();
          for (const name of res.getHeaderNames()) if (!KEPT.has(name) && !name.startsWith("access-control-")) res.removeHeader(name);
          refuse(req, res, err as Error);
        },
      );
      return res;
    }) as Response["end"];
    next();
  };
}
