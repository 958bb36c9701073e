import { randomBytes, timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, Response } from "express";

/**
 * Keeps other sites from using the dashboard's forms (cross-site request
 * forgery). A POST must pass both checks:
 *  1. its Origin header (or, when a browser sends none, its Referer) names
 *     this emulator's own origin; a request with neither is refused too;
 *  2. it carries the token that every dashboard page puts in its forms. The
 *     token is random per emulator process and readable only by pages of the
 *     emulator's own origin.
 */
export class CsrfGuard {
  readonly token = randomBytes(24).toString("base64url");

  /** Why the request is refused, or undefined when it may go on. */
  check(req: Request): string | undefined {
    const own = `${req.protocol}://${req.get("host") ?? ""}`.toLowerCase();
    const origin = req.get("origin");
    const referer = req.get("referer");
    let sender: string | undefined;
    if (origin !== undefined && origin !== "null") sender = origin;
    else if (referer) {
      try {
        sender = new URL(referer).origin;
      } catch {
        sender = undefined;
      }
    }
    if (sender === undefined) return "The request names no Origin or Referer, so the dashboard cannot tell that it came from its own page.";
    if (sender.toLowerCase() !== own) return `The request came from ${sender}, not from the dashboard's own origin.`;
    const sent = (req.body as Record<string, unknown> | undefined)?.csrf;
    const a = Buffer.from(typeof sent === "string" ? sent : "");
    const b = Buffer.from(this.token);
    if (a.length !== b.length || !timingSafeEqual(a, b)) return "The form's anti-forgery token is missing or stale; reload the dashboard and try again.";
    return undefined;
  }

  middleware() {
    return (req: Request, res: Response, next: NextFunction): void => {
      if (req.method !== "POST") return next();
      const why = this.check(req);
      if (!why) return next();
      res
        .status(403)
        .type("text/plain")
        .send(`Forbidden: ${why}\n`);
    };
  }
}
