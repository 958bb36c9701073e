import { ServerResponse } from "node:http";
import type { Request, RequestHandler, Response } from "express";
import { captureAnswer } from "../../http/answer-path.ts";
import { StoreUnavailableError } from "../../store/store.ts";
import type { BatchItem } from "./payload.ts";

/** One request's answer inside a batch: `{ status, headers, body }` of Graph's batch response. */
export interface SubAnswer {
  status: number;
  headers: Record<string, string>;
  /** JSON answers parsed, text as a string, other bodies base64 (OData's JSON batch format); absent when empty. */
  body?: unknown;
}

/** Headers a batch's requests take from the batch when they do not set them: who is calling. */
const FROM_BATCH = ["user-agent", "client-request-id"] as const;

/**
 * Headers of a request in a batch that are not its own to set: they describe
 * the batch's connection and bytes (its body is JSON inside the batch's, read
 * already), and the token is always the batch's.
 */
const NOT_ITS_OWN = new Set(["authorization", "host", "connection", "keep-alive", "upgrade", "te", "expect", "transfer-encoding", "content-length", "content-encoding"]);

/** What marks a batch's request: its id, in `res.locals` (a `$batch` reached from inside a batch is refused). */
export const BATCH_ITEM = "batchItem";

/**
 * Runs the requests a `$batch` carries through Graph's own stages, in
 * process: each gets a request and a response object as Express gives them
 * (the app's prototypes, locals, the batch's connection), goes through the
 * pipeline app.ts hands over (the journal's start, then /v1.0's stages:
 * token, throttling and faults, body, row, permission rule, handler, errors)
 * and down the answer path, whose end is captured instead of written. So
 * each request is throttled, faulted, authorized and journaled on its own,
 * for about the cost of the same request sent alone.
 */
export class SubRequests {
  #pipeline: RequestHandler | undefined;
  #dropped: (res: Response) => void = () => {};

  /**
   * The stages a batch's requests go through (app.ts hands over the pipeline
   * of /v1.0), and what records a batch whose connection closed unanswered.
   */
  runThrough(pipeline: RequestHandler, dropped: (res: Response) => void): void {
    this.#pipeline = pipeline;
    this.#dropped = dropped;
  }

  /** Records the batch `res` as closed without an answer (the journal's entry). */
  dropped(res: Response): void {
    this.#dropped(res);
  }

  /**
   * Runs one request of the batch `outer` and resolves with its answer, or
   * with undefined when the batch's connection closed first (a
   * drop_connection fault, or the client left). Rejects when the store
   * refused a write: the batch as a whole is then refused.
   */
  run(outer: Request, outerRes: Response, item: BatchItem): Promise<SubAnswer | undefined> {
    const pipeline = this.#pipeline;
    if (!pipeline) return Promise.reject(new Error("The $batch row has no pipeline to run its requests through"));
    // The client left while an earlier request ran: nothing more to run, no 'close' left to wait for.
    if (outer.socket?.destroyed) return Promise.resolve(undefined);
    const req = subRequest(outer, item);
    const res = subResponse(req, outerRes, item);
    return new Promise<SubAnswer | undefined>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        outerRes.off("close", closed);
        fn();
      };
      const closed = () => settle(() => resolve(undefined));
      outerRes.once("close", closed);
      captureAnswer(res, (args) => settle(() => resolve(answerOf(res, args[0]))));
      pipeline(req, res, (err?: unknown) =>
        settle(() => {
          if (err instanceof StoreUnavailableError) return reject(err);
          console.error(`graph-emulator: ${item.method} ${req.originalUrl} in a batch failed:`, err instanceof Error ? err.stack : (err ?? "passed on unanswered"));
          resolve(internalError());
        }),
      );
    });
  }
}

/**
 * The request as Express would hand it over: the app's request prototype
 * (req.query, req.path, req.get...), the batch's connection, its body
 * already read. The token is always the batch's.
 */
function subRequest(outer: Request, item: BatchItem): Request {
  const headers: Record<string, string> = {};
  for (const name of FROM_BATCH) {
    const value = outer.headers[name];
    if (typeof value === "string") headers[name] = value;
  }
  for (const [name, value] of Object.entries(item.headers)) if (!NOT_ITS_OWN.has(name)) headers[name] = value;
  headers.authorization = outer.headers.authorization as string;
  if (outer.headers.host !== undefined) headers.host = outer.headers.host;
  const req = Object.create(Object.getPrototypeOf(outer) as object) as Request;
  const url = `/v1.0${item.url}`;
  Object.assign(req, {
    method: item.method,
    url,
    originalUrl: url,
    baseUrl: "",
    params: {},
    headers,
    body: item.body,
    httpVersion: "1.1",
    httpVersionMajor: 1,
    httpVersionMinor: 1,
    socket: outer.socket,
    // Read already: the JSON body stage and readable refusals have nothing to wait for.
    complete: true,
  });
  return req;
}

/** A real ServerResponse (headers, status) on the app's response prototype, never written to a connection. */
function subResponse(req: Request, outerRes: Response, item: BatchItem): Response {
  const res = new ServerResponse(req) as unknown as Response;
  Object.setPrototypeOf(res, Object.getPrototypeOf(outerRes) as object);
  req.res = res;
  res.req = req;
  res.locals = Object.create(null) as Response["locals"];
  // The batch's request id and client-request-id, as in Graph's batch answers.
  res.locals.ctx = outerRes.locals.ctx;
  res.locals[BATCH_ITEM] = item.id;
  return res;
}

/** Headers an answer inside a batch does not carry: its length belongs to the batch's answer. */
const DROPPED = new Set(["content-length"]);

function answerOf(res: Response, chunk: unknown): SubAnswer {
  const headers: Record<string, string> = {};
  // Names as the handlers wrote them ("Content-Type", "Retry-After"), as Graph's batch answers show them.
  // (Node's OutgoingMessage has getRawHeaderNames; @types/node declares it on ClientRequest only.)
  for (const name of (res as unknown as { getRawHeaderNames(): string[] }).getRawHeaderNames()) {
    if (DROPPED.has(name.toLowerCase())) continue;
    const value = res.getHeader(name);
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : String(value);
  }
  const body = bodyOf(chunk, String(res.getHeader("content-type") ?? ""));
  return body === undefined ? { status: res.statusCode, headers } : { status: res.statusCode, headers, body };
}

function bodyOf(chunk: unknown, contentType: string): unknown {
  const text = typeof chunk === "string" ? chunk : undefined;
  const bytes = chunk instanceof Uint8Array ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) : undefined;
  if (!text && !bytes?.length) return undefined;
  if (/[/+]json\b/i.test(contentType)) {
    const json = text ?? (bytes as Buffer).toString("utf8");
    try {
      return JSON.parse(json) as unknown;
    } catch {
      return json;
    }
  }
  if (/^text\//i.test(contentType)) return text ?? (bytes as Buffer).toString("utf8");
  return (bytes ?? Buffer.from(text as string)).toString("base64");
}

/** What the app's last resort answers an unexpected error with, as a batch's answer. */
function internalError(): SubAnswer {
  return {
    status: 500,
    headers: { "Content-Type": "application/json; charset=utf-8" },
    body: { error: { code: "InternalServerError", message: "The emulator hit an unexpected error; see its log." } },
  };
}
