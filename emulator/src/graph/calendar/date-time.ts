/**
 * Date-time text as Outlook writes and reads it. Wall-clock times are carried
 * as "local ms": the wall fields read as if they were UTC, so plain Date.UTC
 * arithmetic works on them and a zone turns them into instants.
 */

export const DAY_MS = 86_400_000;

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

export interface ParsedDateTime {
  /** Wall-clock ms as written. */
  localMs: number;
  /** The offset the text carried (ms east of UTC), when it carried one. */
  offsetMs: number | undefined;
}

/** Parses "2017-04-15T12:00:00[.0000000][Z|+hh:mm]" or a bare date; undefined when malformed. */
export function parseDateTime(text: unknown): ParsedDateTime | undefined {
  if (typeof text !== "string") return undefined;
  const m = LOCAL.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d, h = "0", mi = "0", s = "0"] = m.slice(1, 7) as string[];
  const frac = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month - 1)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  // Date.UTC maps years below 100 to 19xx, so set the year separately.
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, frac));
  date.setUTCFullYear(year);
  let offsetMs: number | undefined;
  const zone = m[8];
  if (zone) {
    if (zone.toUpperCase() === "Z") offsetMs = 0;
    else {
      const sign = zone.startsWith("-") ? -1 : 1;
      const digits = zone.slice(1).replace(":", "");
      const oh = Number(digits.slice(0, 2));
      const om = Number(digits.slice(2, 4));
      if (oh > 14 || om > 59) return undefined;
      offsetMs = sign * (oh * 60 + om) * 60_000;
    }
  }
  return { localMs: date.getTime(), offsetMs };
}

export function daysInMonth(year: number, monthIndex: number): number {
  if (monthIndex === 1) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][monthIndex] ?? 31;
}

function isoOf(ms: number): string {
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  const iso = d.toISOString();
  // toISOString writes years outside 0000-9999 with a sign; clamp to Outlook's four digits.
  return year >= 0 && year <= 9999 ? iso : `${String(Math.min(Math.max(year, 1), 9999)).padStart(4, "0")}${iso.slice(iso.indexOf("-", 1))}`;
}

/** Outlook's local date-time text: "2017-04-15T11:00:00.0000000". */
export function formatLocal(localMs: number): string {
  return `${isoOf(localMs).slice(0, 23)}0000`;
}

/** Outlook's UTC instant text for created/modified stamps: "2017-04-15T03:00:50.7570000Z". */
export function formatInstant(utcMs: number): string {
  return `${isoOf(utcMs).slice(0, 23)}0000Z`;
}

/** Day number (days since 1970-01-01) of a local ms. */
export function dayOf(localMs: number): number {
  return Math.floor(localMs / DAY_MS);
}

/** "2017-09-04" for a day number. */
export function formatDate(day: number): string {
  return isoOf(day * DAY_MS).slice(0, 10);
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses an Edm.Date ("2017-09-04") into a day number; undefined when malformed. */
export function parseDate(text: unknown): number | undefined {
  if (typeof text !== "string") return undefined;
  const m = DATE.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day] = m.slice(1).map(Number) as [number, number, number];
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month - 1)) return undefined;
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year);
  return dayOf(date.getTime());
}

/** Parses an ISO 8601 duration such as "PT1H30M" into ms (days and weeks allowed; no years or months). */
export function parseIsoDuration(text: unknown): number | undefined {
  if (typeof text !== "string") return undefined;
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(text.trim());
  if (!m || /^P$|T$/i.test(text.trim())) return undefined;
  const [w, d, h, mi, s] = m.slice(1).map((v) => (v ? Number(v) : 0)) as number[];
  return (((w ?? 0) * 7 + (d ?? 0)) * 24 * 3600 + (h ?? 0) * 3600 + (mi ?? 0) * 60 + (s ?? 0)) * 1000;
}
