import type { Request } from "express";

const BATCH_PATH = /^\/\$batch\/?(?:\?|$)/i;

/** Whether a request under /v1.0 is a `$batch` envelope (throttling counts its requests, not the envelope). */
export const isBatchEnvelope = (req: Request): boolean => req.method === "POST" && BATCH_PATH.test(req.url);
