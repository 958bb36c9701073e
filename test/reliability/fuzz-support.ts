/**
 * Shared pieces of the input-fuzzing suite (test/reliability/fuzz-*.test.ts):
 * run settings (seed, case counts, timeouts), HTTP over node:https with full
 * control of paths, headers and bytes, the checks every answer must pass, and
 * the arbitraries the properties share.
 *
 * Normal mode (`npm test`): a fixed seed and bounded counts. Long mode:
 * `FUZZ_RUNS=100000 [FUZZ_SEED=n] npx vitest run test/reliability/fuzz`, where
 * FUZZ_RUNS is the total number of generated cases, split over the properties
 * by weight (`npm run fuzz` does exactly that). FUZZ_DEBUG=1 logs every
 * answer's status and error code, to see how far the input gets.
 */
import { Agent, request } from "node:https";
import { connect } from "node:tls";
import type { IncomingHttpHeaders } from "node:http";
import { appendFileSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import fc from "fast-check";
import { expect } from "vitest";
import type { RunningEmulator } from "../../emulator/src/index.ts";

// ---------------------------------------------------------------- run settings

/** Every property of the suite: its case count in normal mode, its share of FUZZ_RUNS, and its cost per case. */
const PROPERTIES = {
  "query: /users": { normal: 300, weight: 10, msPerCase: 6 },
  "query: /me/events": { normal: 200, weight: 8, msPerCase: 6 },
  "query: /me/calendarView": { normal: 200, weight: 8, msPerCase: 6 },
  "query: calendarView/delta": { normal: 150, weight: 6, msPerCase: 6 },
  "bodies: users and manager $ref": { normal: 250, weight: 12, msPerCase: 10 },
  "bodies: calendars": { normal: 150, weight: 6, msPerCase: 10 },
  "bodies: events": { normal: 300, weight: 14, msPerCase: 12 },
  "bodies: event actions": { normal: 150, weight: 8, msPerCase: 15 },
  "bodies: getSchedule and findMeetingTimes": { normal: 200, weight: 8, msPerCase: 10 },
  "bodies: $batch": { normal: 150, weight: 6, msPerCase: 20 },
  "bodies: subscriptions": { normal: 150, weight: 6, msPerCase: 15 },
  "identity: token endpoint": { normal: 350, weight: 12, msPerCase: 8 },
  "identity: authorize": { normal: 250, weight: 8, msPerCase: 8 },
  "limits: raw paths, query strings and headers": { normal: 150, weight: 6, msPerCase: 10 },
} as const;
export type PropertyName = keyof typeof PROPERTIES;

const TOTAL = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : undefined;
if (TOTAL !== undefined && !(Number.isSafeInteger(TOTAL) && TOTAL > 0)) throw new Error(`FUZZ_RUNS must be a positive integer, not '${process.env.FUZZ_RUNS}'`);
export const LONG = TOTAL !== undefined;
export const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20_240_917;
if (!Number.isSafeInteger(SEED)) throw new Error(`FUZZ_SEED must be an integer, not '${process.env.FUZZ_SEED}'`);

/** Cases for one property: the normal count, or its share of FUZZ_RUNS (the shares add up to FUZZ_RUNS exactly). */
export function runsFor(name: PropertyName): number {
  if (TOTAL === undefined) return PROPERTIES[name].normal;
  const names = Object.keys(PROPERTIES) as PropertyName[];
  const weights = names.reduce((sum, n) => sum + PROPERTIES[n].weight, 0);
  const shares = names.map((n) => Math.floor((TOTAL * PROPERTIES[n].weight) / weights));
  const rest = TOTAL - shares.reduce((a, b) => a + b, 0);
  const i = names.indexOf(name);
  return (shares[i] as number) + (i < rest ? 1 : 0);
}

/** A vitest timeout for one property, from its case count (shrinking a failure gets the same again). */
export function timeoutFor(name: PropertyName): number {
  return Math.max(60_000, 2 * runsFor(name) * PROPERTIES[name].msPerCase * 4 + 60_000);
}

/** Each property gets its own stream of cases from the one seed. */
function seedFor(name: PropertyName): number {
  let h = SEED | 0;
  for (const c of name) h = (Math.imul(h, 31) + c.charCodeAt(0)) | 0;
  return h;
}

export function announce(file: string): void {
  console.log(`[fuzz] ${file}: ${LONG ? `long mode, FUZZ_RUNS=${TOTAL}` : "normal mode"}, seed ${SEED} (rerun with FUZZ_SEED=${SEED})`);
}

/** Per property: cases run, requests sent, answers below 300 (input that got past validation), 5xx answers, Graph's documented 501s. */
const emptyTally = () => ({ cases: 0, requests: 0, accepted: 0, serverErrors: 0, documented501: 0 });
type Tally = ReturnType<typeof emptyTally>;
let tally: Tally = emptyTally();

/**
 * Runs one property with the run's seed and count, counting the cases run
 * (shrinking included) and every 5xx answer seen, and reports them.
 */
export async function fuzz<T>(name: PropertyName, arb: fc.Arbitrary<T>, run: (value: T) => Promise<void>): Promise<void> {
  const mine = (tally = emptyTally());
  const started = Date.now();
  const numRuns = runsFor(name);
  try {
    await fc.assert(
      fc.asyncProperty(arb, async (value) => {
        mine.cases++;
        await run(value);
      }),
      { seed: seedFor(name), numRuns },
    );
  } finally {
    report(name, numRuns, mine, Date.now() - started);
  }
}

/** Prints the property's numbers; the worker that completes the set of properties also prints the run's totals. */
function report(name: PropertyName, numRuns: number, t: Tally, ms: number): void {
  const line = { name, numRuns, ...t, ms };
  console.log(`[fuzz] ${name}: ${t.cases} cases (${numRuns} planned), ${t.requests} requests (${t.accepted} 2xx), ${t.serverErrors} 5xx answers` +
    `${t.documented501 ? ` (+${t.documented501} documented 501 NotImplemented)` : ""}, ${(ms / 1000).toFixed(1)} s, seed ${SEED}`);
  const file = join(tmpdir(), `graph-emulator-fuzz-${process.env.FUZZ_RUN_ID ?? process.ppid}-${SEED}-${TOTAL ?? "normal"}.jsonl`);
  appendFileSync(file, `${JSON.stringify(line)}\n`);
  const lines = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as typeof line);
  const done = new Set(lines.map((l) => l.name));
  if (!Object.keys(PROPERTIES).every((n) => done.has(n as PropertyName)) || lines.at(-1)?.name !== name) return;
  const sum = (k: "cases" | "requests" | "serverErrors" | "documented501") => lines.reduce((s, l) => s + l[k], 0);
  console.log(`[fuzz] TOTAL over ${done.size} properties: ${sum("cases")} cases, ${sum("requests")} requests, ${sum("serverErrors")} 5xx answers` +
    ` (+${sum("documented501")} documented 501), seed ${SEED}${LONG ? `, FUZZ_RUNS=${TOTAL}` : ""}`);
  rmSync(file, { force: true });
}

// ---------------------------------------------------------------- HTTP

export interface Req {
  method: string;
  /** Sent byte for byte (latin1), so it may hold bad percent-encoding or raw high bytes. */
  path: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export type Send = (r: Req) => Promise<Answer>;
/** Every request must be answered within this time: longer is a hang. */
export const REQUEST_TIMEOUT_MS = 10_000;

/** A client for one emulator: keep-alive connections, the emulator's CA, a timeout on every request. */
export function client(emu: RunningEmulator): Send {
  const agent = new Agent({ keepAlive: true, maxSockets: 4, ca: emu.caCert });
  const once = (r: Req) =>
    new Promise<Answer>((resolve, reject) => {
      const body = r.body === undefined ? undefined : Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body, "utf8");
      const headers: Record<string, string | string[]> = { ...r.headers };
      if (body !== undefined) headers["content-length"] = String(body.length);
      const req = request(
        { host: "127.0.0.1", servername: "localhost", port: emu.port, method: r.method, path: r.path, headers, ca: emu.caCert, agent, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let json: unknown;
            try {
              json = JSON.parse(text);
            } catch {
              // not JSON: `json` stays undefined
            }
            const status = res.statusCode ?? 0;
            tally.requests++;
            if (process.env.FUZZ_DEBUG) console.log(`[fuzz-debug] ${r.method} ${r.path.slice(0, 60)} ${status} ${JSON.stringify((json as { error?: unknown })?.error ?? "").slice(0, 120)} ${(json as { error_codes?: unknown })?.error_codes ?? ""} ${/AADSTS\d+[^\\"<]{0,90}/.exec(text)?.[0] ?? ""}`);
            if (status < 300) tally.accepted++;
            if (status >= 500) {
              if (status === 501 && (json as { error?: { code?: string } })?.error?.code === "NotImplemented") tally.documented501++;
              else tally.serverErrors++;
            }
            resolve({ status, headers: res.headers, text, json });
          });
        },
      );
      req.on("error", (err: Error & { code?: string }) => reject(Object.assign(err, { reused: req.reusedSocket })));
      req.end(body);
    });
  return async (r) => {
    try {
      return await once(r);
    } catch (err) {
      const e = err as Error & { code?: string; reused?: boolean };
      // A kept-alive socket the server closed between requests: Node's documented retry case, not a failure.
      if (e.reused && e.code === "ECONNRESET") return once(r);
      if (e.name === "TimeoutError" || e.name === "AbortError") throw new Error(`HANG: no answer to ${r.method} ${r.path.slice(0, 200)} within ${REQUEST_TIMEOUT_MS} ms`);
      throw new Error(`NO ANSWER to ${r.method} ${r.path.slice(0, 200)}: ${e.code ?? ""} ${e.message}`);
    }
  };
}

/** Raw bytes over TLS, for what a client library will not send; the answer is what arrives before the server closes. */
export function rawExchange(emu: RunningEmulator, bytes: Buffer | string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port: emu.port, servername: "localhost", ca: emu.caCert });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => (socket.destroy(), reject(new Error(`HANG: no answer within ${REQUEST_TIMEOUT_MS} ms`))), REQUEST_TIMEOUT_MS);
    const done = () => (clearTimeout(timer), resolve(Buffer.concat(chunks).toString("latin1")));
    socket.on("secureConnect", () => socket.write(bytes));
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("close", done);
    socket.on("error", (err) => (chunks.length ? done() : (clearTimeout(timer), reject(err))));
  });
}

// ---------------------------------------------------------------- checks

const show = (what: string, res: Answer) => `${what.slice(0, 600)}\n  -> ${res.status} ${res.text.slice(0, 400)}`;
const isDocumented501 = (res: Answer) => res.status === 501 && res.json?.error?.code === "NotImplemented";

/** A Graph answer: below 500 (or Graph's documented 501), and every 4xx in Graph's error envelope. */
export function expectGraphAnswer(res: Answer, what: string): void {
  expect(res.status < 500 || isDocumented501(res), show(what, res)).toBe(true);
  if (res.status < 400) return;
  const error = res.json?.error;
  expect(res.headers["content-type"] ?? "", show(what, res)).toMatch(/^application\/json/);
  expect(typeof error?.code === "string" && error.code !== "" && typeof error.message === "string", show(what, res)).toBe(true);
  expect(typeof error.innerError?.["request-id"] === "string" && typeof error.innerError?.date === "string", show(what, res)).toBe(true);
}

/** An Entra JSON answer: below 500, and every 4xx in Entra's format (error, AADSTS description, codes, ids). */
export function expectEntraAnswer(res: Answer, what: string): void {
  expect(res.status, show(what, res)).toBeLessThan(500);
  if (res.status < 400) return;
  const b = res.json;
  expect(res.headers["content-type"] ?? "", show(what, res)).toMatch(/^application\/json/);
  expect(typeof b?.error === "string" && /^AADSTS\d+: /.test(b.error_description ?? ""), show(what, res)).toBe(true);
  expect(Array.isArray(b.error_codes) && b.error_codes.every((c: unknown) => Number.isInteger(c)), show(what, res)).toBe(true);
  for (const k of ["timestamp", "trace_id", "correlation_id", "error_uri"]) expect(typeof b[k], show(`${what} (${k})`, res)).toBe("string");
}

/** Authorize: below 500; a 4xx is Entra's JSON or Entra's error (or sign-in) page naming the AADSTS code. */
export function expectAuthorizeAnswer(res: Answer, what: string): void {
  expect(res.status, show(what, res)).toBeLessThan(500);
  if (res.status < 400) return;
  if (/^application\/json/.test(res.headers["content-type"] ?? "")) return expectEntraAnswer(res, what);
  expect(res.headers["content-type"] ?? "", show(what, res)).toMatch(/^text\/html/);
  expect(res.text, show(what, res)).toMatch(/AADSTS\d+/);
}

const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();

/** Nothing reached Object.prototype (the emulator runs in this process, so this covers it too). */
export function expectNoPollution(): void {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const probe = {} as any;
  expect(probe.polluted).toBeUndefined();
  expect(probe.isAdmin).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_KEYS);
  expect(Object.getPrototypeOf(probe)).toBe(Object.prototype);
}

/** The emulator still answers its health check (and, with a token, a normal Graph read). */
export async function expectHealthy(send: Send, token?: string, path = "/v1.0/users?$top=1"): Promise<void> {
  const health = await send({ method: "GET", path: "/_emulator/health" });
  expect(health.status).toBe(200);
  expect(health.json).toEqual({ status: "ok" });
  if (token) expect((await send({ method: "GET", path, headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
}

// ---------------------------------------------------------------- arbitraries

export const PROTO_KEYS = ["__proto__", "constructor", "prototype"] as const;

/** Strings that tend to break things, and random ones. */
export const nasty = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 24 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "", " ", "null", "true", "0", "-1", "1e400", "NaN", "%", "%zz", "%00", "%E0%A4%A", "\u0000", "\uFFFF", "\uD800", "'", "''", '"', "\\", "../..",
      "$ref", "$count", "__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "<script>x</script>", "💩", "\u202E", "x".repeat(5000),
    ),
  },
);

/** A JSON text with `__proto__`/`constructor`/`prototype` keys inserted at the top level of an object. */
export function withProtoKeys(json: string, key: (typeof PROTO_KEYS)[number]): string {
  const payload = key === "__proto__" ? '{"polluted":"yes","isAdmin":true}' : '{"prototype":{"polluted":"yes"},"polluted":"yes"}';
  return json.startsWith("{") && json !== "{}" ? `{"${key}":${payload},${json.slice(1)}` : `{"${key}":${payload}}`;
}

/** Content types a client might send, right (mostly) and wrong. */
export const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom("application/json", "application/json; charset=utf-8", "Application/JSON", "application/json;odata.metadata=minimal;odata.streaming=true") },
  {
    weight: 3,
    arbitrary: fc.constantFrom<string | undefined>(
      "application/json; charset=latin1", "application/json; charset=utf-16", "application/json; charset=bogus", "text/plain", "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=xyz", "application/xml", "application/octet-stream", "", "*/*", "application/merge-patch+json", undefined,
    ),
  },
  { weight: 1, arbitrary: nasty.map((s) => s.replace(/[^\t\x20-\x7e]/g, "")) },
);

/** The bytes of a body: mostly JSON of `value`, sometimes broken, foreign or prototype-laden. */
export function bodyBytes(value: fc.Arbitrary<unknown>): fc.Arbitrary<Buffer> {
  const json = value.map((v) => JSON.stringify(v) ?? "null");
  return fc.oneof(
    { weight: 16, arbitrary: json.map((s) => Buffer.from(s)) },
    { weight: 2, arbitrary: fc.tuple(json, fc.constantFrom(...PROTO_KEYS)).map(([s, k]) => Buffer.from(withProtoKeys(s, k))) },
    { weight: 1, arbitrary: fc.tuple(json, fc.nat()).map(([s, n]) => Buffer.from(s.slice(0, s.length ? n % s.length : 0))) },
    { weight: 1, arbitrary: json.map((s) => Buffer.concat([Buffer.from(s.slice(0, 1)), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]), Buffer.from(s.slice(1))])) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)) },
    { weight: 1, arbitrary: nasty.map((s) => Buffer.from(s)) },
    { weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) },
  );
}

/** A fuzzed write: body bytes and headers (content type or none; sometimes a content encoding, applied or only claimed). */
export function payload(value: fc.Arbitrary<unknown>): fc.Arbitrary<{ body: Buffer; headers: Record<string, string> }> {
  const encoding = fc.oneof({ weight: 14, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom("identity", "gzip", "deflate", "br", "bogus", "gzip, deflate") });
  return fc.record({ bytes: bodyBytes(value), type: contentType, encoding, applied: fc.boolean() }).map(({ bytes, type, encoding: enc, applied }) => {
    const headers: Record<string, string> = {};
    if (type !== undefined) headers["content-type"] = type;
    if (enc !== undefined) headers["content-encoding"] = enc;
    const squeezers: Record<string, (b: Buffer) => Buffer> = { gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync };
    const squeeze = applied && enc ? squeezers[enc] : undefined;
    return { body: squeeze ? squeeze(bytes) : bytes, headers };
  });
}

/** encodeURIComponent that never throws: lone surrogates go out as U+FFFD's bytes; `keep` are sent raw. */
export function pct(text: string, keep = /[A-Za-z0-9\-_.!~*'()]/): string {
  let out = "";
  for (const ch of text) out += keep.test(ch) && ch.length === 1 ? ch : [...Buffer.from(ch, "utf8")].map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join("");
  return out;
}

/** A path segment: an id that exists, or garbage, percent-encoded or raw-bad. */
export function idSegment(known: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...known) },
    { weight: 2, arbitrary: nasty.map((s) => pct(s).slice(0, 300) || "x") },
    { weight: 1, arbitrary: fc.uuid().map(String) },
    { weight: 1, arbitrary: fc.constantFrom("%", "%zz", "%00", "%ff", "%E0%A4%A", "('x')", "(", "%27%27", "$ref", "..", "%2F") },
  );
}

/** Sends a Graph write with a fuzzed body and checks the answer; the description names the exact input. */
export async function graphWrite(send: Send, token: string, method: string, path: string, body: Buffer | undefined, headers: Record<string, string>): Promise<Answer> {
  const res = await send({ method, path, headers: { authorization: `Bearer ${token}`, ...headers }, ...(body === undefined ? {} : { body }) });
  expectGraphAnswer(res, `${method} ${path} ${JSON.stringify(headers)} body=${JSON.stringify(body?.toString("latin1").slice(0, 400))}`);
  return res;
}

// ---- calendar values (events, actions, getSchedule, findMeetingTimes)

export const dateTimeText = fc.oneof(
  { weight: 5, arbitrary: fc.date({ min: new Date("2029-06-01"), max: new Date("2031-06-01"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 19)) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "2030-01-07T10:00:00.0000000", "2030-01-07", "2030-01-07T10:00:00Z", "2030-01-07T10:00:00+14:00", "0001-01-01T00:00:00", "9999-12-31T23:59:59",
      "+275760-09-13T00:00:00", "2030-02-30T10:00:00", "2030-01-07T25:00:00", "2030-03-10T02:30:00", "2030-11-03T01:30:00", "1970-01-01T00:00:00",
    ),
  },
  { weight: 1, arbitrary: nasty },
);
export const timeZoneName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("UTC", "Pacific Standard Time", "America/Los_Angeles", "W. Europe Standard Time", "Europe/Berlin", "Etc/GMT+12", "Etc/GMT-14", "India Standard Time", "Lord Howe Standard Time", "tzone://Microsoft/Utc", "Customized Time Zone") },
  { weight: 1, arbitrary: nasty },
);
/** A dateTimeTimeZone, mostly well-formed. */
export const dtz = fc.oneof(
  { weight: 8, arbitrary: fc.record({ dateTime: dateTimeText, timeZone: timeZoneName }) },
  { weight: 1, arbitrary: fc.record({ dateTime: fc.oneof(dateTimeText, fc.jsonValue({ maxDepth: 1 })), timeZone: fc.oneof(timeZoneName, fc.jsonValue({ maxDepth: 1 })) }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
);
/** A start and end `minutes` apart (sometimes negative or huge), in one zone or two. */
export const timedPair = fc
  .record({ start: fc.date({ min: new Date("2029-06-01"), max: new Date("2031-06-01"), noInvalidDate: true }), minutes: fc.oneof(fc.integer({ min: 15, max: 600 }), fc.integer({ min: -120, max: 3_000_000 })), zone: timeZoneName, zone2: fc.option(timeZoneName, { nil: undefined }) })
  .map(({ start, minutes, zone, zone2 }) => ({
    start: { dateTime: start.toISOString().slice(0, 19), timeZone: zone },
    end: { dateTime: new Date(start.getTime() + minutes * 60_000).toISOString().slice(0, 19), timeZone: zone2 ?? zone },
  }));
export const USER_ADDRESSES = ["AdeleV@contoso.onmicrosoft.com", "MeganB@contoso.onmicrosoft.com", "AlexW@contoso.onmicrosoft.com", "LeeG@contoso.onmicrosoft.com", "PattiF@contoso.onmicrosoft.com"];
export const attendee = fc.oneof(
  { weight: 6, arbitrary: fc.record({ emailAddress: fc.record({ address: fc.oneof(fc.constantFrom(...USER_ADDRESSES, "someone@example.com"), nasty), name: fc.option(nasty) }, { requiredKeys: ["address"] }), type: fc.constantFrom("required", "optional", "resource", "Required", "bogus") }, { requiredKeys: ["emailAddress"] }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);
