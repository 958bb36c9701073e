import { randomUUID } from "node:crypto";
import { appToken, graph, graphOk, testUser, userAccessToken, type WireResponse } from "../http.ts";
import type { ContractTarget } from "../target.ts";
import type { ErrorCase } from "./types.ts";

const AREA = "Graph: calendar";
const REF = "shared/reference/graph-users-calendar.md §3.2";

const utc = (dateTime: string) => ({ dateTime, timeZone: "UTC" });
const event = (subject: string, extra: Record<string, unknown> = {}) => ({
  subject: `contract ${subject}`,
  start: utc("2031-03-04T10:00:00"),
  end: utc("2031-03-04T11:00:00"),
  ...extra,
});

/** The test user's mailbox path and an app token that may write it. */
async function mailbox(t: ContractTarget): Promise<{ path: string; token: string }> {
  return { path: `/users/${(await testUser(t)).id}`, token: await appToken(t) };
}

/** Creates an event in the test user's calendar, runs `fn` with it, then deletes it (live runs clean up after themselves). */
async function withEvent(t: ContractTarget, body: Record<string, unknown>, fn: (id: string, m: { path: string; token: string }) => Promise<WireResponse>): Promise<WireResponse> {
  const m = await mailbox(t);
  const created = await graphOk(t, "POST", `${m.path}/events`, m.token, body);
  try {
    return await fn(created.id as string, m);
  } finally {
    await graph(t, "DELETE", `${m.path}/events/${created.id as string}`, { token: m.token });
  }
}

/**
 * Creates a meeting of the test user with another user of the tenant, finds
 * the attendee's copy, runs `fn` on it, then deletes both.
 */
async function withAttendeeCopy(t: ContractTarget, extra: Record<string, unknown>, fn: (copyPath: string, token: string) => Promise<WireResponse>): Promise<WireResponse> {
  const m = await mailbox(t);
  const attendee = await otherUser(t, m.token);
  const uid = randomUUID().slice(0, 8);
  return withEvent(t, event(`meeting ${uid}`, { ...extra, attendees: [{ emailAddress: { address: attendee.userPrincipalName }, type: "required" }] }), async () => {
    const copies = await graphOk(t, "GET", `/users/${attendee.id}/events?$filter=${encodeURIComponent(`subject eq 'contract meeting ${uid}'`)}`, m.token);
    const copy = (copies.value as { id: string }[])[0];
    if (!copy) throw new Error("the attendee received no copy of the meeting");
    try {
      return await fn(`/users/${attendee.id}/events/${copy.id}`, m.token);
    } finally {
      await graph(t, "DELETE", `/users/${attendee.id}/events/${copy.id}`, { token: m.token });
    }
  });
}

/** Another user of the tenant than the test user (for meetings). */
async function otherUser(t: ContractTarget, token: string): Promise<{ id: string; userPrincipalName: string }> {
  const me = await testUser(t);
  const list = await graphOk(t, "GET", "/users?$top=20&$select=id,userPrincipalName", token);
  const other = (list.value as { id: string; userPrincipalName: string }[]).find((u) => u.id !== me.id);
  if (!other) throw new Error("the test tenant needs a second user for meeting cases");
  return other;
}

const call = (method: string, suffix: string, body?: unknown, headers?: Record<string, string>) => async (t: ContractTarget) => {
  const m = await mailbox(t);
  return graph(t, method, `${m.path}${suffix}`, { token: m.token, ...(body !== undefined ? { body } : {}), ...(headers ? { headers } : {}) });
};

/** Calendar (Outlook) error paths: every calendar factory of the Graph catalogue. */
export const CALENDAR_CASES: ErrorCase[] = [
  {
    id: "calendar-400-id-malformed",
    wire: "graph", area: AREA, source: REF,
    title: "an event id that is not an Exchange id",
    status: 400, code: "ErrorInvalidIdMalformed",
    message: /^Id is malformed\.$/,
    run: call("GET", "/events/abc"),
  },
  {
    id: "calendar-404-item-not-found",
    wire: "graph", area: AREA, source: REF,
    title: "an event that was deleted",
    status: 404, code: "ErrorItemNotFound",
    message: /^The specified object was not found in the store\.$/,
    run: async (t) => {
      const m = await mailbox(t);
      const created = await graphOk(t, "POST", `${m.path}/events`, m.token, event("gone"));
      await graph(t, "DELETE", `${m.path}/events/${created.id as string}`, { token: m.token });
      return graph(t, "GET", `${m.path}/events/${created.id as string}`, { token: m.token });
    },
  },
  {
    id: "calendar-403-access-denied",
    wire: "graph", area: AREA, source: REF,
    title: "a delegated token without a Calendars scope",
    status: 403, code: "ErrorAccessDenied",
    message: /^Access is denied\. Check credentials and try again\.$/,
    run: async (t) => graph(t, "GET", "/me/events", { token: (await userAccessToken(t)).accessToken }),
  },
  {
    id: "calendar-404-invalid-user",
    wire: "graph", area: AREA, source: "microsoft-graph-docs#7909, #4097",
    title: "the calendar of a user who does not exist",
    status: 404, code: "ErrorInvalidUser",
    message: /^The requested user 'nobody-[0-9a-f]{8}@example\.com' is invalid\.$/,
    run: async (t) => graph(t, "GET", `/users/nobody-${randomUUID().slice(0, 8)}@example.com/events`, { token: await appToken(t) }),
  },
  {
    id: "calendar-400-view-window",
    wire: "graph", area: AREA, source: REF,
    title: "calendarView without startDateTime and endDateTime",
    status: 400, code: "ErrorInvalidParameter",
    message: /^This request requires a time window specified by the query string parameters StartDateTime and EndDateTime\.$/,
    run: call("GET", "/calendarView"),
  },
  {
    id: "calendar-400-view-bad-date",
    wire: "graph", area: AREA, source: "none documented: the emulator's wording",
    title: "calendarView with a startDateTime that is no date",
    status: 400, code: "ErrorInvalidParameter",
    message: /^The value 'yesterday' of parameter 'startDateTime' is invalid\.$/,
    run: call("GET", "/calendarView?startDateTime=yesterday&endDateTime=2031-02-01T00:00:00Z"),
  },
  {
    id: "calendar-400-view-range",
    wire: "graph", area: AREA, source: "microsoft-graph-docs#6284",
    title: "a calendarView window longer than 1825 days",
    status: 400, code: "ErrorInvalidRequest",
    message: /^Your request can't be completed\. The range between the start and end dates is greater than the allowed range\. Maximum number of days: 1825$/,
    run: call("GET", "/calendarView?startDateTime=2029-01-01T00:00:00Z&endDateTime=2034-01-01T00:00:00Z"),
  },
  {
    id: "calendar-400-schedule-limit",
    wire: "graph", area: AREA, source: "none documented: the emulator's wording",
    title: "getSchedule for more than 20 schedules",
    status: 400, code: "ErrorInvalidParameter",
    message: /^A maximum of 20 schedules can be requested at a time\.$/,
    run: call("POST", "/calendar/getSchedule", {
      schedules: Array.from({ length: 21 }, (_, i) => `user${i}@example.com`),
      startTime: utc("2031-03-04T00:00:00"),
      endTime: utc("2031-03-05T00:00:00"),
    }),
  },
  {
    id: "calendar-400-validation",
    wire: "graph", area: AREA, source: "microsoft-graph-docs#7919",
    title: "an event that ends before it starts",
    status: 400, code: "ErrorPropertyValidationFailure",
    message: /^At least one property failed validation\.$/,
    run: call("POST", "/events", event("backwards", { end: utc("2031-03-04T09:00:00") })),
  },
  {
    id: "calendar-400-time-zone",
    wire: "graph", area: AREA, source: REF,
    title: "an unknown time zone name",
    status: 400, code: "TimeZoneNotSupportedException",
    message: /^A valid TimeZone value must be specified\. The following TimeZone value is not supported: 'Mars\/Olympus'\.$/,
    run: call("POST", "/events", event("mars", { start: { dateTime: "2031-03-04T10:00:00", timeZone: "Mars/Olympus" } })),
  },
  {
    id: "calendar-400-body-read",
    wire: "graph", area: AREA, source: "Microsoft.OData.Core reader messages",
    title: "a body value of the wrong type",
    status: 400, code: "RequestBodyRead",
    message: /^Cannot convert the literal '42' to the expected type 'Edm\.String'\.$/,
    run: call("POST", "/events", event("typed", { subject: 42 })),
  },
  {
    id: "calendar-400-empty-payload",
    wire: "graph", area: AREA, source: REF,
    title: "creating an event with no body",
    status: 400, code: "BadRequest",
    message: /^Empty Payload\. JSON content expected\.$/,
    run: call("POST", "/events"),
  },
  {
    id: "calendar-400-no-occurrence",
    wire: "graph", area: AREA, source: "none documented: the emulator's wording for Exchange's ErrorRecurrenceHasNoOccurrence",
    title: "a recurrence whose range holds no occurrence",
    status: 400, code: "ErrorRecurrenceHasNoOccurrence",
    message: /^The recurrence pattern has no occurrences in the given range\.$/,
    run: call("POST", "/events", event("never", {
      start: utc("2031-03-04T10:00:00"),
      end: utc("2031-03-04T10:30:00"),
      recurrence: { pattern: { type: "weekly", interval: 1, daysOfWeek: ["monday"] }, range: { type: "endDate", startDate: "2031-03-04", endDate: "2031-03-08" } },
    })),
  },
  {
    id: "calendar-400-crossing-boundary",
    wire: "graph", area: AREA, source: REF,
    title: "moving an occurrence past its neighbour",
    status: 400, code: "ErrorOccurrenceCrossingBoundary",
    message: /^Modified occurrence is crossing or overlapping adjacent occurrence\.$/,
    run: (t) =>
      withEvent(t, event("daily", {
        start: utc("2031-05-01T09:00:00"),
        end: utc("2031-05-01T09:30:00"),
        recurrence: { pattern: { type: "daily", interval: 1 }, range: { type: "numbered", startDate: "2031-05-01", numberOfOccurrences: 3 } },
      }), async (id, m) => {
        const view = await graphOk(t, "GET", `${m.path}/events/${id}/instances?startDateTime=2031-05-01T00:00:00Z&endDateTime=2031-05-04T00:00:00Z`, m.token);
        const first = (view.value as { id: string }[])[0]!;
        return graph(t, "PATCH", `${m.path}/events/${first.id}`, { token: m.token, body: { start: utc("2031-05-02T10:00:00"), end: utc("2031-05-02T10:30:00") } });
      }),
  },
  {
    id: "calendar-400-delete-default",
    wire: "graph", area: AREA, source: "Exchange EWS text for ErrorDeleteDistinguishedFolder",
    title: "deleting the default calendar",
    status: 400, code: "ErrorDeleteDistinguishedFolder",
    message: /^Distinguished folders cannot be deleted\.$/,
    run: async (t) => {
      const m = await mailbox(t);
      const cal = await graphOk(t, "GET", `${m.path}/calendar`, m.token);
      return graph(t, "DELETE", `${m.path}/calendars/${cal.id as string}`, { token: m.token });
    },
  },
  {
    id: "calendar-409-folder-exists",
    wire: "graph", area: AREA, source: REF,
    title: "a calendar name already in use",
    status: 409, code: "ErrorFolderExists",
    message: /^A folder with the specified name already exists\.$/,
    run: async (t) => {
      const m = await mailbox(t);
      const name = `contract ${randomUUID().slice(0, 8)}`;
      const cal = await graphOk(t, "POST", `${m.path}/calendars`, m.token, { name });
      try {
        return await graph(t, "POST", `${m.path}/calendars`, { token: m.token, body: { name: name.toUpperCase() } });
      } finally {
        await graph(t, "DELETE", `${m.path}/calendars/${cal.id as string}`, { token: m.token });
      }
    },
  },
  {
    id: "calendar-400-unknown-select",
    wire: "graph", area: AREA, source: "Microsoft.OData.Core message for an unknown $select property",
    title: "$select of a property events lack",
    status: 400, code: "RequestBroker--ParseUri",
    message: /^Could not find a property named 'colour' on type 'microsoft\.graph\.event'\.$/,
    run: call("GET", "/events?$select=subject,colour"),
  },
  {
    id: "calendar-400-respond-as-organizer",
    wire: "graph", area: AREA, source: "none documented: the emulator's wording",
    title: "the organizer accepting their own meeting",
    status: 400, code: "ErrorInvalidRequest",
    message: /^Your request can't be completed\. You can't respond to a meeting you organized\.$/,
    run: (t) => withEvent(t, event("own meeting"), (id, m) => graph(t, "POST", `${m.path}/events/${id}/accept`, { token: m.token, body: {} })),
  },
  {
    id: "calendar-400-cancel-not-organizer",
    wire: "graph", area: AREA, source: "api/event-cancel.md (message; the code is Exchange's generic ErrorInvalidRequest)",
    title: "an attendee cancelling a meeting",
    status: 400, code: "ErrorInvalidRequest",
    message: /^Your request can't be completed\. You need to be an organizer to cancel a meeting\.$/,
    run: (t) => withAttendeeCopy(t, {}, (copy, token) => graph(t, "POST", `${copy}/cancel`, { token, body: { comment: "no" } })),
  },
  {
    id: "calendar-400-proposal-not-allowed",
    wire: "graph", area: AREA, source: "api/event-tentativelyaccept.md lists the 400s; the wording is the emulator's own",
    title: "proposing a new time for a meeting that allows none",
    status: 400, code: "ErrorInvalidRequest",
    message: /^Your request can't be completed\. The organizer doesn't allow new time proposals for this meeting\.$/,
    run: (t) =>
      withAttendeeCopy(t, { allowNewTimeProposals: false }, (copy, token) =>
        graph(t, "POST", `${copy}/tentativelyAccept`, { token, body: { proposedNewTime: { start: utc("2031-03-05T10:00:00"), end: utc("2031-03-05T11:00:00") } } }),
      ),
  },
];
