import { Client, GraphError, TelemetryHandler, type Context, type GraphRequest, type Middleware } from "@microsoft/microsoft-graph-client";
import type { GraphErrorInfo, GraphResult } from "./errors.ts";
import type { FetchLike } from "./http.ts";
import { graphEndpoint, type Settings } from "./settings.ts";

/** Gives an access token; `forceRefresh` bypasses every cache. */
export type TokenSource = (forceRefresh: boolean) => Promise<string>;

/** 429 and these are retried for any method: Graph did not process the request. */
const RETRY_ALWAYS = [429, 503, 504];
/** These only for idempotent methods, where a repeat cannot duplicate work. */
const RETRY_IDEMPOTENT = [500, 502];
const IDEMPOTENT = ["GET", "HEAD", "PUT", "DELETE", "OPTIONS"];

export interface TransportOptions {
  tokens: TokenSource;
  /** Only requests to this origin get the access token (never @odata.nextLink hosts elsewhere). */
  origin: string;
  fetch: FetchLike;
  retry: Settings["retry"];
  sleep?: (ms: number) => Promise<void>;
}

/** Milliseconds to wait before retry number `attempt` (1-based). */
export function retryDelayMs(retry: Settings["retry"], attempt: number, retryAfter: string | null, now = Date.now()): number {
  if (retryAfter) {
    const seconds = Number(retryAfter);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : new Date(retryAfter).getTime() - now;
    if (Number.isFinite(ms)) return Math.min(Math.max(ms, 0), retry.maxDelayMs);
  }
  const backoff = retry.baseDelayMs * 2 ** (attempt - 1);
  return Math.min(backoff + Math.floor(Math.random() * backoff * 0.2), retry.maxDelayMs);
}

/** Reads a response we will not use, so its connection can be reused (cancelling a cloned body can wait forever). */
async function drain(res: Response): Promise<void> {
  await res.arrayBuffer().catch(() => undefined);
}

async function graphErrorCode(res: Response): Promise<string | undefined> {
  try {
    const body = (await res.clone().json()) as { error?: { code?: string } };
    return body.error?.code;
  } catch {
    return undefined;
  }
}

/**
 * The last link of the Graph SDK's middleware chain: adds the bearer token,
 * retries 429 (honouring Retry-After) and transient 5xx with bounded backoff,
 * and on 401 InvalidAuthenticationToken gets a fresh token once and retries
 * once. Non-HTTP failures (typed token errors, network errors) are kept in
 * `failure` so they reach the caller unchanged instead of wrapped by the SDK.
 */
export class GraphTransport implements Middleware {
  failure: unknown = undefined;
  constructor(private readonly opts: TransportOptions) {}

  async execute(context: Context): Promise<void> {
    try {
      context.response = await this.#send(context);
    } catch (err) {
      this.failure = err;
      throw err;
    }
  }

  async #send(context: Context): Promise<Response> {
    const { opts } = this;
    const url = typeof context.request === "string" ? context.request : context.request.url;
    const init = (context.options ?? {}) as RequestInit;
    const method = (init.method ?? "GET").toUpperCase();
    const authorized = new URL(url).origin === opts.origin;
    let token = authorized ? await opts.tokens(false) : undefined;
    let refreshed = false;
    let attempt = 0;
    const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    for (;;) {
      const headers = new Headers(init.headers);
      if (token) headers.set("Authorization", `Bearer ${token}`);
      else headers.delete("Authorization");
      const res = await opts.fetch(url, { ...init, headers });
      if (res.status === 401 && token && !refreshed && (await graphErrorCode(res)) === "InvalidAuthenticationToken") {
        refreshed = true;
        await drain(res);
        token = await opts.tokens(true);
        continue;
      }
      const retryable = RETRY_ALWAYS.includes(res.status) || (RETRY_IDEMPOTENT.includes(res.status) && IDEMPOTENT.includes(method));
      if (retryable && attempt < opts.retry.maxRetries) {
        attempt++;
        const wait = retryDelayMs(opts.retry, attempt, res.headers.get("retry-after"));
        await drain(res);
        await sleep(wait);
        continue;
      }
      return res;
    }
  }
}

/** A Graph SDK client whose requests go through a GraphTransport. */
export function createGraphClient(settings: Settings, transport: GraphTransport): Client {
  const { baseUrl, version } = graphEndpoint(settings);
  return Client.initWithMiddleware({
    baseUrl,
    defaultVersion: version,
    customHosts: new Set([new URL(settings.graphBaseUrl).hostname]),
    middleware: [new TelemetryHandler(), transport],
  });
}

/** Turns an SDK GraphError into the documented result fields. */
export function graphErrorInfo(err: GraphError): GraphErrorInfo {
  let inner: { "request-id"?: string; date?: string } | undefined;
  let message = err.message;
  try {
    const body = (typeof err.body === "string" ? JSON.parse(err.body) : err.body) as { innerError?: typeof inner; message?: string } | null;
    inner = body?.innerError;
    if (!message && body?.message) message = body.message;
  } catch {
    // A non-JSON body: keep what the SDK gave.
  }
  const status = err.statusCode;
  return {
    code: err.code || `HttpStatus${status}`,
    message: message || `Graph answered HTTP ${status}`,
    status,
    requestId: err.requestId ?? inner?.["request-id"] ?? err.headers?.get("request-id") ?? null,
    date: inner?.date ?? null,
  };
}

/** Runs one Graph call: data on success, Graph errors in the result, token and network errors thrown. */
export async function runGraph<T>(transport: GraphTransport, call: () => Promise<T>): Promise<GraphResult<T>> {
  try {
    return { ok: true, data: await call() };
  } catch (err) {
    if (transport.failure !== undefined) throw transport.failure;
    if (err instanceof GraphError && err.statusCode > 0) return { ok: false, error: graphErrorInfo(err) };
    throw err;
  }
}

/** OData query options shared by the list functions. */
export interface ODataQuery {
  select?: string[];
  filter?: string;
  search?: string;
  orderby?: string | string[];
  top?: number;
  count?: boolean;
  expand?: string;
}

/** Applies query options, percent-encoding values, and the ConsistencyLevel header that $search and $count need. */
export function applyQuery(req: GraphRequest, q: ODataQuery, consistencyLevel?: "eventual"): GraphRequest {
  const enc = encodeURIComponent;
  if (q.select?.length) req.select(q.select.map(enc));
  if (q.filter) req.filter(enc(q.filter));
  if (q.search) req.search(enc(q.search));
  if (q.orderby) req.orderby((Array.isArray(q.orderby) ? q.orderby : [q.orderby]).map(enc));
  if (q.top !== undefined) req.top(q.top);
  if (q.count) req.count(true);
  if (q.expand) req.expand(enc(q.expand));
  const level = consistencyLevel ?? (q.search || q.count ? "eventual" : undefined);
  if (level) req.header("ConsistencyLevel", level);
  return req;
}

/** One page of a Graph collection. */
export interface Page<T> {
  value: T[];
  /** Pass back as `nextLink` to get the next page; undefined on the last page. */
  nextLink: string | undefined;
  /** With `count: true`. */
  count: number | undefined;
}

export function toPage<T>(raw: { value?: T[]; "@odata.nextLink"?: string; "@odata.count"?: number }): Page<T> {
  return { value: raw.value ?? [], nextLink: raw["@odata.nextLink"], count: raw["@odata.count"] };
}

/** Calendar preferences sent in the Prefer header. */
export interface CalendarPreferences {
  /** A Windows or IANA time zone name for returned date-times, e.g. "Pacific Standard Time". */
  timeZone?: string;
  /** The event body format Graph returns. */
  bodyType?: "html" | "text";
}

export function applyPreferences(req: GraphRequest, prefs: CalendarPreferences): GraphRequest {
  const values: string[] = [];
  if (prefs.timeZone) values.push(`outlook.timezone="${prefs.timeZone.replace(/"/g, "")}"`);
  if (prefs.bodyType) values.push(`outlook.body-content-type="${prefs.bodyType}"`);
  if (values.length) req.header("Prefer", values.join(", "));
  return req;
}
