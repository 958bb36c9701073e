import { randomBytes } from "node:crypto";
import { notePut, removeWhere } from "../../store/changes.ts";
import type { DeepReadonly } from "../../store/store.ts";
import type { CalendarEvent, CalendarSyncState, TenantState } from "../../store/types.ts";
import { fnv1a } from "../../util/fnv1a.ts";
import type { EventItem } from "./event-view.ts";
import { occurrenceId } from "./ids.ts";

/**
 * The sync states of calendarView delta (the model; the handler is
 * delta.ts). A state holds the window as it was when a round began: each
 * item's key (its id, or its series and start) and a fingerprint of its content (its changeKey, which every
 * change renews; an occurrence's is its master's). The next round compares
 * the window now with it. A mailbox keeps at most MAX_SYNC_STATES; beyond
 * that the oldest goes, and a token naming it answers 410, as Outlook's
 * expired sync states do.
 */

export const MAX_SYNC_STATES = 20;
const FINGERPRINT = 8;

type ReadTenant = DeepReadonly<TenantState> | TenantState;
export type SyncState = DeepReadonly<CalendarSyncState>;

/** The window's items as a state keeps them. */
export interface Snapshot {
  keys: string[];
  fingerprints: string;
}

function fingerprint(changeKey: string): string {
  return fnv1a(changeKey).toString(16).padStart(FINGERPRINT, "0");
}

const occurrenceKey = (masterId: string, originalStartMs: number) => `${masterId}@${originalStartMs}`;

/** An exception's key: its occurrence's, when its id is that occurrence's id (as the model makes them). */
function exceptionKey(e: CalendarEvent): string {
  if (e.seriesMasterId === null || e.originalStartMs === null) return e.id;
  return occurrenceId(e.seriesMasterId, e.originalStartMs) === e.id ? occurrenceKey(e.seriesMasterId, e.originalStartMs) : e.id;
}

/** The Graph id of an item a state keeps by key. */
export function idOfKey(key: string): string {
  const at = key.indexOf("@");
  return at < 0 ? key : occurrenceId(key.slice(0, at), Number(key.slice(at + 1)));
}

/** Keys and fingerprints of a window's items, in their order. */
export function snapshotOf(items: readonly EventItem[]): Snapshot {
  const keys: string[] = [];
  const prints: string[] = [];
  const masters = new Map<CalendarEvent, string>();
  for (const { event, occurrenceStartMs } of items) {
    if (occurrenceStartMs === undefined) {
      keys.push(event.type === "exception" ? exceptionKey(event) : event.id);
      prints.push(fingerprint(event.changeKey));
      continue;
    }
    let print = masters.get(event);
    if (print === undefined) masters.set(event, (print = fingerprint(event.changeKey)));
    keys.push(occurrenceKey(event.id, occurrenceStartMs));
    prints.push(print);
  }
  return { keys, fingerprints: prints.join("") };
}

const printAt = (fingerprints: string, i: number) => fingerprints.slice(i * FINGERPRINT, (i + 1) * FINGERPRINT);

/** What changed from a state's window to the same window now: new or changed items (indexes into `now.keys`) and keys gone. */
export function diff(base: SyncState, now: Snapshot): { changed: number[]; removed: string[] } {
  const before = new Map<string, string>();
  base.keys.forEach((key, i) => before.set(key, printAt(base.fingerprints, i)));
  const changed: number[] = [];
  now.keys.forEach((key, i) => {
    if (before.get(key) !== printAt(now.fingerprints, i)) changed.push(i);
    before.delete(key);
  });
  return { changed, removed: [...before.keys()] };
}

export function findSyncState(t: ReadTenant, id: string): SyncState | undefined {
  return t.calendarSyncStates.find((s) => s.id === id);
}

/** The generations a mailbox keeps, newest first. */
export function generationsOf(t: ReadTenant, ownerId: string): number[] {
  return t.calendarSyncStates
    .filter((s) => s.ownerId === ownerId)
    .map((s) => s.generation)
    .sort((a, b) => b - a);
}

export type NewSyncState = Omit<CalendarSyncState, "id" | "generation">;

/** Stores the state of a new round, dropping the mailbox's oldest states beyond the bound. */
export function addSyncState(t: TenantState, fields: NewSyncState): CalendarSyncState {
  const kept = generationsOf(t, fields.ownerId);
  const dropBelow = kept.length >= MAX_SYNC_STATES ? (kept[MAX_SYNC_STATES - 2] as number) : -Infinity;
  if (kept.length >= MAX_SYNC_STATES) removeWhere(t, "calendarSyncStates", (s) => s.ownerId === fields.ownerId && s.generation < dropBelow);
  const state: CalendarSyncState = { id: randomBytes(12).toString("base64url"), generation: (kept[0] ?? 0) + 1, ...fields };
  t.calendarSyncStates.push(state);
  notePut(t, "calendarSyncStates", state);
  return state;
}
