import { isDeepStrictEqual } from "node:util";
import type { CalendarEvent } from "../../store/calendar-types.ts";
import type { RecordCodec } from "../../store/changes.ts";
import { eventDefaults } from "./event-defaults.ts";

/**
 * How one event is written to disk and read back (log entries, and partition
 * files of the earlier layout; event-rows.ts writes whole partitions and uses
 * the same usual values). On disk an event leaves out every field that has its
 * usual value (most fields of most events), which halves the JSON to parse. When
 * read back, the usual values are shared, frozen objects and the repeated
 * strings (owner, calendar, organizer, zones) are shared too, which halves
 * the memory. Sharing is safe because the calendar model never changes these
 * parts in place (it assigns new ones); frozen, so code that tried would fail
 * loudly instead of changing every event at once.
 */

export const deepFreeze = <T>(value: T): T => {
  if (value && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
};

/** The usual value of each field that has one; every stored event has every key of CalendarEvent. */
const USUAL: Partial<Record<keyof CalendarEvent, unknown>> = deepFreeze(eventDefaults());

/** The decoded fields that must win over a raw copy (usual values filled in, strings shared). */
const pickShared = (e: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(USUAL)) out[k] = e[k];
  for (const k of ["ownerId", "calendarId", "originalStartTimeZone", "originalEndTimeZone", "organizer"]) out[k] = e[k];
  return out;
};

type Raw = Record<string, unknown>;

/** The fields of an event that differ from the usual values, when none do. */
export const NOTHING: Raw = Object.freeze({});

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

/** The fields every stored event has in a set place: what an event row holds by position. */
export interface EventParts {
  id: unknown;
  calendarId: unknown;
  ownerId: unknown;
  startMs: unknown;
  endMs: unknown;
  start: CalendarEvent["start"];
  end: CalendarEvent["end"];
  iCalUId: unknown;
  changeKey: unknown;
  createdDateTime: unknown;
  lastModifiedDateTime: unknown;
  subject: unknown;
  organizer: unknown;
}

/**
 * An event from its parts and the fields that differ from the usual values
 * (`extra`; other fields of `extra` are ignored when `parts` has them). One
 * object literal with every field: V8 gives all events one compact shape
 * (adding 43 properties one by one would leave each event in the much larger
 * dictionary mode).
 */
export function assembleEvent(p: EventParts, extra: Raw = NOTHING, share: (s: unknown) => unknown = (s) => s): Raw {
  const x = extra;
  // Fields read from one object (usual values under the differing ones): a single shape to read from
  // for most events, and no call per field.
  const u: Raw = x === NOTHING ? USUAL : { ...USUAL, ...x };
  const e: Raw = {
    id: p.id, calendarId: p.calendarId, ownerId: p.ownerId, type: u.type, seriesMasterId: u.seriesMasterId,
    originalStartMs: u.originalStartMs, startMs: p.startMs, endMs: p.endMs, seriesEndMs: u.seriesEndMs, start: p.start, end: p.end,
    originalStartTimeZone: "originalStartTimeZone" in x ? share(x.originalStartTimeZone) : p.start.timeZone,
    originalEndTimeZone: "originalEndTimeZone" in x ? share(x.originalEndTimeZone) : p.end.timeZone,
    iCalUId: p.iCalUId, changeKey: p.changeKey, createdDateTime: p.createdDateTime, lastModifiedDateTime: p.lastModifiedDateTime,
    transactionId: u.transactionId, subject: p.subject, body: u.body, categories: u.categories, importance: u.importance,
    sensitivity: u.sensitivity, showAs: u.showAs, isAllDay: u.isAllDay, isCancelled: u.isCancelled, isDraft: u.isDraft,
    isReminderOn: u.isReminderOn, reminderMinutesBeforeStart: u.reminderMinutesBeforeStart, responseRequested: u.responseRequested,
    allowNewTimeProposals: u.allowNewTimeProposals, hideAttendees: u.hideAttendees, location: u.location, locations: u.locations,
    organizer: p.organizer, attendees: u.attendees, responseStatus: u.responseStatus, isOrganizer: u.isOrganizer, recurrence: u.recurrence,
    deletedOccurrences: u.deletedOccurrences, isOnlineMeeting: u.isOnlineMeeting, onlineMeetingProvider: u.onlineMeetingProvider,
    onlineMeeting: u.onlineMeeting,
  };
  // A field this version does not know is kept (in a copy; such events are rare).
  if (x !== NOTHING) for (const k of Object.keys(x)) if (!(k in e)) return { ...e, ...x, ...pickShared(e) };
  return e;
}

/** Shares one frozen object per distinct organizer. */
export function organizerPool(): (organizer: unknown) => unknown {
  const organizers = new Map<string, unknown>();
  return (organizer) => {
    const o = (organizer as CalendarEvent["organizer"] | null | undefined)?.emailAddress;
    if (!o || typeof o.name !== "string" || typeof o.address !== "string") return organizer;
    const key = `${o.name}\n${o.address}`;
    const shared = organizers.get(key);
    if (shared) return shared;
    organizers.set(key, deepFreeze(organizer));
    return organizer;
  };
}

/** A codec whose reads share repeated parts; `done` lets the pools go once loading is over. */
export function eventCodec(): RecordCodec {
  let strings = new Map<string, string>();
  let organizers = organizerPool();
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
      const parts: EventParts = {
        id: raw.id, calendarId: share(raw.calendarId), ownerId: share(raw.ownerId), startMs: raw.startMs, endMs: raw.endMs, start, end,
        iCalUId: raw.iCalUId, changeKey: raw.changeKey, createdDateTime: share(raw.createdDateTime), lastModifiedDateTime: share(raw.lastModifiedDateTime),
        subject: raw.subject, organizer: organizers(raw.organizer),
      };
      return assembleEvent(parts, raw, share);
    },
    done() {
      strings = new Map();
      organizers = organizerPool();
    },
  };
}
