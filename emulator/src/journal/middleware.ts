import type { NextFunction, Request, Response } from "express";
import type { Clock } from "../clock.ts";
import type { Principal } from "../http/principal.ts";
import type { AnswerStage } from "../http/answer-path.ts";
import { KeptHeaders, type Area, type RequestJournal } from "./journal.ts";
import { redactAuthorization, redactUrl } from "./redact.ts";

/** A kept header value: strings only (a header sent twice that Node keeps as a list is dropped), at most 512 characters. */
function kept(value: string | string[] | undefined): string | undefined {
  if (typeof value !== "string") return undefined;
  return value.length > 512 ? value.slice(0, 512) : value;
}

const GRAPH_PATH = /^\/(v1\.0|beta)(\/|$)/i;

function areaOf(path: string): Area {
  if (path.startsWith("/_emulator")) return "control";
  if (path.startsWith("/v1.0/") || GRAPH_PATH.test(path)) return "graph";
  if (/^\/[^/]+\/(oauth2|v2\.0|discovery|\.well-known)/i.test(path) || path.startsWith("/common/")) return "identity";
  return "other";
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Reads the error code out of an answer body without keeping the body. */
function errorCodeOf(body: unknown): string | null {
  if (!body || typeof body !== "object") return null;
  const b = body as { error?: unknown; error_codes?: unknown };
  if (b.error && typeof b.error === "object" && typeof (b.error as { code?: unknown }).code === "string") return (b.error as { code: string }).code;
  if (typeof b.error === "string") return Array.isArray(b.error_codes) ? `${b.error} AADSTS${String(b.error_codes[0])}` : b.error;
  return null;
}

/**
 * Lets an identity handler name the client and tenant of a request where the
 * journal cannot read them itself: a sign-in form post carries its client_id
 * inside the encoded `request` field, client_secret_basic sends it in the
 * Authorization header, and a domain in the path stands for a tenant GUID.
 */
export function noteIdentity(res: Response, who: { clientId?: string | undefined; tenant?: string | undefined }): void {
  if (who.clientId) res.locals.journalClientId = who.clientId.slice(0, 200);
  if (who.tenant) res.locals.journalTenant = who.tenant;
}

/** The request a response belongs to, for the journal, under this key on the response. */
const PENDING = Symbol("journal entry");

/** One request on its way to the journal: everything known when it came in, recorded once when it is answered. */
class Pending {
  #recorded = false;
  constructor(
    readonly journal: RequestJournal,
    readonly req: Request,
    readonly res: Response,
    /** Routers rewrite req.url while they run, so the path is read when the request comes in. */
    readonly path: string,
    readonly originalUrl: string,
    readonly started: number,
    readonly timeMs: number,
  ) {}

  record(answered: boolean, chunk: unknown): void {
    if (this.#recorded) return;
    this.#recorded = true;
    const { req, res, path, originalUrl } = this;
    const status = res.statusCode;
    let errorCode: string | null = null;
    if (answered && status >= 400) {
      errorCode = (res.locals.errorCode as string | undefined) ?? null;
      // Errors that no serializer labelled (control plane, 404s): read the code from the JSON body.
      if (errorCode === null && (typeof chunk === "string" || Buffer.isBuffer(chunk))) errorCode = errorCodeOf(safeParse(chunk.toString()));
    }
    const principal = res.locals.principal as Principal | undefined;
    const h = req.headers;
    const headers = new KeptHeaders(
      kept(h["user-agent"]),
      kept(h["content-type"]),
      kept(h["client-request-id"]),
      kept(h.consistencylevel),
      kept(h.prefer),
      kept(h["x-anchormailbox"]),
      redactAuthorization(h.authorization),
    );
    const area = areaOf(path);
    let tenant: string | null = principal?.tenantId ?? null;
    let clientId: string | null = principal?.appId ?? null;
    if (!principal && area === "identity") {
      tenant = /^\/([^/]+)\//.exec(path)?.[1] ?? null;
      const body = req.body as Record<string, unknown> | undefined;
      clientId = typeof body?.client_id === "string" ? body.client_id : typeof req.query.client_id === "string" ? req.query.client_id : null;
      tenant = (res.locals.journalTenant as string | undefined) ?? tenant;
      clientId = (res.locals.journalClientId as string | undefined) ?? clientId;
    }
    this.journal.record({
      timeMs: this.timeMs,
      method: req.method,
      url: originalUrl.includes("?") ? redactUrl(originalUrl).slice(0, 2048) : originalUrl.slice(0, 2048),
      area,
      tenant,
      clientId,
      userId: principal?.kind === "user" ? principal.userId : null,
      // 0: the connection closed without an answer (for example a drop_connection fault).
      status: answered ? status : 0,
      errorCode,
      durationMs: Math.round((performance.now() - this.started) * 100) / 100,
      headers,
      faultId: (res.locals.faultId as string | undefined) ?? null,
    });
  }
}

type WithPending = Response & { [PENDING]?: Pending };

/** Records a request whose connection was dropped (a fault) without an answer. */
function recordDropped(res: Response): void {
  (res as WithPending)[PENDING]?.record(false, undefined);
}

/** What makes parseurl (behind req.path) fall back to a full parse: a fragment or white space. */
const PARSE_NEEDED = /[#\t\n\f\r \u00a0\ufeff]/;

/**
 * `req.path` for the usual request line ("/path?query") without Express's URL
 * parse (its getter builds a URL object, a measurable share of a small
 * request); anything else (an absolute URL, a fragment) goes through it.
 */
function pathOf(req: Request): string {
  const url = req.url;
  if (url.charCodeAt(0) !== 47 /* / */ || PARSE_NEEDED.test(url)) return req.path;
  const q = url.indexOf("?");
  return q < 0 ? url : url.slice(0, q);
}

/**
 * Records every request as its answer is sent: who (tenant, client, user from
 * the verified principal or the request), what, the status and error code, and
 * how long it took. The journal's own reads are not recorded. `start` is a
 * request stage (what is known when the request comes in), `answer` an
 * answer stage (recorded as the answer is handed over, before the client can
 * read it), `dropped` what a stage calls when it closes the connection
 * without an answer. This runs on every request, so it keeps to plain work: no
 * listeners, no closures, no parsing unless the answer is an error no
 * serializer labelled.
 */
export function requestJournal(journal: RequestJournal, clock: Clock) {
  const start = (req: Request, res: Response, next: NextFunction): void => {
    const path = pathOf(req);
    if (!path.startsWith("/_emulator/requests")) (res as WithPending)[PENDING] = new Pending(journal, req, res, path, req.originalUrl, performance.now(), clock.nowMs());
    next();
  };
  const answer: AnswerStage = (_req, res, args, send) => {
    (res as WithPending)[PENDING]?.record(true, args[0]);
    send();
  };
  return { start, answer, dropped: recordDropped };
}
