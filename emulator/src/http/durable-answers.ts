import type { NextFunction, Request, Response } from "express";
import type { AnswerStage } from "./answer-path.ts";

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

/** Where a write request's mark is kept between its start and its answer. */
const MARK = Symbol("durable mark");
type Marked = Response & { [MARK]?: number | "held" };

/**
 * Holds back the answer to any request that may change state until the store
 * has written every change so far: an acknowledged write survives a crash.
 * When the disk refused a write during the request, a success is not sent:
 * `refuse` answers in the surface's own error format instead (an error answer
 * is sent as it is: it acknowledged nothing). An answer whose headers already
 * went out cannot be taken back, so its connection is cut instead.
 * Reads (GET, HEAD, OPTIONS) are answered at once.
 * `start` is a request stage (it marks the store as the request comes in),
 * `answer` an answer stage.
 */
export function durableAnswers(store: DurableStore, refuse: (req: Request, res: Response, err: Error) => void) {
  const start = (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== "GET" && req.method !== "HEAD" && req.method !== "OPTIONS") (res as Marked)[MARK] = store.mark();
    next();
  };
  const answer: AnswerStage = (req, res, _args, send) => {
    const mark = (res as Marked)[MARK];
    if (mark === undefined || mark === "held") return send();
    (res as Marked)[MARK] = "held";
    store.flush(mark).then(send, (err: unknown) => {
      if (res.statusCode >= 400) return send();
      if (res.headersSent) return void res.destroy();
      for (const name of res.getHeaderNames()) if (!KEPT.has(name) && !name.startsWith("access-control-")) res.removeHeader(name);
      refuse(req, res, err as Error);
    });
  };
  return { start, answer };
}
