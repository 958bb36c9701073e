import type { CalendarEvent } from "../../store/calendar-types.ts";
import { emptyLocation } from "./event-input.ts";

/** The time Exchange gives a response that has not been made. */
export const NO_RESPONSE_TIME = "0001-01-01T00:00:00Z";

/** What a new event takes from its creation rather than from the usual values. */
export interface NewEventFields {
  id: string;
  calendarId: string;
  ownerId: string;
  iCalUId: string;
  changeKey: string;
  /** Creation time, ISO 8601. */
  now: string;
  organizer: { name: string; address: string };
}

/**
 * The one source of events' usual values: a new event before its input is
 * applied. One object literal with every field, so every stored event has the
 * same shape (a spread of defaults would build it field by field).
 */
export function newEventRecord(f: NewEventFields): CalendarEvent {
  return {
    id: f.id,
    calendarId: f.calendarId,
    ownerId: f.ownerId,
    type: "singleInstance",
    seriesMasterId: null,
    originalStartMs: null,
    startMs: 0,
    endMs: 0,
    seriesEndMs: null,
    start: { dateTime: "", timeZone: "UTC" },
    end: { dateTime: "", timeZone: "UTC" },
    originalStartTimeZone: "UTC",
    originalEndTimeZone: "UTC",
    iCalUId: f.iCalUId,
    changeKey: f.changeKey,
    createdDateTime: f.now,
    lastModifiedDateTime: f.now,
    transactionId: null,
    subject: "",
    body: { contentType: "html", content: "" },
    categories: [],
    importance: "normal",
    sensitivity: "normal",
    showAs: "busy",
    isAllDay: false,
    isCancelled: false,
    isDraft: false,
    isReminderOn: true,
    reminderMinutesBeforeStart: 15,
    responseRequested: true,
    allowNewTimeProposals: true,
    hideAttendees: false,
    location: emptyLocation(),
    locations: [],
    organizer: { emailAddress: { name: f.organizer.name, address: f.organizer.address } },
    attendees: [],
    responseStatus: { response: "organizer", time: NO_RESPONSE_TIME },
    isOrganizer: true,
    recurrence: null,
    deletedOccurrences: [],
    isOnlineMeeting: false,
    onlineMeetingProvider: "unknown",
    onlineMeeting: null,
  };
}

/** The fields whose value on a new event is the usual one (newEventRecord's, whatever the creation). */
const USUAL_KEYS = [
  "type", "seriesMasterId", "originalStartMs", "seriesEndMs", "transactionId", "body", "categories", "importance",
  "sensitivity", "showAs", "isAllDay", "isCancelled", "isDraft", "isReminderOn", "reminderMinutesBeforeStart",
  "responseRequested", "allowNewTimeProposals", "hideAttendees", "location", "locations", "attendees",
  "responseStatus", "isOrganizer", "recurrence", "deletedOccurrences", "isOnlineMeeting", "onlineMeetingProvider",
  "onlineMeeting",
] as const satisfies readonly (keyof CalendarEvent)[];

export type EventDefaults = Pick<CalendarEvent, (typeof USUAL_KEYS)[number]>;

const PLACEHOLDER: NewEventFields = { id: "", calendarId: "", ownerId: "", iCalUId: "", changeKey: "", now: "", organizer: { name: "", address: "" } };

/** The usual values alone, as fresh objects: the disk format (event-codec.ts, event-rows.ts) leaves out every field that has one. */
export function eventDefaults(): EventDefaults {
  const e = newEventRecord(PLACEHOLDER);
  const out: Partial<Record<keyof CalendarEvent, unknown>> = {};
  for (const key of USUAL_KEYS) out[key] = e[key];
  return out as EventDefaults;
}
