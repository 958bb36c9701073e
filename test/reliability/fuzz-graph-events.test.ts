import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../support/emulator.ts";
import { appToken, userToken } from "../support/graph.ts";
import {
  announce, attendee, client, dtz, expectHealthy, expectNoPollution, fuzz, graphWrite, idSegment, nasty, timedPair, timeoutFor, timeZoneName, payload, type Send,
} from "./fuzz-support.ts";

/**
 * Random bodies, content types and encodings on every event write: POST,
 * PATCH and DELETE events (under /me, /me/calendar, /me/calendars/{id} and
 * /users/{id}), and the meeting actions accept, decline, tentativelyAccept
 * and cancel. Never a 5xx, always an answer, every 4xx in Graph's envelope.
 */
const MEGAN = { id: "48d31887-5fad-4d73-a9f5-3c356e68a038", upn: "MeganB@contoso.onmicrosoft.com", password: "Passw0rd!" };
const ADELE = "87d349ed-44d7-43e1-9a83-5f2406dee5bd";
let emu: TestEmulator;
let send: Send;
let megan: string;
let app: string;
const ids = { own: "", series: "", copy: "", seriesCopy: "", occurrence: "", calendar: "" };

/** A well-formed request that must succeed (setting up what the fuzzed one acts on). */
async function ok(token: string, method: string, path: string, body?: unknown) {
  const json = body === undefined ? {} : { body: JSON.stringify(body) };
  const res = await send({ method, path, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) }, ...json });
  expect(res.status, `${method} ${path} -> ${res.text}`).toBeLessThan(300);
  return res.json;
}
let serial = 0;
const meeting = (subject: string, extra: Record<string, unknown> = {}) => ({
  subject, start: { dateTime: "2030-01-07T10:00:00", timeZone: "UTC" }, end: { dateTime: "2030-01-07T11:00:00", timeZone: "UTC" },
  attendees: [{ emailAddress: { address: MEGAN.upn }, type: "required" }], allowNewTimeProposals: true, ...extra,
});
const DAILY = { recurrence: { pattern: { type: "daily", interval: 1 }, range: { type: "numbered", startDate: "2030-01-07", numberOfOccurrences: 10 } } };

/** Megan's copy of a meeting Adele organizes. */
async function invitation(extra: Record<string, unknown> = {}): Promise<{ organizerId: string; copyId: string }> {
  const subject = `Invite ${process.pid}-${++serial}`;
  const organizerId = (await ok(app, "POST", `/v1.0/users/${ADELE}/events`, meeting(subject, extra))).id as string;
  const found = await ok(megan, "GET", `/v1.0/me/events?$filter=${encodeURIComponent(`subject eq '${subject}'`)}&$select=id`);
  return { organizerId, copyId: found.value[0].id as string };
}

beforeAll(async () => {
  announce("fuzz-graph-events");
  emu = await startTestEmulator();
  send = client(emu);
  megan = await userToken(emu, CONTOSO.id, MEGAN, ["Calendars.ReadWrite"]);
  app = await appToken(emu, CONTOSO.id, ["Calendars.ReadWrite"]);
  ids.own = (await ok(megan, "POST", "/v1.0/me/events", { ...meeting("Own"), attendees: [{ emailAddress: { address: "AdeleV@contoso.onmicrosoft.com" } }] })).id;
  ids.series = (await ok(megan, "POST", "/v1.0/me/events", { ...meeting("Own series"), ...DAILY, attendees: [] })).id;
  ids.copy = (await invitation()).copyId;
  ids.seriesCopy = (await invitation(DAILY)).copyId;
  const instances = await ok(megan, "GET", `/v1.0/me/events/${ids.seriesCopy}/instances?startDateTime=2030-01-01T00:00:00&endDateTime=2030-02-01T00:00:00`);
  ids.occurrence = instances.value[2].id;
  ids.calendar = (await ok(megan, "POST", "/v1.0/me/calendars", { name: "Fuzz calendar" })).id;
});
afterEach(async () => {
  expectNoPollution();
  await expectHealthy(send, app, `/v1.0/users/${MEGAN.id}/events?$top=1`);
});
afterAll(async () => {
  await emu?.close();
});

const anyJson = fc.jsonValue({ maxDepth: 2 });
const enumish = (...members: string[]) => fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...members, members[0]!.toUpperCase(), "bogus") }, { weight: 1, arbitrary: anyJson });
const day = fc.oneof(
  { weight: 4, arbitrary: fc.constant("<start>") },
  { weight: 2, arbitrary: fc.constantFrom("2030-01-07", "2030-12-31", "2030-02-29", "0001-01-01", "9999-12-31", "2030-1-7", "") },
  { weight: 1, arbitrary: nasty },
);
const count = (sane: fc.Arbitrary<number>) => fc.oneof({ weight: 4, arbitrary: sane }, { weight: 1, arbitrary: fc.constantFrom<unknown>(0, -1, 999, 1_000_000, 2 ** 31 - 1, 2 ** 31, 1.5, "3", null) });
const recurrence = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      pattern: fc.record({
        type: enumish("daily", "weekly", "absoluteMonthly", "relativeMonthly", "absoluteYearly", "relativeYearly"),
        interval: count(fc.integer({ min: 1, max: 4 })),
        daysOfWeek: fc.oneof(fc.subarray(["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]), fc.array(nasty, { maxLength: 3 }), anyJson),
        dayOfMonth: count(fc.integer({ min: 1, max: 31 })),
        month: count(fc.integer({ min: 1, max: 12 })),
        index: enumish("first", "second", "third", "fourth", "last"),
        firstDayOfWeek: enumish("sunday", "monday"),
      }, { requiredKeys: ["type"] }),
      range: fc.record({ type: enumish("endDate", "noEnd", "numbered"), startDate: day, endDate: day, numberOfOccurrences: count(fc.integer({ min: 1, max: 30 })), recurrenceTimeZone: timeZoneName }, { requiredKeys: ["type", "startDate"] }),
    }, { requiredKeys: [] }),
  },
  { weight: 1, arbitrary: fc.oneof(anyJson, fc.constant(null)) },
);
const location = fc.oneof(fc.record({ displayName: nasty, locationType: enumish("default", "conferenceRoom", "hotel"), address: anyJson, coordinates: anyJson, uniqueId: nasty, locationEmailAddress: nasty }, { requiredKeys: [] }), anyJson);
const eventFields = {
  subject: nasty,
  body: fc.oneof(fc.record({ contentType: enumish("text", "html"), content: fc.oneof(fc.constantFrom("<p>hi</p>", "<script>x</script>", "<<<>>>"), nasty) }, { requiredKeys: [] }), anyJson),
  isAllDay: fc.oneof(fc.boolean(), anyJson),
  showAs: enumish("free", "tentative", "busy", "oof", "workingElsewhere", "unknown"),
  importance: enumish("low", "normal", "high"),
  sensitivity: enumish("normal", "personal", "private", "confidential"),
  categories: fc.oneof(fc.array(nasty, { maxLength: 3 }), anyJson),
  location,
  locations: fc.oneof(fc.array(location, { maxLength: 3 }), anyJson),
  attendees: fc.oneof(fc.array(attendee, { maxLength: 4 }), anyJson),
  recurrence,
  isReminderOn: fc.oneof(fc.boolean(), anyJson),
  reminderMinutesBeforeStart: count(fc.integer({ min: 0, max: 1000 })),
  responseRequested: fc.oneof(fc.boolean(), anyJson),
  allowNewTimeProposals: fc.oneof(fc.boolean(), anyJson),
  hideAttendees: fc.oneof(fc.boolean(), anyJson),
  isOnlineMeeting: fc.oneof(fc.boolean(), anyJson),
  onlineMeetingProvider: enumish("teamsForBusiness", "skypeForBusiness", "skypeForConsumer", "unknown"),
  transactionId: fc.oneof(nasty, fc.constant(null)),
  originalStartTimeZone: timeZoneName,
  "@odata.type": fc.oneof(fc.constant("#microsoft.graph.event"), nasty),
  id: nasty,
  type: enumish("occurrence", "seriesMaster", "exception"),
  organizer: anyJson,
  responseStatus: anyJson,
};
const extras = fc.dictionary(fc.oneof(fc.constantFrom("__proto__", "constructor", "prototype", "Subject", "START", "@odata.etag"), nasty), anyJson, { maxKeys: 2 });
/** Puts the event's start date into a recurrence that asked for it. */
function startDates(body: Record<string, unknown>): Record<string, unknown> {
  const r = body.recurrence as { range?: Record<string, unknown> } | null | undefined;
  const start = (body.start as { dateTime?: unknown } | undefined)?.dateTime;
  const date = typeof start === "string" ? start.slice(0, 10) : "2030-01-07";
  if (r && typeof r === "object" && r.range && typeof r.range === "object") {
    const later = new Date(Date.parse(`${date}T00:00:00Z`) + 60 * 86_400_000);
    for (const k of ["startDate", "endDate"]) if (r.range[k] === "<start>") r.range[k] = k === "endDate" && !Number.isNaN(later.getTime()) ? later.toISOString().slice(0, 10) : date;
  }
  return body;
}
const eventBody = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(timedPair, fc.record(eventFields, { requiredKeys: [] }), extras).map(([t, f, x]) => startDates({ ...x, ...t, ...f })) },
  { weight: 2, arbitrary: fc.tuple(fc.record({ start: dtz, end: dtz }, { requiredKeys: [] }), fc.record(eventFields, { requiredKeys: [] })).map(([t, f]) => startDates({ ...t, ...f })) },
  { weight: 1, arbitrary: anyJson },
);

describe("random bodies on event writes never give a 5xx", () => {
  it("POST, PATCH and DELETE events under /me, /me/calendar, /me/calendars/{id} and /users/{id}", { timeout: timeoutFor("bodies: events") }, async () => {
    const input = fc.record({
      op: fc.constantFrom("post", "post", "patch", "patch", "delete"),
      container: fc.constantFrom("/v1.0/me", "/v1.0/me/calendar", "<calendar>", `/v1.0/users/${MEGAN.upn}`, `/v1.0/users/${ADELE}`),
      which: fc.oneof({ weight: 4, arbitrary: fc.constantFrom("own", "series", "copy", "seriesCopy", "occurrence") }, { weight: 1, arbitrary: idSegment(["x"]) }),
      body: payload(eventBody),
    });
    await fuzz("bodies: events", input, async ({ op, container, which, body: { body, headers } }) => {
      const base = container === "<calendar>" ? `/v1.0/me/calendars/${ids.calendar}` : container;
      const token = base.startsWith("/v1.0/users/") ? app : megan;
      if (op === "post") {
        const res = await graphWrite(send, token, "POST", `${base}/events`, body, headers);
        if (res.status === 201) {
          await graphWrite(send, token, "GET", `${base}/calendarView?startDateTime=2029-01-01T00:00:00&endDateTime=2032-01-01T00:00:00&$top=50`, undefined, {});
          await graphWrite(send, token, "DELETE", `${base}/events/${res.json.id as string}`, undefined, {});
        }
        return;
      }
      // PATCH and DELETE address Megan's events through the container (Adele's holds none of them: /me stands in).
      const mine = base === `/v1.0/users/${ADELE}` ? "/v1.0/me" : base;
      const as = mine.startsWith("/v1.0/users/") ? app : megan;
      if (op === "patch") {
        const id = Object.hasOwn(ids, which) ? ids[which as keyof typeof ids] : which;
        const res = await graphWrite(send, as, "PATCH", `${mine}/events/${id}`, body, headers);
        if (res.status === 200) await graphWrite(send, megan, "GET", `/v1.0/me/events/${id}/instances?startDateTime=2029-01-01T00:00:00&endDateTime=2032-01-01T00:00:00`, undefined, {});
        return;
      }
      const id = Object.hasOwn(ids, which) ? (await ok(megan, "POST", "/v1.0/me/events", meeting(`Doomed ${++serial}`))).id : which;
      const res = await graphWrite(send, as, "DELETE", `${mine}/events/${id}`, body.length % 4 ? undefined : body, headers);
      if (Object.hasOwn(ids, which) && res.status !== 204) await graphWrite(send, megan, "DELETE", `/v1.0/me/events/${id}`, undefined, {});
    });
  });

  it("accept, decline, tentativelyAccept and cancel", { timeout: timeoutFor("bodies: event actions") }, async () => {
    const slot = timedPair.map(({ start, end }) => ({ start, end }));
    const actionBody = fc.oneof(
      { weight: 6, arbitrary: fc.tuple(fc.record({ comment: nasty, sendResponse: fc.oneof(fc.boolean(), anyJson), proposedNewTime: fc.oneof(slot, anyJson), Comment: nasty }, { requiredKeys: [] }), extras).map(([f, x]) => ({ ...x, ...f })) },
      { weight: 1, arbitrary: anyJson },
    );
    const input = fc.record({
      action: fc.constantFrom("accept", "decline", "tentativelyAccept", "cancel", "TENTATIVELYACCEPT"),
      target: fc.oneof({ weight: 4, arbitrary: fc.constantFrom("copy", "seriesCopy", "occurrence", "own", "series", "fresh") }, { weight: 1, arbitrary: idSegment(["x"]) }),
      container: fc.constantFrom("/v1.0/me/events", "/v1.0/me/calendar/events", `/v1.0/users/${MEGAN.id}/events`),
      body: payload(actionBody),
    });
    await fuzz("bodies: event actions", input, async ({ action, target, container, body: { body, headers } }) => {
      const token = container.startsWith("/v1.0/users/") ? app : megan;
      // Decline and cancel remove what they act on: they get a meeting of their own.
      const destructive = /^(decline|cancel)$/i.test(action) || target === "fresh";
      let id = Object.hasOwn(ids, target) ? ids[target as keyof typeof ids] : target;
      let organizerId: string | undefined;
      if (destructive && (Object.hasOwn(ids, target) || target === "fresh")) {
        if (/cancel/i.test(action)) id = (await ok(megan, "POST", "/v1.0/me/events", { ...meeting(`Cancel me ${++serial}`), attendees: [{ emailAddress: { address: "LeeG@contoso.onmicrosoft.com" } }] })).id;
        else ({ organizerId, copyId: id } = await invitation(target === "seriesCopy" ? DAILY : {}));
      }
      const res = await graphWrite(send, token, "POST", `${container}/${id}/${action}`, body, headers);
      // A refused cancel leaves its meeting behind: it goes, so long runs keep small mailboxes.
      if (/cancel/i.test(action) && destructive && res.status !== 202) await graphWrite(send, megan, "DELETE", `/v1.0/me/events/${id}`, undefined, {});
      if (organizerId) {
        await graphWrite(send, app, "DELETE", `/v1.0/users/${ADELE}/events/${organizerId}`, undefined, {});
        await graphWrite(send, megan, "DELETE", `/v1.0/me/events/${id}`, undefined, {});
      }
    });
  });
});
