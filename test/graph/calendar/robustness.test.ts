import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../../support/emulator.ts";
import { userToken } from "../../support/graph.ts";
import { eventBody, graphHttp, USERS } from "./support.ts";

/** Bad input never gives a 500: random bodies, ids and query options against every calendar endpoint. */
let emu: TestEmulator;
let http: ReturnType<typeof graphHttp>;
let eventId: string;
let seriesId: string;
let calendarId: string;

beforeAll(async () => {
  emu = await startTestEmulator();
  http = graphHttp(emu, await userToken(emu, CONTOSO.id, USERS.patti, ["Calendars.ReadWrite", "Calendars.Read.Shared"]));
  eventId = (await http("POST", "/me/events", eventBody("Target", "2030-01-07T10:00:00", "2030-01-07T11:00:00", { attendees: [{ emailAddress: { address: USERS.lee.upn } }] }))).body.id;
  seriesId = (
    await http("POST", "/me/events", {
      ...eventBody("Series", "2030-01-07T12:00:00", "2030-01-07T13:00:00"),
      recurrence: { pattern: { type: "daily", interval: 1 }, range: { type: "numbered", startDate: "2030-01-07", numberOfOccurrences: 5 } },
    })
  ).body.id;
  calendarId = (await http("GET", "/me/calendar")).body.id;
});
afterAll(async () => emu?.close());

const noServerError = (status: number, what: string) => expect(status, what).toBeLessThan(500);

describe("never a 500", () => {
  it("random JSON bodies on every write endpoint", async () => {
    const targets = () => [
      ["POST", "/me/events"],
      ["PATCH", `/me/events/${eventId}`],
      ["PATCH", `/me/events/${seriesId}`],
      ["POST", "/me/calendars"],
      ["PATCH", `/me/calendars/${calendarId}`],
      ["POST", `/me/events/${eventId}/tentativelyAccept`],
      ["POST", `/me/events/${eventId}/cancel`],
      ["POST", "/me/calendar/getSchedule"],
      ["POST", "/me/findMeetingTimes"],
    ] as const;
    const fragment = fc.oneof(
      fc.anything(),
      fc.record({ start: fc.anything(), end: fc.anything(), recurrence: fc.anything(), attendees: fc.anything() }, { requiredKeys: [] }),
      fc.record({
        subject: fc.string(),
        start: fc.record({ dateTime: fc.string(), timeZone: fc.constantFrom("UTC", "Pacific Standard Time", "Nope", "") }),
        end: fc.record({ dateTime: fc.constantFrom("2030-01-01T10:00:00", "2030-13-01", "x"), timeZone: fc.string() }),
        recurrence: fc.record({ pattern: fc.dictionary(fc.constantFrom("type", "interval", "daysOfWeek", "dayOfMonth", "month", "index"), fc.anything()), range: fc.anything() }),
      }),
      fc.record({ schedules: fc.anything(), startTime: fc.anything(), endTime: fc.anything(), availabilityViewInterval: fc.anything(), meetingDuration: fc.anything(), timeConstraint: fc.anything() }),
    );
    await fc.assert(
      fc.asyncProperty(fragment, fc.integer({ min: 0, max: 8 }), async (body, which) => {
        const [method, path] = targets()[which]!;
        const res = await http(method, path, JSON.stringify(body) ?? "null");
        noServerError(res.status, `${method} ${path} ${JSON.stringify(body)} -> ${JSON.stringify(res.body)}`);
      }),
      { numRuns: 150 },
    );
  });

  it("random ids and query options on every read endpoint", async () => {
    const id = fc.oneof(fc.string(), fc.base64String(), fc.constantFrom(eventId, seriesId, calendarId, `${eventId}x`, eventId.slice(0, -4)));
    const query = fc.oneof(
      fc.constant(""),
      fc.record({ k: fc.constantFrom("$top", "$skip", "$filter", "$orderby", "$select", "startDateTime", "endDateTime", "$count"), v: fc.string() }).map(({ k, v }) => `?${k}=${encodeURIComponent(v)}`),
      fc.tuple(fc.string(), fc.string()).map(([a, b]) => `?startDateTime=${encodeURIComponent(a)}&endDateTime=${encodeURIComponent(b)}`),
    );
    const paths = (x: string) => [`/me/events/${x}`, `/me/calendars/${x}`, `/me/calendars/${x}/events`, `/me/events/${x}/instances`, `/me/calendars/${x}/calendarView`, `/users/${x}/calendar`];
    await fc.assert(
      fc.asyncProperty(id, query, fc.integer({ min: 0, max: 5 }), fc.constantFrom("", 'outlook.timezone="Bogus"', 'outlook.body-content-type="text"', "odata.maxpagesize=3"), async (raw, q, which, prefer) => {
        const path = paths(encodeURIComponent(raw) || "x")[which]!;
        const res = await http("GET", `${path}${q}`, undefined, prefer ? { Prefer: prefer } : {});
        noServerError(res.status, `GET ${path}${q} -> ${JSON.stringify(res.body)}`);
      }),
      { numRuns: 150 },
    );
    for (const q of ["?$top=5&$filter=start/dateTime ge '2030-01-01'", "?$orderby=attendees", "?$select=recurrence,cancelledOccurrences", "?$filter=attendees/any(a:a/emailAddress/address eq 'x')"]) {
      noServerError((await http("GET", `/me/events${q}`)).status, q);
    }
  });
});
