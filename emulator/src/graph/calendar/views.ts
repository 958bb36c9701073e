import type { DeepReadonly } from "../../store/store.ts";
import type { CalendarEvent, TenantState } from "../../store/types.ts";
import { eventIndex } from "./event-index.ts";
import type { EventItem } from "./event-view.ts";
import { occurrencesBetween } from "./expand.ts";
import { seriesOfEvent } from "./series.ts";

type Tenant = DeepReadonly<TenantState> | TenantState;

/**
 * The collections Outlook serves: /events lists single instances and series
 * masters; calendarView and /instances expand series into occurrences,
 * replacing changed ones by their exceptions and leaving deleted ones out.
 * Every lookup goes through the per-mailbox index.
 */

const visible = (e: CalendarEvent, calendars: ReadonlySet<string> | null) => calendars === null || calendars.has(e.calendarId);

/** /events: single instances and series masters of a mailbox, oldest first. */
export function eventItems(t: Tenant, ownerId: string, calendars: ReadonlySet<string> | null): EventItem[] {
  const out: EventItem[] = [];
  for (const e of eventIndex(t).ofOwner(ownerId)) {
    if (e.type !== "exception" && visible(e, calendars)) out.push({ event: e });
  }
  return out;
}

/** Does [start, end) touch the window? A zero-length item counts when it starts inside. */
export function overlaps(startMs: number, endMs: number, fromMs: number, toMs: number): boolean {
  return startMs < toMs && (endMs > fromMs || (endMs === startMs && startMs >= fromMs));
}

/** The occurrences of one series in a window, exceptions in place of changed ones. */
export function seriesItems(t: Tenant, master: CalendarEvent, fromMs: number, toMs: number): EventItem[] {
  const out: EventItem[] = [];
  const exceptions = eventIndex(t).exceptionsOf(master.id);
  const deleted = master.deletedOccurrences.length > 0 ? new Set(master.deletedOccurrences) : undefined;
  // Skip series that end before the window or start after it; occurrencesBetween filters exactly.
  if (master.startMs < toMs && (master.seriesEndMs === null || master.seriesEndMs >= fromMs)) {
    for (const start of occurrencesBetween(seriesOfEvent(master), fromMs, toMs)) {
      if (deleted?.has(start) || exceptions.has(start)) continue;
      out.push({ event: master, occurrenceStartMs: start });
    }
  }
  for (const ex of exceptions.values()) {
    if (overlaps(ex.startMs, ex.endMs, fromMs, toMs) && !deleted?.has(ex.originalStartMs as number)) out.push({ event: ex });
  }
  return out;
}

/** calendarView: single instances, occurrences and exceptions touching the window, by start. */
export function calendarViewItems(t: Tenant, ownerId: string, calendars: ReadonlySet<string> | null, fromMs: number, toMs: number): EventItem[] {
  const layout = eventIndex(t).layout(ownerId);
  const out: EventItem[] = [];
  // Singles are sorted by start: skip to the first that could still overlap the window.
  const singles = layout.singles;
  const earliest = fromMs - layout.maxDurationMs;
  let lo = 0;
  let hi = singles.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((singles[mid] as CalendarEvent).startMs < earliest) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < singles.length; i++) {
    const e = singles[i] as CalendarEvent;
    if (e.startMs >= toMs) break;
    if (visible(e, calendars) && overlaps(e.startMs, e.endMs, fromMs, toMs)) out.push({ event: e });
  }
  for (const m of layout.masters) if (visible(m, calendars)) for (const item of seriesItems(t, m, fromMs, toMs)) out.push(item);
  return out.sort(byStart);
}

export function byStart(a: EventItem, b: EventItem): number {
  const d = (a.occurrenceStartMs ?? a.event.startMs) - (b.occurrenceStartMs ?? b.event.startMs);
  if (d !== 0) return d;
  return a.event.id < b.event.id ? -1 : a.event.id > b.event.id ? 1 : 0;
}
