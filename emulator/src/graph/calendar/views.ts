import type { DeepReadonly } from "../../store/store.ts";
import type { CalendarEvent, TenantState } from "../../store/types.ts";
import { eventIndex } from "./event-index.ts";
import type { EventItem } from "./event-view.ts";
import { occurrenceStartsIn, type StartsSlice } from "./expand.ts";
import { seriesOfEvent } from "./series.ts";
import { EventWindow, EventsRun, OccurrencesRun, type Run } from "./event-window.ts";
import { occurrenceRuns } from "./occurrence-index.ts";
import { firstIndexNotBefore } from "../../util/sorted.ts";

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

const NO_STARTS: StartsSlice = { starts: [], lo: 0, hi: 0 };
const NO_EXCEPTIONS: CalendarEvent[] = [];

/** One series in a window: its occurrences' starts (ascending) and the exceptions that replace changed ones. */
function seriesInWindow(t: Tenant, master: CalendarEvent, fromMs: number, toMs: number): { starts: StartsSlice; exceptions: CalendarEvent[] } {
  const exceptions = eventIndex(t).exceptionsOf(master.id);
  const deleted = master.deletedOccurrences.length > 0 ? new Set(master.deletedOccurrences) : undefined;
  let starts = NO_STARTS;
  // Skip series that end before the window or start after it; occurrenceStartsIn filters exactly.
  if (master.startMs < toMs && (master.seriesEndMs === null || master.seriesEndMs >= fromMs)) {
    starts = occurrenceStartsIn(seriesOfEvent(master), fromMs, toMs);
    if (deleted || exceptions.size > 0) {
      const kept = (Array.prototype.slice.call(starts.starts, starts.lo, starts.hi) as number[]).filter((start) => !deleted?.has(start) && !exceptions.has(start));
      starts = { starts: kept, lo: 0, hi: kept.length };
    }
  }
  if (exceptions.size === 0) return { starts, exceptions: NO_EXCEPTIONS };
  const changed: CalendarEvent[] = [];
  for (const ex of exceptions.values()) {
    if (overlaps(ex.startMs, ex.endMs, fromMs, toMs) && !deleted?.has(ex.originalStartMs as number)) changed.push(ex);
  }
  return { starts, exceptions: changed };
}

/** The occurrences of one series in a window, exceptions in place of changed ones, by start. */
export function seriesItems(t: Tenant, master: CalendarEvent, fromMs: number, toMs: number): EventItem[] {
  const { starts, exceptions } = seriesInWindow(t, master, fromMs, toMs);
  return new EventWindow([new OccurrencesRun(master, starts), new EventsRun([...exceptions].sort(byEventStart))]).all();
}

/**
 * The events of a list sorted by start (then id) that overlap the window and pass `keep`: a binary
 * search skips to the first that could still overlap (none lasts longer than `maxDurationMs`).
 */
function sortedInWindow(sorted: readonly CalendarEvent[], maxDurationMs: number, fromMs: number, toMs: number, keep: (e: CalendarEvent) => boolean): CalendarEvent[] {
  const earliest = fromMs - maxDurationMs;
  const out: CalendarEvent[] = [];
  for (let i = firstIndexNotBefore(sorted.length, (j) => (sorted[j] as CalendarEvent).startMs < earliest); i < sorted.length; i++) {
    const e = sorted[i] as CalendarEvent;
    if (e.startMs >= toMs) break;
    if (overlaps(e.startMs, e.endMs, fromMs, toMs) && keep(e)) out.push(e);
  }
  return out;
}

/**
 * calendarView: single instances, occurrences and exceptions touching the
 * window, as runs already in order (see event-window.ts): the mailbox's single
 * events from the start-sorted layout, each series' occurrences, the exceptions.
 */
export function calendarViewWindow(t: Tenant, ownerId: string, calendars: ReadonlySet<string> | null, fromMs: number, toMs: number): EventWindow {
  const layout = eventIndex(t).layout(ownerId);
  const inWindow = sortedInWindow(layout.singles, layout.maxDurationMs, fromMs, toMs, (e) => visible(e, calendars));
  const runs: Run[] = [new EventsRun(inWindow)];
  // Every calendar of the mailbox: its series come from the mailbox's time index.
  const indexed = calendars === null ? occurrenceRuns(t, layout, fromMs, toMs) : undefined;
  if (indexed) {
    const index = eventIndex(t);
    const changed = sortedInWindow(layout.exceptions, layout.maxExceptionDurationMs, fromMs, toMs, (ex) => {
      const master = ex.seriesMasterId ? index.byId.get(ex.seriesMasterId) : undefined;
      return !master?.deletedOccurrences.includes(ex.originalStartMs as number);
    });
    return new EventWindow([...runs, ...indexed, new EventsRun(changed)]);
  }
  const exceptions: CalendarEvent[] = [];
  for (const m of layout.masters) {
    if (!visible(m, calendars)) continue;
    const series = seriesInWindow(t, m, fromMs, toMs);
    if (series.starts.hi > series.starts.lo) runs.push(new OccurrencesRun(m, series.starts));
    for (const ex of series.exceptions) exceptions.push(ex);
  }
  if (exceptions.length > 0) runs.push(new EventsRun(exceptions.sort(byEventStart)));
  return new EventWindow(runs);
}

/** calendarView's items, every one, by start. */
export function calendarViewItems(t: Tenant, ownerId: string, calendars: ReadonlySet<string> | null, fromMs: number, toMs: number): EventItem[] {
  return calendarViewWindow(t, ownerId, calendars, fromMs, toMs).all();
}

/** Stored events by start, then id: calendarView's order. */
export function byEventStart(a: CalendarEvent, b: CalendarEvent): number {
  return a.startMs - b.startMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
