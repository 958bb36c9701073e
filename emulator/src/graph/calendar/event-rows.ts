import type { CalendarEvent } from "../../store/calendar-types.ts";
import type { RecordCodec, RowCodec, RowsFile } from "../../store/changes.ts";
import { assembleEvent, deepFreeze, encodeEvent, eventCodec, NOTHING, organizerPool, type EventParts } from "./event-codec.ts";

/**
 * Event partition files in rows, for calendars of a million events: each
 * event is an array of its usual fields by position, the values events
 * repeat (calendar, owner, zones, wall-clock times, timestamps, subjects,
 * organizers) are written once in a table and referred to by index, and only
 * the fields that differ from their usual values follow as an object. Against
 * one object per event this makes the files less than half the size, reads
 * them several times faster (arrays of numbers parse quickly and leave little
 * garbage) and shares the repeated values in memory. Hand-written because it
 * is the emulator's own file layout.
 *
 * Row: [id, calendarId#, ownerId#, startMs, endMs, start.dateTime#, start.timeZone#,
 *       end.dateTime#, end.timeZone#, iCalUId head#, iCalUId tail, changeKey,
 *       createdDateTime#, lastModifiedDateTime#, subject#, organizer#, extra?]
 * where # is an index into `tables.values`. The iCalUId is split before its
 * last 32 characters (the event's own GUID): the head (class id, creation
 * time) is the same for many events, so it is written once, in the table.
 * An event that does not fit (no stored event should) is kept whole, as
 * `[event]`. The layout before this one, "event-rows-1", held the iCalUId
 * whole at 9 (one field fewer) and is still read.
 */

export const EVENT_ROWS_FORMAT = "event-rows-2";
const EVENT_ROWS_1 = "event-rows-1";

/** Where the layouts differ: fields from the iCalUId on sit one further in event-rows-2. */
interface Layout {
  /** 1 when the iCalUId is split (head in the table), else 0. */
  shift: 0 | 1;
  /** Fields that are indexes into the table. */
  refs: readonly number[];
}
const LAYOUTS: Record<string, Layout> = {
  [EVENT_ROWS_1]: { shift: 0, refs: [1, 2, 5, 6, 7, 8, 11, 12, 13, 14] },
  [EVENT_ROWS_FORMAT]: { shift: 1, refs: [1, 2, 5, 6, 7, 8, 9, 12, 13, 14, 15] },
};
/** Characters at the end of an iCalUId that are the event's own (its GUID in hex). */
const UID_TAIL = 32;

const POSITIONAL = new Set(["id", "calendarId", "ownerId", "startMs", "endMs", "start", "end", "iCalUId", "changeKey", "createdDateTime", "lastModifiedDateTime", "subject", "organizer"]);

type Raw = Record<string, unknown>;

const isWallClock = (v: unknown): v is CalendarEvent["start"] =>
  v !== null && typeof v === "object" && Object.keys(v).length === 2 && typeof (v as Raw).dateTime === "string" && typeof (v as Raw).timeZone === "string";

function fits(e: Raw): boolean {
  return (
    typeof e.id === "string" &&
    typeof e.startMs === "number" &&
    typeof e.endMs === "number" &&
    isWallClock(e.start) &&
    isWallClock(e.end) &&
    typeof e.iCalUId === "string" &&
    typeof e.changeKey === "string" &&
    e.calendarId !== undefined &&
    e.ownerId !== undefined &&
    e.createdDateTime !== undefined &&
    e.lastModifiedDateTime !== undefined &&
    e.subject !== undefined &&
    e.organizer !== undefined
  );
}

function encoder(): ReturnType<RowCodec["encoder"]> {
  const values: unknown[] = [];
  const index = new Map<string, number>();
  const ref = (v: unknown): number => {
    const key = typeof v === "string" ? `s${v}` : `j${JSON.stringify(v)}`;
    let i = index.get(key);
    if (i === undefined) {
      i = values.length;
      values.push(v);
      index.set(key, i);
    }
    return i;
  };
  return {
    row(e: Raw): unknown[] {
      const encoded = encodeEvent(e);
      if (!fits(e)) return [encoded];
      const start = e.start as CalendarEvent["start"];
      const end = e.end as CalendarEvent["end"];
      const uid = e.iCalUId as string;
      const cut = Math.max(0, uid.length - UID_TAIL);
      const row: unknown[] = [
        e.id, ref(e.calendarId), ref(e.ownerId), e.startMs, e.endMs, ref(start.dateTime), ref(start.timeZone), ref(end.dateTime), ref(end.timeZone),
        ref(uid.slice(0, cut)), uid.slice(cut), e.changeKey, ref(e.createdDateTime), ref(e.lastModifiedDateTime), ref(e.subject), ref(e.organizer),
      ];
      let extra: Raw | undefined;
      for (const [k, v] of Object.entries(encoded)) if (!POSITIONAL.has(k)) (extra ??= {})[k] = v;
      if (extra) row.push(extra);
      return row;
    },
    tables: () => ({ values }),
  };
}

/** Why a row cannot be read, or null when it can. */
function badRow(r: unknown, size: number, layout: Layout, table: readonly unknown[]): string | null {
  if (!Array.isArray(r)) return "is not a list";
  if (r.length === 1) return r[0] !== null && typeof r[0] === "object" ? null : "holds no event";
  const fields = 15 + layout.shift;
  if (r.length !== fields && r.length !== fields + 1) return `has ${r.length} fields, not ${fields} or ${fields + 1}`;
  for (const i of layout.refs) {
    const n = r[i] as unknown;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n >= size) return `field ${i} is not an index into the table of ${size} values`;
  }
  if (layout.shift === 1 && (typeof table[r[9] as number] !== "string" || typeof r[10] !== "string")) return "fields 9 and 10 are not an iCalUId's head and tail";
  const extra = r[fields];
  if (r.length === fields + 1 && (extra === null || typeof extra !== "object" || Array.isArray(extra))) return `field ${fields} is not an object`;
  return null;
}

/** The row codec for events; `decodeRecord` reads rows kept whole and shares what the codec shares. */
export function eventRows(decodeRecord: (r: Raw) => Raw, organizers: () => (o: unknown) => unknown): RowCodec {
  return {
    format: EVENT_ROWS_FORMAT,
    reads: Object.keys(LAYOUTS),
    encoder,
    decode(file: RowsFile, wanted?: (ownerId: unknown) => boolean): Raw[] {
      const layout = LAYOUTS[file.format];
      if (!layout) throw new Error(`its layout '${file.format}' is not one of ${Object.keys(LAYOUTS).join(", ")}`);
      const o = layout.shift;
      const table = file.tables.values;
      if (!Array.isArray(table) || !Array.isArray(file.rows)) throw new Error("it has no rows list or no values table");
      // Objects in the table (organizers) are shared by every row that refers to them: frozen.
      const pool = organizers();
      const t = table.map((v) => (v !== null && typeof v === "object" ? pool(deepFreeze(v)) : v));
      const out: Raw[] = wanted ? [] : new Array<Raw>(file.rows.length);
      // One parts object for every row (assembleEvent copies from it): a million rows leave no garbage here.
      const p: EventParts = {
        id: null, calendarId: null, ownerId: null, startMs: null, endMs: null, start: { dateTime: "", timeZone: "" }, end: { dateTime: "", timeZone: "" },
        iCalUId: null, changeKey: null, createdDateTime: null, lastModifiedDateTime: null, subject: null, organizer: null,
      };
      const rows = file.rows as unknown[];
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i] as unknown[];
        // Released as soon as read: the rows of a large file then die young instead of being copied by
        // every collection of the young generation until the whole file is read.
        rows[i] = null;
        // One mailbox's rows (read on its first use): the others are not even checked.
        if (wanted && !wanted(Array.isArray(r) ? (r.length === 1 ? (r[0] as Raw | null)?.ownerId : t[r[2] as number]) : undefined)) continue;
        const why = badRow(r, t.length, layout, t);
        if (why !== null) throw new Error(`row ${i} ${why}`);
        if (r.length === 1) {
          if (wanted) out.push(decodeRecord(r[0] as Raw));
          else out[i] = decodeRecord(r[0] as Raw);
          continue;
        }
        p.id = r[0];
        p.calendarId = t[r[1] as number];
        p.ownerId = t[r[2] as number];
        p.startMs = r[3];
        p.endMs = r[4];
        p.start = { dateTime: t[r[5] as number] as string, timeZone: t[r[6] as number] as string };
        p.end = { dateTime: t[r[7] as number] as string, timeZone: t[r[8] as number] as string };
        if (o === 0) p.iCalUId = r[9];
        else {
          // The head and tail joined (a rope sharing the head, until the event index hashes it and V8 flattens it).
          const head = t[r[9] as number] as string;
          p.iCalUId = head === "" ? r[10] : head + (r[10] as string);
        }
        p.changeKey = r[10 + o];
        p.createdDateTime = t[r[11 + o] as number];
        p.lastModifiedDateTime = t[r[12 + o] as number];
        p.subject = t[r[13 + o] as number];
        p.organizer = t[r[14 + o] as number];
        const e = assembleEvent(p, (r[15 + o] as Raw | undefined) ?? NOTHING);
        if (wanted) out.push(e);
        else out[i] = e;
      }
      return out;
    },
  };
}

/** The events codec the store uses: single events in the log, partition files in rows. */
export function eventStoreCodec(): RecordCodec {
  const codec = eventCodec();
  return { ...codec, rows: eventRows((r) => codec.decode(r), organizerPool) };
}
