import type { CalendarEvent } from "../../store/calendar-types.ts";
import { bodyAs, previewOf } from "./body-format.ts";
import { dayOf, formatInstant, formatLocal, formatDate } from "./date-time.ts";
import { occurrenceICalUId, occurrenceId } from "./ids.ts";
import { resolveZone, utcToLocal, UTC_ZONE, type Zone } from "./time-zones.ts";

/**
 * An event as Graph returns it. An item is a stored event, or an occurrence
 * computed from a series master (master + original start).
 */
export interface EventItem {
  event: CalendarEvent;
  /** For an occurrence: its original start; the event is then the master. */
  occurrenceStartMs?: number;
}

export interface ViewOptions {
  zone: Zone;
  bodyType: "text" | "html" | undefined;
  /** Calendars.ReadBasic: no body (and no attachments or extensions). */
  basic: boolean;
}

export const UTC_VIEW: ViewOptions = { zone: UTC_ZONE, bodyType: undefined, basic: false };

export function itemId(item: EventItem): string {
  return item.occurrenceStartMs === undefined ? item.event.id : occurrenceId(item.event.id, item.occurrenceStartMs);
}

export function itemStartMs(item: EventItem): number {
  return item.occurrenceStartMs ?? item.event.startMs;
}

export function itemEndMs(item: EventItem): number {
  return item.occurrenceStartMs === undefined ? item.event.endMs : item.occurrenceStartMs + (item.event.endMs - item.event.startMs);
}

function dtz(utcMs: number, zone: Zone): { dateTime: string; timeZone: string } {
  return { dateTime: formatLocal(utcToLocal(utcMs, zone.iana)), timeZone: zone.name };
}

function iCalUIdOf(e: CalendarEvent, originalStartMs: number | null | undefined): string {
  if (originalStartMs === null || originalStartMs === undefined) return e.iCalUId;
  const iana = resolveZone(e.recurrence?.range.recurrenceTimeZone ?? e.start.timeZone)?.iana ?? "UTC";
  const d = new Date(dayOf(utcToLocal(originalStartMs, iana)) * 86_400_000);
  return occurrenceICalUId(e.iCalUId, d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

export function webLinkOf(id: string): string {
  return `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(id)}&exvsurl=1&path=/calendar/item`;
}

/** The full Graph JSON of an event item, property names and order as Outlook sends them. */
export function eventJson(item: EventItem, opts: ViewOptions): Record<string, unknown> {
  const e = item.event;
  const occurrence = item.occurrenceStartMs !== undefined;
  const id = itemId(item);
  const type = occurrence ? "occurrence" : e.type;
  const originalStartMs = occurrence ? item.occurrenceStartMs : e.originalStartMs;
  const out: Record<string, unknown> = {
    "@odata.etag": `W/"${e.changeKey}"`,
    id,
    createdDateTime: e.createdDateTime,
    lastModifiedDateTime: e.lastModifiedDateTime,
    changeKey: e.changeKey,
    categories: [...e.categories],
    transactionId: e.transactionId,
    originalStartTimeZone: e.originalStartTimeZone,
    originalEndTimeZone: e.originalEndTimeZone,
    iCalUId: iCalUIdOf(e, originalStartMs),
    reminderMinutesBeforeStart: e.reminderMinutesBeforeStart,
    isReminderOn: e.isReminderOn,
    hasAttachments: false,
    subject: e.subject,
    bodyPreview: previewOf(e.body),
    importance: e.importance,
    sensitivity: e.sensitivity,
    isAllDay: e.isAllDay,
    isCancelled: e.isCancelled,
    isOrganizer: e.isOrganizer,
    responseRequested: e.responseRequested,
    seriesMasterId: occurrence ? e.id : e.seriesMasterId,
    showAs: e.showAs,
    type,
    webLink: webLinkOf(id),
    onlineMeetingUrl: null,
    isOnlineMeeting: e.isOnlineMeeting,
    onlineMeetingProvider: e.onlineMeetingProvider,
    allowNewTimeProposals: e.allowNewTimeProposals,
    isDraft: e.isDraft,
    hideAttendees: e.hideAttendees,
    responseStatus: { ...e.responseStatus },
    body: bodyAs(e.body, opts.bodyType),
    start: dtz(itemStartMs(item), opts.zone),
    end: dtz(itemEndMs(item), opts.zone),
    // Stored objects are shared, not copied: views are serialised at once and never changed.
    location: e.location,
    locations: e.locations,
    recurrence: occurrence || e.type === "exception" ? null : e.recurrence,
    attendees: e.attendees.map((a) => (a.proposedNewTime ? a : { type: a.type, status: a.status, emailAddress: a.emailAddress })),
    organizer: e.organizer,
    onlineMeeting: e.onlineMeeting,
  };
  if (originalStartMs !== null && originalStartMs !== undefined) out.originalStart = formatInstant(originalStartMs).replace(/\.\d+Z$/, "Z");
  if (opts.basic) {
    delete out.body;
    delete out.bodyPreview;
  }
  return out;
}

/** Properties Graph returns only when $select names them. */
export function selectOnlyJson(item: EventItem, name: string): unknown {
  if (name === "cancelledOccurrences") {
    const e = item.event;
    if (item.occurrenceStartMs !== undefined || e.type !== "seriesMaster") return [];
    const iana = resolveZone(e.recurrence?.range.recurrenceTimeZone ?? e.start.timeZone)?.iana ?? "UTC";
    return e.deletedOccurrences.map((ms) => `OID.${e.id}.${formatDate(dayOf(utcToLocal(ms, iana)))}`);
  }
  return undefined;
}
