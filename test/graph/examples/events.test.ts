import { afterAll, beforeAll, describe } from "vitest";
import { startTestEmulator, type TestEmulator } from "../../support/emulator.ts";
import { USERS } from "../calendar/support.ts";
import { callerTokens, exampleTests, inEveryContainer, listedDifferencesTest, send, type DocExample, type ExampleRunner, type Shape } from "./support.ts";

/**
 * Events: Microsoft's examples for listing, creating (in the default and in a
 * named calendar), reading, updating and deleting events, replayed as Adele.
 */
let emu: TestEmulator;
let runner: ExampleRunner;

const PST = { Prefer: 'outlook.timezone="Pacific Standard Time"' };
const PST_APPLIED = { "preference-applied": 'outlook.timezone="Pacific Standard Time"' };
const at = (dateTime: string) => ({ dateTime, timeZone: "Pacific Standard Time" });

async function create(path: string, body: Record<string, unknown>): Promise<string> {
  const res = await send(emu, runner.tokens.adele as string, "POST", path, body);
  if (res.status !== 201) throw new Error(`seeding ${path}: ${res.status} ${res.text}`);
  return res.body.id as string;
}

beforeAll(async () => {
  emu = await startTestEmulator();
  const tokens = await callerTokens(emu, { adele: USERS.adele.upn });
  runner = { emu, tokens, vars: { me: USERS.adele.id }, caller: "adele" };
  // What the pages' requests name: a calendar of Adele's, an event with a location and attendees, one in three locations, one the filter finds.
  runner.vars.default = (await send(emu, tokens.adele as string, "GET", "/me/calendar")).body.id;
  runner.vars.calendar = (await send(emu, tokens.adele as string, "POST", "/me/calendars", { name: "Work" })).body.id;
  const meeting = { body: { contentType: "HTML", content: "Please bring the notes." }, location: { displayName: "Assembly Hall" }, attendees: [{ emailAddress: { address: USERS.megan.upn }, type: "required" }] };
  runner.vars.event = await create("/me/events", { subject: "Orientation", start: at("2017-04-21T10:00:00"), end: at("2017-04-21T12:00:00"), ...meeting });
  runner.vars.picnic = await create("/me/events", {
    subject: "Plan summer company picnic",
    start: at("2017-08-30T11:00:00"),
    end: at("2017-08-30T12:00:00"),
    locations: [{ displayName: "Conf Room 3" }, { displayName: "Fourth Coffee", address: { street: "4567 Main St", city: "Redmond", state: "WA", countryOrRegion: "US", postalCode: "32008" }, coordinates: { latitude: 47.672, longitude: -102.103 } }, { displayName: "Home Office" }],
  });
  await create("/me/calendar/events", { subject: "All APIs Testing", start: at("2021-09-14T01:00:00"), end: at("2021-09-14T01:30:00"), ...meeting });
  runner.vars.update = await create("/me/events", { subject: "To update", start: at("2021-09-15T09:00:00"), end: at("2021-09-15T10:00:00") });
});
afterAll(async () => emu?.close());

/** An event as the pages show it whole (user-post-events.md, calendar-list-events.md). */
const EVENT: Shape = {
  "@odata.etag": "string",
  id: "string",
  createdDateTime: "string",
  lastModifiedDateTime: "string",
  changeKey: "string",
  categories: "array",
  originalStartTimeZone: "string",
  originalEndTimeZone: "string",
  iCalUId: "string",
  reminderMinutesBeforeStart: "number",
  isReminderOn: "boolean",
  hasAttachments: "boolean",
  hideAttendees: "boolean",
  subject: "string",
  bodyPreview: "string",
  importance: "string",
  sensitivity: "string",
  isAllDay: "boolean",
  isCancelled: "boolean",
  isDraft: "boolean",
  isOrganizer: "boolean",
  responseRequested: "boolean",
  seriesMasterId: "null",
  showAs: "string",
  type: "string",
  webLink: "string",
  onlineMeetingUrl: "null",
  isOnlineMeeting: "boolean",
  onlineMeetingProvider: "string",
  allowNewTimeProposals: "boolean",
  responseStatus: "object",
  "responseStatus/response": "string",
  "responseStatus/time": "string",
  body: "object",
  "body/contentType": "string",
  "body/content": "string",
  start: "object",
  "start/dateTime": "string",
  "start/timeZone": "string",
  end: "object",
  "end/dateTime": "string",
  "end/timeZone": "string",
  location: "object",
  "location/displayName": "string",
  "location/locationType": "string",
  "location/uniqueIdType": "string",
  locations: "array",
  recurrence: "null",
  attendees: "array",
  "attendees/0/type": "string",
  "attendees/0/status/response": "string",
  "attendees/0/status/time": "string",
  "attendees/0/emailAddress/address": "string",
  organizer: "object",
  "organizer/emailAddress/name": "string",
  "organizer/emailAddress/address": "string",
};
const ONLINE: Shape = { onlineMeeting: "object", "onlineMeeting/joinUrl": "string", "onlineMeeting/conferenceId": "string", "onlineMeeting/tollNumber": "string" };
/** What the get_event pages select, as they show it: location with locations, and the links to the event's calendar. */
const SELECTED: Shape = {
  "@odata.etag": "string",
  id: "string",
  subject: "string",
  bodyPreview: "string",
  body: "object",
  start: "object",
  end: "object",
  location: "object",
  locations: "array",
  attendees: "array",
  organizer: "object",
  "calendar@odata.associationLink": "string",
  "calendar@odata.navigationLink": "string",
};
const CALENDAR_LINKS = { "calendar@odata.navigationLink": "users('{me}')/calendars('{default}')", "calendar@odata.associationLink": "users('{me}')/calendars('{default}')/$ref" };

const lunch = (content: string, day: string) => ({
  subject: "Let's go for lunch",
  body: { contentType: "HTML", content },
  start: at(`${day}T12:00:00`),
  end: at(`${day}T14:00:00`),
  location: { displayName: "Harry's Bar" },
});

const LIST: DocExample[] = [
  {
    id: "user-list-events.md#get_events",
    method: "GET",
    path: "/me/events?$select=subject,body,bodyPreview,organizer,attendees,start,end,location",
    requestHeaders: PST,
    status: 200,
    headers: PST_APPLIED,
    context: "users('{me}')/events(subject,body,bodyPreview,organizer,attendees,start,end,location)",
    items: { "@odata.etag": "string", id: "string", subject: "string", bodyPreview: "string", body: "object", start: "object", "start/timeZone": "string", end: "object", location: "object", locations: "array", attendees: "array", organizer: "object" },
    only: true,
  },
  {
    id: "calendar-list-events.md#listingcalendarevents",
    method: "GET",
    path: "/me/calendar/events",
    status: 200,
    items: { originalStartTimeZone: "string", originalEndTimeZone: "string", responseStatus: "object", iCalUId: "string", reminderMinutesBeforeStart: "number", isReminderOn: "boolean" },
  },
  {
    id: "calendar-list-events.md#calendar_list_events_filteronsubject",
    method: "GET",
    path: "/me/calendar/events?$filter=startsWith(subject,'All')",
    status: 200,
    context: "users('{me}')/calendar/events",
    items: { ...EVENT, onlineMeeting: "null", transactionId: "null" },
  },
];

const CREATE: DocExample[] = [
  {
    id: "user-post-events.md#create_event_from_user",
    method: "POST",
    path: "/me/events",
    requestHeaders: PST,
    body: { ...lunch("Noon?", "2017-04-15"), attendees: [{ emailAddress: { address: "samanthab@contoso.onmicrosoft.com", name: "Samantha Booth" }, type: "required" }], allowNewTimeProposals: true, transactionId: "7E163156-7762-4BEB-A1C6-729EA81755A7" },
    status: 201,
    headers: PST_APPLIED,
    context: "users('{me}')/events/$entity",
    shape: { ...EVENT, transactionId: "string", onlineMeeting: "null" },
  },
  {
    id: "user-post-events.md#create_event_from_user_multiple_locations",
    method: "POST",
    path: "/me/events",
    requestHeaders: PST,
    body: {
      subject: "Plan summer company picnic",
      body: { contentType: "HTML", content: "Planning starts." },
      start: at("2017-08-30T11:00:00"),
      end: at("2017-08-30T12:00:00"),
      attendees: [
        { emailAddress: { address: "DanaS@contoso.onmicrosoft.com", name: "Dana Swope" }, type: "Required" },
        { emailAddress: { address: "AlexW@contoso.onmicrosoft.com", name: "Alex Wilber" }, type: "Required" },
      ],
      location: { displayName: "Conf Room 3; Fourth Coffee; Home Office", locationType: "Default" },
      locations: [
        { displayName: "Conf Room 3" },
        { displayName: "Fourth Coffee", address: { street: "4567 Main St", city: "Redmond", state: "WA", countryOrRegion: "US", postalCode: "32008" }, coordinates: { latitude: 47.672, longitude: -102.103 } },
        { displayName: "Home Office" },
      ],
      allowNewTimeProposals: true,
    },
    status: 201,
    headers: PST_APPLIED,
    context: "users('{me}')/events/$entity",
    shape: { ...EVENT, onlineMeeting: "null", "locations/1/address": "object", "locations/1/address/street": "string", "locations/1/coordinates": "object", "locations/1/coordinates/latitude": "number", "locations/2/displayName": "string" },
  },
  {
    id: "user-post-events.md#create_event_recurring",
    method: "POST",
    path: "/me/events",
    body: {
      ...lunch("Noon, weekly?", "2017-09-04"),
      recurrence: { pattern: { type: "weekly", interval: 1, daysOfWeek: ["Monday"] }, range: { type: "endDate", startDate: "2017-09-04", endDate: "2017-12-31" } },
      attendees: [{ emailAddress: { address: "AdeleV@contoso.onmicrosoft.com", name: "Adele Vance" }, type: "required" }],
      allowNewTimeProposals: true,
    },
    status: 201,
    context: "users('{me}')/events/$entity",
    shape: {
      ...EVENT,
      recurrence: "object",
      "recurrence/pattern/type": "string",
      "recurrence/pattern/interval": "number",
      "recurrence/pattern/month": "number",
      "recurrence/pattern/dayOfMonth": "number",
      "recurrence/pattern/daysOfWeek": "array",
      "recurrence/pattern/firstDayOfWeek": "string",
      "recurrence/pattern/index": "string",
      "recurrence/range/type": "string",
      "recurrence/range/startDate": "string",
      "recurrence/range/endDate": "string",
      "recurrence/range/recurrenceTimeZone": "string",
      "recurrence/range/numberOfOccurrences": "number",
    },
  },
  {
    id: "user-post-events.md#create_event_from_user_with_online_meeting",
    method: "POST",
    path: "/me/events",
    requestHeaders: PST,
    body: {
      ...lunch("Noon?", "2017-04-15"),
      attendees: [{ emailAddress: { address: "samanthab@contoso.onmicrosoft.com", name: "Samantha Booth" }, type: "required" }],
      allowNewTimeProposals: true,
      isOnlineMeeting: true,
      onlineMeetingProvider: "teamsForBusiness",
    },
    status: 201,
    headers: PST_APPLIED,
    context: "users('{me}')/events/$entity",
    shape: { ...EVENT, ...ONLINE },
  },
  {
    id: "calendar-post-events.md#create_event_from_calendar",
    method: "POST",
    path: "/me/calendars/{calendar}/events",
    body: {
      ...lunch("Mid month?", "2019-03-15"),
      attendees: [{ emailAddress: { address: "adelev@contoso.onmicrosoft.com", name: "Adele Vance" }, type: "required" }],
      transactionId: "7E163156-7762-4BEB-A1C6-729EA81755A7",
    },
    status: 201,
    context: "users('{me}')/calendars('{calendar}')/events/$entity",
    shape: { ...EVENT, transactionId: "string", onlineMeeting: "null" },
    also: [{ path: "/users/{me}/calendars/{calendar}/events", context: "users('{me}')/calendars('{calendar}')/events/$entity" }],
  },
  {
    id: "calendar-post-events.md#create_event_from_calendar_with_online_meeting",
    method: "POST",
    path: "/me/calendars/{calendar}/events",
    body: {
      ...lunch("Next month?", "2019-03-10"),
      attendees: [{ emailAddress: { address: "adelev@contoso.onmicrosoft.com", name: "Adele Vance" }, type: "required" }],
      isOnlineMeeting: true,
      onlineMeetingProvider: "teamsForBusiness",
    },
    status: 201,
    context: "users('{me}')/calendars('{calendar}')/events/$entity",
    shape: { ...EVENT, ...ONLINE },
  },
];

const ONE: DocExample[] = [
  {
    id: "event-get.md#get_event",
    method: "GET",
    path: "/me/events/{event}?$select=subject,body,bodyPreview,organizer,attendees,start,end,location,hideAttendees",
    requestHeaders: PST,
    status: 200,
    headers: PST_APPLIED,
    context: "users('{me}')/events(subject,body,bodyPreview,organizer,attendees,start,end,location,hideAttendees)/$entity",
    links: CALENDAR_LINKS,
    shape: { ...SELECTED, hideAttendees: "boolean" },
    only: true,
  },
  {
    id: "event-get.md#get_event_multiple_locations",
    method: "GET",
    path: "/me/events/{picnic}?$select=subject,body,bodyPreview,organizer,attendees,start,end,location,locations",
    status: 200,
    context: "users('{me}')/events(subject,body,bodyPreview,organizer,attendees,start,end,location,locations)/$entity",
    links: CALENDAR_LINKS,
    shape: { ...SELECTED, "locations/1/address": "object", "locations/1/coordinates": "object", "start/timeZone": "string" },
    only: true,
  },
  {
    id: "event-update.md#update_event",
    method: "PATCH",
    path: "/me/events/{update}",
    body: {
      originalStartTimeZone: "originalStartTimeZone-value",
      originalEndTimeZone: "originalEndTimeZone-value",
      responseStatus: { response: "", time: "datetime-value" },
      recurrence: null,
      reminderMinutesBeforeStart: 99,
      isOnlineMeeting: true,
      onlineMeetingProvider: "teamsForBusiness",
      isReminderOn: true,
      hideAttendees: false,
      categories: ["Red category"],
    },
    status: 200,
    shape: {
      originalStartTimeZone: "string",
      originalEndTimeZone: "string",
      responseStatus: "object",
      recurrence: "null",
      reminderMinutesBeforeStart: "number",
      isOnlineMeeting: "boolean",
      onlineMeetingProvider: "string",
      isReminderOn: "boolean",
      hideAttendees: "boolean",
      ...ONLINE,
    },
  },
  {
    id: "event-delete.md#delete_event",
    method: "DELETE",
    path: "/me/events/{gone}",
    setup: async () => ({ gone: await create("/me/events", { subject: "Cancelled plans", start: at("2021-09-16T09:00:00"), end: at("2021-09-16T10:00:00") }) }),
    status: 204,
  },
];

const ALL = [...LIST, ...CREATE, ...ONE];

describe("listing events", () => exampleTests(() => runner, LIST.map(inEveryContainer)));
describe("creating events", () => exampleTests(() => runner, CREATE.map(inEveryContainer)));
describe("one event", () => exampleTests(() => runner, ONE.map(inEveryContainer)));
describe("known differences", () => listedDifferencesTest(ALL));
