import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../support/emulator.ts";
import { appToken, userToken } from "../support/graph.ts";
import {
  announce, attendee, client, dtz, expectHealthy, expectNoPollution, fuzz, graphWrite, idSegment, nasty, payload, timedPair, timeoutFor, USER_ADDRESSES, type Send,
} from "./fuzz-support.ts";

/**
 * Random bodies, content types and encodings on calendar writes (POST,
 * PATCH and DELETE calendars under /me and /users/{id}) and on the two
 * scheduling actions, getSchedule and findMeetingTimes. Never a 5xx, always
 * an answer, every 4xx in Graph's envelope.
 */
const MEGAN = { id: "48d31887-5fad-4d73-a9f5-3c356e68a038", upn: "MeganB@contoso.onmicrosoft.com", password: "Passw0rd!" };
let emu: TestEmulator;
let send: Send;
let megan: string;
let app: string;
const ids = { default: "", secondary: "" };
let serial = 0;

async function createCalendar(token: string, base: string): Promise<string> {
  const res = await send({ method: "POST", path: `${base}/calendars`, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ name: `Fuzz ${process.pid}-${++serial}` }) });
  expect(res.status, res.text).toBe(201);
  return res.json.id as string;
}

beforeAll(async () => {
  announce("fuzz-graph-calendars");
  emu = await startTestEmulator();
  send = client(emu);
  megan = await userToken(emu, CONTOSO.id, MEGAN, ["Calendars.ReadWrite", "Calendars.ReadWrite.Shared"]);
  app = await appToken(emu, CONTOSO.id, ["Calendars.ReadWrite"]);
  ids.default = (await send({ method: "GET", path: "/v1.0/me/calendar", headers: { authorization: `Bearer ${megan}` } })).json.id;
  ids.secondary = await createCalendar(megan, "/v1.0/me");
  // Busy time for the schedules to find.
  for (const [who, start] of [["/v1.0/me", "2030-01-07T09:00:00"], [`/v1.0/users/${USER_ADDRESSES[0]}`, "2030-01-07T10:00:00"]] as const) {
    const body = { subject: "Busy", start: { dateTime: start, timeZone: "UTC" }, end: { dateTime: start.replace("T0", "T1"), timeZone: "UTC" }, recurrence: { pattern: { type: "daily", interval: 1 }, range: { type: "noEnd", startDate: "2030-01-07" } } };
    const res = await send({ method: "POST", path: `${who}/events`, headers: { authorization: `Bearer ${who === "/v1.0/me" ? megan : app}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    expect(res.status, res.text).toBe(201);
  }
});
afterEach(async () => {
  expectNoPollution();
  await expectHealthy(send, app, `/v1.0/users/${MEGAN.id}/calendars`);
});
afterAll(async () => {
  await emu?.close();
});

const anyJson = fc.jsonValue({ maxDepth: 2 });
const extras = fc.dictionary(fc.oneof(fc.constantFrom("__proto__", "constructor", "prototype", "Name", "@odata.type"), nasty), anyJson, { maxKeys: 2 });
const count = (sane: fc.Arbitrary<number>, odd: unknown[]) => fc.oneof({ weight: 4, arbitrary: sane }, { weight: 1, arbitrary: fc.constantFrom<unknown>(...odd, null, "3", 1.5, 2 ** 31, -1, 1e308) });
const enumish = (...members: string[]) => fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...members, members[0]!.toUpperCase(), "bogus") }, { weight: 1, arbitrary: anyJson });

const calendarBody = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.tuple(
      fc.record({
        name: fc.oneof(fc.string({ maxLength: 20 }), nasty, fc.constantFrom("Calendar", "", "x".repeat(300)), anyJson),
        color: enumish("auto", "lightBlue", "lightGreen", "lightOrange", "lightGray", "lightYellow", "lightTeal", "lightPink", "lightBrown", "lightRed", "maxColor"),
        hexColor: fc.oneof(fc.constantFrom("#a6d1f5", "#zzzzzz", ""), nasty),
        isDefaultCalendar: fc.oneof(fc.boolean(), anyJson),
        canEdit: fc.oneof(fc.boolean(), anyJson),
        owner: anyJson,
        changeKey: nasty,
        id: nasty,
      }, { requiredKeys: [] }),
      extras,
    ).map(([f, x]) => ({ ...x, ...f })),
  },
  { weight: 1, arbitrary: anyJson },
);

const window = timedPair.map(({ start, end }) => ({ start, end }));
/** getSchedule allows under 42 days: mostly that, sometimes more. */
const shortWindow = fc
  .record({ start: fc.date({ min: new Date("2029-12-01"), max: new Date("2030-03-01"), noInvalidDate: true }), minutes: fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 30, max: 60_480 }) }, { weight: 1, arbitrary: fc.integer({ min: -60, max: 200_000 }) }), zone: fc.constantFrom("UTC", "Pacific Standard Time", "Tokyo Standard Time") })
  .map(({ start, minutes, zone }) => ({ start: { dateTime: start.toISOString().slice(0, 19), timeZone: zone }, end: { dateTime: new Date(start.getTime() + minutes * 60_000).toISOString().slice(0, 19), timeZone: zone } }));
const scheduleBody = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.tuple(
      fc.record({
        schedules: fc.oneof(fc.array(fc.oneof(fc.constantFrom(...USER_ADDRESSES, "nobody@contoso.onmicrosoft.com"), nasty), { maxLength: 22 }), anyJson),
        window: fc.oneof({ weight: 4, arbitrary: shortWindow }, { weight: 1, arbitrary: fc.record({ start: dtz, end: dtz }) }),
        availabilityViewInterval: count(fc.integer({ min: 5, max: 1440 }), [0, 1, 4, 1441]),
      }, { requiredKeys: ["schedules", "window"] }),
      extras,
    ).map(([{ window: w, ...f }, x]) => ({ ...x, ...f, startTime: w.start, endTime: w.end })),
  },
  { weight: 1, arbitrary: anyJson },
);
const findBody = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.tuple(
      fc.record({
        attendees: fc.oneof(fc.array(attendee, { maxLength: 5 }), anyJson),
        timeConstraint: fc.oneof(fc.record({ activityDomain: enumish("work", "personal", "unrestricted", "unknown"), timeSlots: fc.oneof(fc.array(fc.oneof(shortWindow, window), { maxLength: 3 }), anyJson) }, { requiredKeys: [] }), anyJson),
        meetingDuration: fc.oneof(fc.constantFrom("PT1H", "PT30M", "PT0S", "P1D", "P15D", "PT1M", "P1Y", "-PT1H", "PT1.5H", "P0D", "PT99999999999H", "P1W", "PT"), nasty),
        maxCandidates: count(fc.integer({ min: 0, max: 20 }), [0, 100_000]),
        isOrganizerOptional: fc.oneof(fc.boolean(), anyJson),
        returnSuggestionReasons: fc.oneof(fc.boolean(), anyJson),
        minimumAttendeePercentage: count(fc.integer({ min: 0, max: 100 }), [101, "50", Number.MAX_VALUE]),
        locationConstraint: fc.oneof(fc.record({ isRequired: fc.oneof(fc.boolean(), anyJson), suggestLocation: fc.boolean(), locations: fc.oneof(fc.array(fc.record({ displayName: nasty, locationEmailAddress: nasty, resolveAvailability: fc.boolean() }, { requiredKeys: [] }), { maxLength: 2 }), anyJson) }, { requiredKeys: [] }), anyJson),
      }, { requiredKeys: [] }),
      extras,
    ).map(([f, x]) => ({ ...x, ...f })),
  },
  { weight: 1, arbitrary: anyJson },
);

describe("random bodies on calendar writes and scheduling never give a 5xx", () => {
  it("POST, PATCH and DELETE calendars under /me and /users/{id}", { timeout: timeoutFor("bodies: calendars") }, async () => {
    const input = fc.record({
      op: fc.constantFrom("post", "patch", "patch-default", "delete"),
      base: fc.constantFrom("/v1.0/me", `/v1.0/users/${MEGAN.upn}`, `/v1.0/users/${MEGAN.id}`),
      which: fc.oneof({ weight: 4, arbitrary: fc.constantFrom("secondary", "default", "fresh") }, { weight: 1, arbitrary: idSegment(["x"]) }),
      body: payload(calendarBody),
    });
    await fuzz("bodies: calendars", input, async ({ op, base, which, body: { body, headers } }) => {
      const token = base === "/v1.0/me" ? megan : app;
      if (op === "post") {
        const res = await graphWrite(send, token, "POST", `${base}/calendars`, body, headers);
        if (res.status === 201) await graphWrite(send, token, "DELETE", `${base}/calendars/${res.json.id as string}`, undefined, {});
        return;
      }
      if (op === "patch-default") {
        await graphWrite(send, token, "PATCH", `${base}/calendar`, body, headers);
        return;
      }
      // DELETE removes what it names, so it gets a calendar of its own (the default one it may try: that is a 400).
      const fresh = which === "fresh" || (op === "delete" && which === "secondary");
      const id = fresh ? await createCalendar(token, base) : which === "secondary" || which === "default" ? ids[which] : which;
      const res = await graphWrite(send, token, op === "patch" ? "PATCH" : "DELETE", `${base}/calendars/${id}`, op === "delete" && body.length % 4 ? undefined : body, headers);
      if (fresh && !(op === "delete" && res.status === 204)) await graphWrite(send, token, "DELETE", `${base}/calendars/${id}`, undefined, {});
    });
  });

  it("POST getSchedule and findMeetingTimes under /me and /users/{id}", { timeout: timeoutFor("bodies: getSchedule and findMeetingTimes") }, async () => {
    const input = fc.record({
      action: fc.constantFrom("getSchedule", "findMeetingTimes"),
      base: fc.constantFrom("/v1.0/me", `/v1.0/users/${MEGAN.upn}`),
      schedule: payload(scheduleBody),
      find: payload(findBody),
      prefer: fc.constantFrom<string | undefined>(undefined, undefined, undefined, undefined, 'outlook.timezone="Pacific Standard Time"', 'outlook.timezone="Etc/GMT-14"', 'outlook.timezone="nowhere"'),
    });
    await fuzz("bodies: getSchedule and findMeetingTimes", input, async ({ action, base, schedule, find, prefer }) => {
      // findMeetingTimes is delegated-only (Calendars.Read.Shared and up): the app would only ever get a 403.
      const token = base === "/v1.0/me" || action === "findMeetingTimes" ? megan : app;
      const { body, headers } = action === "getSchedule" ? schedule : find;
      const path = action === "getSchedule" ? `${base}/calendar/getSchedule` : `${base}/findMeetingTimes`;
      await graphWrite(send, token, "POST", path, body, { ...headers, ...(prefer ? { prefer } : {}) });
    });
  });
});
