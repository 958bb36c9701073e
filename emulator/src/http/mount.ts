import type { NextFunction, Request, RequestHandler, Response } from "express";
import { runHandler } from "./compose.ts";

/**
 * Runs `handler` for requests under `prefix` the way `app.use(prefix, handler)`
 * would (case-insensitive, at a path-segment boundary, with `req.url` trimmed
 * and `req.baseUrl` set, both restored when the handler passes the request on),
 * but as a step inside an existing layer. Express matches every app-level
 * layer's path and then walks the mounted router's own stack: for a small
 * request that walk is a measurable share of its cost. Expects request lines
 * in origin form ("/path?query"); others are passed on untouched.
 */
export function mountAt(prefix: string, handler: RequestHandler): RequestHandler {
  const lower = prefix.toLowerCase();
  const n = prefix.length;
  return (req: Request, res: Response, next: NextFunction): void => {
    const url = req.url;
    if (url.length < n || url.charCodeAt(0) !== 47 /* / */ || url.slice(0, n).toLowerCase() !== lower) return next();
    const after = url.charCodeAt(n);
    // The prefix must end a segment: "/v1.0", "/v1.0/…" or "/v1.0?…", never "/v1.00".
    if (!Number.isNaN(after) && after !== 47 && after !== 63 /* ? */) return next();
    const baseUrl = req.baseUrl;
    req.baseUrl = baseUrl + url.slice(0, n);
    req.url = after === 47 ? url.slice(n) : `/${url.slice(n)}`;
    const restore = (err?: unknown): void => {
      req.url = url;
      req.baseUrl = baseUrl;
      next(err);
    };
    runHandler(handler, req, res, restore);
  };
}
