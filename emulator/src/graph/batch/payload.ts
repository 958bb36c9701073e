import { graphErrors } from "../../errors/graph-error.ts";
import type { Method } from "../operation.ts";

/** Graph runs at most this many requests in one batch (concepts/json-batching.md). */
export const MAX_BATCH_REQUESTS = 20;

const METHODS: ReadonlySet<string> = new Set<Method>(["GET", "POST", "PATCH", "PUT", "DELETE"]);
const WRITES: ReadonlySet<string> = new Set<Method>(["POST", "PATCH", "PUT"]);

/** One request of a batch, checked. */
export interface BatchItem {
  /** As sent. */
  readonly id: string;
  /** The id as ids are compared: without regard to case (json-batching.md). */
  readonly key: string;
  readonly method: Method;
  /** Path and query under the version, starting with "/" (`/me`, `me` and `/v1.0/me` all give `/me`). */
  readonly url: string;
  /** Header names in lower case, values as strings. */
  readonly headers: Record<string, string>;
  /** The body as sent (a JSON value), or undefined. */
  readonly body: unknown;
  /** The key of the request this one depends on, if any (a batch's requests depend on one request at most). */
  readonly dependsOn: string | undefined;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** An id, a dependency: JSON strings, or numbers as a client may write them. */
function idText(value: unknown): string | undefined {
  if (typeof value === "string") return value === "" ? undefined : value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

/**
 * The path under the version: a leading `/` added, a leading `/v1.0` taken
 * off. Undefined for an absolute URL (a scheme, or `//host`).
 */
function relativeUrl(url: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith("//")) return undefined;
  const path = url.startsWith("/") ? url : `/${url}`;
  const version = /^\/v1\.0(?=\/|\?|$)/i.exec(path);
  if (!version) return path;
  const rest = path.slice(version[0].length);
  return rest.startsWith("/") ? rest : `/${rest}`;
}

/** Whether a path under the version names `$batch` (a nested batch). */
function namesBatch(url: string): boolean {
  const q = url.indexOf("?");
  const first = (q < 0 ? url : url.slice(0, q)).split("/")[1] ?? "";
  try {
    return decodeURIComponent(first).toLowerCase() === "$batch";
  } catch {
    return false;
  }
}

function readHeaders(id: string, value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw graphErrors.batchHeadersInvalid(id);
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(value)) {
    if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") throw graphErrors.batchHeadersInvalid(id);
    out[name.toLowerCase()] = String(v);
  }
  return out;
}

/** The one request, or none, that a request depends on; the batch's patterns are checked once all are read. */
function readDependsOn(id: string, value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw graphErrors.batchInvalidDependency(id);
  return value.map((d) => {
    const text = idText(d);
    if (text === undefined) throw graphErrors.batchInvalidDependency(id);
    return text.toLowerCase();
  });
}

/**
 * Whether the dependencies follow one of the patterns Graph runs (known-issues.md, "Simplified dependencies"):
 * parallel (none), serial (each request depends on the one before) or the same (all depend on the first).
 */
function followsPattern(keys: readonly string[], deps: readonly string[][]): boolean {
  if (deps.every((d) => d.length === 0)) return true;
  if (deps[0]?.length !== 0) return false;
  const serial = deps.every((d, i) => i === 0 || (d.length === 1 && d[0] === keys[i - 1]));
  const same = deps.every((d, i) => i === 0 || (d.length === 1 && d[0] === keys[0]));
  return serial || same;
}

/**
 * Reads and checks a batch body, in the order Graph's refusals suggest: the
 * `requests` array and its size, then each request (id, uniqueness, method,
 * url, headers, body and Content-Type), then the dependencies. Throws
 * Graph's 400 for the first problem; the batch then runs nothing.
 */
export function readBatch(body: unknown): BatchItem[] {
  const requests = isObject(body) ? body.requests : undefined;
  if (!Array.isArray(requests) || requests.length === 0) throw graphErrors.batchRequestsMissing();
  if (requests.length > MAX_BATCH_REQUESTS) throw graphErrors.batchTooManyRequests();
  const seen = new Set<string>();
  const items: Omit<BatchItem, "dependsOn">[] = [];
  const deps: string[][] = [];
  requests.forEach((raw: unknown, i) => {
    const id = isObject(raw) ? idText(raw.id) : undefined;
    if (!isObject(raw) || id === undefined) throw graphErrors.batchRequestWithoutId(i + 1);
    const key = id.toLowerCase();
    if (seen.has(key)) throw graphErrors.batchDuplicateId(id);
    seen.add(key);
    if (typeof raw.method !== "string" || raw.method === "") throw graphErrors.batchRequestMissing(id, "method");
    const method = raw.method.toUpperCase();
    if (!METHODS.has(method)) throw graphErrors.batchMethodUnsupported(id, raw.method);
    if (typeof raw.url !== "string" || raw.url === "") throw graphErrors.batchRequestMissing(id, "url");
    const url = relativeUrl(raw.url);
    if (url === undefined) throw graphErrors.batchUrlNotRelative(id);
    if (namesBatch(url)) throw graphErrors.batchNested(id);
    const headers = readHeaders(id, raw.headers);
    const body = raw.body ?? undefined;
    const typed = headers["content-type"] !== undefined;
    if ((body !== undefined && !typed) || (WRITES.has(method) && (body === undefined || !typed))) throw graphErrors.batchWriteWithoutContentType(id);
    items.push({ id, key, method: method as Method, url, headers, body });
    deps.push(readDependsOn(id, raw.dependsOn));
  });
  const keys = items.map((item) => item.key);
  deps.forEach((d, i) => {
    // A dependency must name a request earlier in the batch.
    if (d.some((k) => keys.indexOf(k) < 0 || keys.indexOf(k) >= i)) throw graphErrors.batchInvalidDependency((items[i] as BatchItem).id);
  });
  if (!followsPattern(keys, deps)) throw graphErrors.batchMixedDependencies();
  return items.map((item, i) => ({ ...item, dependsOn: deps[i]?.[0] }));
}
