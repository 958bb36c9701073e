import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../support/emulator.ts";
import { appToken, userToken } from "../support/graph.ts";
import { announce, client, contentType, expectGraphAnswer, expectHealthy, expectNoPollution, fuzz, graphWrite, nasty, payload, pct, timeoutFor, type Send } from "./fuzz-support.ts";

/**
 * Random $batch bodies: random request lists (ids, methods, urls, headers,
 * bodies, dependsOn), some well-formed, most not. The batch answers 200 or
 * Graph's 400; a 200's every response is an answer Graph could give alone
 * (never a 5xx, each 4xx in Graph's envelope), one per request, in order.
 */
let emu: TestEmulator;
let send: Send;
let adele: string;
let app: string;

beforeAll(async () => {
  announce("fuzz-graph-batch");
  emu = await startTestEmulator();
  send = client(emu);
  adele = await userToken(emu, CONTOSO.id, CONTOSO.adele, ["User.Read", "User.ReadBasic.All", "Calendars.ReadWrite"]);
  app = await appToken(emu, CONTOSO.id, ["User.Read.All", "Calendars.Read"]);
});
afterEach(async () => {
  expectNoPollution();
  await expectHealthy(send, app);
});
afterAll(async () => {
  await emu?.close();
});

const anyJson = fc.jsonValue({ maxDepth: 3 });
const id = fc.oneof({ weight: 6, arbitrary: fc.constantFrom("1", "2", "3", "a", "A", "x") }, { weight: 1, arbitrary: fc.oneof(nasty, anyJson) });
const url = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      "/me", "me", "/v1.0/me", "/me?$select=id", "/users?$top=2", "/users/$count", `/users/${CONTOSO.megan.upn}`, "/me/events", "/me/calendar", "/me/calendars",
      "/me/calendarView?startDateTime=2030-01-01T00:00:00&endDateTime=2030-01-08T00:00:00", "/me/events/AAMkAGx", "/me/calendar/getSchedule", "/users/nobody/manager/$ref",
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom("/$batch", "/v1.0/$batch", "%24batch", "https://graph.microsoft.com/v1.0/me", "//x/me", "/beta/me", "/", "", "?", "/me/../users", "/users('x')", "/users/%zz", "/me?$top=%"),
  },
  { weight: 1, arbitrary: nasty },
  { weight: 1, arbitrary: anyJson },
);
const method = fc.oneof({ weight: 6, arbitrary: fc.constantFrom("GET", "POST", "PATCH", "DELETE", "PUT", "get") }, { weight: 1, arbitrary: fc.oneof(fc.constantFrom("HEAD", "OPTIONS", "TRACE", ""), nasty, anyJson) });
const headers = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  {
    weight: 4,
    arbitrary: fc.record(
      {
        "Content-Type": contentType,
        ConsistencyLevel: fc.constantFrom("eventual", "", "bogus"),
        Prefer: fc.constantFrom('outlook.timezone="Pacific Standard Time"', "return=minimal", "odata.maxpagesize=1", "bogus"),
        "Content-Length": fc.constantFrom("0", "99999999999", "x"),
        Authorization: fc.constantFrom("Bearer nope", ""),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: fc.dictionary(nasty, fc.oneof(nasty, anyJson), { maxKeys: 3 }) },
  { weight: 1, arbitrary: anyJson },
);
const eventish = fc.record({ subject: nasty, start: fc.record({ dateTime: fc.constantFrom("2030-01-07T10:00:00", "bogus"), timeZone: fc.constantFrom("UTC", "nowhere") }), end: fc.record({ dateTime: fc.constant("2030-01-07T11:00:00"), timeZone: fc.constant("UTC") }) }, { requiredKeys: [] });
const item = fc.record(
  {
    id,
    method,
    url,
    headers,
    body: fc.oneof(fc.constant(undefined), eventish, anyJson),
    dependsOn: fc.oneof(fc.constant(undefined), fc.array(id, { maxLength: 2 }), anyJson),
  },
  { requiredKeys: [] },
);
/** A request the batch accepts (unique id, a method it carries, a relative url, Content-Type with a body), whose own answer may be anything. */
const goodItem = fc
  .record({
    method: fc.constantFrom("GET", "GET", "POST", "PATCH", "DELETE", "PUT"),
    url: fc.oneof({ weight: 4, arbitrary: url.filter((u) => typeof u === "string" && u !== "" && !/batch|\/\/|^https?:/i.test(u)) }, { weight: 1, arbitrary: nasty.map((t) => `/me/${pct(t)}`) }),
    extra: fc.record({ ConsistencyLevel: fc.constantFrom("eventual", "bogus"), Prefer: fc.constantFrom('outlook.timezone="Pacific Standard Time"', "return=minimal", "bogus"), "Content-Length": fc.constantFrom("0", "99999999999") }, { requiredKeys: [] }),
    type: fc.constantFrom("application/json", "application/json", "text/plain", "application/octet-stream"),
    body: fc.oneof({ weight: 3, arbitrary: eventish }, { weight: 1, arbitrary: anyJson.filter((v) => v !== null) }),
  })
  .map(({ method, url: u, extra, type, body }) => {
    const write = method !== "GET" && method !== "DELETE";
    return { method, url: u as string, headers: write ? { ...extra, "Content-Type": type } : extra, ...(write ? { body } : {}) };
  });
/** Accepted batches: parallel, serial or all dependent on the first. */
const goodBatch = fc.record({ items: fc.array(goodItem, { minLength: 1, maxLength: 8 }), pattern: fc.constantFrom("parallel", "serial", "same") }).map(({ items, pattern }) => ({
  requests: items.map((r, i) => ({
    id: `r${i}`,
    ...r,
    ...(i > 0 && pattern !== "parallel" ? { dependsOn: [pattern === "serial" ? `r${i - 1}` : "r0"] } : {}),
  })),
}));
const batchBody = fc.oneof(
  { weight: 8, arbitrary: goodBatch },
  { weight: 4, arbitrary: fc.array(item, { minLength: 1, maxLength: 6 }).map((requests) => ({ requests })) },
  { weight: 1, arbitrary: fc.array(item, { minLength: 19, maxLength: 22 }).map((requests) => ({ requests })) },
  { weight: 1, arbitrary: anyJson },
);

function plainJson(bytes: Buffer): { requests?: unknown } | undefined {
  try {
    return JSON.parse(bytes.toString("utf8")) as { requests?: unknown };
  } catch {
    return undefined;
  }
}

describe("random $batch bodies never give a 5xx", () => {
  it("POST /v1.0/$batch with delegated and app-only tokens", { timeout: timeoutFor("bodies: $batch") }, async () => {
    const input = fc.record({ token: fc.constantFrom("user", "app"), body: payload(batchBody) });
    await fuzz("bodies: $batch", input, async ({ token, body: { body, headers: h } }) => {
      const res = await graphWrite(send, token === "user" ? adele : app, "POST", "/v1.0/$batch", body, h);
      if (res.status !== 200) return;
      const what = `POST /v1.0/$batch ${JSON.stringify(h)} body=${JSON.stringify(body.toString("latin1").slice(0, 400))}`;
      const responses = res.json?.responses as { id: unknown; status: number; headers: Record<string, string>; body?: unknown }[];
      expect(Array.isArray(responses), what).toBe(true);
      // One response per request, in order (when the bytes sent are plain JSON; compressed ones the emulator read itself).
      const sent = plainJson(body)?.requests;
      if (Array.isArray(sent)) expect(responses.map((r) => r.id), what).toEqual(sent.map((r: { id: unknown }) => String(r.id)));
      for (const r of responses) {
        const contentTypeOf = Object.entries(r.headers).find(([k]) => k.toLowerCase() === "content-type")?.[1] ?? "";
        expectGraphAnswer({ status: r.status, headers: { "content-type": contentTypeOf }, text: JSON.stringify(r.body ?? ""), json: r.body as never }, `${what} (request ${String(r.id)})`);
      }
    });
  });
});
