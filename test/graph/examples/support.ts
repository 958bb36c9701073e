import { expect, it } from "vitest";
import { KNOWN_DIFFERENCES } from "../../../contracts/differences.ts";
import type { RunningEmulator } from "../../../emulator/src/index.ts";
import { createApp } from "../../support/graph.ts";
import { CONTOSO } from "../../support/emulator.ts";
import { http, type Answer } from "../users/support.ts";

/**
 * Replays the request examples of Microsoft's Graph reference pages
 * (microsoft-graph-docs-contrib, api-reference/v1.0/api/<page>.md) against
 * the emulator and checks what an example fixes in general: the status, the
 * properties the answer shows and their JSON types, the @odata annotations
 * (the form of @odata.context, @odata.id, etags, next links) and headers such
 * as Preference-Applied. Values are the example's own and are not compared.
 */

/** A JSON type, or several joined by `|` ("string|null"). */
export type JsonType = "string" | "number" | "boolean" | "array" | "object" | "null" | `${string}|${string}`;
/**
 * Property names (annotations included) and their JSON types, as an example's
 * answer shows them; `a/b` names a nested property, `a|b` either of two.
 */
export type Shape = Record<string, JsonType>;

export interface Expectation {
  status: number;
  /** `@odata.context` after `$metadata#`; `{name}` is a seeded value, percent-encoded as Graph writes keys. */
  context?: string;
  /** Links in the answer (@odata.id, navigation links), after the Graph base URL and `/`; `{name}` is a seeded value, as is. */
  links?: Record<string, string>;
  /** The answer's properties. */
  shape?: Shape;
  /** Every item of `value` (at least one is expected). */
  items?: Shape;
  /** `shape`/`items` name every property the answer has, annotations aside (an example of $select). */
  only?: boolean;
  /** Response headers, exactly. */
  headers?: Record<string, string>;
  /** An answer that is not JSON: its content type. */
  text?: string;
  /** A Graph error's code (for an example the emulator answers as the service does, not as the page shows). */
  code?: string;
}

export interface DocExample extends Expectation {
  /** The page and the example's request name: `user-get.md#get_user_1`. */
  id: string;
  /** Who calls; the file's default caller when absent. */
  as?: string;
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  /** The request path after /v1.0, `{name}` being a seeded value. */
  path: string;
  /** Request headers (Prefer, ConsistencyLevel). */
  requestHeaders?: Record<string, string>;
  body?: unknown;
  /** Values this example needs made first (an event to delete, an invitation to answer). */
  setup?: (vars: Vars) => Promise<Vars>;
  /**
   * Where the emulator knowingly answers otherwise than the page (the page
   * contradicts the service, or shows what the emulator does not model): what
   * it answers instead, over the page's expectation. The example must be in
   * contracts/differences.ts with the reason.
   */
  instead?: Partial<Expectation>;
  /**
   * The page's other paths for the same operation (its "HTTP request"
   * section), replayed with the same expectations. The pages show
   * @odata.context only for the example's own path: a variant checks it
   * when it names one. A variant may make its own data, and answer
   * `instead` as the example's listed difference does.
   */
  also?: Variant[];
}

export interface Variant {
  path: string;
  as?: string;
  context?: string;
  setup?: (vars: Vars) => Promise<Vars>;
  instead?: Partial<Expectation>;
}

export type Vars = Record<string, string>;

export type { Answer } from "../users/support.ts";

/** Delegated permissions the examples' callers hold (each page's least privileged one is enough). */
const DELEGATED = ["User.ReadWrite.All", "Directory.ReadWrite.All", "User.DeleteRestore.All", "Calendars.ReadWrite", "Calendars.ReadWrite.Shared"];
const APPLICATION = ["User.ReadWrite.All", "Directory.ReadWrite.All", "User.DeleteRestore.All", "Calendars.ReadWrite"];

/** Tokens for the example callers: fixture users by userPrincipalName (delegated), or `app` (app-only). */
export async function callerTokens(emu: RunningEmulator, users: Record<string, string>): Promise<Record<string, string>> {
  const app = await createApp(emu, CONTOSO.id, { delegated: DELEGATED, application: APPLICATION });
  const token = async (params: Record<string, string>) => {
    const res = await fetch(`${emu.baseUrl}/${CONTOSO.id}/oauth2/v2.0/token`, {
      method: "POST",
      body: new URLSearchParams({ client_id: app.appId, client_secret: app.clientSecret, ...params }),
    });
    const body = (await res.json()) as { access_token?: string };
    if (!body.access_token) throw new Error(`token request failed: ${JSON.stringify(body)}`);
    return body.access_token;
  };
  const out: Record<string, string> = { app: await token({ grant_type: "client_credentials", scope: "https://graph.microsoft.com/.default" }) };
  for (const [name, upn] of Object.entries(users)) {
    out[name] = await token({ grant_type: "password", username: upn, password: "Passw0rd!", scope: DELEGATED.join(" ") });
  }
  return out;
}

/** Plain HTTP against the emulator's Graph (the users suites' client). */
export function send(emu: RunningEmulator, token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  return http(emu, token)(method, path, body, headers);
}

const fill = (text: string, vars: Vars, encode: (v: string) => string = (v) => v) =>
  text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? encode(vars[name] as string) : whole));

/** An OData key as Graph writes it inside @odata.context: quotes doubled, then percent-encoded (`=` is `%3D`). */
const keyInContext = (v: string) => encodeURIComponent(v.replace(/'/g, "''"));

function typeOf(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}

/** A property by name; `a/b` reaches into nested objects, `a/0` into arrays. */
function propertyAt(obj: unknown, name: string): { found: boolean; value?: unknown } {
  let current: unknown = obj;
  for (const part of name.split("/")) {
    if ((typeOf(current) !== "object" && typeOf(current) !== "array") || !(part in (current as Record<string, unknown>))) return { found: false };
    current = (current as Record<string, unknown>)[part];
  }
  return { found: true, value: current };
}

function shapeDifferences(where: string, value: unknown, shape: Shape, only: boolean): string[] {
  if (typeOf(value) !== "object") return [`${where}: expected an object, got ${JSON.stringify(value)?.slice(0, 100)}`];
  const obj = value as Record<string, unknown>;
  const out: string[] = [];
  for (const [key, type] of Object.entries(shape)) {
    // `a|b`: either property (a nextLink or a deltaLink).
    const present = key.split("|").map((name) => propertyAt(obj, name)).find((p) => p.found);
    if (!present) out.push(`${where}.${key}: missing`);
    else if (!type.split("|").includes(typeOf(present.value))) out.push(`${where}.${key}: expected ${type}, got ${typeOf(present.value)}`);
  }
  const named = new Set(Object.keys(shape).flatMap((k) => k.split("|").map((n) => n.split("/")[0])));
  if (only) for (const name of Object.keys(obj)) if (!name.includes("@odata.") && !named.has(name)) out.push(`${where}.${name}: not in the example`);
  return out;
}

/** How an answer differs from an expectation; empty when it matches. */
export function differences(e: Expectation, res: Answer, vars: Vars, graphBaseUrl: string): string[] {
  const out: string[] = [];
  if (res.status !== e.status) out.push(`status: expected ${e.status}, got ${res.status} ${res.text.slice(0, 200)}`);
  for (const [name, value] of Object.entries(e.headers ?? {})) {
    if (res.headers.get(name) !== value) out.push(`header ${name}: expected ${JSON.stringify(value)}, got ${JSON.stringify(res.headers.get(name))}`);
  }
  const type = res.headers.get("content-type") ?? "";
  if (e.text !== undefined) {
    if (!type.startsWith(e.text)) out.push(`content-type: expected ${e.text}, got ${type}`);
    return out;
  }
  if (e.code !== undefined && res.body?.error?.code !== e.code) out.push(`error.code: expected ${e.code}, got ${JSON.stringify(res.body?.error?.code)}`);
  if (e.context !== undefined) {
    const expected = `${graphBaseUrl}/$metadata#${fill(e.context, vars, keyInContext)}`;
    if (res.body?.["@odata.context"] !== expected) out.push(`@odata.context: expected ${expected}, got ${res.body?.["@odata.context"]}`);
  }
  for (const [name, link] of Object.entries(e.links ?? {})) {
    const expected = `${graphBaseUrl}/${fill(link, vars)}`;
    const actual = propertyAt(res.body, name).value;
    if (actual !== expected) out.push(`${name}: expected ${expected}, got ${JSON.stringify(actual)}`);
  }
  if (e.shape) out.push(...shapeDifferences("body", res.body, e.shape, e.only === true && !e.items));
  if (e.items) {
    const value = res.body?.value;
    if (!Array.isArray(value) || value.length === 0) out.push(`value: expected items, got ${JSON.stringify(value)?.slice(0, 100)}`);
    else value.forEach((item, i) => out.push(...shapeDifferences(`value[${i}]`, item, e.items as Shape, e.only === true)));
  }
  return out;
}

export interface ExampleRunner {
  emu: RunningEmulator;
  tokens: Record<string, string>;
  vars: Vars;
  /** The caller used when an example names none. */
  caller: string;
}

/** Sends an example's request (after its setup) and returns the answer and the values it used. */
export async function replay(r: ExampleRunner, ex: DocExample): Promise<{ res: Answer; vars: Vars }> {
  const vars = ex.setup ? { ...r.vars, ...(await ex.setup(r.vars)) } : r.vars;
  const token = r.tokens[ex.as ?? r.caller];
  if (!token) throw new Error(`no caller ${ex.as ?? r.caller}`);
  const body = ex.body === undefined ? undefined : JSON.parse(fill(JSON.stringify(ex.body), vars));
  const res = await send(r.emu, token, ex.method, fill(ex.path, vars), body, ex.requestHeaders ?? {});
  return { res, vars };
}

/**
 * One test per example: the answer matches the page; or, for a listed
 * difference, it matches what the emulator answers instead (and still
 * differs from the page, so a stale entry is noticed).
 */
export function exampleTests(runner: () => ExampleRunner, examples: readonly DocExample[]): void {
  for (const ex of examples) {
    const title = `${ex.id}: ${ex.method} ${ex.path} -> ${ex.instead?.status ?? ex.status}${ex.instead ? " (known difference)" : ""}`;
    it(title, async () => {
      const r = runner();
      const { res, vars } = await replay(r, ex);
      if (!ex.instead) {
        expect(differences(ex, res, vars, r.emu.graphBaseUrl), res.text.slice(0, 600)).toEqual([]);
        return;
      }
      expect(KNOWN_DIFFERENCES.map((d) => d.caseId), "listed in contracts/differences.ts").toContain(ex.id);
      expect(differences({ ...ex, ...ex.instead }, res, vars, r.emu.graphBaseUrl), res.text.slice(0, 600)).toEqual([]);
      expect(differences(ex, res, vars, r.emu.graphBaseUrl), "still differs from the page").not.toEqual([]);
    });
    for (const variant of ex.also ?? []) {
      it(`${ex.id}, also ${ex.method} ${variant.path} -> ${variant.instead?.status ?? ex.status}`, async () => {
        const r = runner();
        const alt: DocExample = { ...ex, ...variant, as: variant.as ?? ex.as, context: variant.context, setup: variant.setup ?? ex.setup };
        const { res, vars } = await replay(r, alt);
        expect(differences({ ...alt, ...variant.instead }, res, vars, r.emu.graphBaseUrl), res.text.slice(0, 600)).toEqual([]);
      });
    }
  }
}

/** The documented examples of `pages` that contracts/differences.ts lists are exactly those with `instead`. */
export function listedDifferencesTest(examples: readonly DocExample[]): void {
  const pages = new Set(examples.map((e) => e.id.split("#")[0]));
  it(`known differences of ${[...pages].join(", ")} are the examples marked 'instead'`, () => {
    const listed = KNOWN_DIFFERENCES.map((d) => d.caseId).filter((id) => pages.has(id.split("#")[0] as string) && id.includes(".md#"));
    expect(listed.sort()).toEqual(examples.filter((e) => e.instead).map((e) => e.id).sort());
  });
}

const MAILBOXES = ["/me", "/users/{me}"];
const CONTAINERS: [string, string][] = [
  ["", ""],
  ["/calendar", "calendar/"],
  ["/calendars/{default}", "calendars('{default}')/"],
];

/**
 * The page's other paths to the same events (every events page lists them
 * in its "HTTP request" section): the signed-in user's mailbox as /me or
 * /users/{me}, and the events through /calendar and /calendars/{default}.
 * The context, when the example has one, follows the path as the pages show
 * it for /calendar/events and /calendars/{id}/events (calendar-list-events.md,
 * calendar-post-events.md). None for a path that names another calendar.
 */
export function everyContainer(example: { path: string; context?: string }): Variant[] {
  const m = /^\/(?:me|users\/\{me\})(\/calendar|\/calendars\/\{default\})?(\/(?:events|calendarView)\b.*)$/.exec(example.path);
  if (!m) return [];
  const own = m[1] ?? "";
  const rest = m[2] as string;
  const ownSegment = CONTAINERS.find(([c]) => c === own)?.[1] ?? "";
  const out: Variant[] = [];
  for (const mailbox of MAILBOXES) {
    for (const [container, segment] of CONTAINERS) {
      const path = `${mailbox}${container}${rest}`;
      if (path === example.path) continue;
      const context = example.context?.replace(`users('{me}')/${ownSegment}`, `users('{me}')/${segment}`);
      out.push(context === undefined ? { path } : { path, context });
    }
  }
  return out;
}

/** An events example, also replayed on every other path to the same events. */
export function inEveryContainer(example: DocExample): DocExample {
  return { ...example, also: [...(example.also ?? []), ...everyContainer(example)] };
}
