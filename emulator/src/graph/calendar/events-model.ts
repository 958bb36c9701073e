import { graphErrors } from "../../errors/graph-error.ts";
import type { CalendarEvent, PatternedRecurrence } from "../../store/calendar-types.ts";
import type { TenantState } from "../../store/types.ts";
import { dayOf, formatInstant, formatLocal, parseDateTime } from "./date-time.ts";
import { addEvent, changedEvent, eventIndex, reindexEvent, removeEvent } from "./event-index.ts";
import { checkTimes, emptyLocation, recurrenceFor, type EventInput, type TimeInput } from "./event-input.ts";
import { isOccurrenceStart, neighbours } from "./expand.ts";
import { decodeId, newChangeKey, newICalUId, newId, occurrenceId } from "./ids.ts";
import { seriesBounds, seriesOfEvent } from "./series.ts";
import { resolveZone, utcToLocal, UTC_ZONE } from "./time-zones.ts";
import { seriesOf } from "./expand.ts";
import { newEventRecord, NO_RESPONSE_TIME } from "./event-defaults.ts";

export interface Owner {
  id: string;
  displayName: string;
  address: string;
}

/** A stored event, or an occurrence computed from its series master. */
export type EventRef = { kind: "stored"; event: CalendarEvent } | { kind: "occurrence"; master: CalendarEvent; originalStartMs: number };

/** The stored time of an event as a TimeInput again. */
export function storedTime(dt: CalendarEvent["start"], utcMs: number): TimeInput {
  const zone = resolveZone(dt.timeZone) ?? UTC_ZONE;
  return { zone, localMs: parseDateTime(dt.dateTime)?.localMs ?? utcToLocal(utcMs, zone.iana), utcMs };
}

function touch(t: TenantState, e: CalendarEvent, nowMs: number): void {
  e.changeKey = newChangeKey();
  e.lastModifiedDateTime = formatInstant(nowMs);
  changedEvent(t, e);
}

/**
 * Sets an event's times (and recurrence): end not before start, all-day on
 * whole days; a series master starts at its first occurrence, as Exchange
 * stores it, and a range without occurrences is refused.
 */
function setSchedule(e: CalendarEvent, start: TimeInput, end: TimeInput, recurrence: PatternedRecurrence | null): void {
  checkTimes(start, end, e.isAllDay);
  let startMs = start.utcMs;
  let endMs = end.utcMs;
  e.seriesEndMs = null;
  e.recurrence = recurrence;
  if (recurrence) {
    const bounds = seriesBounds(seriesOf(recurrence, startMs, endMs, start.zone.iana));
    if (!bounds) throw graphErrors.recurrenceHasNoOccurrence();
    endMs = bounds.firstStartMs + (endMs - startMs);
    startMs = bounds.firstStartMs;
    e.seriesEndMs = bounds.endMs;
    e.type = "seriesMaster";
  } else if (e.type === "seriesMaster") {
    e.type = "singleInstance";
  }
  e.startMs = startMs;
  e.endMs = endMs;
  e.start = { dateTime: formatLocal(utcToLocal(startMs, start.zone.iana)), timeZone: start.zone.name };
  e.end = { dateTime: formatLocal(utcToLocal(endMs, end.zone.iana)), timeZone: end.zone.name };
  e.originalStartTimeZone = start.zone.name;
  e.originalEndTimeZone = end.zone.name;
}

/** The properties an input sets on an event as they are. */
const PLAIN = [
  "subject", "body", "isAllDay", "showAs", "importance", "sensitivity", "categories", "isReminderOn",
  "reminderMinutesBeforeStart", "responseRequested", "allowNewTimeProposals", "hideAttendees", "transactionId",
] as const satisfies readonly (keyof EventInput & keyof CalendarEvent)[];

function copyPlain<K extends (typeof PLAIN)[number]>(e: CalendarEvent, input: EventInput, key: K): void {
  const value = input[key];
  if (value !== undefined) e[key] = value as unknown as CalendarEvent[K];
}

/** Copies the plain (non-schedule) properties of an input onto an event. */
function applyPlain(e: CalendarEvent, input: EventInput): void {
  for (const key of PLAIN) copyPlain(e, input, key);
  if (input.location !== undefined) {
    e.location = input.location;
    if (input.locations === undefined) e.locations = input.location.displayName ? [{ ...input.location, uniqueIdType: "unknown" }] : [];
  }
  if (input.locations !== undefined) {
    e.locations = input.locations;
    if (input.location === undefined) {
      const name = input.locations.map((l) => l.displayName).join("; ");
      e.location = name ? { displayName: name, locationType: "default", uniqueId: name, uniqueIdType: "private" } : emptyLocation();
    }
  }
  if (input.attendees !== undefined) {
    const before = new Map(e.attendees.map((a) => [a.emailAddress.address.toLowerCase(), a]));
    e.attendees = input.attendees.map((a) => {
      const prior = before.get(a.emailAddress.address.toLowerCase());
      return {
        type: a.type,
        status: prior?.status ?? { response: "none", time: NO_RESPONSE_TIME },
        emailAddress: { name: a.emailAddress.name || prior?.emailAddress.name || a.emailAddress.address, address: a.emailAddress.address },
      };
    });
  }
  if (input.isOnlineMeeting !== undefined || input.onlineMeetingProvider !== undefined) {
    if (input.onlineMeetingProvider !== undefined) e.onlineMeetingProvider = input.onlineMeetingProvider;
    if (input.isOnlineMeeting !== undefined) e.isOnlineMeeting = input.isOnlineMeeting;
    if (e.isOnlineMeeting && e.onlineMeetingProvider === "unknown") e.onlineMeetingProvider = "teamsForBusiness";
    e.onlineMeeting = e.isOnlineMeeting ? (e.onlineMeeting ?? newOnlineMeeting()) : null;
  }
}

/** A Teams meeting's join details; its dial-in number, as the pages' online meetings show one (user-post-events.md), is a fictional 555 number. */
function newOnlineMeeting(): CalendarEvent["onlineMeeting"] {
  const thread = newChangeKey().replace(/[^A-Za-z0-9]/g, "").slice(0, 20);
  return {
    joinUrl: `https://teams.microsoft.com/l/meetup-join/19%3ameeting_${thread}%40thread.v2/0`,
    conferenceId: String(100_000_000 + Math.floor(Math.random() * 899_999_999)),
    tollNumber: "+1 425 555 0123",
    tollFreeNumbers: [],
    phones: [],
    quickDial: null,
  };
}

/** Creates an event in a calendar (the organizer's copy when it has attendees). */
export function createEvent(t: TenantState, owner: Owner, calendarId: string, input: EventInput, nowMs: number): CalendarEvent {
  const now = formatInstant(nowMs);
  const e = newEventRecord({
    id: newId("event", owner.id),
    calendarId,
    ownerId: owner.id,
    iCalUId: newICalUId(nowMs),
    changeKey: newChangeKey(),
    now,
    organizer: { name: owner.displayName, address: owner.address },
  });
  applyPlain(e, structuredClone(input));
  const start = input.start as TimeInput;
  setSchedule(e, start, input.end as TimeInput, input.recurrence === undefined ? null : recurrenceFor(input.recurrence, start.zone));
  addEvent(t, e);
  return e;
}

/** Whether an input changes when (or how often) an event happens. */
export function changesSchedule(input: EventInput): boolean {
  return input.start !== undefined || input.end !== undefined || input.recurrence !== undefined || input.isAllDay !== undefined;
}

/**
 * Applies a PATCH to an event. Everything is checked on a draft first, so a
 * refused PATCH changes nothing. Changing a series' schedule drops its
 * exceptions and deletions, as Outlook does; other series-wide changes reach
 * its exceptions too.
 */
export function updateEvent(t: TenantState, e: CalendarEvent, input: EventInput, nowMs: number): void {
  if (e.type === "exception" && input.recurrence !== undefined && input.recurrence !== null) throw graphErrors.propertyValidationFailure();
  const draft = structuredClone(e);
  applyPlain(draft, input);
  const rescheduled = changesSchedule(input);
  if (rescheduled) {
    const start = input.start ?? storedTime(draft.start, draft.startMs);
    const end = input.end ?? storedTime(draft.end, draft.endMs);
    if (draft.type === "exception") {
      checkException(t, draft, start.utcMs, end.utcMs);
      setSchedule(draft, start, end, null);
      draft.type = "exception";
    } else {
      setSchedule(draft, start, end, input.recurrence === undefined ? draft.recurrence : recurrenceFor(input.recurrence, start.zone));
    }
  }
  const before = { type: e.type, seriesMasterId: e.seriesMasterId, originalStartMs: e.originalStartMs, iCalUId: e.iCalUId };
  Object.assign(e, draft);
  touch(t, e, nowMs);
  const index = eventIndex(t);
  if (rescheduled && before.type === "seriesMaster") {
    for (const ex of [...index.exceptionsOf(e.id).values()]) removeEvent(t, ex);
    e.deletedOccurrences = [];
  }
  if (before.type !== e.type) reindexEvent(t, e, before);
  index.touched(e);
  if (e.type === "seriesMaster" && !rescheduled) {
    for (const ex of index.exceptionsOf(e.id).values()) {
      applyPlain(ex, input);
      touch(t, ex, nowMs);
    }
  }
}

/** Outlook refuses to move an occurrence onto or past its neighbours. */
function checkException(t: TenantState, ex: CalendarEvent, startMs: number, endMs: number): void {
  const master = ex.seriesMasterId ? eventIndex(t).byId.get(ex.seriesMasterId) : undefined;
  if (!master || ex.originalStartMs === null) return;
  const series = seriesOfEvent(master);
  const { prev, next } = neighbours(series, ex.originalStartMs);
  const exceptions = eventIndex(t).exceptionsOf(master.id);
  const day = (ms: number) => dayOf(utcToLocal(ms, series.iana));
  if (prev !== undefined) {
    const prevEnd = exceptions.get(prev)?.endMs ?? prev + series.durationMs;
    if (startMs < prevEnd || day(startMs) <= day(prev)) throw graphErrors.occurrenceCrossingBoundary();
  }
  if (next !== undefined) {
    const nextStart = exceptions.get(next)?.startMs ?? next;
    if (endMs > nextStart || day(startMs) >= day(next)) throw graphErrors.occurrenceCrossingBoundary();
  }
}

/** Stores an occurrence as an exception (its id stays the occurrence id); with `store` false it is only built. */
export function materialize(t: TenantState, master: CalendarEvent, originalStartMs: number, nowMs: number, store = true): CalendarEvent {
  const existing = eventIndex(t).exceptionsOf(master.id).get(originalStartMs);
  if (existing) return existing;
  const duration = master.endMs - master.startMs;
  const startZone = resolveZone(master.start.timeZone) ?? UTC_ZONE;
  const endZone = resolveZone(master.end.timeZone) ?? UTC_ZONE;
  const ex: CalendarEvent = {
    ...structuredClone(master),
    id: occurrenceId(master.id, originalStartMs),
    type: "exception",
    seriesMasterId: master.id,
    originalStartMs,
    startMs: originalStartMs,
    endMs: originalStartMs + duration,
    seriesEndMs: null,
    start: { dateTime: formatLocal(utcToLocal(originalStartMs, startZone.iana)), timeZone: master.start.timeZone },
    end: { dateTime: formatLocal(utcToLocal(originalStartMs + duration, endZone.iana)), timeZone: master.end.timeZone },
    recurrence: null,
    deletedOccurrences: [],
    changeKey: newChangeKey(),
    lastModifiedDateTime: formatInstant(nowMs),
  };
  if (store) addEvent(t, ex);
  return ex;
}

/** Finds what an event id names in a mailbox: 400 when malformed, 404 when absent. */
export function resolveRef(t: TenantState | Parameters<typeof eventIndex>[0], ownerId: string, id: string): EventRef {
  const decoded = decodeId(id);
  if (!decoded) throw graphErrors.idMalformed();
  const index = eventIndex(t);
  index.loadMailboxes([ownerId]);
  const stored = index.byId.get(id);
  if (stored && stored.ownerId === ownerId) return { kind: "stored", event: stored };
  if (decoded.kind !== "occurrence" || !decoded.masterId || decoded.originalStartMs === undefined) throw graphErrors.itemNotFound();
  const master = index.byId.get(decoded.masterId);
  if (!master || master.ownerId !== ownerId || master.type !== "seriesMaster") throw graphErrors.itemNotFound();
  const start = decoded.originalStartMs;
  if (master.deletedOccurrences.includes(start) || !isOccurrenceStart(seriesOfEvent(master), start)) throw graphErrors.itemNotFound();
  return { kind: "occurrence", master, originalStartMs: start };
}

/** Applies a PATCH to what an id names: an occurrence becomes a stored exception only if the PATCH is accepted. */
export function updateRef(t: TenantState, ref: EventRef, input: EventInput, nowMs: number): CalendarEvent {
  if (ref.kind === "stored") {
    updateEvent(t, ref.event, input, nowMs);
    return ref.event;
  }
  const ex = materialize(t, ref.master, ref.originalStartMs, nowMs, false);
  updateEvent(t, ex, input, nowMs);
  if (!eventIndex(t).byId.has(ex.id)) addEvent(t, ex);
  return ex;
}

/** Deletes an event; an occurrence or exception becomes a deleted occurrence of its series. */
export function deleteRef(t: TenantState, ref: EventRef): void {
  if (ref.kind === "occurrence") {
    ref.master.deletedOccurrences = [...ref.master.deletedOccurrences, ref.originalStartMs];
    changedEvent(t, ref.master);
    return;
  }
  const e = ref.event;
  if (e.type === "exception") {
    const master = e.seriesMasterId ? eventIndex(t).byId.get(e.seriesMasterId) : undefined;
    if (master && e.originalStartMs !== null) {
      master.deletedOccurrences = [...master.deletedOccurrences, e.originalStartMs];
      changedEvent(t, master);
    }
    removeEvent(t, e);
    return;
  }
  if (e.type === "seriesMaster") for (const ex of [...eventIndex(t).exceptionsOf(e.id).values()]) removeEvent(t, ex);
  removeEvent(t, e);
}
