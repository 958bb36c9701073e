import { notePut, noteRemove } from "../../store/changes.ts";
import { loadOwners } from "../../store/lazy-partitions.ts";
import type { DeepReadonly } from "../../store/store.ts";
import type { CalendarEvent, TenantState } from "../../store/types.ts";

/**
 * Indexes over a tenant's events, kept beside the store: per mailbox, by id,
 * by iCalUId (to find a meeting's copies) and by series (exceptions). The
 * index is keyed by the tenant's `events` array, so a reset, snapshot import
 * or clone (all new arrays) gets a fresh index on first use. The calendar model
 * is the only writer of `events` and updates both through add/remove here.
 *
 * A state folder opens with the mailboxes' events on disk (store/lazy-partitions.ts):
 * whatever asks for a mailbox here (its events, its window layout, an event
 * of it by id, a new event in it) reads that mailbox's partition first, and
 * the index takes in what was read.
 */
/** One mailbox's events arranged for windows: single instances by start, and the series masters. */
export interface OwnerLayout {
  singles: CalendarEvent[];
  masters: CalendarEvent[];
  /** The mailbox's exceptions (changed occurrences), by start then id. */
  exceptions: CalendarEvent[];
  /** Longest single instance, so a window search can start early enough. */
  maxDurationMs: number;
  /** Longest exception, for the same search among the exceptions. */
  maxExceptionDurationMs: number;
}

export class EventIndex {
  readonly byId = new Map<string, CalendarEvent>();
  /** Window layouts per mailbox, rebuilt after a change to that mailbox. */
  readonly #layouts = new Map<string, OwnerLayout>();
  /** Each mailbox's events in the order they were added (a list: a million events in maps of their own cost 50 MB more). */
  readonly #byOwner = new Map<string, CalendarEvent[]>();
  /** A meeting's copies by iCalUId: the event itself while it has one copy (most events), a map once it has more. */
  readonly #byICalUId = new Map<string, CalendarEvent | Map<string, CalendarEvent>>();
  /** Exceptions per series master id, keyed by original start. */
  readonly exceptions = new Map<string, Map<number, CalendarEvent>>();

  /** Reads mailboxes' partitions still on disk; returns the events added to the tenant. */
  readonly #load: ((ownerIds: Iterable<string>) => readonly CalendarEvent[]) | undefined;

  constructor(events: readonly CalendarEvent[], load?: (ownerIds: Iterable<string>) => readonly CalendarEvent[]) {
    this.#load = load;
    for (const e of events) this.add(e);
  }

  /** Makes sure these mailboxes' events are in memory (and in the index). */
  loadMailboxes(ownerIds: Iterable<string>): void {
    if (!this.#load) return;
    for (const e of this.#load(ownerIds)) this.add(e);
  }

  get size(): number {
    return this.byId.size;
  }

  /** Marks a mailbox's layout stale after an event's times or type changed in place. */
  touched(e: Pick<CalendarEvent, "ownerId">): void {
    this.#layouts.delete(e.ownerId);
  }

  layout(ownerId: string): OwnerLayout {
    let l = this.#layouts.get(ownerId);
    if (l) return l;
    l = { singles: [], masters: [], exceptions: [], maxDurationMs: 0, maxExceptionDurationMs: 0 };
    for (const e of this.ofOwner(ownerId)) {
      if (e.type === "seriesMaster") l.masters.push(e);
      else if (e.type === "exception") {
        l.exceptions.push(e);
        l.maxExceptionDurationMs = Math.max(l.maxExceptionDurationMs, e.endMs - e.startMs);
      } else if (e.type === "singleInstance") {
        l.singles.push(e);
        l.maxDurationMs = Math.max(l.maxDurationMs, e.endMs - e.startMs);
      }
    }
    // By start, then id: calendarView's order, so a window's singles need no sorting.
    const byStartThenId = (a: CalendarEvent, b: CalendarEvent) => a.startMs - b.startMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    l.singles.sort(byStartThenId);
    l.exceptions.sort(byStartThenId);
    this.#layouts.set(ownerId, l);
    return l;
  }

  add(e: CalendarEvent): void {
    this.#layouts.delete(e.ownerId);
    this.byId.set(e.id, e);
    const owner = this.#byOwner.get(e.ownerId);
    if (owner) owner.push(e);
    else this.#byOwner.set(e.ownerId, [e]);
    const copies = this.#byICalUId.get(e.iCalUId);
    if (!copies || copies === e) this.#byICalUId.set(e.iCalUId, e);
    else if (copies instanceof Map) copies.set(e.id, e);
    else this.#byICalUId.set(e.iCalUId, new Map([[copies.id, copies], [e.id, e]]));
    if (e.type === "exception" && e.seriesMasterId && e.originalStartMs !== null) {
      let ex = this.exceptions.get(e.seriesMasterId);
      if (!ex) this.exceptions.set(e.seriesMasterId, (ex = new Map()));
      ex.set(e.originalStartMs, e);
    }
  }

  remove(e: CalendarEvent): void {
    this.#layouts.delete(e.ownerId);
    this.byId.delete(e.id);
    const owner = this.#byOwner.get(e.ownerId);
    const at = owner ? owner.findIndex((o) => o.id === e.id) : -1;
    if (at >= 0) owner?.splice(at, 1);
    const copies = this.#byICalUId.get(e.iCalUId);
    if (copies instanceof Map) {
      copies.delete(e.id);
      if (copies.size === 0) this.#byICalUId.delete(e.iCalUId);
    } else if (copies?.id === e.id) this.#byICalUId.delete(e.iCalUId);
    if (e.type === "exception" && e.seriesMasterId && e.originalStartMs !== null) this.exceptions.get(e.seriesMasterId)?.delete(e.originalStartMs);
  }

  /** Copies of one meeting (or one series) across mailboxes. */
  copiesOf(iCalUId: string): Iterable<CalendarEvent> {
    const copies = this.#byICalUId.get(iCalUId);
    return copies instanceof Map ? copies.values() : copies ? [copies] : [];
  }

  /** Events of one mailbox (every calendar). */
  ofOwner(ownerId: string): Iterable<CalendarEvent> {
    this.loadMailboxes([ownerId]);
    return this.#byOwner.get(ownerId) ?? [];
  }

  exceptionsOf(masterId: string): ReadonlyMap<number, CalendarEvent> {
    return this.exceptions.get(masterId) ?? NO_EXCEPTIONS;
  }
}

const NO_EXCEPTIONS: ReadonlyMap<number, CalendarEvent> = new Map();
const indexes = new WeakMap<object, EventIndex>();

/** The index of a tenant's events, built on first use or when the array changed behind the model's back. */
export function eventIndex(t: DeepReadonly<TenantState> | TenantState): EventIndex {
  const events = t.events as unknown as CalendarEvent[];
  let index = indexes.get(events);
  if (!index || index.size !== events.length) {
    const tenant = t;
    index = new EventIndex(events, (ownerIds) => loadOwners(tenant, "events", ownerIds) as unknown as CalendarEvent[]);
    indexes.set(events, index);
  }
  return index;
}

/** Records an event changed in place: noted for the store, and its mailbox's window layout rebuilt. */
export function changedEvent(t: TenantState, e: CalendarEvent): void {
  eventIndex(t).touched(e);
  notePut(t, "events", e);
}

/** Files a new event (noted as added, which change notifications read as "created"). */
export function addEvent(t: TenantState, e: CalendarEvent): void {
  const index = eventIndex(t);
  index.loadMailboxes([e.ownerId]);
  t.events.push(e);
  index.add(e);
  notePut(t, "events", e, true);
}

export function removeEvent(t: TenantState, e: CalendarEvent): void {
  const index = eventIndex(t);
  const at = t.events.lastIndexOf(e);
  if (at >= 0) t.events.splice(at, 1);
  index.remove(e);
  noteRemove(t, "events", e);
}

/** Re-files an event whose indexed keys (type, series, iCalUId) changed. */
export function reindexEvent(t: TenantState, e: CalendarEvent, before: Pick<CalendarEvent, "type" | "seriesMasterId" | "originalStartMs" | "iCalUId">): void {
  const index = eventIndex(t);
  index.remove({ ...e, ...before });
  index.add(e);
  notePut(t, "events", e);
}
