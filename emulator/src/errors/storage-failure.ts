import type { Request, Response } from "express";
import type { Clock } from "../clock.ts";
import { DISK_FULL_CODES } from "../store/store-fs.ts";
import { StoreUnreadableError } from "../store/lazy-partitions.ts";
import { entraErrors } from "./entra-catalogue.ts";
import { entraErrorBody } from "./entra-error.ts";
import { graphErrors, sendGraphError } from "./graph-error.ts";
import { ctxOf } from "../http/request-context.ts";

/** Answers a request whose change the state folder refused, in the wire format of the surface it came to. */
export type StorageRefusal = (req: Request, res: Response, err: Error) => void;

/**
 * The answer when the disk refused to save a request's change: Graph gets 507
 * quotaLimitReached for a full disk (ENOSPC, EDQUOT) and 503 serviceNotAvailable
 * otherwise; the control plane the same statuses in its own format; the
 * identity endpoints Entra's 503 temporarily_unavailable. A state file that
 * could not be read when first needed (StoreUnreadableError) is a 503 too,
 * worded as a read.
 */
export function storageRefusal(clock: Clock): StorageRefusal {
  return (req, res, failure) => {
    if (failure instanceof StoreUnreadableError) return unreadable(req, res, failure, clock);
    // The disk's own error, when the store wrapped it.
    const err = failure.cause instanceof Error ? failure.cause : failure;
    const code = (err as NodeJS.ErrnoException).code;
    const full = code !== undefined && DISK_FULL_CODES.has(code);
    const cause = code ?? err.message;
    const path = req.originalUrl.toLowerCase();
    res.set("Connection", "close");
    if (path.startsWith("/v1.0")) return sendGraphError(res, full ? graphErrors.insufficientStorage(cause) : graphErrors.storageUnavailable(cause), clock.now());
    if (path.startsWith("/_emulator")) {
      const status = full ? 507 : 503;
      const message = `The change was not saved: ${full ? "the state folder is out of space" : "the state folder could not be written"} (${err.message}). Nothing was changed; see GET /_emulator/health.`;
      return void res.status(status).json({ error: { code: full ? "InsufficientStorage" : "StorageUnavailable", message } });
    }
    entraUnavailable(res, cause, clock);
  };
}

function unreadable(req: Request, res: Response, failure: StoreUnreadableError, clock: Clock): void {
  const path = req.originalUrl.toLowerCase();
  if (path.startsWith("/v1.0")) return sendGraphError(res, graphErrors.storageUnreadable(failure.message), clock.now());
  if (path.startsWith("/_emulator")) return void res.status(503).json({ error: { code: "StorageUnreadable", message: failure.message } });
  entraUnavailable(res, failure.message, clock);
}

/** The identity endpoints' answer for either: Entra's 503 temporarily_unavailable. */
function entraUnavailable(res: Response, cause: string, clock: Clock): void {
  const e = entraErrors.temporarilyUnavailable(cause);
  const ctx = ctxOf(res);
  res.status(e.status).set("Cache-Control", "no-store, no-cache").json(entraErrorBody(e, { now: clock.now(), origin: ctx.origin, correlationId: ctx.clientRequestId }));
}
