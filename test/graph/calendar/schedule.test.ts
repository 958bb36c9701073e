import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "@microsoft/microsoft-graph-client";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../../support/emulator.ts";
import { appToken, graphClient, userToken } from "../../support/graph.ts";
import { expectError, graphHttp, MESSAGES, USERS } from "./support.ts";

/**
 * Free/busy from the mailboxes' real calendars: getSchedule and
 * findMeetingTimes over the Contoso calendar fixtures
 * (fixtures/calendar/contoso.json): Megan's weekly sync on Mondays
 * 10:00-10:30 Pacific (Alex required, Lee optional), her quarterly review on
 * 15 June 2026 13:00-15:00 Pacific (Patti, Lee), Alex's vacation 3-5 July 2026
 * (out of office) and Patti's private board preparation on 16 June 2026.
 */
let emu: TestEmulator;
let sdk: Client;
let http: ReturnType<typeof graphHttp>;

beforeAll(async () => {
  emu = await startTestEmulator();
  const token = await userToken(emu, CONTOSO.id, USERS.adele, ["Calendars.Read.Shared", "Calendars.ReadWrite"]);
  sdk = graphClient(emu, token);
  http = graphHttp(emu, token);
});
afterAll(async () => emu?.close());

const pst = (dateTime: string) => ({ dateTime, timeZone: "Pacific Standard Time" });

describe("getSchedule", () => {
  it("returns availabilityView, scheduleItems and workingHours per mailbox, and an error item for unknown addresses", async () => {
    const res = await sdk.api("/me/calendar/getSchedule").post({
      schedules: [USERS.megan.upn, USERS.alex.upn, "nobody@contoso.onmicrosoft.com"],
      startTime: pst("2026-06-15T08:00:00"),
      endTime: pst("2026-06-15T17:00:00"),
      availabilityViewInterval: 60,
    });
    expect(res["@odata.context"]).toMatch(/\$metadata#Collection\(microsoft\.graph\.scheduleInformation\)$/);
    const [megan, alex, nobody] = res.value;
    expect(megan.scheduleId).toBe(USERS.megan.upn);
    expect(megan.availabilityView).toBe("002002200");
    expect(megan.scheduleItems).toEqual([
      { isPrivate: false, status: "busy", subject: "Marketing weekly sync", location: "Conf Room Rainier", start: { dateTime: "2026-06-15T17:00:00.0000000", timeZone: "UTC" }, end: { dateTime: "2026-06-15T17:30:00.0000000", timeZone: "UTC" } },
      { isPrivate: false, status: "busy", subject: "Quarterly business review", location: "", start: { dateTime: "2026-06-15T20:00:00.0000000", timeZone: "UTC" }, end: { dateTime: "2026-06-15T22:00:00.0000000", timeZone: "UTC" } },
    ]);
    expect(megan.workingHours).toEqual({
      daysOfWeek: ["monday", "tuesday", "wednesday", "thursday", "friday"],
      startTime: "08:00:00.0000000",
      endTime: "17:00:00.0000000",
      timeZone: { name: "Pacific Standard Time" },
    });
    // Alex has not answered the weekly sync: it shows as tentative.
    expect(alex.availabilityView).toBe("001000000");
    expect(alex.workingHours.timeZone).toEqual({ name: "Eastern Standard Time" });
    expect(nobody).toEqual({
      scheduleId: "nobody@contoso.onmicrosoft.com",
      error: { message: "Unable to resolve e-mail address nobody@contoso.onmicrosoft.com to an Active Directory object.", responseCode: "5009" },
    });
  });

  it("Prefer: outlook.timezone converts item times; the default interval is 30 minutes", async () => {
    const res = await http("POST", "/me/calendar/getSchedule", { schedules: [USERS.megan.upn], startTime: pst("2026-06-15T09:00:00"), endTime: pst("2026-06-15T11:00:00") }, {
      Prefer: 'outlook.timezone="Pacific Standard Time"',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("preference-applied")).toBe('outlook.timezone="Pacific Standard Time"');
    expect(res.body.value[0].availabilityView).toBe("0020");
    expect(res.body.value[0].scheduleItems[0].start).toEqual({ dateTime: "2026-06-15T10:00:00.0000000", timeZone: "Pacific Standard Time" });
  });

  it("shows out of office as 3 and hides the subject of private items", async () => {
    const res = await sdk.api(`/users/${USERS.adele.upn}/calendar/getSchedule`).post({
      schedules: [USERS.alex.upn, USERS.patti.upn],
      startTime: { dateTime: "2026-07-03T12:00:00", timeZone: "UTC" },
      endTime: { dateTime: "2026-07-03T14:00:00", timeZone: "UTC" },
      availabilityViewInterval: 60,
    });
    expect(res.value[0].availabilityView).toBe("33");
    const patti = await sdk.api("/me/calendar/getSchedule").post({
      schedules: [USERS.patti.upn],
      startTime: { dateTime: "2026-06-16T15:00:00", timeZone: "UTC" },
      endTime: { dateTime: "2026-06-16T19:00:00", timeZone: "UTC" },
      availabilityViewInterval: 60,
    });
    expect(patti.value[0].availabilityView).toBe("0220");
    expect(patti.value[0].scheduleItems).toEqual([
      { isPrivate: true, status: "busy", start: { dateTime: "2026-06-16T16:00:00.0000000", timeZone: "UTC" }, end: { dateTime: "2026-06-16T18:00:00.0000000", timeZone: "UTC" } },
    ]);
  });

  it("reflects writes: a new event shows up at once", async () => {
    await sdk.api("/me/events").post({ subject: "Dentist", showAs: "oof", start: { dateTime: "2026-06-17T10:00:00", timeZone: "UTC" }, end: { dateTime: "2026-06-17T11:00:00", timeZone: "UTC" } });
    const res = await sdk.api("/me/calendar/getSchedule").post({
      schedules: [USERS.adele.upn],
      startTime: { dateTime: "2026-06-17T09:00:00", timeZone: "UTC" },
      endTime: { dateTime: "2026-06-17T12:00:00", timeZone: "UTC" },
      availabilityViewInterval: 60,
    });
    expect(res.value[0].availabilityView).toBe("030");
  });

  it("limits: 20 schedules, under 42 days, intervals of 5 to 1440 minutes, required parameters", async () => {
    const start = { dateTime: "2026-06-15T00:00:00", timeZone: "UTC" };
    const end = { dateTime: "2026-06-16T00:00:00", timeZone: "UTC" };
    const many = Array.from({ length: 21 }, (_, i) => `user${i}@contoso.onmicrosoft.com`);
    expectError(await http("POST", "/me/calendar/getSchedule", { schedules: many, startTime: start, endTime: end }), 400, "ErrorInvalidParameter", "A maximum of 20 schedules can be requested at a time.");
    expectError(
      await http("POST", "/me/calendar/getSchedule", { schedules: [USERS.megan.upn], startTime: start, endTime: { dateTime: "2026-07-28T00:00:00", timeZone: "UTC" } }),
      400,
      "ErrorInvalidParameter",
      "The requested time period must be less than 42 days.",
    );
    expectError(await http("POST", "/me/calendar/getSchedule", { schedules: [USERS.megan.upn], startTime: start, endTime: end, availabilityViewInterval: 4 }), 400, "ErrorInvalidParameter", "The availabilityViewInterval must be between 5 and 1440 minutes.");
    expectError(await http("POST", "/me/calendar/getSchedule", { startTime: start, endTime: end }), 400, "ErrorInvalidParameter", "The parameters schedules, startTime and endTime are required.");
    expectError(await http("POST", "/me/calendar/getSchedule", { schedules: [USERS.megan.upn], startTime: { dateTime: "2026-06-15T00:00:00", timeZone: "Moon Time" }, endTime: end }), 400, "TimeZoneNotSupportedException", MESSAGES.tz("Moon Time"));
    expectError(await http("POST", "/me/calendar/getSchedule", "nope", { "content-type": "application/json" }), 400, "BadRequest");
  });

  it("works for apps with Calendars.ReadBasic.All under /users/{id}", async () => {
    const app = graphClient(emu, await appToken(emu, CONTOSO.id, ["Calendars.ReadBasic.All"]));
    const res = await app.api(`/users/${USERS.megan.id}/calendar/getSchedule`).post({ schedules: [USERS.megan.upn], startTime: pst("2026-06-15T10:00:00"), endTime: pst("2026-06-15T11:00:00") });
    expect(res.value[0].availabilityView).toBe("20");
  });
});

describe("findMeetingTimes", () => {
  const constraint = (from: string, to: string, activityDomain = "unrestricted") => ({ activityDomain, timeSlots: [{ start: pst(from), end: pst(to) }] });

  it("suggests the free times, ordered by confidence then time, with attendee availability", async () => {
    const res = await sdk.api("/me/findMeetingTimes").header("Prefer", 'outlook.timezone="Pacific Standard Time"').post({
      attendees: [{ type: "required", emailAddress: { address: USERS.megan.upn, name: "Megan Bowen" } }, { type: "required", emailAddress: { address: USERS.alex.upn } }],
      timeConstraint: constraint("2026-06-15T08:00:00", "2026-06-15T12:00:00"),
      meetingDuration: "PT1H",
      returnSuggestionReasons: true,
    });
    expect(res["@odata.context"]).toMatch(/\$metadata#microsoft\.graph\.meetingTimeSuggestionsResult$/);
    expect(res.emptySuggestionsReason).toBe("");
    const slots = res.meetingTimeSuggestions.map((s: { meetingTimeSlot: { start: { dateTime: string } } }) => s.meetingTimeSlot.start.dateTime.slice(11, 16));
    expect(slots).toEqual(["08:00", "08:30", "09:00", "10:30", "11:00"]);
    const first = res.meetingTimeSuggestions[0];
    expect(first).toMatchObject({
      confidence: 100,
      order: 1,
      organizerAvailability: "free",
      suggestionReason: "Suggested because it is one of the nearest times when all attendees are available.",
      attendeeAvailability: [
        { attendee: { type: "required", emailAddress: { address: USERS.megan.upn, name: "Megan Bowen" } }, availability: "free" },
        { attendee: { type: "required", emailAddress: { address: USERS.alex.upn } }, availability: "free" },
      ],
      meetingTimeSlot: { start: { dateTime: "2026-06-15T08:00:00.0000000", timeZone: "Pacific Standard Time" }, end: { dateTime: "2026-06-15T09:00:00.0000000", timeZone: "Pacific Standard Time" } },
    });
  });

  it("counts unknown attendees at 49%, honours maxCandidates and minimumAttendeePercentage", async () => {
    const body = {
      attendees: [{ emailAddress: { address: USERS.megan.upn } }, { emailAddress: { address: "guest@outside.example" } }],
      timeConstraint: constraint("2026-06-15T09:00:00", "2026-06-15T11:00:00"),
      meetingDuration: "PT30M",
      maxCandidates: 2,
    };
    const res = await sdk.api("/me/findMeetingTimes").post(body);
    expect(res.meetingTimeSuggestions).toHaveLength(2);
    expect(res.meetingTimeSuggestions.map((s: { confidence: number; order: number }) => [s.confidence, s.order])).toEqual([[74.5, 1], [74.5, 2]]);
    expect(res.meetingTimeSuggestions[0].attendeeAvailability[1].availability).toBe("unknown");
    expect(res.meetingTimeSuggestions[0].suggestionReason).toBe("");
    const strict = await sdk.api("/me/findMeetingTimes").post({ ...body, minimumAttendeePercentage: 80 });
    expect(strict.meetingTimeSuggestions).toEqual([]);
    expect(strict.emptySuggestionsReason).toBe("attendeesUnavailableOrUnknown");
  });

  it("reads booleans and numbers written as strings, as OData's reader does for action parameters, and refuses other literals", async () => {
    const body = {
      attendees: [{ emailAddress: { address: USERS.megan.upn } }, { emailAddress: { address: "guest@outside.example" } }],
      timeConstraint: constraint("2026-06-15T09:00:00", "2026-06-15T11:00:00"),
      meetingDuration: "PT30M",
    };
    const res = await http("POST", "/me/findMeetingTimes", { ...body, maxCandidates: " 2 ", returnSuggestionReasons: "1", isOrganizerOptional: "false", minimumAttendeePercentage: "50.5" });
    expect(res.status).toBe(200);
    expect(res.body.meetingTimeSuggestions).toHaveLength(2);
    expect(res.body.meetingTimeSuggestions[0].suggestionReason).not.toBe("");
    const strict = await http("POST", "/me/findMeetingTimes", { ...body, minimumAttendeePercentage: "80" });
    expect(strict.body.meetingTimeSuggestions).toEqual([]);
    for (const [name, value, edm] of [
      ["isOrganizerOptional", "yes", "Edm.Boolean"],
      ["returnSuggestionReasons", "True", "Edm.Boolean"],
      ["maxCandidates", "2.5", "Edm.Int32"],
      ["minimumAttendeePercentage", "half", "Edm.Double"],
      ["minimumAttendeePercentage", true, "Edm.Double"],
    ] as const) {
      expectError(await http("POST", "/me/findMeetingTimes", { ...body, [name]: value }), 400, "RequestBodyRead", `Cannot convert the literal '${String(value)}' to the expected type '${edm}'.`);
    }
  });

  it("explains empty results: attendees busy, organizer busy", async () => {
    const busy = await sdk.api("/me/findMeetingTimes").post({
      attendees: [{ emailAddress: { address: USERS.megan.upn } }],
      timeConstraint: constraint("2026-06-15T13:00:00", "2026-06-15T15:00:00"),
      meetingDuration: "PT1H",
    });
    expect(busy).toMatchObject({ emptySuggestionsReason: "attendeesUnavailable", meetingTimeSuggestions: [] });
    await sdk.api("/me/events").post({ subject: "Blocked", start: pst("2026-06-18T08:00:00"), end: pst("2026-06-18T12:00:00") });
    const organizerBusy = await sdk.api("/me/findMeetingTimes").post({
      attendees: [{ emailAddress: { address: USERS.megan.upn } }],
      timeConstraint: constraint("2026-06-18T08:00:00", "2026-06-18T12:00:00"),
    });
    expect(organizerBusy.emptySuggestionsReason).toBe("organizerUnavailable");
    const optional = await sdk.api("/me/findMeetingTimes").post({
      attendees: [{ emailAddress: { address: USERS.megan.upn } }],
      timeConstraint: constraint("2026-06-18T08:00:00", "2026-06-18T12:00:00"),
      isOrganizerOptional: true,
    });
    expect(optional.meetingTimeSuggestions[0]).toMatchObject({ organizerAvailability: "busy", confidence: 100 });
  });

  it("the work domain keeps to the organizer's working hours (08:00-17:00 UTC by default)", async () => {
    const res = await sdk.api("/me/findMeetingTimes").post({
      attendees: [],
      timeConstraint: { activityDomain: "work", timeSlots: [{ start: { dateTime: "2026-06-19T15:00:00", timeZone: "UTC" }, end: { dateTime: "2026-06-20T12:00:00", timeZone: "UTC" } }] },
      meetingDuration: "PT1H",
    });
    // Friday 15:00-17:00 only: Saturday is not a working day.
    expect(res.meetingTimeSuggestions.map((s: { meetingTimeSlot: { start: { dateTime: string } } }) => s.meetingTimeSlot.start.dateTime)).toEqual([
      "2026-06-19T15:00:00.0000000",
      "2026-06-19T15:30:00.0000000",
      "2026-06-19T16:00:00.0000000",
    ]);
  });

  it("is delegated only, with Calendars.Read.Shared or Calendars.ReadWrite.Shared", async () => {
    const app = graphHttp(emu, await appToken(emu, CONTOSO.id, ["Calendars.ReadWrite"]));
    expectError(await app("POST", `/users/${USERS.adele.id}/findMeetingTimes`, {}), 403, "ErrorAccessDenied", MESSAGES.accessDenied);
    const plain = graphHttp(emu, await userToken(emu, CONTOSO.id, USERS.adele, ["Calendars.ReadWrite"]));
    expectError(await plain("POST", "/me/findMeetingTimes", {}), 403, "ErrorAccessDenied", MESSAGES.accessDenied);
  });

  it("rejects a malformed duration", async () => {
    expectError(await http("POST", "/me/findMeetingTimes", { meetingDuration: "an hour" }), 400, "RequestBodyRead", "Cannot convert the literal 'an hour' to the expected type 'Edm.Duration'.");
  });
});
