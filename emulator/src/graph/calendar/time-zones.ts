import { findIana, WINDOWS_TO_IANA_MAP } from "windows-iana";

/**
 * Time zones as Outlook takes them: Windows names ("Pacific Standard Time")
 * or IANA names ("America/Los_Angeles"), case-insensitively. Windows names go
 * through windows-iana (the CLDR mapping); offsets come from Intl, so daylight
 * saving follows the tz database of the running Node.
 */
export interface Zone {
  /** The name as the client wrote it, which Graph echoes back. */
  name: string;
  /** The IANA zone used for arithmetic. */
  iana: string;
}

const WINDOWS_NAMES = new Map(WINDOWS_TO_IANA_MAP.map((e) => [e.windowsName.toLowerCase(), e.windowsName]));
const IANA_NAMES = new Map(Intl.supportedValuesOf("timeZone").map((z) => [z.toLowerCase(), z]));
const UTC_NAMES = new Set(["utc", "etc/utc", "gmt", "etc/gmt", "z", "tzone://microsoft/utc"]);

const formatters = new Map<string, Intl.DateTimeFormat>();
const resolved = new Map<string, string | null>();

function ianaFor(name: string): string | undefined {
  const key = name.trim().toLowerCase();
  if (UTC_NAMES.has(key)) return "UTC";
  const cached = resolved.get(key);
  if (cached !== undefined) return cached ?? undefined;
  let iana: string | undefined;
  const windows = WINDOWS_NAMES.get(key);
  if (windows) iana = findIana(windows)[0];
  if (!iana) iana = IANA_NAMES.get(key);
  if (!iana) {
    try {
      iana = new Intl.DateTimeFormat("en-US", { timeZone: name.trim() }).resolvedOptions().timeZone;
    } catch {
      iana = undefined;
    }
  }
  resolved.set(key, iana ?? null);
  return iana;
}

/** Resolves a Windows or IANA zone name; undefined when neither knows it. */
export function resolveZone(name: unknown): Zone | undefined {
  if (typeof name !== "string" || name.trim() === "" || name.length > 100) return undefined;
  const iana = ianaFor(name);
  return iana ? { name, iana } : undefined;
}

export const UTC_ZONE: Zone = { name: "UTC", iana: "UTC" };

function formatter(iana: string): Intl.DateTimeFormat {
  let f = formatters.get(iana);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: iana,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(iana, f);
  }
  return f;
}

/** Offset cache per zone and quarter hour: zone transitions fall on quarter hours. */
const QUARTER = 15 * 60_000;
const offsets = new Map<string, Map<number, number>>();
let cached = 0;

/** Offset of a zone from UTC at an instant, in ms (local = utc + offset). */
export function offsetAt(iana: string, utcMs: number): number {
  if (iana === "UTC") return 0;
  const bucket = Math.floor(utcMs / QUARTER);
  let zone = offsets.get(iana);
  if (!zone) offsets.set(iana, (zone = new Map()));
  const hit = zone.get(bucket);
  if (hit !== undefined) return hit;
  const at = bucket * QUARTER;
  const parts = formatter(iana).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const date = new Date(Date.UTC(2000, get("month") - 1, get("day"), get("hour"), get("minute"), get("second")));
  date.setUTCFullYear(get("year"));
  const offset = date.getTime() - at;
  if (++cached > 500_000) {
    offsets.clear();
    cached = 0;
  }
  zone.set(bucket, offset);
  return offset;
}

/** Wall-clock time in a zone (as ms with the wall fields read as UTC) for an instant. */
export function utcToLocal(utcMs: number, iana: string): number {
  return utcMs + offsetAt(iana, utcMs);
}

/**
 * The instant of a wall-clock time in a zone. A time skipped by a spring-forward
 * gap moves forward by the gap (as Windows does); a repeated autumn time takes
 * the first (daylight) instant.
 */
export function localToUtc(localMs: number, iana: string): number {
  if (iana === "UTC") return localMs;
  const before = offsetAt(iana, localMs - 86_400_000);
  const after = offsetAt(iana, localMs + 86_400_000);
  // No transition within a day either side: one offset fits.
  if (before === after && offsetAt(iana, localMs - before) === before) return localMs - before;
  for (const off of before === after ? [before] : [before, after]) {
    const utc = localMs - off;
    if (utcToLocal(utc, iana) === localMs) return utc;
  }
  // In a gap: the wall time does not exist; keep the earlier offset, which lands after the gap.
  return localMs - before;
}
