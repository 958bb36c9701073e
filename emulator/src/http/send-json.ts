import type { Response } from "express";

/**
 * Sends a JSON answer the way `res.json` does (same bytes, `Content-Type:
 * application/json; charset=utf-8`, `Content-Length`), without the work
 * Express's `res.send` does on every answer that the emulator has no use for:
 * parsing its own Content-Type back to add the charset and the freshness check
 * (the emulator sets no ETag or Last-Modified, so nothing is ever fresh). HEAD
 * requests get the headers only, as Node's server drops the body for them.
 */
export function sendJson(res: Response, body: unknown, status = 200): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Content-Length", Buffer.byteLength(text));
  res.end(text);
}

/** `sendJson` for a body that is already JSON text: the same headers and bytes. */
export function sendJsonText(res: Response, text: string, status = 200): void {
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Content-Length", Buffer.byteLength(text));
  res.end(text);
}
