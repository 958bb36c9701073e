import { afterAll, afterEach, beforeAll, describe, it } from "vitest";
import fc from "fast-check";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../support/emulator.ts";
import { appToken, userToken } from "../support/graph.ts";
import { announce, client, expectGraphAnswer, expectHealthy, expectNoPollution, fuzz, idSegment, nasty, pct, timeoutFor, type Send } from "./fuzz-support.ts";

/**
 * Random OData query options ($filter, $select, $orderby, $top, $skiptoken,
 * $search, $count, $expand, and calendarView's window) on /users,
 * /me/events, /me/calendarView and its delta (with real, edited and foreign
 * state tokens), with random Prefer and ConsistencyLevel headers: never a
 * 5xx, always an answer, 4xx in Graph's envelope.
 */
const MEGAN = { id: "48d31887-5fad-4d73-a9f5-3c356e68a038", upn: "MeganB@contoso.onmicrosoft.com", password: "Passw0rd!" };
const ADELE = "87d349ed-44d7-43e1-9a83-5f2406dee5bd";
let emu: TestEmulator;
let send: Send;
let delegated: string;
let app: string;
let eventIds: string[] = [];
let skipTokens: string[] = [];
let deltaTokens: string[] = [];

beforeAll(async () => {
  announce("fuzz-query");
  emu = await startTestEmulator();
  send = client(emu);
  delegated = await userToken(emu, CONTOSO.id, MEGAN, ["User.Read.All", "Calendars.ReadWrite"]);
  app = await appToken(emu, CONTOSO.id, ["User.Read.All", "Calendars.Read"]);
  // Material for filters and windows: single, all-day, zoned and recurring events.
  const bodies = [
    { subject: "Plain", start: { dateTime: "2030-01-07T10:00:00", timeZone: "UTC" }, end: { dateTime: "2030-01-07T11:00:00", timeZone: "UTC" }, categories: ["Red"], importance: "high" },
    { subject: "All day", isAllDay: true, start: { dateTime: "2030-01-08T00:00:00", timeZone: "UTC" }, end: { dateTime: "2030-01-09T00:00:00", timeZone: "UTC" } },
    { subject: "Zoned", start: { dateTime: "2030-03-10T01:30:00", timeZone: "Pacific Standard Time" }, end: { dateTime: "2030-03-10T03:30:00", timeZone: "Pacific Standard Time" }, attendees: [{ emailAddress: { address: "AdeleV@contoso.onmicrosoft.com" } }] },
    {
      subject: "Daily",
      start: { dateTime: "2030-01-01T09:00:00", timeZone: "UTC" },
      end: { dateTime: "2030-01-01T09:30:00", timeZone: "UTC" },
      recurrence: { pattern: { type: "daily", interval: 1 }, range: { type: "noEnd", startDate: "2030-01-01" } },
    },
  ];
  for (const body of bodies) {
    const res = await send({ method: "POST", path: "/v1.0/me/events", headers: { authorization: `Bearer ${delegated}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    if (res.status !== 201) throw new Error(`seeding events: ${res.status} ${res.text}`);
    eventIds.push(res.json.id as string);
  }
  // Real skip tokens, to be sent as they are, mutated, or with another query.
  for (const q of ["$top=2", "$top=1&$orderby=displayName", "$top=3&$select=id"]) {
    const res = await send({ method: "GET", path: `/v1.0/users?${q}`, headers: { authorization: `Bearer ${app}` } });
    const next = res.json?.["@odata.nextLink"] as string | undefined;
    const token = next ? new URL(next).searchParams.get("$skiptoken") : null;
    if (token) skipTokens.push(token);
  }
  if (skipTokens.length === 0) throw new Error("no skip token to fuzz with");
  // Real calendarView delta tokens: a skip token (one item a page) and a delta token (a round in one page).
  for (const size of [1, 1000]) {
    const res = await send({ method: "GET", path: "/v1.0/me/calendarView/delta?startDateTime=2030-01-01T00:00:00Z&endDateTime=2030-01-10T00:00:00Z", headers: { authorization: `Bearer ${delegated}`, prefer: `odata.maxpagesize=${size}` } });
    const link = (res.json?.["@odata.nextLink"] ?? res.json?.["@odata.deltaLink"]) as string | undefined;
    const token = link ? (new URL(link).searchParams.get("$skiptoken") ?? new URL(link).searchParams.get("$deltatoken")) : null;
    if (!token) throw new Error(`calendarView delta gave no token: ${res.status} ${res.text}`);
    deltaTokens.push(token);
  }
});
afterEach(async () => {
  expectNoPollution();
  await expectHealthy(send, app);
});
afterAll(async () => {
  eventIds = [];
  skipTokens = [];
  deltaTokens = [];
  await emu?.close();
});

// ---- option values

/** Values a client would really send, so that input reaches evaluation and paging, not only the parsers. */
const sane = {
  filter: fc.constantFrom(
    "startswith(displayName,'A')", "accountEnabled eq true", `id in ('${ADELE}','x')`, "mail eq 'AdeleV@contoso.onmicrosoft.com'", "displayName ge 'M'",
    "endswith(mail,'.com')", "otherMails/any(m:startswith(m,'a'))", "subject eq 'Plain'", "start/dateTime ge '2030-01-01T00:00:00'", "isAllDay eq true",
    "importance eq 'high'", "categories/any(c:c eq 'Red')", "contains(subject,'a')", "not(isAllDay eq true) and showAs ne 'free'", "length(subject) gt 3",
  ),
  select: fc.subarray(["id", "displayName", "mail", "userPrincipalName", "subject", "start", "end", "attendees", "recurrence", "categories", "aboutMe", "type"], { minLength: 1 }).map((a) => a.join(",")),
  orderby: fc.constantFrom("displayName", "displayName desc", "userPrincipalName", "mail", "start/dateTime", "subject desc", "importance", "start/dateTime desc,subject"),
  top: fc.integer({ min: 1, max: 1000 }).map(String),
};
const words = fc.constantFrom(
  "displayName", "DisplayName", "id", "mail", "userPrincipalName", "identities", "otherMails", "accountEnabled", "createdDateTime", "manager", "foo",
  "subject", "start/dateTime", "end/dateTime", "isAllDay", "importance", "categories", "attendees", "organizer/emailAddress/address", "type", "showAs",
  " eq ", " ne ", " ge ", " gt ", " lt ", " le ", " and ", " or ", " in ", "not ", " has ", "startswith(", "endswith(", "contains(", "tolower(",
  "toupper(", "length(", "concat(", "substring(", "year(", "any(", "all(", "a:a", "a/emailAddress/address", "/", "'Adele'", "''", "'", "null", "true",
  "false", "42", "-1", "1.5e308", "2030-01-01T00:00:00Z", "2030-01-01", "(", ")", ",", ":", "x:x", "$count", "%", "\u00e9", '"', "\\", "*", " ", "@",
  "eq", "asc", "desc", "__proto__", "constructor", "prototype",
);
const expression = fc.oneof(
  { weight: 4, arbitrary: sane.filter },
  { weight: 5, arbitrary: fc.array(words, { maxLength: 14 }).map((p) => p.join("")) },
  { weight: 2, arbitrary: nasty },
  { weight: 1, arbitrary: fc.nat({ max: 400 }).map((n) => `${"(".repeat(n)}displayName eq 'x'${")".repeat(n)}`) },
  { weight: 1, arbitrary: fc.nat({ max: 400 }).map((n) => `${"not ".repeat(n)}accountEnabled`) },
  { weight: 1, arbitrary: fc.nat({ max: 250 }).map((n) => Array.from({ length: n + 1 }, (_, i) => `displayName eq '${i}'`).join(" or ")) },
  { weight: 1, arbitrary: fc.nat({ max: 50 }).map((n) => `${"tolower(".repeat(n)}displayName${")".repeat(n)} eq 'x'`) },
  { weight: 1, arbitrary: fc.constantFrom("attendees/any(a:a/emailAddress/address eq 'x')", "categories/any(c:c eq 'Red')", "start/dateTime ge '2030-01-01'", "identities/any(i:i/issuer eq 'x' and i/issuerAssignedId eq 'y')") },
);
const selectList = fc.oneof(sane.select, fc.array(fc.oneof(words, nasty), { maxLength: 6 }).map((a) => a.join(",")), nasty);
const orderList = fc.oneof(sane.orderby, fc.array(fc.tuple(fc.oneof(words, nasty), fc.constantFrom("", " asc", " desc", " DESC", " up")), { maxLength: 4 }).map((a) => a.map(([p, d]) => `${p}${d}`).join(",")), nasty);
const topValue = fc.oneof(sane.top, fc.constantFrom("0", "1", "2", "999", "1000", "-1", " 5 ", "1.5", "0x10", "1e3", "", "99999999999999999999", "+3"), fc.integer().map(String), nasty);
const countValue = fc.oneof(fc.constantFrom("true", "false", "TRUE", "1", "", "yes"), nasty);
const skipTokenValue = fc.oneof(
  fc.constantFrom(...["v1.", "v1..", "v1.e30.x", "v1.eyJvIjotMX0.abc", "x"]),
  fc.nat().map((n) => skipTokens[n % skipTokens.length] as string),
  fc.tuple(fc.nat(), fc.nat(), fc.string({ minLength: 1, maxLength: 1 })).map(([n, at, c]) => {
    const t = skipTokens[n % skipTokens.length] as string;
    return `${t.slice(0, at % t.length)}${c}${t.slice((at % t.length) + 1)}`;
  }),
  fc.jsonValue({ maxDepth: 2 }).map((v) => `v1.${Buffer.from(JSON.stringify(v) ?? "").toString("base64url")}.AAAAAAAAAAAA`),
  nasty,
);
const searchValue = fc.oneof(fc.array(fc.oneof(words, fc.constantFrom('"displayName:ad"', '"mail:x"', " OR ", " AND ", '"', '"x:', "NOT ")), { maxLength: 6 }).map((a) => a.join("")), nasty);
const expandValue = fc.oneof(fc.constantFrom("manager", "manager($select=id,displayName)", "manager($levels=max)", "manager(", "directReports", "manager($select=)", "*", "MANAGER ( $select = mail )"), nasty);
const edgeInstant = fc.oneof(
  fc.constantFrom(
    "2030-01-01T00:00:00", "2030-01-31T00:00:00Z", "2030-01-01T00:00:00-08:00", "2030-01-01", "2030-02-30T00:00:00", "0001-01-01T00:00:00", "9999-12-31T23:59:59",
    "+275760-09-13T00:00:00Z", "-000001-01-01T00:00:00Z", "2030-01-01T24:00:00", "1970-01-01T00:00:00.0000000", "", "now", "2035-01-01T00:00:00",
  ),
  fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }).map((d) => d.toISOString()),
  nasty,
);
const formats = [(d: Date) => d.toISOString(), (d: Date) => d.toISOString().slice(0, 19), (d: Date) => `${d.toISOString().slice(0, 19)}-08:00`, (d: Date) => d.toISOString().slice(0, 10)];
/** A calendarView window: mostly a sane one (start plus up to ~5 years), sometimes either end odd or missing. */
const windowPairs = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ start: fc.date({ min: new Date("2029-06-01"), max: new Date("2030-06-01"), noInvalidDate: true }), days: fc.integer({ min: -2, max: 2000 }), f: fc.nat(3), g: fc.nat(3) })
      .map(({ start, days, f, g }): Pair[] => [["startDateTime", (formats[f] as (d: Date) => string)(start)], ["endDateTime", (formats[g] as (d: Date) => string)(new Date(start.getTime() + days * 86_400_000))]]),
  },
  { weight: 2, arbitrary: fc.tuple(fc.option(fc.tuple(fc.constant("startDateTime"), edgeInstant), { nil: undefined }), fc.option(fc.tuple(fc.constant("endDateTime"), edgeInstant), { nil: undefined })).map(([a, b]): Pair[] => [...(a ? [a] : []), ...(b ? [b] : [])]) },
);
const optionName = (name: string) => fc.constantFrom(name, name.toUpperCase(), name.replace("$", ""), `${name}[]`, `%24${name.slice(1)}`);

type Pair = [string, string];
const pair = (name: string, value: fc.Arbitrary<string>) => fc.tuple(optionName(name), value);
const oddPair: fc.Arbitrary<Pair> = fc.tuple(fc.oneof(fc.constantFrom("$skip", "$format", "$bogus", "$levels", "$apply", "__proto__", "constructor", "__proto__[polluted]", "$filter[__proto__]", "client-request-id"), nasty), fc.oneof(fc.constant("yes"), nasty));

/** Joins options with one of several encodings, some of them wrong. */
function queryString(pairs: Pair[], style: number): string {
  const enc = [
    (s: string) => pct(s),
    (s: string) => pct(s).replace(/%20/g, "+"),
    (s: string) => pct(s, /[\x21-\x7e]/).replace(/[&#=+]/g, (c) => pct(c)),
    (s: string) => `${pct(s)}%${["", "z", "zz", "E0%A4%A", "00", "ff", "C3%28"][s.length % 7]}`,
  ][style % 4] as (s: string) => string;
  return pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join("&");
}

const prefer = fc.constantFrom<string | undefined>(
  undefined, undefined, 'outlook.timezone="Pacific Standard Time"', 'outlook.timezone="Bogus/Zone"', 'outlook.timezone="', "odata.maxpagesize=0", "odata.maxpagesize=-5",
  "odata.maxpagesize=99999999999", 'outlook.body-content-type="text", odata.maxpagesize=2', "return=minimal", 'outlook.timezone="Etc/GMT+12"', ",,,;;;=",
);

async function get(path: string, query: string, token: string, headers: Record<string, string>): Promise<void> {
  const full = `${path}${query ? `?${query}` : ""}`;
  const res = await send({ method: "GET", path: full, headers: { authorization: `Bearer ${token}`, ...headers } });
  expectGraphAnswer(res, `GET ${full} ${JSON.stringify(headers)}`);
}

describe("random query options never give a 5xx", () => {
  it("on /v1.0/users (and $count, delta, one user, direct reports)", { timeout: timeoutFor("query: /users") }, async () => {
    const options = fc.array(
      fc.oneof(pair("$filter", expression), pair("$select", selectList), pair("$orderby", orderList), pair("$top", topValue), pair("$skiptoken", skipTokenValue),
        pair("$search", searchValue), pair("$count", countValue), pair("$expand", expandValue), oddPair),
      { maxLength: 4 },
    );
    const path = fc.oneof(
      { weight: 6, arbitrary: fc.constant("/v1.0/users") },
      { weight: 2, arbitrary: fc.constantFrom("/v1.0/users/$count", "/v1.0/users/delta()", "/v1.0/me/directReports", "/v1.0/me", `/v1.0/users/${ADELE}/directReports`, "/v1.0/me/memberOf") },
      { weight: 1, arbitrary: idSegment([ADELE, MEGAN.upn, `('${MEGAN.upn}')`]).map((id) => `/v1.0/users/${id}`) },
    );
    const input = fc.record({ path, options, style: fc.nat(), eventual: fc.boolean(), asApp: fc.boolean() });
    await fuzz("query: /users", input, async ({ path: p, options: o, style, eventual, asApp }) => {
      await get(p, queryString(o, style), asApp && !p.startsWith("/v1.0/me") ? app : delegated, eventual ? { ConsistencyLevel: "eventual" } : {});
    });
  });

  const eventOptions = fc.array(
    fc.oneof(pair("$filter", expression), pair("$select", selectList), pair("$orderby", orderList), pair("$top", topValue), pair("$skip", topValue),
      pair("$skiptoken", skipTokenValue), pair("$search", searchValue), pair("$count", countValue), pair("$expand", expandValue), oddPair),
    { maxLength: 4 },
  );

  it("on /v1.0/me/events (and a user's, a calendar's, one event)", { timeout: timeoutFor("query: /me/events") }, async () => {
    const path = fc.oneof(
      { weight: 6, arbitrary: fc.constant("/v1.0/me/events") },
      { weight: 2, arbitrary: fc.constantFrom("/v1.0/me/calendar/events", `/v1.0/users/${MEGAN.id}/events`, `/v1.0/users/${MEGAN.upn}/calendar/events`) },
      { weight: 1, arbitrary: idSegment(eventIds).map((id) => `/v1.0/me/events/${id}`) },
    );
    const input = fc.record({ path, options: eventOptions, style: fc.nat(), prefer, asApp: fc.boolean() });
    await fuzz("query: /me/events", input, async ({ path: p, options: o, style, prefer: pf, asApp }) => {
      await get(p, queryString(o, style), asApp && p.startsWith("/v1.0/users") ? app : delegated, pf ? { Prefer: pf } : {});
    });
  });

  it("on /v1.0/me/calendarView (and a calendar's, a user's, a series' instances)", { timeout: timeoutFor("query: /me/calendarView") }, async () => {
    const path = fc.oneof(
      { weight: 6, arbitrary: fc.constant("/v1.0/me/calendarView") },
      { weight: 2, arbitrary: fc.constantFrom("/v1.0/me/calendar/calendarView", `/v1.0/users/${MEGAN.upn}/calendarView`, "/v1.0/me/calendarview") },
      { weight: 1, arbitrary: idSegment(eventIds).map((id) => `/v1.0/me/events/${id}/instances`) },
    );
    const input = fc.record({ path, window: windowPairs, options: fc.oneof(fc.constant([] as Pair[]), eventOptions.map((o) => o.slice(0, 2))), style: fc.nat(), prefer, asApp: fc.boolean() });
    await fuzz("query: /me/calendarView", input, async ({ path: p, window: w, options: o, style, prefer: pf, asApp }) => {
      await get(p, queryString([...w, ...o], style), asApp && p.startsWith("/v1.0/users") ? app : delegated, pf ? { Prefer: pf } : {});
    });
  });

  it("on /v1.0/me/calendarView/delta (and a user's, with real, edited and foreign tokens)", { timeout: timeoutFor("query: calendarView/delta") }, async () => {
    const token = fc.oneof(
      fc.nat().map((n) => deltaTokens[n % deltaTokens.length] as string),
      fc.tuple(fc.nat(), fc.nat(), fc.string({ minLength: 1, maxLength: 1 })).map(([n, at, c]) => {
        const t = deltaTokens[n % deltaTokens.length] as string;
        return `${t.slice(0, at % t.length)}${c}${t.slice((at % t.length) + 1)}`;
      }),
      skipTokenValue,
    );
    const options = fc.array(fc.oneof(pair("$deltatoken", token), pair("$skiptoken", token), pair("$select", selectList), pair("$top", topValue), pair("$filter", expression), oddPair), { maxLength: 3 });
    const path = fc.oneof(
      { weight: 6, arbitrary: fc.constant("/v1.0/me/calendarView/delta") },
      { weight: 2, arbitrary: fc.constantFrom("/v1.0/me/calendarview/delta()", `/v1.0/users/${MEGAN.upn}/calendarView/delta`, `/v1.0/users/${ADELE}/calendarView/microsoft.graph.delta`) },
    );
    const input = fc.record({ path, window: fc.oneof(windowPairs, fc.constant([] as Pair[])), options: fc.oneof(fc.constant([] as Pair[]), options), style: fc.nat(), prefer, asApp: fc.boolean() });
    await fuzz("query: calendarView/delta", input, async ({ path: p, window: w, options: o, style, prefer: pf, asApp }) => {
      await get(p, queryString([...w, ...o], style), asApp && p.startsWith("/v1.0/users") ? app : delegated, pf ? { Prefer: pf } : {});
    });
  });
});
