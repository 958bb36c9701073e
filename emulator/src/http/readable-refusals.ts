import type { Request, Response } from "express";
import type { AnswerStage } from "./answer-path.ts";

/** How much of a body the emulator reads (and drops) to answer a refusal readably: four times Graph's 4 MiB limit. */
export const DRAIN_LIMIT = 16 * 1024 * 1024;

/**
 * An answer stage that lets clients read an answer sent before their request
 * body was read (a 413, or a 401 before a JSON body): the rest of the body is
 * read and dropped first, up to `limit` bytes, and the answer goes out with
 * `Connection: close`. A client still sending when the server closes gets
 * EPIPE instead of the status (Node's fetch and the Graph SDK report "fetch
 * failed"). A body declared, or found, longer than `limit` is not waited for:
 * the answer is sent and the connection closed.
 */
export function readableRefusals(limit = DRAIN_LIMIT): AnswerStage {
  return (req: Request, res: Response, _args, send) => {
    if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS" || req.complete || req.destroyed || res.headersSent) return send();
    res.setHeader("Connection", "close");
    if (Number(req.headers["content-length"]) > limit) return send();
    let read = 0;
    let done = false;
    const answer = () => {
      if (done) return;
      done = true;
      req.off("data", count);
      req.off("end", answer);
      req.off("error", answer);
      send();
    };
    const count = (chunk: Buffer) => {
      read += chunk.length;
      if (read > limit) answer();
    };
    req.on("data", count);
    req.once("end", answer);
    req.once("error", answer);
    req.resume();
  };
}
