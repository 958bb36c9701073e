import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "@microsoft/microsoft-graph-client";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../../support/emulator.ts";
import { graphClient, userToken } from "../../support/graph.ts";
import { expectError, graphHttp, MESSAGES, USERS } from "./support.ts";

/**
 * Recurring events over HTTP: every pattern and range type echoed back
 * normalised, expansion in calendarView and /instances, exceptions and
 * deleted occurrences, a daylight-saving change inside a series, and the
 * 400s for malformed recurrences.
 */
let emu: TestEmulator;
let sdk: Client;
let http: ReturnType<typeof graphHttp>;

beforeAll(async () => {
  emu = await startTestEmulator();
  const token = await userToken(emu, CONTOSO.id, USERS.isaiah, ["Calendars.ReadWrite"]);
  sdk = graphClient(emu, token);
  http = graphHttp(emu, token);
});
afterAll(async () => emu?.close());

interface Ev {
  id: string;
  type: string;
  subject: string;
  seriesMasterId: string | null;
  start: { dateTime: string; timeZone: string };
  end: { dateTime: string; timeZone: string };
  recurrence: unknown;
  iCalUId: string;
  originalStart?: string;
  isCancelled: boolean;
}

function series(subject: string, start: string, minutes: number, pattern: Record<string, unknown>, range: Record<string, unknown>, timeZone = "UTC") {
  const end = new Date(Date.parse(`${start}Z`) + minutes * 60_000).toISOString().slice(0, 19);
  return { subject, start: { dateTime: start, timeZone }, end: { dateTime: end, timeZone }, recurrence: { pattern, range } };
}

async function view(from: string, to: string, headers: Record<string, string> = {}): Promise<Ev[]> {
  const res = await http("GET", `/me/calendarView?startDateTime=${from}&endDateTime=${to}&$top=1000`, undefined, headers);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.value as Ev[];
}

const starts = (items: Ev[], subject: string) => items.filter((e) => e.subject.endsWith(subject)).map((e) => e.start.dateTime.slice(0, 16));

describe("patterns and ranges", () => {
  it("a weekly series is echoed back normalised, as Outlook does", async () => {
    const e = await sdk.api("/me/events").post(
      series("Lunch", "2027-09-06T12:00:00", 120, { type: "Weekly", interval: 1, daysOfWeek: ["Monday"] }, { type: "endDate", startDate: "2027-09-06", endDate: "2027-12-31" }, "Pacific Standard Time"),
    );
    expect(e.type).toBe("seriesMaster");
    expect(e.recurrence).toEqual({
      pattern: { type: "weekly", interval: 1, month: 0, dayOfMonth: 0, daysOfWeek: ["monday"], firstDayOfWeek: "sunday", index: "first" },
      range: { type: "endDate", startDate: "2027-09-06", endDate: "2027-12-31", recurrenceTimeZone: "Pacific Standard Time", numberOfOccurrences: 0 },
    });
  });

  const cases: [string, Record<string, unknown>, Record<string, unknown>, string, string[]][] = [
    ["daily numbered", { type: "daily", interval: 2 }, { type: "numbered", numberOfOccurrences: 3 }, "2028-01-03T08:00:00", ["2028-01-03T08:00", "2028-01-05T08:00", "2028-01-07T08:00"]],
    ["weekly noEnd", { type: "weekly", interval: 1, daysOfWeek: ["tuesday", "thursday"] }, { type: "noEnd" }, "2028-01-04T08:00:00", ["2028-01-04T08:00", "2028-01-06T08:00", "2028-01-11T08:00", "2028-01-13T08:00"]],
    ["absoluteMonthly endDate", { type: "absoluteMonthly", interval: 1, dayOfMonth: 15 }, { type: "endDate", endDate: "2028-03-15" }, "2028-01-15T08:00:00", ["2028-01-15T08:00", "2028-02-15T08:00", "2028-03-15T08:00"]],
    ["relativeMonthly numbered", { type: "relativeMonthly", interval: 1, daysOfWeek: ["wednesday"], index: "second" }, { type: "numbered", numberOfOccurrences: 2 }, "2028-01-12T08:00:00", ["2028-01-12T08:00", "2028-02-09T08:00"]],
    ["absoluteYearly noEnd", { type: "absoluteYearly", interval: 1, month: 1, dayOfMonth: 20 }, { type: "noEnd" }, "2028-01-20T08:00:00", ["2028-01-20T08:00", "2029-01-20T08:00"]],
    ["relativeYearly endDate", { type: "relativeYearly", interval: 1, month: 1, daysOfWeek: ["friday"], index: "last" }, { type: "endDate", endDate: "2029-12-31" }, "2028-01-28T08:00:00", ["2028-01-28T08:00", "2029-01-26T08:00"]],
  ];
  for (const [name, pattern, range, start, expected] of cases) {
    it(`${name}: master in /events, occurrences in calendarView`, async () => {
      const subject = `Case ${name}`;
      const e = await sdk.api("/me/events").post(series(subject, start, 30, pattern, { startDate: start.slice(0, 10), ...range }));
      expect(e.type).toBe("seriesMaster");
      expect(e.recurrence.pattern.type).toBe(pattern.type);
      expect(e.recurrence.range.type).toBe(range.type);
      expect(e.recurrence.range.endDate).toBe(range.type === "endDate" ? range.endDate : "0001-01-01");
      expect(e.recurrence.range.numberOfOccurrences).toBe(range.type === "numbered" ? range.numberOfOccurrences : 0);
      const events = await sdk.api("/me/events").filter(`subject eq '${subject}'`).get();
      expect(events.value.map((x: Ev) => x.type)).toEqual(["seriesMaster"]);
      const items = (await view("2028-01-01T00:00:00Z", "2030-01-01T00:00:00Z")).filter((x) => x.subject === subject);
      const expectedInView = name.startsWith("weekly") ? [] : expected;
      if (expectedInView.length > 0) expect(items.map((x) => x.start.dateTime.slice(0, 16))).toEqual(expectedInView);
      else expect(items.map((x) => x.start.dateTime.slice(0, 16)).slice(0, 4)).toEqual(expected);
      for (const o of items) {
        expect(o).toMatchObject({ type: "occurrence", seriesMasterId: e.id, recurrence: null });
        expect(o.id).not.toBe(e.id);
        expect(o.iCalUId).not.toBe(e.iCalUId);
      }
    });
  }
});

describe("occurrences, exceptions and deletions", () => {
  it("occurrence ids are stable, readable, and instances lists them", async () => {
    const master = await sdk.api("/me/events").post(series("Standup", "2028-03-06T09:00:00", 15, { type: "daily", interval: 1 }, { type: "numbered", startDate: "2028-03-06", numberOfOccurrences: 5 }));
    const a = (await view("2028-03-06T00:00:00Z", "2028-03-11T00:00:00Z")).filter((x) => x.subject === "Standup");
    const b = (await view("2028-03-06T00:00:00Z", "2028-03-11T00:00:00Z")).filter((x) => x.subject === "Standup");
    expect(a.map((x) => x.id)).toEqual(b.map((x) => x.id));
    expect(a).toHaveLength(5);
    const one = await sdk.api(`/me/events/${a[2]!.id}`).get();
    expect(one).toMatchObject({ id: a[2]!.id, type: "occurrence", seriesMasterId: master.id, originalStart: "2028-03-08T09:00:00Z" });
    const instances = await sdk.api(`/me/events/${master.id}/instances?startDateTime=2028-03-07T00:00:00Z&endDateTime=2028-03-09T00:00:00Z`).get();
    expect(instances.value.map((x: Ev) => x.id)).toEqual([a[1]!.id, a[2]!.id]);
    // The key is percent-encoded, as Graph writes it (event-list-instances.md: events('…%3D')/instances).
    expect(instances["@odata.context"]).toContain(`/events('${encodeURIComponent(master.id)}')/instances`);
  });

  it("updating one occurrence makes an exception that later views show; deleting one leaves it out", async () => {
    const master = await sdk.api("/me/events").post(series("Review", "2028-04-03T14:00:00", 60, { type: "weekly", interval: 1, daysOfWeek: ["monday"] }, { type: "numbered", startDate: "2028-04-03", numberOfOccurrences: 4 }));
    const occ = (await view("2028-04-01T00:00:00Z", "2028-05-01T00:00:00Z")).filter((x) => x.subject === "Review");
    expect(occ.map((x) => x.start.dateTime.slice(0, 10))).toEqual(["2028-04-03", "2028-04-10", "2028-04-17", "2028-04-24"]);
    const patched = await http("PATCH", `/me/events/${occ[1]!.id}`, { subject: "Review (moved)", start: { dateTime: "2028-04-11T09:00:00", timeZone: "UTC" }, end: { dateTime: "2028-04-11T10:00:00", timeZone: "UTC" } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id: occ[1]!.id, type: "exception", seriesMasterId: master.id, subject: "Review (moved)", originalStart: "2028-04-10T14:00:00Z" });
    expect((await http("DELETE", `/me/events/${occ[2]!.id}`)).status).toBe(204);
    const after = (await view("2028-04-01T00:00:00Z", "2028-05-01T00:00:00Z")).filter((x) => x.subject.startsWith("Review"));
    expect(after.map((x) => [x.start.dateTime.slice(0, 16), x.type])).toEqual([
      ["2028-04-03T14:00", "occurrence"],
      ["2028-04-11T09:00", "exception"],
      ["2028-04-24T14:00", "occurrence"],
    ]);
    expectError(await http("GET", `/me/events/${occ[2]!.id}`), 404, "ErrorItemNotFound", MESSAGES.notFound);
    const withCancelled = await sdk.api(`/me/events/${master.id}`).select("cancelledOccurrences").get();
    expect(withCancelled.cancelledOccurrences).toEqual([`OID.${master.id}.2028-04-17`]);
    // The master itself is unchanged in /events.
    expect((await sdk.api(`/me/events/${master.id}`).get()).subject).toBe("Review");
    // A series-wide change (not of its times) reaches the exception, which keeps its own subject and time.
    await sdk.api(`/me/events/${master.id}`).patch({ importance: "high" });
    expect(await sdk.api(`/me/events/${occ[1]!.id}`).get()).toMatchObject({ importance: "high", subject: "Review (moved)", start: { dateTime: "2028-04-11T09:00:00.0000000" } });
    // Deleting the exception deletes that occurrence too.
    expect((await http("DELETE", `/me/events/${occ[1]!.id}`)).status).toBe(204);
    const last = (await view("2028-04-01T00:00:00Z", "2028-05-01T00:00:00Z")).filter((x) => x.subject.startsWith("Review"));
    expect(last.map((x) => x.start.dateTime.slice(0, 10))).toEqual(["2028-04-03", "2028-04-24"]);
  });

  it("moving an occurrence onto or past its neighbour is 400 ErrorOccurrenceCrossingBoundary", async () => {
    await sdk.api("/me/events").post(series("Daily check", "2028-05-01T09:00:00", 30, { type: "daily", interval: 1 }, { type: "numbered", startDate: "2028-05-01", numberOfOccurrences: 3 }));
    const occ = (await view("2028-05-01T00:00:00Z", "2028-05-04T00:00:00Z")).filter((x) => x.subject === "Daily check");
    const res = await http("PATCH", `/me/events/${occ[0]!.id}`, { start: { dateTime: "2028-05-02T10:00:00", timeZone: "UTC" }, end: { dateTime: "2028-05-02T10:30:00", timeZone: "UTC" } });
    expectError(res, 400, "ErrorOccurrenceCrossingBoundary", "Modified occurrence is crossing or overlapping adjacent occurrence.");
    // The refused change left the occurrence as it was.
    expect((await http("GET", `/me/events/${occ[0]!.id}`)).body).toMatchObject({ type: "occurrence", start: { dateTime: "2028-05-01T09:00:00.0000000" } });
    const ok = await http("PATCH", `/me/events/${occ[1]!.id}`, { start: { dateTime: "2028-05-02T15:00:00", timeZone: "UTC" }, end: { dateTime: "2028-05-02T15:30:00", timeZone: "UTC" } });
    expect(ok.status).toBe(200);
  });

  it("changing the series' recurrence drops its exceptions and deletions", async () => {
    const master = await sdk.api("/me/events").post(series("Sync", "2028-06-05T10:00:00", 30, { type: "daily", interval: 1 }, { type: "numbered", startDate: "2028-06-05", numberOfOccurrences: 3 }));
    const occ = (await view("2028-06-05T00:00:00Z", "2028-06-08T00:00:00Z")).filter((x) => x.subject === "Sync");
    await sdk.api(`/me/events/${occ[0]!.id}`).delete();
    await sdk.api(`/me/events/${occ[1]!.id}`).patch({ subject: "Sync special" });
    const patched = await sdk.api(`/me/events/${master.id}`).patch({ recurrence: { pattern: { type: "daily", interval: 1 }, range: { type: "numbered", startDate: "2028-06-05", numberOfOccurrences: 4 } } });
    expect(patched.recurrence.range.numberOfOccurrences).toBe(4);
    const after = (await view("2028-06-05T00:00:00Z", "2028-06-10T00:00:00Z")).filter((x) => x.subject.startsWith("Sync"));
    expect(after.map((x) => [x.subject, x.type])).toEqual([["Sync", "occurrence"], ["Sync", "occurrence"], ["Sync", "occurrence"], ["Sync", "occurrence"]]);
    // Removing the recurrence makes it a single instance.
    const single = await sdk.api(`/me/events/${master.id}`).patch({ recurrence: null });
    expect(single).toMatchObject({ type: "singleInstance", recurrence: null });
  });
});

describe("time zones in series", () => {
  it("a weekly 09:00 Pacific meeting stays at 09:00 local across the March DST change; UTC moves by an hour", async () => {
    await sdk.api("/me/events").post(
      series("Pacific weekly", "2028-03-03T09:00:00", 30, { type: "weekly", interval: 1, daysOfWeek: ["friday"] }, { type: "numbered", startDate: "2028-03-03", numberOfOccurrences: 3 }, "Pacific Standard Time"),
    );
    // US DST begins on 12 March 2028.
    const utc = await view("2028-03-01T00:00:00Z", "2028-04-01T00:00:00Z");
    expect(starts(utc, "Pacific weekly")).toEqual(["2028-03-03T17:00", "2028-03-10T17:00", "2028-03-17T16:00"]);
    const local = await view("2028-03-01T00:00:00Z", "2028-04-01T00:00:00Z", { Prefer: 'outlook.timezone="Pacific Standard Time"' });
    expect(starts(local, "Pacific weekly")).toEqual(["2028-03-03T09:00", "2028-03-10T09:00", "2028-03-17T09:00"]);
    expect(local.find((x) => x.subject === "Pacific weekly")!.start.timeZone).toBe("Pacific Standard Time");
  });

  it("an IANA recurrenceTimeZone drives the expansion", async () => {
    const e = await sdk.api("/me/events").post({
      ...series("Berlin daily", "2028-10-27T08:00:00", 60, { type: "daily", interval: 1 }, { type: "numbered", startDate: "2028-10-27", numberOfOccurrences: 4, recurrenceTimeZone: "Europe/Berlin" }, "Europe/Berlin"),
    });
    expect(e.recurrence.range.recurrenceTimeZone).toBe("Europe/Berlin");
    // Central European Summer Time ends on 29 October 2028.
    const items = await view("2028-10-27T00:00:00Z", "2028-11-01T00:00:00Z");
    expect(starts(items, "Berlin daily")).toEqual(["2028-10-27T06:00", "2028-10-28T06:00", "2028-10-29T07:00", "2028-10-30T07:00"]);
  });
});

describe("malformed recurrences", () => {
  const base = (recurrence: unknown) => ({ subject: "Bad", start: { dateTime: "2028-07-03T09:00:00", timeZone: "UTC" }, end: { dateTime: "2028-07-03T10:00:00", timeZone: "UTC" }, recurrence });
  const range = { type: "noEnd", startDate: "2028-07-03" };
  it.each([
    ["weekly without daysOfWeek", { pattern: { type: "weekly", interval: 1 }, range }],
    ["interval 0", { pattern: { type: "daily", interval: 0 }, range }],
    ["absoluteMonthly without dayOfMonth", { pattern: { type: "absoluteMonthly", interval: 1 }, range }],
    ["yearly on 30 February", { pattern: { type: "absoluteYearly", interval: 1, month: 2, dayOfMonth: 30 }, range }],
    ["endDate before startDate", { pattern: { type: "daily", interval: 1 }, range: { type: "endDate", startDate: "2028-07-03", endDate: "2028-07-01" } }],
    ["numbered without a count", { pattern: { type: "daily", interval: 1 }, range: { type: "numbered", startDate: "2028-07-03" } }],
    ["no range", { pattern: { type: "daily", interval: 1 } }],
  ])("%s is 400 ErrorPropertyValidationFailure", async (_name, recurrence) => {
    expectError(await http("POST", "/me/events", base(recurrence)), 400, "ErrorPropertyValidationFailure", MESSAGES.validation);
  });

  it("an unknown pattern type is 400 RequestBodyRead; an unknown recurrenceTimeZone 400 TimeZoneNotSupportedException", async () => {
    expectError(await http("POST", "/me/events", base({ pattern: { type: "fortnightly", interval: 1 }, range })), 400, "RequestBodyRead", "The string 'fortnightly' is not a valid enumeration type constant.");
    expectError(await http("POST", "/me/events", base({ pattern: { type: "daily", interval: 1 }, range: { ...range, recurrenceTimeZone: "Atlantis Time" } })), 400, "TimeZoneNotSupportedException", MESSAGES.tz("Atlantis Time"));
    expectError(await http("POST", "/me/events", base("weekly")), 400, "RequestBodyRead");
  });

  it("a range without any occurrence is 400 ErrorRecurrenceHasNoOccurrence", async () => {
    const res = await http("POST", "/me/events", base({ pattern: { type: "weekly", interval: 1, daysOfWeek: ["monday"] }, range: { type: "endDate", startDate: "2028-07-04", endDate: "2028-07-08" } }));
    expectError(res, 400, "ErrorRecurrenceHasNoOccurrence", "The recurrence pattern has no occurrences in the given range.");
  });

  it("/instances needs a window", async () => {
    const e = await sdk.api("/me/events").post(series("Windowless", "2028-08-01T09:00:00", 30, { type: "daily", interval: 1 }, { type: "noEnd", startDate: "2028-08-01" }));
    expectError(await http("GET", `/me/events/${e.id}/instances`), 400, "ErrorInvalidParameter", MESSAGES.window);
  });
});
