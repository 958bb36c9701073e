import { afterAll, beforeAll, describe } from "vitest";
import { startTestEmulator, type TestEmulator } from "../../support/emulator.ts";
import { USERS } from "../calendar/support.ts";
import { callerTokens, exampleTests, inEveryContainer, listedDifferencesTest, send, type DocExample, type ExampleRunner, type Shape } from "./support.ts";

/** calendarView and instances: Microsoft's examples, replayed as Adele over events made for their windows. */
let emu: TestEmulator;
let runner: ExampleRunner;

const utc = (dateTime: string) => ({ dateTime, timeZone: "UTC" });

beforeAll(async () => {
  emu = await startTestEmulator();
  const tokens = await callerTokens(emu, { adele: USERS.adele.upn });
  runner = { emu, tokens, vars: { me: USERS.adele.id }, caller: "adele" };
  runner.vars.default = (await send(emu, tokens.adele as string, "GET", "/me/calendar")).body.id;
  const adele = (method: string, path: string, body?: unknown) => send(emu, tokens.adele as string, method, path, body);
  // One event in each calendarView window of the pages.
  await adele("POST", "/me/events", { subject: "New year planning", start: utc("2020-01-02T17:00:00"), end: utc("2020-01-02T18:00:00") });
  await adele("POST", "/me/calendar/events", { subject: "Kick-off", start: utc("2017-01-03T17:00:00"), end: utc("2017-01-03T18:00:00") });
  // The instances page's series: weekly on Mondays from April 8, 2019, its April 15 meeting moved to the 16th.
  const series = await adele("POST", "/me/events", {
    subject: "Review strategy for Q3",
    start: utc("2019-04-08T20:30:00"),
    end: utc("2019-04-08T21:00:00"),
    recurrence: { pattern: { type: "weekly", interval: 1, daysOfWeek: ["monday"] }, range: { type: "endDate", startDate: "2019-04-08", endDate: "2019-04-29" } },
  });
  runner.vars.series = series.body.id;
  const occurrences = await adele("GET", `/me/events/${series.body.id}/instances?startDateTime=2019-04-15T00:00:00Z&endDateTime=2019-04-16T00:00:00Z`);
  await adele("PATCH", `/me/events/${occurrences.body.value[0].id}`, {
    body: { contentType: "text", content: "Moved a day." },
    start: utc("2019-04-16T20:30:00"),
    end: utc("2019-04-16T21:00:00"),
  });
});
afterAll(async () => emu?.close());

/** The properties the calendarView pages show of each item. */
const VIEW_ITEM: Shape = { originalStartTimeZone: "string", originalEndTimeZone: "string", responseStatus: "object", "responseStatus/response": "string", "responseStatus/time": "string", iCalUId: "string", reminderMinutesBeforeStart: "number", isReminderOn: "boolean" };

const EXAMPLES: DocExample[] = [
  {
    id: "user-list-calendarview.md#user_get_calendarview_e1",
    method: "GET",
    path: "/me/calendarView?startDateTime=2020-01-01T19:00:00-08:00&endDateTime=2020-01-02T19:00:00-08:00",
    status: 200,
    items: VIEW_ITEM,
  },
  {
    id: "calendar-list-calendarview.md#get_calendarview",
    method: "GET",
    path: "/me/calendar/calendarView?startDateTime=2017-01-01T19:00:00-08:00&endDateTime=2017-01-07T19:00:00-08:00",
    status: 200,
    items: VIEW_ITEM,
  },
  {
    id: "event-list-instances.md#get_instances",
    method: "GET",
    path: "/me/events/{series}/instances?startDateTime=2019-04-08T09:00:00.0000000&endDateTime=2019-04-30T09:00:00.0000000&$select=subject,bodyPreview,seriesMasterId,type,recurrence,start,end",
    status: 200,
    context: "users('{me}')/events('{series}')/instances(subject,bodyPreview,seriesMasterId,type,recurrence,start,end)",
    items: {
      "@odata.etag": "string",
      id: "string",
      subject: "string",
      bodyPreview: "string",
      seriesMasterId: "string",
      type: "string",
      recurrence: "null",
      start: "object",
      "start/dateTime": "string",
      "start/timeZone": "string",
      end: "object",
    },
    only: true,
  },
];

/**
 * calendarView delta (event-delta.md): a first round of the 2020 window two to a page, on the page's
 * paths and the per-calendar ones of Microsoft's permissions map; items as the page shows them.
 */
const DELTA_EXAMPLES: DocExample[] = [
  {
    id: "event-delta.md#event_delta",
    method: "GET",
    path: "/me/calendarView/delta?startdatetime=2020-01-01T19:00:00-08:00&enddatetime=2020-01-02T19:00:00-08:00",
    requestHeaders: { Prefer: "odata.maxpagesize=2" },
    status: 200,
    context: "Collection(event)",
    shape: { "@odata.nextLink|@odata.deltaLink": "string" },
    items: { ...VIEW_ITEM, transactionId: "null", isDraft: "boolean" },
    headers: { "preference-applied": "odata.track-changes, odata.maxpagesize=2" },
    also: ["/users/{me}", "/me/calendars/{default}", "/users/{me}/calendars/{default}"].map((prefix) => ({
      path: `${prefix}/calendarView/delta?startdatetime=2020-01-01T19:00:00-08:00&enddatetime=2020-01-02T19:00:00-08:00`,
      context: "Collection(event)",
    })),
  },
];

describe("calendarView and instances", () => exampleTests(() => runner, EXAMPLES.map(inEveryContainer)));
describe("calendarView delta", () => exampleTests(() => runner, DELTA_EXAMPLES));
describe("known differences", () => listedDifferencesTest([...EXAMPLES, ...DELTA_EXAMPLES]));
