import type { CalendarEvent } from "../../store/calendar-types.ts";
import { emptyLocation } from "./event-input.ts";

/** The time Exchange gives a response that has not been made. */
export const NO_RESPONSE_TIME = "0001-01-01T00:00:00Z";

/** The fields of an event that have a usual value: what a new event has unless its input says otherwise. */
export type EventDefaults = Pick<
  CalendarEvent,
  | "type" | "seriesMasterId" | "originalStartMs" | "seriesEndMs" | "transactionId" | "body" | "categories" | "importance"
  | "sensitivity" | "showAs" | "isAllDay" | "isCancelled" | "isDraft" | "isReminderOn" | "reminderMinutesBeforeStart"
  | "responseRequested" | "allowNewTimeProposals" | "hideAttendees" | "location" | "locations" | "attendees"
  | "responseStatus" | "isOrganizer" | "recurrence" | "deletedOccurrences" | "isOnlineMeeting" | "onlineMeetingProvider"
  | "onlineMeeting"
>;

/**
 * The one source of events' usual values, as fresh objects: the events model
 * starts every new event from them, and the disk format (event-codec.ts,
 * event-rows.ts) leaves out every field that still has one.
 */
export function eventDefaults(): EventDefaults {
  return {
    type: "singleInstance",
    seriesMasterId: null,
    originalStartMs: null,
    seriesEndMs: null,
    transactionId: null,
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
