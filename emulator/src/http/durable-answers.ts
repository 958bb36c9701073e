import type { NextFunction, Request, Response } from "express";
import type { Store } from "../store/store.ts";

/**
 * Holds back the answer to any request that may change state until the store
 * has written every change so far: an acknowledged write survives a crash.
 * Reads (GET, HEAD, OPTIONS) are answered at once.
 */
export function durableAnswers(store: Store) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return next();
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    res.end = ((...args: unknown[]) => {
      store.flush().then(
        () => end(...args),
        () => end(...args),
      );
      return res;
    }) as Response["end"];
    next();
  };
}
