import type { DayOfWeek, PatternedRecurrence } from "../../store/calendar-types.ts";
import { DAY_MS, dayOf, daysInMonth, parseDate } from "./date-time.ts";
import { DAYS, WEEK_INDEXES } from "./recurrence.ts";
import { localToUtc, resolveZone, utcToLocal } from "./time-zones.ts";

/**
 * Expands Outlook recurrences. Occurrence dates are computed in the
 * recurrence's time zone and keep the series' wall-clock time, so a 09:00
 * meeting stays at 09:00 local across a daylight-saving change (its UTC time
 * moves). Patterns are walked period by period (day, week, month, year),
 * jumping straight to the period of the window, so cost follows the window,
 * not the age of the series.
 */

/** Last day the emulator computes (9999-12-31). */
export const MAX_DAY = dayOf(Date.UTC(9999, 11, 31));

export interface Series {
  recurrence: PatternedRecurrence;
  /** IANA zone of the recurrence. */
  iana: string;
  /** Wall-clock time of day (ms since local midnight) of every occurrence. */
  timeOfDayMs: number;
  durationMs: number;
  firstDay: number;
  /** Last day an occurrence may fall on (inclusive). */
  lastDay: number;
}

const dow = (day: number) => (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday

function ymd(day: number): { y: number; m: number; d: number } {
  const date = new Date(day * DAY_MS);
  return { y: date.getUTCFullYear(), m: date.getUTCMonth(), d: date.getUTCDate() };
}

function dayFromYmd(y: number, m: number, d: number): number {
  const date = new Date(Date.UTC(2000, m, d));
  date.setUTCFullYear(y);
  return dayOf(date.getTime());
}

/** The index-th (first..fourth, last) day of a month whose weekday is in `days`. */
function relativeDay(y: number, m: number, days: readonly DayOfWeek[], index: string): number {
  const first = dayFromYmd(y, m, 1);
  const n = daysInMonth(y, m);
  const wanted = new Set(days.map((d) => DAYS.indexOf(d)));
  const matches: number[] = [];
  for (let i = 0; i < n; i++) if (wanted.has(dow(first + i))) matches.push(first + i);
  const k = WEEK_INDEXES.indexOf(index as (typeof WEEK_INDEXES)[number]);
  return k === 4 || k < 0 ? (matches[matches.length - 1] as number) : (matches[Math.min(k, matches.length - 1)] as number);
}

function absoluteDay(y: number, m: number, dayOfMonth: number): number {
  return dayFromYmd(y, m, Math.min(dayOfMonth, daysInMonth(y, m)));
}

/**
 * Days of the pattern from the period holding `fromDay` on, in order, each
 * >= firstDay and <= min(toDay, lastDay).
 */
export function* patternDays(s: Series, fromDay: number, toDay: number): Generator<number> {
  const p = s.recurrence.pattern;
  const from = Math.max(fromDay, s.firstDay);
  const to = Math.min(toDay, s.lastDay, MAX_DAY);
  if (from > to) return;
  const k = p.interval;
  const first = ymd(s.firstDay);
  switch (p.type) {
    case "daily": {
      const skip = Math.ceil((from - s.firstDay) / k);
      for (let day = s.firstDay + skip * k; day <= to; day += k) yield day;
      return;
    }
    case "weekly": {
      const fdw = DAYS.indexOf(p.firstDayOfWeek);
      const weekStart = (day: number) => day - ((dow(day) - fdw + 7) % 7);
      const offsets = p.daysOfWeek.map((d) => (DAYS.indexOf(d) - fdw + 7) % 7).sort((a, b) => a - b);
      const start0 = weekStart(s.firstDay);
      let period = Math.floor((weekStart(from) - start0) / 7 / k);
      for (let ws = start0 + period * 7 * k; ws <= to; period++, ws = start0 + period * 7 * k) {
        for (const o of offsets) {
          const day = ws + o;
          if (day >= from && day <= to) yield day;
        }
      }
      return;
    }
    case "absoluteMonthly":
    case "relativeMonthly": {
      const f = ymd(from);
      const base = first.y * 12 + first.m;
      let period = Math.max(0, Math.floor((f.y * 12 + f.m - base) / k));
      for (;; period++) {
        const mi = base + period * k;
        const y = Math.floor(mi / 12);
        const m = mi % 12;
        if (y > 9999 || dayFromYmd(y, m, 1) > to) return;
        const day = p.type === "absoluteMonthly" ? absoluteDay(y, m, p.dayOfMonth) : relativeDay(y, m, p.daysOfWeek, p.index);
        if (day >= from && day <= to) yield day;
      }
    }
    case "absoluteYearly":
    case "relativeYearly": {
      const f = ymd(from);
      let period = Math.max(0, Math.floor((f.y - first.y) / k));
      for (;; period++) {
        const y = first.y + period * k;
        if (y > 9999 || dayFromYmd(y, 0, 1) > to) return;
        const m = p.month - 1;
        const day = p.type === "absoluteYearly" ? absoluteDay(y, m, p.dayOfMonth) : relativeDay(y, m, p.daysOfWeek, p.index);
        if (day >= from && day <= to) yield day;
      }
    }
  }
}

/** UTC start of the occurrence on a (recurrence-zone) day. */
export function occurrenceStart(s: Series, day: number): number {
  return localToUtc(day * DAY_MS + s.timeOfDayMs, s.iana);
}

/** Builds the expansion shape of a series from its recurrence and its first instance's times. */
export function seriesOf(recurrence: PatternedRecurrence, startMs: number, endMs: number, fallbackIana: string): Series {
  const iana = resolveZone(recurrence.range.recurrenceTimeZone)?.iana ?? fallbackIana;
  const local = utcToLocal(startMs, iana);
  const firstDay = parseDate(recurrence.range.startDate) ?? dayOf(local);
  const timeOfDayMs = local - dayOf(local) * DAY_MS;
  const s: Series = { recurrence, iana, timeOfDayMs, durationMs: Math.max(0, endMs - startMs), firstDay, lastDay: MAX_DAY };
  if (recurrence.range.type === "endDate") s.lastDay = parseDate(recurrence.range.endDate) ?? MAX_DAY;
  if (recurrence.range.type === "numbered") {
    let n = 0;
    let last = firstDay - 1;
    for (const day of patternDays(s, firstDay, MAX_DAY)) {
      last = day;
      if (++n >= recurrence.range.numberOfOccurrences) break;
    }
    s.lastDay = last;
  }
  return s;
}

/** More than the longest gap between two occurrences, in days, used to look around a day. */
function periodDays(s: Series): number {
  const k = s.recurrence.pattern.interval;
  switch (s.recurrence.pattern.type) {
    case "daily":
      return k;
    case "weekly":
      return 7 * k + 7;
    case "absoluteMonthly":
    case "relativeMonthly":
      return 31 * k + 10;
    default:
      return 366 * k + 10;
  }
}

/**
 * The series' time index: the UTC starts of its occurrences, per block of
 * BLOCK_DAYS days, computed when a window first asks for the block and kept
 * with the series (a changed master gets a new Series, so a new index). Most
 * calendar reads ask for the same weeks and months again, and expanding a
 * pattern (calendar arithmetic, time-zone offsets) is most of their cost.
 * Bounded: at most MAX_SERIES_BLOCKS blocks per series (wider windows are
 * expanded directly) and MAX_CACHED_BLOCKS in all, after which every index
 * starts over.
 */
const BLOCK_DAYS = 64;
const MAX_SERIES_BLOCKS = 64;
const MAX_CACHED_BLOCKS = 50_000;
let generation = 0;
let cachedBlocks = 0;
const timeIndexes = new WeakMap<Series, { generation: number; blocks: Map<number, Float64Array> }>();

function blockStarts(s: Series, block: number): Float64Array {
  let index = timeIndexes.get(s);
  if (!index || index.generation !== generation) timeIndexes.set(s, (index = { generation, blocks: new Map() }));
  let starts = index.blocks.get(block);
  if (starts) return starts;
  if (index.blocks.size >= MAX_SERIES_BLOCKS) index.blocks.clear();
  if (++cachedBlocks > MAX_CACHED_BLOCKS) {
    generation++;
    cachedBlocks = 1;
    index.generation = generation;
    index.blocks.clear();
  }
  const days = [...patternDays(s, block * BLOCK_DAYS, block * BLOCK_DAYS + BLOCK_DAYS - 1)];
  starts = new Float64Array(days.length);
  for (let i = 0; i < days.length; i++) starts[i] = occurrenceStart(s, days[i] as number);
  index.blocks.set(block, starts);
  return starts;
}

/** First position in ascending `a` whose value is >= `value`. */
function lowerBound(a: Float64Array, value: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Ascending UTC starts: `starts[lo]` up to (not including) `starts[hi]`. */
export interface StartsSlice {
  starts: ArrayLike<number>;
  lo: number;
  hi: number;
}

const NONE: StartsSlice = { starts: new Float64Array(0), lo: 0, hi: 0 };

/**
 * UTC starts, ascending, of the occurrences that overlap [fromMs, toMs) (a
 * zero-length one counts when it starts inside), from the series' time index:
 * a range of one block when the window lies in one, else a copy.
 */
export function occurrenceStartsIn(s: Series, fromMs: number, toMs: number): StartsSlice {
  const fromDay = Math.max(dayOf(utcToLocal(fromMs - s.durationMs, s.iana)) - 1, s.firstDay);
  const toDay = Math.min(dayOf(utcToLocal(toMs, s.iana)) + 1, s.lastDay, MAX_DAY);
  if (fromDay > toDay) return NONE;
  // Starts are whole milliseconds: an occurrence overlaps when it starts at or after `low` and before toMs.
  const low = s.durationMs > 0 ? fromMs - s.durationMs + 1 : fromMs;
  const firstBlock = Math.floor(fromDay / BLOCK_DAYS);
  const lastBlock = Math.floor(toDay / BLOCK_DAYS);
  if (lastBlock - firstBlock >= MAX_SERIES_BLOCKS) {
    const out: number[] = [];
    for (const day of patternDays(s, fromDay, toDay)) {
      const start = occurrenceStart(s, day);
      if (start >= low && start < toMs) out.push(start);
    }
    return { starts: out, lo: 0, hi: out.length };
  }
  if (firstBlock === lastBlock) {
    const starts = blockStarts(s, firstBlock);
    return { starts, lo: lowerBound(starts, low), hi: lowerBound(starts, toMs) };
  }
  // The window spans blocks: one copy of their ranges (a plain array: a typed one costs far more to make).
  const out: number[] = [];
  for (let block = firstBlock; block <= lastBlock; block++) {
    const starts = blockStarts(s, block);
    for (let i = lowerBound(starts, low), hi = lowerBound(starts, toMs); i < hi; i++) out.push(starts[i] as number);
  }
  return { starts: out, lo: 0, hi: out.length };
}

/** UTC starts of occurrences that overlap [fromMs, toMs) (a zero-length one counts when it starts inside). */
export function occurrencesBetween(s: Series, fromMs: number, toMs: number): number[] {
  const { starts, lo, hi } = occurrenceStartsIn(s, fromMs, toMs);
  return Array.prototype.slice.call(starts, lo, hi) as number[];
}

/** The first occurrence's UTC start, or undefined when the range holds none. */
export function firstOccurrence(s: Series): number | undefined {
  for (const day of patternDays(s, s.firstDay, s.lastDay)) return occurrenceStart(s, day);
  return undefined;
}

/** The last occurrence's UTC start; undefined when the series has no end (or no occurrence). */
export function lastOccurrence(s: Series): number | undefined {
  if (s.lastDay >= MAX_DAY) return undefined;
  let last: number | undefined;
  for (const day of patternDays(s, s.lastDay - periodDays(s) - 1, s.lastDay)) last = day;
  return last === undefined ? undefined : occurrenceStart(s, last);
}

/** Whether an occurrence starts at exactly this instant. */
export function isOccurrenceStart(s: Series, startMs: number): boolean {
  const day = dayOf(utcToLocal(startMs, s.iana));
  for (const d of patternDays(s, day - 1, day + 1)) if (occurrenceStart(s, d) === startMs) return true;
  return false;
}

/** Starts of the occurrences just before and just after the one starting at `startMs`. */
export function neighbours(s: Series, startMs: number): { prev: number | undefined; next: number | undefined } {
  const day = dayOf(utcToLocal(startMs, s.iana));
  const span = periodDays(s) + 1;
  let prev: number | undefined;
  let next: number | undefined;
  for (const d of patternDays(s, day - span, day - 1)) prev = d;
  for (const d of patternDays(s, day + 1, day + span)) {
    next = d;
    break;
  }
  return { prev: prev === undefined ? undefined : occurrenceStart(s, prev), next: next === undefined ? undefined : occurrenceStart(s, next) };
}
