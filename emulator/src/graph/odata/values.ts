/** Value helpers shared by $filter evaluation and $orderby comparison. */
import { isDateTimeText } from "./lexer.ts";

/** Reads one property: exact own key first, then a case-insensitive match (Graph property names are case-insensitive). Never reads inherited keys. */
export function getProperty(obj: unknown, key: string): unknown {
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) return undefined;
  const rec = obj as Record<string, unknown>;
  if (Object.hasOwn(rec, key)) return rec[key];
  const lower = key.toLowerCase();
  for (const k of Object.keys(rec)) if (k.toLowerCase() === lower) return rec[k];
  return undefined;
}

/** Walks a path from `start`; a `$count` segment on an array yields its length. */
export function walkPath(start: unknown, path: readonly string[]): unknown {
  let cur = start;
  for (const seg of path) {
    if (seg === "$count") {
      cur = Array.isArray(cur) ? cur.length : undefined;
      continue;
    }
    cur = getProperty(cur, seg);
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Milliseconds since the epoch for a Date or an ISO date/datetime string; undefined otherwise. */
export function toInstant(v: unknown): number | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.getTime();
  if (typeof v === "string" && isDateTimeText(v)) return Date.parse(v);
  return undefined;
}

export function isNullish(v: unknown): v is null | undefined {
  return v === null || v === undefined;
}

/** Normalises a string for comparison. */
export function fold(s: string, caseSensitive: boolean): string {
  return caseSensitive ? s : s.toLowerCase();
}

function cmp<T extends string | number>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Orders two non-null values, or returns undefined when they are not comparable (different kinds).
 * Dates (Date objects or ISO strings, when `asDates`) compare as instants; strings ordinally (case-folded unless caseSensitive);
 * numbers numerically; booleans false < true.
 */
export function orderValues(a: unknown, b: unknown, caseSensitive: boolean, asDates: boolean): number | undefined {
  if (asDates || a instanceof Date || b instanceof Date) {
    const x = toInstant(a);
    const y = toInstant(b);
    if (x !== undefined && y !== undefined) return cmp(x, y);
    if (asDates) return undefined;
  }
  if (typeof a === "string" && typeof b === "string") return cmp(fold(a, caseSensitive), fold(b, caseSensitive));
  if (typeof a === "number" && typeof b === "number") return Number.isNaN(a) || Number.isNaN(b) ? undefined : cmp(a, b);
  if (typeof a === "boolean" && typeof b === "boolean") return cmp(Number(a), Number(b));
  return undefined;
}

const TYPE_RANK: Record<string, number> = { boolean: 0, number: 1, date: 2, string: 3, object: 4 };

/** Total order for sorting: nulls first, then by kind, then by value (ISO date strings compare as instants with each other). */
export function sortCompare(a: unknown, b: unknown, caseSensitive: boolean): number {
  const an = isNullish(a);
  const bn = isNullish(b);
  if (an || bn) return an && bn ? 0 : an ? -1 : 1;
  const bothDates = toInstant(a) !== undefined && toInstant(b) !== undefined;
  const r = orderValues(a, b, caseSensitive, bothDates);
  if (r !== undefined) return r;
  const kind = (v: unknown) => (v instanceof Date ? "date" : typeof v);
  const ra = TYPE_RANK[kind(a)] ?? 5;
  const rb = TYPE_RANK[kind(b)] ?? 5;
  if (ra !== rb) return ra - rb;
  return cmp(safeString(a), safeString(b));
}

function safeString(v: unknown): string {
  try {
    return typeof v === "object" ? JSON.stringify(v) ?? "" : String(v);
  } catch {
    return "";
  }
}
