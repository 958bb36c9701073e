import { isDeepStrictEqual } from "node:util";
import type { CalendarEvent } from "../../store/calendar-types.ts";
import type { RecordCodec } from "../../store/changes.ts";

/**
 * How events are written to disk and read back, for calendars of a million
 * events. On disk an event leaves out every field that has its usual value
 * (most fields of most events), which halves the JSON to parse on start. When
 * read back, the usual values are shared, frozen objects and the repeated
 * strings (owner, calendar, organizer, zones) are shared too, which halves
 * the memory. Sharing is safe because the calendar model never changes these
 * parts in place (it assigns new ones); frozen, so code that tried would fail
 * loudly instead of changing every event at once.
 */

const NO_RESPONSE_TIME = "0001-01-01T00:00:00Z";
const deepFreeze = <T>(value: T): T => {
  if (value && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
};

/** The usual value of each field that has one; every stored event has every key of CalendarEvent. */
const USUAL: Partial<Record<keyof CalendarEvent, unknown>> = deepFreeze({
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
  location: { displayName: "", locationType: "default", uniqueIdType: "unknown", address: {}, coordinates: {} },
  locations: [],
  attendees: [],
  responseStatus: { response: "organizer", time: NO_RESPONSE_TIME },
  isOrganizer: true,
  recurrence: null,
  deletedOccurrences: [],
  isOnlineMeeting: false,
  onlineMeetingProvider: "unknown",
  onlineMeeting: null,
});

/** The decoded fields that must win over a raw copy (usual values filled in, strings shared). */
const pickShared = (e: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(USUAL)) out[k] = e[k];
  for (const k of ["ownerId", "calendarId", "originalStartTimeZone", "originalEndTimeZone", "organizer"]) out[k] = e[k];
  return out;
};

type Raw = Record<string, unknown>;

/** A field of a record read from disk, or its usual value when the record leaves it out. */
function usual(raw: Raw, k: keyof CalendarEvent): unknown {
  return k in raw ? raw[k] : USUAL[k];
}

/** Leaves out usual values (and zones equal to the start's and end's). */
export function encodeEvent(e: Raw): Raw {
  const out: Raw = {};
  for (const [k, v] of Object.entries(e)) {
    if (k in USUAL && isDeepStrictEqual(v, USUAL[k as keyof CalendarEvent])) continue;
    if (k === "originalStartTimeZone" && v === (e.start as { timeZone?: unknown } | undefined)?.timeZone) continue;
    if (k === "originalEndTimeZone" && v === (e.end as { timeZone?: unknown } | undefined)?.timeZone) continue;
    out[k] = v;
  }
  return out;
}

/** A codec whose reads share repeated parts; `done` lets the pools go once loading is over. */
export function eventCodec(): RecordCodec {
  let strings = new Map<string, string>();
  let organizers = new Map<string, CalendarEvent["organizer"]>();
  const share = (s: unknown): unknown => {
    if (typeof s !== "string") return s;
    const hit = strings.get(s);
    if (hit !== undefined) return hit;
    strings.set(s, s);
    return s;
  };
  return {
    encode: encodeEvent,
    decode(raw: Raw): Raw {
      const start = raw.start as CalendarEvent["start"];
      const end = raw.end as CalendarEvent["end"];
      start.timeZone = share(start.timeZone) as string;
      end.timeZone = share(end.timeZone) as string;
      let organizer = raw.organizer as CalendarEvent["organizer"];
      const o = organizer?.emailAddress;
      if (o && typeof o.name === "string" && typeof o.address === "string") {
        const key = `${o.name}\n${o.address}`;
        const shared = organizers.get(key);
        if (shared) organizer = shared;
        else organizers.set(key, deepFreeze(organizer));
      }
      // One object literal with every field: V8 gives all events one compact shape (adding 43
      // properties one by one would leave each event in the much larger dictionary mode).
      const e: Raw = {
        id: raw.id, calendarId: share(raw.calendarId), ownerId: share(raw.ownerId), type: usual(raw, "type"), seriesMasterId: usual(raw, "seriesMasterId"),
        originalStartMs: usual(raw, "originalStartMs"), startMs: raw.startMs, endMs: raw.endMs, seriesEndMs: usual(raw, "seriesEndMs"), start, end,
        originalStartTimeZone: "originalStartTimeZone" in raw ? share(raw.originalStartTimeZone) : start.timeZone,
        originalEndTimeZone: "originalEndTimeZone" in raw ? share(raw.originalEndTimeZone) : end.timeZone,
        iCalUId: raw.iCalUId, changeKey: raw.changeKey, createdDateTime: share(raw.createdDateTime), lastModifiedDateTime: share(raw.lastModifiedDateTime),
        transactionId: usual(raw, "transactionId"), subject: raw.subject, body: usual(raw, "body"), categories: usual(raw, "categories"), importance: usual(raw, "importance"),
        sensitivity: usual(raw, "sensitivity"), showAs: usual(raw, "showAs"), isAllDay: usual(raw, "isAllDay"), isCancelled: usual(raw, "isCancelled"), isDraft: usual(raw, "isDraft"),
        isReminderOn: usual(raw, "isReminderOn"), reminderMinutesBeforeStart: usual(raw, "reminderMinutesBeforeStart"), responseRequested: usual(raw, "responseRequested"),
        allowNewTimeProposals: usual(raw, "allowNewTimeProposals"), hideAttendees: usual(raw, "hideAttendees"), location: usual(raw, "location"), locations: usual(raw, "locations"),
        organizer, attendees: usual(raw, "attendees"), responseStatus: usual(raw, "responseStatus"), isOrganizer: usual(raw, "isOrganizer"), recurrence: usual(raw, "recurrence"),
        deletedOccurrences: usual(raw, "deletedOccurrences"), isOnlineMeeting: usual(raw, "isOnlineMeeting"), onlineMeetingProvider: usual(raw, "onlineMeetingProvider"),
        onlineMeeting: usual(raw, "onlineMeeting"),
      };
      // A field this version does not know is kept (in a copy; such events are rare).
      for (const k of Object.keys(raw)) if (!(k in e)) return { ...e, ...raw, ...pickShared(e) };
      return e;
    },
    done() {
      strings = new Map();
      organizers = new Map();
    },
  };
}
