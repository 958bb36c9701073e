import { graphErrors } from "../../errors/graph-error.ts";
import type { Attendee, CalendarEvent, EventLocation, ItemBody, PatternedRecurrence } from "../../store/calendar-types.ts";
import { arr, bool, enumValue, has, int, isObject, obj, optStr, prop, str } from "./body-values.ts";
import { DAY_MS, parseDateTime } from "./date-time.ts";
import { normalizeRecurrence } from "./recurrence.ts";
import { localToUtc, resolveZone, utcToLocal, type Zone } from "./time-zones.ts";

/** A dateTimeTimeZone from a body, resolved: the zone as named, its wall time and the instant. */
export interface TimeInput {
  zone: Zone;
  localMs: number;
  utcMs: number;
}

/** What an event body (POST or PATCH) says, validated; absent properties are undefined. */
export interface EventInput {
  subject?: string;
  body?: ItemBody;
  start?: TimeInput;
  end?: TimeInput;
  isAllDay?: boolean;
  showAs?: CalendarEvent["showAs"];
  importance?: CalendarEvent["importance"];
  sensitivity?: CalendarEvent["sensitivity"];
  categories?: string[];
  location?: EventLocation;
  locations?: EventLocation[];
  /** Attendees as sent: status is filled in by the model. */
  attendees?: Pick<Attendee, "type" | "emailAddress">[];
  /** null removes the recurrence (PATCH). The raw value is normalised once the start zone is known. */
  recurrence?: unknown;
  isReminderOn?: boolean;
  reminderMinutesBeforeStart?: number;
  responseRequested?: boolean;
  allowNewTimeProposals?: boolean;
  hideAttendees?: boolean;
  isOnlineMeeting?: boolean;
  onlineMeetingProvider?: CalendarEvent["onlineMeetingProvider"];
  transactionId?: string | null;
}

const invalid = () => graphErrors.propertyValidationFailure();

/** Reads a dateTimeTimeZone: a missing zone means UTC; an offset in the text wins over the zone for the instant. */
export function parseTime(raw: unknown, type = "microsoft.graph.dateTimeTimeZone"): TimeInput {
  const o = obj(raw, type);
  const zoneName = optStr(prop(o, "timeZone"));
  const zone = zoneName ? resolveZone(zoneName) : { name: "UTC", iana: "UTC" };
  if (!zone) throw graphErrors.timeZoneNotSupported(String(zoneName));
  const parsed = parseDateTime(str(prop(o, "dateTime")));
  if (!parsed) throw invalid();
  const utcMs = parsed.offsetMs === undefined ? localToUtc(parsed.localMs, zone.iana) : parsed.localMs - parsed.offsetMs;
  return { zone, localMs: utcToLocal(utcMs, zone.iana), utcMs };
}

export function parseLocation(raw: unknown, uniqueIdType: "private" | "unknown"): EventLocation {
  const o = obj(raw, "microsoft.graph.location");
  const displayName = optStr(prop(o, "displayName")) ?? "";
  const loc: EventLocation = {
    displayName,
    locationType: has(o, "locationType")
      ? enumValue(prop(o, "locationType"), ["default", "conferenceRoom", "homeAddress", "businessAddress", "geoCoordinates", "streetAddress", "hotel", "restaurant", "localBusiness", "postalAddress"] as const)
      : "default",
  };
  if (has(o, "locationEmailAddress")) loc.locationEmailAddress = optStr(prop(o, "locationEmailAddress"));
  if (has(o, "locationUri")) loc.locationUri = optStr(prop(o, "locationUri"));
  loc.uniqueId = has(o, "uniqueId") ? optStr(prop(o, "uniqueId")) : displayName || undefined;
  if (loc.uniqueId === undefined) delete loc.uniqueId;
  loc.uniqueIdType = displayName ? uniqueIdType : "unknown";
  if (has(o, "address")) loc.address = obj(prop(o, "address"), "microsoft.graph.physicalAddress");
  if (has(o, "coordinates")) loc.coordinates = obj(prop(o, "coordinates"), "microsoft.graph.outlookGeoCoordinates");
  return loc;
}

/** The location Outlook returns when none was set. */
export function emptyLocation(): EventLocation {
  return { displayName: "", locationType: "default", uniqueIdType: "unknown", address: {}, coordinates: {} };
}

function parseAttendee(raw: unknown): Pick<Attendee, "type" | "emailAddress"> {
  const o = obj(raw, "microsoft.graph.attendee");
  const email = obj(prop(o, "emailAddress"), "microsoft.graph.emailAddress");
  const address = optStr(prop(email, "address"))?.trim();
  if (!address || !/^[^@\s]+@[^@\s]+$/.test(address)) throw invalid();
  const name = optStr(prop(email, "name")) ?? "";
  const type = has(o, "type") && prop(o, "type") !== null ? enumValue(prop(o, "type"), ["required", "optional", "resource"] as const) : "required";
  return { type, emailAddress: { name, address } };
}

function parseBody(raw: unknown): ItemBody {
  const o = obj(raw, "microsoft.graph.itemBody");
  const contentType = has(o, "contentType") ? enumValue(prop(o, "contentType"), ["text", "html"] as const) : "text";
  return { contentType, content: optStr(prop(o, "content")) ?? "" };
}

/** Validates an event body. `creating` requires start and end, as Outlook does. */
export function parseEventInput(raw: unknown, creating: boolean): EventInput {
  if (raw === undefined) throw graphErrors.emptyPayload();
  if (!isObject(raw)) throw graphErrors.requestBodyRead("The request body must be a JSON object describing a microsoft.graph.event.");
  const b = raw;
  const input: EventInput = {};
  const get = (name: string) => prop(b, name);
  if (has(b, "subject")) input.subject = optStr(get("subject")) ?? "";
  if (has(b, "body")) input.body = get("body") === null ? { contentType: "text", content: "" } : parseBody(get("body"));
  if (has(b, "start")) input.start = parseTime(get("start"));
  if (has(b, "end")) input.end = parseTime(get("end"));
  if (creating && (!input.start || !input.end)) throw invalid();
  if (has(b, "isAllDay")) input.isAllDay = bool(get("isAllDay"));
  if (has(b, "showAs")) input.showAs = enumValue(get("showAs"), ["free", "tentative", "busy", "oof", "workingElsewhere", "unknown"] as const);
  if (has(b, "importance")) input.importance = enumValue(get("importance"), ["low", "normal", "high"] as const);
  if (has(b, "sensitivity")) input.sensitivity = enumValue(get("sensitivity"), ["normal", "personal", "private", "confidential"] as const);
  if (has(b, "categories")) input.categories = arr(get("categories") ?? [], "Edm.String").map((c) => str(c));
  if (has(b, "location")) input.location = get("location") === null ? emptyLocation() : parseLocation(get("location"), "private");
  if (has(b, "locations")) input.locations = arr(get("locations") ?? [], "microsoft.graph.location").map((l) => parseLocation(l, "unknown"));
  if (has(b, "attendees")) input.attendees = arr(get("attendees") ?? [], "microsoft.graph.attendee").map(parseAttendee);
  if (has(b, "recurrence")) input.recurrence = get("recurrence");
  if (has(b, "isReminderOn")) input.isReminderOn = bool(get("isReminderOn"));
  if (has(b, "reminderMinutesBeforeStart")) input.reminderMinutesBeforeStart = int(get("reminderMinutesBeforeStart"));
  if (has(b, "responseRequested")) input.responseRequested = bool(get("responseRequested"));
  if (has(b, "allowNewTimeProposals")) input.allowNewTimeProposals = bool(get("allowNewTimeProposals"));
  if (has(b, "hideAttendees")) input.hideAttendees = bool(get("hideAttendees"));
  if (has(b, "isOnlineMeeting")) input.isOnlineMeeting = bool(get("isOnlineMeeting"));
  if (has(b, "onlineMeetingProvider")) {
    input.onlineMeetingProvider = enumValue(get("onlineMeetingProvider"), ["unknown", "skypeForBusiness", "skypeForConsumer", "teamsForBusiness"] as const);
  }
  if (has(b, "transactionId")) input.transactionId = optStr(get("transactionId")) ?? null;
  return input;
}

/** Checks the times of an event once merged: end not before start; all-day events on whole days. */
export function checkTimes(start: TimeInput, end: TimeInput, isAllDay: boolean): void {
  if (end.utcMs < start.utcMs) throw invalid();
  if (isAllDay) {
    const midnight = (t: TimeInput) => t.localMs % DAY_MS === 0;
    if (!midnight(start) || !midnight(end) || end.utcMs <= start.utcMs) throw invalid();
  }
}

/** Normalises a recurrence once the start zone is known; null stays null. */
export function recurrenceFor(raw: unknown, startZone: Zone): PatternedRecurrence | null {
  return raw === null ? null : normalizeRecurrence(raw, startZone.name);
}
