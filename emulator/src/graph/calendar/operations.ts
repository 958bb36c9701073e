import type { GraphDeps } from "../context.ts";
import type { Method, Operation, OperationHandler, OperationPermissions } from "../operation.ts";
import type { CalendarDeps } from "./access.ts";
import { actionHandler } from "./actions-handlers.ts";
import { calendarHandlers } from "./calendars-handlers.ts";
import { calendarViewDelta, type DeltaContainer } from "./delta.ts";
import { eventHandlers, type Container } from "./events-handlers.ts";
import { findMeetingTimesHandler } from "./find-meeting-times.ts";
import { readCalendarFixtures } from "./fixtures.ts";
import { getScheduleHandler } from "./schedule.ts";
import { R, RB, RBA, RS, RW, RWS } from "./scopes.ts";

/*
 * Calendar permissions, least privileged first. The first entry of each list
 * is Microsoft's least privileged permission (test/graph/calendar/permissions-table.test.ts
 * checks every row against Microsoft's permissions map); rows that knowingly
 * differ say why. Outlook refuses with ErrorAccessDenied.
 */
const SHARED_NOTE =
  "Also accepts the .Shared scopes, which Microsoft's map lists only on some calendar paths: they cover the signed-in user's own calendars as well as calendars shared with them.";
const NO_ENTRY = "No entry in Microsoft's map; the emulator follows the neighbouring calendar rows (docs: api/calendar-get.md, calendar-update.md).";
const GET_ONE_NOTE = "Microsoft's map omits Calendars.ReadWrite (and the .Shared scopes) for reading one event; the docs and the list rows allow them.";

const rule = (delegated: string[], application: string[], differsFromMicrosoft?: string): OperationPermissions => ({
  delegated,
  application,
  refusal: "outlook",
  ...(differsFromMicrosoft ? { differsFromMicrosoft } : {}),
});
const READ = [RB, R, RS, RW, RWS];
const READ_APP = [RB, RBA, R, RW];
const WRITE = [RW, RWS];

/** Mailbox prefixes: the signed-in user, or any user by id or userPrincipalName. */
const PREFIXES = ["/me", "/users/{user}"] as const;
/** Where events are found: the default calendar's (plain or via /calendar) or a named calendar's. */
const CONTAINERS: Container[] = ["", "/calendar", "/calendars/{calendarId}"];
const ACTIONS = ["accept", "decline", "tentativelyAccept", "cancel"] as const;
/** Where calendarView delta runs: the mailbox's calendarView or one calendar's. */
const DELTA_CONTAINERS: DeltaContainer[] = ["", "/calendars/{calendarId}"];
/** calendarView delta's least privileged permission is Calendars.Read (ReadBasic is listed as higher). */
const DELTA_READ = [R, RB, RS, RW, RWS];
const DELTA_READ_APP = [R, RB, RBA, RW];

/**
 * Calendar: calendars, events, calendarView and its delta, instances, meeting
 * responses, getSchedule and findMeetingTimes, each under /me and /users/{user}.
 */
export function calendarOperations(graphDeps: GraphDeps): Operation[] {
  // Read on first need (a tenant's first calendar request), not at start: converting the fixture
  // events' local times starts the time-zone data, a third of a cold start.
  let fixtures: ReturnType<typeof readCalendarFixtures> | undefined;
  const deps: CalendarDeps = { ...graphDeps, fixtures: () => (fixtures ??= readCalendarFixtures()) };
  const calendars = calendarHandlers(deps);
  const events = eventHandlers(deps);
  const out: Operation[] = [];
  for (const p of PREFIXES) {
    const me = p === "/me";
    const on = (method: Method, path: string, summary: string, permissions: OperationPermissions, handler: OperationHandler) =>
      out.push({ method, path: `${p}${path}`, summary, permissions, handler });
    on("GET", "/calendar", "The default calendar.", rule(READ, READ_APP, NO_ENTRY), calendars.get());
    on("PATCH", "/calendar", "Update the default calendar (name, color).", rule(WRITE, [RW], NO_ENTRY), calendars.update());
    on("DELETE", "/calendar", "Refused: the default calendar cannot be deleted (400 ErrorDeleteDistinguishedFolder).", rule([RW], [RW], NO_ENTRY), calendars.remove());
    on("GET", "/calendars", "The mailbox's calendars (a delegate sees the ones shared with them).", rule([RB, R, RS, RW], READ_APP), calendars.list());
    on("POST", "/calendars", "Create a calendar.", rule([RW], [RW]), calendars.create());
    on("GET", "/calendars/{calendarId}", "One calendar.", rule(READ, READ_APP, NO_ENTRY), calendars.get());
    on("PATCH", "/calendars/{calendarId}", "Update a calendar.", rule(WRITE, [RW], NO_ENTRY), calendars.update());
    on("DELETE", "/calendars/{calendarId}", "Delete a calendar and its events (not the default one).", rule([RW], [RW]), calendars.remove());
    for (const c of CONTAINERS) {
      on("GET", `${c}/events`, "List events (series masters and single events): $select, $filter, $orderby, $top, $skip.", rule(READ, READ_APP, SHARED_NOTE), events.list(c));
      on("POST", `${c}/events`, "Create an event or series; attendees get invitations.", rule(WRITE, [RW], SHARED_NOTE), events.create(c));
      on("GET", `${c}/events/{eventId}`, "One event, occurrence or exception.", rule(READ, READ_APP, GET_ONE_NOTE), events.get(c));
      on("PATCH", `${c}/events/{eventId}`, "Update an event; an occurrence becomes an exception.", rule(WRITE, [RW], SHARED_NOTE), events.update(c));
      on("DELETE", `${c}/events/{eventId}`, "Delete an event; the organizer's delete cancels the meeting.", rule(WRITE, [RW], SHARED_NOTE), events.remove(c));
      on("GET", `${c}/events/{eventId}/instances`, "Occurrences and exceptions of a series in a window.", rule(READ, READ_APP, GET_ONE_NOTE), events.instances(c));
      for (const action of ACTIONS) {
        const summary = action === "cancel" ? "The organizer cancels a meeting (202)." : `An attendee answers an invitation: ${action} (202).`;
        on("POST", `${c}/events/{eventId}/${action}`, summary, rule(WRITE, [RW], SHARED_NOTE), actionHandler(deps, c, action));
      }
      on("GET", `${c}/calendarView`, "Occurrences in a window (startDateTime, endDateTime), series expanded.", rule(READ, READ_APP, c === "" && me ? NO_ENTRY : SHARED_NOTE), events.calendarView(c));
    }
    for (const c of DELTA_CONTAINERS) {
      on("GET", `${c}/calendarView/delta()`, "Changes in a calendarView window: a first round lists it, a $deltatoken round what changed since (paged with Prefer: odata.maxpagesize).", rule(DELTA_READ, DELTA_READ_APP, SHARED_NOTE), calendarViewDelta(deps, c));
    }
    on("POST", "/calendar/getSchedule", "Free/busy of up to 20 mailboxes.", rule([RB, R, RW], READ_APP), getScheduleHandler(deps));
    on("POST", "/findMeetingTimes", "Meeting time suggestions for the attendees.", rule([RS, RWS], []), findMeetingTimesHandler(deps));
  }
  return out;
}
