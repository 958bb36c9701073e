import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryTokenStore, type GraphEvent, type GraphResult, type MicrosoftFunctions } from "../src/index.ts";
import { CONTOSO, emulatorClient, registerApp, signInAs, startTestEmulator, type TestEmulator } from "./helpers.ts";

/** Every Calendar function against the emulator's Graph, delegated and with application permissions. */
let emu: TestEmulator;
let client: MicrosoftFunctions;
let daemon: MicrosoftFunctions;

function data<T>(r: GraphResult<T>): T {
  if (!r.ok) throw new Error(`expected data, got ${JSON.stringify(r.error)}`);
  return r.data;
}

const at = (day: string, time: string) => ({ dateTime: `${day}T${time}`, timeZone: "UTC" });
const event = (subject: string, day: string, extra: Record<string, unknown> = {}) => ({
  subject,
  body: { contentType: "html", content: `<p>${subject} <b>agenda</b></p>` },
  start: at(day, "10:00:00"),
  end: at(day, "11:00:00"),
  ...extra,
});

beforeAll(async () => {
  emu = await startTestEmulator();
  const scopes = ["User.Read", "Calendars.ReadWrite", "Calendars.ReadWrite.Shared"];
  const app = await registerApp(emu, { delegated: scopes, adminConsent: true });
  client = emulatorClient(emu, app, { scopes }, { tokenStore: new MemoryTokenStore() });
  await signInAs(client, emu, { userId: "adele", user: CONTOSO.adele });
  await signInAs(client, emu, { userId: "megan", user: CONTOSO.megan });
  const daemonApp = await registerApp(emu, { application: ["Calendars.ReadWrite"], adminConsent: true });
  daemon = emulatorClient(emu, daemonApp, { appTenantId: CONTOSO.id });
});
afterAll(async () => {
  await emu.close();
});

describe("Calendar, delegated", () => {
  it("listCalendars, getCalendar (default and by id), createCalendar, updateCalendar, deleteCalendar", async () => {
    const list = data(await client.calendar.listCalendars({ authUserId: "adele" }));
    expect(list.value.some((c) => c.isDefaultCalendar)).toBe(true);
    const def = data(await client.calendar.getCalendar({ authUserId: "adele" }));
    expect(def.isDefaultCalendar).toBe(true);
    const created = data(await client.calendar.createCalendar({ authUserId: "adele", calendar: { name: "Client test" } }));
    expect(created.name).toBe("Client test");
    expect(data(await client.calendar.getCalendar({ authUserId: "adele", calendarId: created.id })).id).toBe(created.id);
    expect(data(await client.calendar.updateCalendar({ authUserId: "adele", calendarId: created.id, changes: { name: "Renamed" } })).name).toBe("Renamed");
    expect(await client.calendar.deleteCalendar({ authUserId: "adele", calendarId: created.id })).toEqual({ ok: true, data: undefined });
    expect(await client.calendar.getCalendar({ authUserId: "adele", calendarId: created.id })).toMatchObject({ ok: false, error: { status: 404 } });
  });

  it("createEvent, getEvent (time zone and body type preferences), updateEvent, deleteEvent", async () => {
    const created = data(await client.calendar.createEvent({ authUserId: "adele", event: event("Client CRUD", "2030-03-04") }));
    expect(created.subject).toBe("Client CRUD");
    const asText = data(await client.calendar.getEvent({ authUserId: "adele", eventId: created.id, bodyType: "text", timeZone: "Pacific Standard Time" }));
    expect(asText.body?.contentType).toBe("text");
    expect(asText.body?.content).not.toContain("<b>");
    expect(asText.start).toMatchObject({ timeZone: "Pacific Standard Time", dateTime: expect.stringMatching(/^2030-03-04T02:00:00/) });
    const updated = data(await client.calendar.updateEvent({ authUserId: "adele", eventId: created.id, changes: { subject: "Client CRUD (moved)" } }));
    expect(updated.subject).toBe("Client CRUD (moved)");
    expect((await client.calendar.deleteEvent({ authUserId: "adele", eventId: created.id })).ok).toBe(true);
    expect(await client.calendar.getEvent({ authUserId: "adele", eventId: created.id })).toMatchObject({ ok: false, error: { status: 404 } });
  });

  it("listEvents in a calendar with $filter, $select, $orderby, $top and paging; listAllEvents", async () => {
    const cal = data(await client.calendar.createCalendar({ authUserId: "adele", calendar: { name: "Paging" } }));
    for (const d of ["2030-04-01", "2030-04-02", "2030-04-03"]) {
      data(await client.calendar.createEvent({ authUserId: "adele", calendarId: cal.id, event: event(`Page ${d}`, d) }));
    }
    const first = data(
      await client.calendar.listEvents({ authUserId: "adele", calendarId: cal.id, select: ["subject", "start"], orderby: "start/dateTime", top: 2 }),
    );
    expect(first.value.map((e) => e.subject)).toEqual(["Page 2030-04-01", "Page 2030-04-02"]);
    const second = data(await client.calendar.listEvents({ authUserId: "adele", calendarId: cal.id, nextLink: first.nextLink }));
    expect(second.value.map((e) => e.subject)).toEqual(["Page 2030-04-03"]);
    const filtered = data(await client.calendar.listEvents({ authUserId: "adele", calendarId: cal.id, filter: "subject eq 'Page 2030-04-02'" }));
    expect(filtered.value).toHaveLength(1);
    expect(data(await client.calendar.listAllEvents({ authUserId: "adele", calendarId: cal.id, top: 1 })).length).toBe(3);
  });

  it("calendarView (all calendars and one calendar) and listInstances of a recurring event", async () => {
    const cal = data(await client.calendar.createCalendar({ authUserId: "adele", calendar: { name: "Views" } }));
    const series = data(
      await client.calendar.createEvent({
        authUserId: "adele",
        calendarId: cal.id,
        event: event("Daily standup", "2030-05-06", {
          recurrence: { pattern: { type: "daily", interval: 1 }, range: { type: "numbered", startDate: "2030-05-06", numberOfOccurrences: 5 } },
        }),
      }),
    );
    const range = { startDateTime: "2030-05-06T00:00:00Z", endDateTime: "2030-05-09T00:00:00Z" };
    const view = data(await client.calendar.calendarView({ authUserId: "adele", ...range }));
    expect(view.value.filter((e) => e.subject === "Daily standup")).toHaveLength(3);
    const inCal = data(await client.calendar.calendarView({ authUserId: "adele", calendarId: cal.id, ...range, timeZone: "UTC" }));
    expect(inCal.value.map((e) => (e.start as { dateTime: string }).dateTime.slice(0, 10))).toEqual(["2030-05-06", "2030-05-07", "2030-05-08"]);
    const instances = data(
      await client.calendar.listInstances({ authUserId: "adele", eventId: series.id, startDateTime: "2030-05-01T00:00:00Z", endDateTime: "2030-06-01T00:00:00Z" }),
    );
    expect(instances.value).toHaveLength(5);
    expect(instances.value.every((e) => e.type === "occurrence" && e.seriesMasterId === series.id)).toBe(true);
    await expect(client.calendar.calendarView({ authUserId: "adele", startDateTime: "", endDateTime: "" })).rejects.toMatchObject({ code: "InvalidArgument" });
  });

  it("meeting responses: tentativelyAcceptEvent and acceptEvent by the attendee, cancelEvent by the organizer", async () => {
    const meeting = data(
      await client.calendar.createEvent({
        authUserId: "megan",
        event: event("Client meeting", "2030-06-03", { attendees: [{ emailAddress: { address: CONTOSO.adele.upn, name: "Adele Vance" }, type: "required" }] }),
      }),
    );
    const copyOf = async () => {
      const found = data(await client.calendar.listEvents({ authUserId: "adele", filter: "subject eq 'Client meeting'" }));
      expect(found.value).toHaveLength(1);
      return found.value[0] as GraphEvent;
    };
    const copy = await copyOf();
    const attendeeStatus = async () => {
      const organizer = data(await client.calendar.getEvent({ authUserId: "megan", eventId: meeting.id }));
      return (organizer.attendees as { emailAddress: { address: string }; status: { response: string } }[])[0]!.status.response;
    };
    expect(await client.calendar.tentativelyAcceptEvent({ authUserId: "adele", eventId: copy.id, comment: "maybe" })).toEqual({ ok: true, data: undefined });
    expect(await attendeeStatus()).toBe("tentativelyAccepted");
    expect((await client.calendar.acceptEvent({ authUserId: "adele", eventId: copy.id, sendResponse: true })).ok).toBe(true);
    expect(await attendeeStatus()).toBe("accepted");
    expect((await client.calendar.cancelEvent({ authUserId: "megan", eventId: meeting.id, comment: "no longer needed" })).ok).toBe(true);
    const after = data(await client.calendar.getEvent({ authUserId: "adele", eventId: copy.id }));
    expect(after).toMatchObject({ isCancelled: true, subject: "Canceled: Client meeting" });
  });

  it("declineEvent: the organizer sees the decline and the meeting leaves the attendee's calendar", async () => {
    const meeting = data(
      await client.calendar.createEvent({
        authUserId: "megan",
        event: event("Client decline", "2030-06-05", { attendees: [{ emailAddress: { address: CONTOSO.adele.upn }, type: "required" }] }),
      }),
    );
    const copy = data(await client.calendar.listEvents({ authUserId: "adele", filter: "subject eq 'Client decline'" })).value[0]!;
    const proposedNewTime = { start: at("2030-06-06", "10:00:00"), end: at("2030-06-06", "11:00:00") };
    expect(await client.calendar.declineEvent({ authUserId: "adele", eventId: copy.id, comment: "conflict", proposedNewTime })).toEqual({ ok: true, data: undefined });
    const organizer = data(await client.calendar.getEvent({ authUserId: "megan", eventId: meeting.id }));
    expect((organizer.attendees as { status: { response: string } }[])[0]!.status.response).toBe("declined");
    expect(await client.calendar.getEvent({ authUserId: "adele", eventId: copy.id })).toMatchObject({ ok: false, error: { status: 404 } });
  });

  it("cancelEvent by an attendee is refused by Graph, in the result", async () => {
    const meeting = data(
      await client.calendar.createEvent({
        authUserId: "megan",
        event: event("Attendee cannot cancel", "2030-06-04", { attendees: [{ emailAddress: { address: CONTOSO.adele.upn }, type: "required" }] }),
      }),
    );
    const copy = data(await client.calendar.listEvents({ authUserId: "adele", filter: "subject eq 'Attendee cannot cancel'" })).value[0]!;
    expect(meeting.isOrganizer).toBe(true);
    const r = await client.calendar.cancelEvent({ authUserId: "adele", eventId: copy.id });
    expect(r).toMatchObject({ ok: false, error: { code: "ErrorInvalidRequest", status: 400, message: expect.stringMatching(/organizer/) } });
  });

  it("getSchedule shows the busy time of a created event", async () => {
    data(await client.calendar.createEvent({ authUserId: "adele", event: event("Busy block", "2030-07-01") }));
    const schedule = data(
      await client.calendar.getSchedule({
        authUserId: "megan",
        schedules: [CONTOSO.adele.upn, CONTOSO.megan.upn],
        startTime: at("2030-07-01", "09:00:00"),
        endTime: at("2030-07-01", "12:00:00"),
        availabilityViewInterval: 60,
      }),
    );
    expect(schedule.map((s) => s.scheduleId.toLowerCase())).toEqual([CONTOSO.adele.upn.toLowerCase(), CONTOSO.megan.upn.toLowerCase()]);
    expect(schedule[0]!.availabilityView).toBe("020");
  });

  it("findMeetingTimes suggests times for attendees", async () => {
    const result = data(
      await client.calendar.findMeetingTimes({
        authUserId: "megan",
        request: {
          attendees: [{ type: "required", emailAddress: { address: CONTOSO.adele.upn } }],
          timeConstraint: {
            activityDomain: "unrestricted",
            timeSlots: [{ start: at("2030-07-02", "09:00:00"), end: at("2030-07-02", "12:00:00") }],
          },
          meetingDuration: "PT1H",
          maxCandidates: 3,
        },
      }),
    );
    expect(result.meetingTimeSuggestions.length).toBeGreaterThan(0);
  });
});

describe("Calendar, application permissions", () => {
  it("works on a user's mailbox by UPN: calendars, events, view, schedule", async () => {
    const cals = data(await daemon.calendar.listCalendars({ userId: CONTOSO.adele.upn }));
    expect(cals.value.length).toBeGreaterThan(0);
    const created = data(await daemon.calendar.createEvent({ userId: CONTOSO.adele.upn, event: event("Booked by daemon", "2030-08-05") }));
    expect(data(await daemon.calendar.getEvent({ userId: CONTOSO.adele.id, eventId: created.id })).subject).toBe("Booked by daemon");
    const view = data(await daemon.calendar.calendarView({ userId: CONTOSO.adele.id, startDateTime: "2030-08-05T00:00:00Z", endDateTime: "2030-08-06T00:00:00Z" }));
    expect(view.value.map((e) => e.subject)).toContain("Booked by daemon");
    const sched = data(
      await daemon.calendar.getSchedule({ userId: CONTOSO.megan.id, schedules: [CONTOSO.adele.upn], startTime: at("2030-08-05", "10:00:00"), endTime: at("2030-08-05", "11:00:00") }),
    );
    expect(sched[0]!.availabilityView).toMatch(/^2+$/);
    expect((await daemon.calendar.deleteEvent({ userId: CONTOSO.adele.id, eventId: created.id })).ok).toBe(true);
  });

  it("findMeetingTimes has no application permission: Outlook's ErrorAccessDenied comes back in the result", async () => {
    const r = await daemon.calendar.findMeetingTimes({ userId: CONTOSO.megan.id, request: { meetingDuration: "PT30M" } });
    expect(r).toMatchObject({ ok: false, error: { code: "ErrorAccessDenied", status: 403 } });
  });
});
