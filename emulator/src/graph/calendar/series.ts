import type { CalendarEvent } from "../../store/calendar-types.ts";
import { firstOccurrence, lastOccurrence, seriesOf, type Series } from "./expand.ts";
import { resolveZone } from "./time-zones.ts";

type SeriesFields = Pick<CalendarEvent, "recurrence" | "startMs" | "endMs" | "start" | "changeKey">;

const cache = new WeakMap<object, { changeKey: string; startMs: number; series: Series }>();

/** The expansion shape of a stored series master, cached per change. */
export function seriesOfEvent(master: SeriesFields): Series {
  const hit = cache.get(master);
  if (hit && hit.changeKey === master.changeKey && hit.startMs === master.startMs) return hit.series;
  if (!master.recurrence) throw new Error("not a series master");
  const series = seriesOf(master.recurrence, master.startMs, master.endMs, resolveZone(master.start.timeZone)?.iana ?? "UTC");
  cache.set(master, { changeKey: master.changeKey, startMs: master.startMs, series });
  return series;
}

/** First and last instants a series covers; undefined when it has no occurrence at all. */
export function seriesBounds(series: Series): { firstStartMs: number; endMs: number | null } | undefined {
  const first = firstOccurrence(series);
  if (first === undefined) return undefined;
  const last = lastOccurrence(series);
  return { firstStartMs: first, endMs: last === undefined ? null : last + series.durationMs };
}
