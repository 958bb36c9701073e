import { afterAll, beforeAll, describe } from "vitest";
import { startTestEmulator, type TestEmulator } from "../../support/emulator.ts";
import { USERS } from "../calendar/support.ts";
import { callerTokens, exampleTests, inEveryContainer, listedDifferencesTest, send, type DocExample, type ExampleRunner, type Vars } from "./support.ts";

/**
 * Meeting actions (accept, decline, tentativelyAccept, cancel), getSchedule
 * and findMeetingTimes: Microsoft's examples, replayed as Adele. Megan
 * invites her to the meetings she answers.
 */
let emu: TestEmulator;
let runner: ExampleRunner;

const PST = { Prefer: 'outlook.timezone="Pacific Standard Time"' };
const PST_APPLIED = { "preference-applied": 'outlook.timezone="Pacific Standard Time"' };
const at = (dateTime: string) => ({ dateTime, timeZone: "Pacific Standard Time" });

async function post(caller: "adele" | "megan", path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await send(emu, runner.tokens[caller] as string, "POST", path, body);
  if (res.status !== 201) throw new Error(`seeding ${path}: ${res.status} ${res.text}`);
  return res.body;
}

/** A meeting Megan organizes with Adele invited: Adele's copy of it, as {event}. */
async function invitation(): Promise<Vars> {
  const meeting = await post("megan", "/me/events", {
    subject: "Weekly sync",
    start: at("2019-12-02T10:00:00"),
    end: at("2019-12-02T11:00:00"),
    attendees: [{ emailAddress: { address: USERS.adele.upn }, type: "required" }],
  });
  const copy = await send(emu, runner.tokens.adele as string, "GET", `/me/events?$filter=iCalUId eq '${String(meeting.iCalUId)}'&$select=id`);
  return { event: copy.body.value[0].id };
}

/** A meeting Adele organizes, for her to cancel: {event}. */
async function ownMeeting(): Promise<Vars> {
  const meeting = await post("adele", "/me/events", {
    subject: "All hands prep",
    start: at("2019-12-03T10:00:00"),
    end: at("2019-12-03T11:00:00"),
    attendees: [{ emailAddress: { address: USERS.megan.upn }, type: "required" }],
  });
  return { event: String(meeting.id) };
}

beforeAll(async () => {
  emu = await startTestEmulator();
  const tokens = await callerTokens(emu, { adele: USERS.adele.upn, megan: USERS.megan.upn });
  runner = { emu, tokens, vars: { me: USERS.adele.id }, caller: "adele" };
  runner.vars.default = (await send(emu, tokens.adele as string, "GET", "/me/calendar")).body.id;
  // getSchedule's day: Adele's lunch at Harry's Bar, and Megan busy in the morning and at noon.
  await post("adele", "/me/events", { subject: "Let's go for lunch", start: at("2019-03-15T12:00:00"), end: at("2019-03-15T14:00:00"), location: { displayName: "Harry's Bar" } });
  await post("megan", "/me/events", { subject: "Standup", start: at("2019-03-15T08:30:00"), end: at("2019-03-15T09:30:00") });
  await post("megan", "/me/events", { subject: "Lunch", start: at("2019-03-15T12:00:00"), end: at("2019-03-15T14:00:00") });
});
afterAll(async () => emu?.close());

const proposal = { start: at("2019-12-02T18:00:00"), end: at("2019-12-02T19:00:00") };
const SUGGESTION = "meetingTimeSuggestions/0";

const EXAMPLES: DocExample[] = [
  inEveryContainer({
    id: "event-accept.md#event_accept",
    method: "POST",
    path: "/me/events/{event}/accept",
    setup: invitation,
    body: { comment: "comment-value", sendResponse: true },
    status: 202,
  }),
  inEveryContainer({
    id: "event-decline.md#event_decline",
    method: "POST",
    path: "/me/events/{event}/decline",
    setup: invitation,
    body: { comment: "Next week instead.", sendResponse: true, proposedNewTime: proposal },
    status: 202,
  }),
  inEveryContainer({
    id: "event-tentativelyaccept.md#event_tentativelyaccept",
    method: "POST",
    path: "/me/events/{event}/tentativelyAccept",
    setup: invitation,
    body: { comment: "Maybe next week.", sendResponse: true, proposedNewTime: proposal },
    status: 202,
  }),
  inEveryContainer({
    id: "event-cancel.md#event_cancel",
    method: "POST",
    path: "/me/events/{event}/cancel",
    setup: ownMeeting,
    body: { Comment: "Cancelled this week." },
    status: 202,
  }),
  {
    id: "calendar-getschedule.md#calendar_getSchedule",
    method: "POST",
    path: "/me/calendar/getSchedule",
    requestHeaders: PST,
    body: {
      schedules: ["adelev@contoso.onmicrosoft.com", "meganb@contoso.onmicrosoft.com"],
      startTime: at("2019-03-15T09:00:00"),
      endTime: at("2019-03-15T18:00:00"),
      availabilityViewInterval: 60,
    },
    status: 200,
    headers: PST_APPLIED,
    context: "Collection(microsoft.graph.scheduleInformation)",
    shape: { "value/0/scheduleItems/0/isPrivate": "boolean", "value/0/scheduleItems/0/subject": "string", "value/0/scheduleItems/0/location": "string" },
    items: {
      scheduleId: "string",
      availabilityView: "string",
      scheduleItems: "array",
      "scheduleItems/0/status": "string",
      "scheduleItems/0/start/dateTime": "string",
      "scheduleItems/0/start/timeZone": "string",
      "scheduleItems/0/end/dateTime": "string",
      workingHours: "object",
      "workingHours/daysOfWeek": "array",
      "workingHours/startTime": "string",
      "workingHours/endTime": "string",
      "workingHours/timeZone": "object",
      "workingHours/timeZone/name": "string",
    },
    also: [{ path: "/users/{me}/calendar/getSchedule" }],
  },
  {
    id: "user-findmeetingtimes.md#user_findmeetingtimes",
    method: "POST",
    path: "/me/findMeetingTimes",
    requestHeaders: PST,
    // The page writes booleans and numbers as strings.
    body: {
      attendees: [{ type: "required", emailAddress: { name: "Alex Wilbur", address: "alexw@contoso.onmicrosoft.com" } }],
      locationConstraint: { isRequired: false, suggestLocation: false, locations: [{ resolveAvailability: false, displayName: "Conf room Hood" }] },
      timeConstraint: { activityDomain: "work", timeSlots: [{ start: at("2019-04-16T09:00:00"), end: at("2019-04-18T17:00:00") }] },
      isOrganizerOptional: "false",
      meetingDuration: "PT1H",
      returnSuggestionReasons: "true",
      minimumAttendeePercentage: "100",
    },
    status: 200,
    headers: PST_APPLIED,
    context: "microsoft.graph.meetingTimeSuggestionsResult",
    shape: {
      emptySuggestionsReason: "string",
      meetingTimeSuggestions: "array",
      [`${SUGGESTION}/confidence`]: "number",
      [`${SUGGESTION}/order`]: "number",
      [`${SUGGESTION}/organizerAvailability`]: "string",
      [`${SUGGESTION}/suggestionReason`]: "string",
      [`${SUGGESTION}/attendeeAvailability/0/availability`]: "string",
      [`${SUGGESTION}/attendeeAvailability/0/attendee/emailAddress/address`]: "string",
      [`${SUGGESTION}/locations/0/displayName`]: "string",
      [`${SUGGESTION}/meetingTimeSlot/start/dateTime`]: "string",
      [`${SUGGESTION}/meetingTimeSlot/start/timeZone`]: "string",
      [`${SUGGESTION}/meetingTimeSlot/end/dateTime`]: "string",
    },
    also: [{ path: "/users/{me}/findMeetingTimes" }],
  },
];

describe("meeting actions, getSchedule and findMeetingTimes", () => exampleTests(() => runner, EXAMPLES));
describe("known differences", () => listedDifferencesTest(EXAMPLES));
