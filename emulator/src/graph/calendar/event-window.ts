import type { CalendarEvent } from "../../store/calendar-types.ts";
import type { EventItem } from "./event-view.ts";

/**
 * The items of a calendar window as ordered runs, merged only as far as a
 * page needs. calendarView orders items by start, then id; every run here is
 * already in that order (a mailbox's single events, one series' occurrences,
 * the exceptions), so a page is a k-way merge of the runs' heads and the count
 * is the sum of their lengths: nothing is sorted, and no item object is made
 * for what the page does not show.
 */
export interface Run {
  readonly length: number;
  startAt(i: number): number;
  idAt(i: number): string;
  itemAt(i: number): EventItem;
}

/** Stored events (single instances or exceptions) sorted by start, then id. */
export class EventsRun implements Run {
  readonly #events: readonly CalendarEvent[];
  constructor(events: readonly CalendarEvent[]) {
    this.#events = events;
  }
  get length(): number {
    return this.#events.length;
  }
  startAt(i: number): number {
    return (this.#events[i] as CalendarEvent).startMs;
  }
  idAt(i: number): string {
    return (this.#events[i] as CalendarEvent).id;
  }
  itemAt(i: number): EventItem {
    return { event: this.#events[i] as CalendarEvent };
  }
}

/** The occurrences of one series: their original starts, ascending, `starts[lo]` up to `starts[hi]`. */
export class OccurrencesRun implements Run {
  readonly #master: CalendarEvent;
  readonly #starts: ArrayLike<number>;
  readonly #lo: number;
  readonly length: number;
  constructor(master: CalendarEvent, slice: { starts: ArrayLike<number>; lo: number; hi: number }) {
    this.#master = master;
    this.#starts = slice.starts;
    this.#lo = slice.lo;
    this.length = slice.hi - slice.lo;
  }
  startAt(i: number): number {
    return this.#starts[this.#lo + i] as number;
  }
  idAt(): string {
    return this.#master.id;
  }
  itemAt(i: number): EventItem {
    return { event: this.#master, occurrenceStartMs: this.#starts[this.#lo + i] as number };
  }
}

interface Cursor {
  run: Run;
  pos: number;
  start: number;
  id: string;
}

const before = (a: Cursor, b: Cursor): boolean => a.start < b.start || (a.start === b.start && a.id < b.id);

/** A min-heap of run cursors by (start, id). Written here: it is a dozen lines and sits on calendarView's hot path. */
function siftDown(heap: Cursor[], at: number): void {
  const n = heap.length;
  const c = heap[at] as Cursor;
  for (;;) {
    let child = 2 * at + 1;
    if (child >= n) break;
    const right = child + 1;
    if (right < n && before(heap[right] as Cursor, heap[child] as Cursor)) child = right;
    if (!before(heap[child] as Cursor, c)) break;
    heap[at] = heap[child] as Cursor;
    at = child;
  }
  heap[at] = c;
}

export class EventWindow {
  readonly count: number;
  readonly #runs: readonly Run[];

  constructor(runs: readonly Run[]) {
    this.#runs = runs;
    let count = 0;
    for (const run of runs) count += run.length;
    this.count = count;
  }

  /** Items [skip, skip + n) in calendarView's order. */
  slice(skip: number, n: number): EventItem[] {
    const out: EventItem[] = [];
    const end = Math.min(skip + n, this.count);
    if (skip >= end) return out;
    const heap: Cursor[] = [];
    for (const run of this.#runs) if (run.length > 0) heap.push({ run, pos: 0, start: run.startAt(0), id: run.idAt(0) });
    for (let i = (heap.length >>> 1) - 1; i >= 0; i--) siftDown(heap, i);
    for (let i = 0; i < end; i++) {
      const top = heap[0] as Cursor;
      if (i >= skip) out.push(top.run.itemAt(top.pos));
      if (++top.pos < top.run.length) {
        top.start = top.run.startAt(top.pos);
        top.id = top.run.idAt(top.pos);
      } else {
        const last = heap.pop() as Cursor;
        if (heap.length === 0) break;
        heap[0] = last;
      }
      siftDown(heap, 0);
    }
    return out;
  }

  /** Every item, in order. */
  all(): EventItem[] {
    return this.slice(0, this.count);
  }
}
