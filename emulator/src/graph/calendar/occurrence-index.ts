import type { CalendarEvent } from "../../store/calendar-types.ts";
import type { DeepReadonly } from "../../store/store.ts";
import type { TenantState } from "../../store/types.ts";
import { DAY_MS } from "./date-time.ts";
import { eventIndex, type OwnerLayout } from "./event-index.ts";
import type { EventItem } from "./event-view.ts";
import type { Run } from "./event-window.ts";
import { occurrenceStartsIn } from "./expand.ts";
import { seriesOfEvent } from "./series.ts";

type Tenant = DeepReadonly<TenantState> | TenantState;

/**
 * A mailbox's time index over its series: for each block of BLOCK_MS of UTC
 * time that a window has asked for, every occurrence starting in it (deleted
 * ones and those an exception replaces left out), sorted by start then series
 * id — calendarView's order. A window then costs two binary searches per
 * block instead of expanding every series. The blocks belong to the mailbox's
 * layout (event-index.ts), which any change to the mailbox replaces, so they
 * never outlive the events they were built from; at most MAX_BLOCKS per layout.
 */
const BLOCK_MS = 32 * DAY_MS;
const MAX_BLOCKS = 128;

interface OccurrenceBlock {
  starts: Float64Array;
  masters: CalendarEvent[];
  /** The longest series duration in the block, to find occurrences that began before a window and reach into it. */
  maxDurationMs: number;
}

const blocksOf = new WeakMap<OwnerLayout, Map<number, OccurrenceBlock>>();

function buildBlock(t: Tenant, layout: OwnerLayout, block: number): OccurrenceBlock {
  const from = block * BLOCK_MS;
  const to = from + BLOCK_MS;
  const entries: { start: number; master: CalendarEvent }[] = [];
  let maxDurationMs = 0;
  for (const master of layout.masters) {
    if (master.startMs >= to || (master.seriesEndMs !== null && master.seriesEndMs < from)) continue;
    const exceptions = eventIndex(t).exceptionsOf(master.id);
    const deleted = master.deletedOccurrences;
    const { starts, lo, hi } = occurrenceStartsIn(seriesOfEvent(master), from, to);
    for (let i = lo; i < hi; i++) {
      const start = starts[i] as number;
      // Starting in the block only (occurrenceStartsIn also gives those that began earlier and reach into it).
      if (start < from || exceptions.has(start) || (deleted.length > 0 && deleted.includes(start))) continue;
      entries.push({ start, master });
      maxDurationMs = Math.max(maxDurationMs, master.endMs - master.startMs);
    }
  }
  entries.sort((a, b) => a.start - b.start || (a.master.id < b.master.id ? -1 : a.master.id > b.master.id ? 1 : 0));
  const starts = new Float64Array(entries.length);
  const masters = new Array<CalendarEvent>(entries.length);
  entries.forEach((e, i) => {
    starts[i] = e.start;
    masters[i] = e.master;
  });
  return { starts, masters, maxDurationMs };
}

function blockOf(t: Tenant, layout: OwnerLayout, block: number): OccurrenceBlock {
  let blocks = blocksOf.get(layout);
  if (!blocks) blocksOf.set(layout, (blocks = new Map()));
  let found = blocks.get(block);
  if (!found) {
    if (blocks.size >= MAX_BLOCKS) blocks.clear();
    found = buildBlock(t, layout, block);
    blocks.set(block, found);
  }
  return found;
}

function lowerBound(a: Float64Array, value: number, lo = 0): number {
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A range of one block: occurrences in calendarView's order, some of them (those that began before the window) picked. */
class BlockRun implements Run {
  readonly #block: OccurrenceBlock;
  readonly #at: readonly number[] | null;
  readonly #lo: number;
  readonly length: number;
  constructor(block: OccurrenceBlock, lo: number, hi: number, picked: readonly number[] | null) {
    this.#block = block;
    this.#lo = lo;
    this.#at = picked;
    this.length = picked ? picked.length : hi - lo;
  }
  #index(i: number): number {
    return this.#at ? (this.#at[i] as number) : this.#lo + i;
  }
  startAt(i: number): number {
    return this.#block.starts[this.#index(i)] as number;
  }
  idAt(i: number): string {
    return (this.#block.masters[this.#index(i)] as CalendarEvent).id;
  }
  itemAt(i: number): EventItem {
    const at = this.#index(i);
    return { event: this.#block.masters[at] as CalendarEvent, occurrenceStartMs: this.#block.starts[at] as number };
  }
}

/**
 * The occurrences of every series of a mailbox that overlap [fromMs, toMs),
 * as runs in calendarView's order; undefined when the window is too wide for
 * the index (the caller expands series one by one).
 */
export function occurrenceRuns(t: Tenant, layout: OwnerLayout, fromMs: number, toMs: number): Run[] | undefined {
  if (layout.masters.length === 0) return [];
  let longest = 0;
  for (const m of layout.masters) longest = Math.max(longest, m.endMs - m.startMs);
  const firstBlock = Math.floor((fromMs - longest) / BLOCK_MS);
  const lastBlock = Math.floor((toMs - 1) / BLOCK_MS);
  if (lastBlock - firstBlock >= MAX_BLOCKS / 2) return undefined;
  const runs: Run[] = [];
  for (let b = firstBlock; b <= lastBlock; b++) {
    const block = blockOf(t, layout, b);
    const end = lowerBound(block.starts, toMs);
    const inside = lowerBound(block.starts, fromMs);
    // Occurrences starting in the window all overlap it; those starting before it, only if they reach into it.
    const headFrom = lowerBound(block.starts, fromMs - block.maxDurationMs);
    if (headFrom < inside) {
      const picked: number[] = [];
      for (let i = headFrom; i < inside; i++) {
        const m = block.masters[i] as CalendarEvent;
        if ((block.starts[i] as number) + (m.endMs - m.startMs) > fromMs) picked.push(i);
      }
      if (picked.length > 0) runs.push(new BlockRun(block, 0, 0, picked));
    }
    if (inside < end) runs.push(new BlockRun(block, inside, end, null));
  }
  return runs;
}
