import { graphErrors } from "../../errors/graph-error.ts";
import type { CalendarEvent, ResponseType, TimeSlot } from "../../store/calendar-types.ts";
import type { TenantState } from "../../store/types.ts";
import { formatInstant } from "./date-time.ts";
import { addEvent, changedEvent, eventIndex, removeEvent } from "./event-index.ts";
import { deleteRef, materialize, type EventRef } from "./events-model.ts";
import { NO_RESPONSE_TIME } from "./event-defaults.ts";
import { newChangeKey, newId, occurrenceId } from "./ids.ts";
import { ensureDefaultCalendar } from "./mailbox.ts";
import { findUser } from "../../directory/users.ts";

/**
 * Meetings across mailboxes of one tenant: the organizer's event is the
 * source; each attendee who is a user of the tenant gets a copy (same
 * iCalUId) in their default calendar. Responses update the attendee's copy
 * and the organizer's attendee list; cancellation marks every copy cancelled.
 */

const CANCELED = "Canceled: ";

/** Fields an attendee's copy takes from the organizer's event. */
const SHARED: (keyof CalendarEvent)[] = [
  "startMs", "endMs", "seriesEndMs", "start", "end", "originalStartTimeZone", "originalEndTimeZone", "subject", "body", "importance",
  "sensitivity", "isAllDay", "location", "locations", "organizer", "attendees", "recurrence", "allowNewTimeProposals", "hideAttendees",
  "isOnlineMeeting", "onlineMeetingProvider", "onlineMeeting", "responseRequested", "categories",
];

/** The part of SHARED that does not concern time: a series change carries these to every exception. */
const UNTIMED = SHARED.filter((k) => !["startMs", "endMs", "seriesEndMs", "start", "end", "originalStartTimeZone", "originalEndTimeZone", "isAllDay", "recurrence"].includes(k));

function copyShared(from: CalendarEvent, to: CalendarEvent, keys = SHARED): void {
  for (const k of keys) (to as unknown as Record<string, unknown>)[k] = structuredClone(from[k]);
}

/** Users of the tenant invited to a meeting, other than its organizer. */
function invitees(t: TenantState, e: CalendarEvent): Map<string, string> {
  const ids = new Map<string, string>();
  for (const a of e.attendees) {
    const user = findUser(t, a.emailAddress.address, "mailbox");
    if (user && user.id !== e.ownerId) ids.set(user.id, a.emailAddress.address.toLowerCase());
  }
  return ids;
}

/**
 * The mailboxes a meeting's copies live in: the event's own, its organizer's
 * and its invitees' (users of the tenant), plus `more` (invitees it had
 * before a change). Only these are searched for copies, so a mailbox's
 * events are read from disk when a meeting concerns it and not otherwise.
 */
export function meetingMailboxes(t: TenantState | Parameters<typeof eventIndex>[0], e: CalendarEvent, more: Iterable<string> = []): Set<string> {
  const owners = new Set<string>([e.ownerId, ...more]);
  const organizer = findUser(t as TenantState, e.organizer.emailAddress.address, "mailbox");
  if (organizer) owners.add(organizer.id);
  for (const a of e.attendees) {
    const user = findUser(t as TenantState, a.emailAddress.address, "mailbox");
    if (user) owners.add(user.id);
  }
  return owners;
}

/** Copies of a meeting in its mailboxes (meetingMailboxes). */
function copiesIn(t: TenantState | Parameters<typeof eventIndex>[0], e: CalendarEvent, more?: Iterable<string>): CalendarEvent[] {
  const owners = meetingMailboxes(t, e, more);
  const index = eventIndex(t);
  index.loadMailboxes(owners);
  return [...index.copiesOf(e.iCalUId)].filter((c) => owners.has(c.ownerId));
}

/** Attendee copies of an organizer's event (masters or single instances, not exceptions). */
function attendeeCopies(t: TenantState, e: CalendarEvent, formerInvitees?: Iterable<string>): CalendarEvent[] {
  return copiesIn(t, e, formerInvitees).filter((c) => !c.isOrganizer && c.type !== "exception");
}

/** The organizer's copy of a meeting an attendee holds. */
export function organizerCopy(t: TenantState | Parameters<typeof eventIndex>[0], e: CalendarEvent): CalendarEvent | undefined {
  return copiesIn(t, e).find((c) => c.isOrganizer && c.type !== "exception");
}

function newCopy(t: TenantState, organizerEvent: CalendarEvent, userId: string, nowMs: number): CalendarEvent {
  const calendar = ensureDefaultCalendar(t, userId);
  const copy: CalendarEvent = {
    ...structuredClone(organizerEvent),
    id: newId("event", userId),
    calendarId: calendar.id,
    ownerId: userId,
    isOrganizer: false,
    responseStatus: { response: "notResponded", time: NO_RESPONSE_TIME },
    // Exchange places an unanswered request on the calendar as tentative.
    showAs: "tentative",
    changeKey: newChangeKey(),
    createdDateTime: formatInstant(nowMs),
    lastModifiedDateTime: formatInstant(nowMs),
    transactionId: null,
  };
  addEvent(t, copy);
  for (const ex of eventIndex(t).exceptionsOf(organizerEvent.id).values()) {
    const exCopy: CalendarEvent = { ...copy, ...structuredClone(ex), id: occurrenceId(copy.id, ex.originalStartMs as number), seriesMasterId: copy.id };
    Object.assign(exCopy, { calendarId: copy.calendarId, ownerId: userId, isOrganizer: false, responseStatus: copy.responseStatus, showAs: "tentative" });
    addEvent(t, exCopy);
  }
  return copy;
}

function cancelCopy(t: TenantState, e: CalendarEvent, nowMs: number): void {
  e.isCancelled = true;
  if (!e.subject.startsWith(CANCELED)) e.subject = `${CANCELED}${e.subject}`;
  e.changeKey = newChangeKey();
  e.lastModifiedDateTime = formatInstant(nowMs);
  changedEvent(t, e);
}

/**
 * Brings attendees' copies in line with the organizer's event: new invitees get
 * a copy, removed ones see theirs cancelled, the rest take the changes. A
 * change of time asks everyone to respond again.
 */
export function syncAttendees(t: TenantState, e: CalendarEvent, nowMs: number, scheduleChanged: boolean, formerInvitees?: Iterable<string>): void {
  if (!e.isOrganizer || e.type === "exception") return;
  const wanted = invitees(t, e);
  if (scheduleChanged) {
    for (const a of e.attendees) a.status = { response: "none", time: NO_RESPONSE_TIME };
    changedEvent(t, e);
  }
  for (const copy of attendeeCopies(t, e, formerInvitees)) {
    if (!wanted.has(copy.ownerId)) {
      if (!copy.isCancelled) cancelCopy(t, copy, nowMs);
      continue;
    }
    wanted.delete(copy.ownerId);
    copyShared(e, copy);
    copy.type = e.type;
    copy.isCancelled = e.isCancelled;
    // The attendee's declined and cancelled occurrences stay as they are unless the series was rescheduled.
    if (scheduleChanged) {
      copy.deletedOccurrences = [...e.deletedOccurrences];
      copy.responseStatus = { response: "notResponded", time: NO_RESPONSE_TIME };
      copy.showAs = "tentative";
      for (const ex of [...eventIndex(t).exceptionsOf(copy.id).values()]) removeEvent(t, ex);
    } else {
      // Series-wide changes reach the attendee's changed occurrences too (not cancelled ones).
      const organizerExceptions = eventIndex(t).exceptionsOf(e.id);
      for (const ex of eventIndex(t).exceptionsOf(copy.id).values()) {
        if (ex.isCancelled) continue;
        copyShared(organizerExceptions.get(ex.originalStartMs as number) ?? e, ex, UNTIMED);
        ex.changeKey = newChangeKey();
        ex.lastModifiedDateTime = formatInstant(nowMs);
        changedEvent(t, ex);
      }
    }
    copy.changeKey = newChangeKey();
    copy.lastModifiedDateTime = formatInstant(nowMs);
    changedEvent(t, copy);
  }
  for (const userId of wanted.keys()) newCopy(t, e, userId, nowMs);
}

/** After the organizer changed one occurrence: the same change on each attendee's occurrence. */
export function syncException(t: TenantState, ex: CalendarEvent, nowMs: number): void {
  if (!ex.isOrganizer || ex.originalStartMs === null) return;
  const master = ex.seriesMasterId ? eventIndex(t).byId.get(ex.seriesMasterId) : undefined;
  if (!master) return;
  for (const copy of attendeeCopies(t, master)) {
    const target = materialize(t, copy, ex.originalStartMs, nowMs);
    const keep = { responseStatus: target.responseStatus, showAs: target.showAs, isCancelled: target.isCancelled };
    copyShared(ex, target);
    Object.assign(target, keep, { recurrence: null, changeKey: newChangeKey(), lastModifiedDateTime: formatInstant(nowMs) });
    changedEvent(t, target);
  }
}

/** Cancels a meeting (or one occurrence) for every attendee; the organizer's copy is then deleted. */
export function cancelMeeting(t: TenantState, ref: EventRef, nowMs: number): void {
  const e = ref.kind === "stored" ? ref.event : ref.master;
  const master = e.type === "exception" && e.seriesMasterId ? eventIndex(t).byId.get(e.seriesMasterId) : e;
  const originalStart = ref.kind === "occurrence" ? ref.originalStartMs : e.type === "exception" ? e.originalStartMs : null;
  if (master && master.isOrganizer) {
    for (const copy of attendeeCopies(t, master)) {
      if (originalStart === null) cancelCopy(t, copy, nowMs);
      else cancelCopy(t, materialize(t, copy, originalStart, nowMs), nowMs);
    }
  }
  deleteRef(t, ref);
}

export interface Reply {
  response: Extract<ResponseType, "accepted" | "tentativelyAccepted" | "declined">;
  sendResponse: boolean;
  proposedNewTime: TimeSlot | null;
}

/**
 * An attendee answers a meeting request. Their copy records the answer
 * (a declined meeting leaves their calendar, as in Outlook); unless
 * sendResponse is false, the organizer's attendee list records it too.
 */
export function respond(t: TenantState, ref: EventRef, reply: Reply, attendeeAddress: string, nowMs: number): void {
  const e = ref.kind === "stored" ? ref.event : ref.master;
  if (e.isOrganizer) throw graphErrors.respondAsOrganizer();
  const organizer = organizerCopy(t, e);
  if (reply.proposedNewTime) {
    if (!reply.sendResponse) throw graphErrors.proposalNotAllowed("A new time can only be proposed when the response is sent to the organizer.");
    if (!(organizer ?? e).allowNewTimeProposals) throw graphErrors.proposalNotAllowed("The organizer doesn't allow new time proposals for this meeting.");
  }
  const now = formatInstant(nowMs);
  if (reply.response === "declined") {
    deleteRef(t, ref);
  } else {
    const target = ref.kind === "occurrence" ? materialize(t, ref.master, ref.originalStartMs, nowMs) : ref.event;
    target.responseStatus = { response: reply.response, time: now };
    target.showAs = reply.response === "accepted" ? (organizer?.showAs ?? "busy") : "tentative";
    target.changeKey = newChangeKey();
    target.lastModifiedDateTime = now;
    changedEvent(t, target);
  }
  // Per-occurrence answers stay on the attendee's side; the organizer's list tracks the series.
  if (!reply.sendResponse || !organizer || ref.kind === "occurrence" || e.type === "exception") return;
  const address = attendeeAddress.toLowerCase();
  const attendee = organizer.attendees.find((a) => a.emailAddress.address.toLowerCase() === address);
  if (!attendee) return;
  attendee.status = { response: reply.response, time: now };
  attendee.proposedNewTime = reply.proposedNewTime;
  organizer.changeKey = newChangeKey();
  changedEvent(t, organizer);
}
