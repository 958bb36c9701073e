import { describe, expect, it } from "vitest";
import { beginChanges, endChanges } from "../../store/changes.ts";
import type { TenantState } from "../../store/types.ts";
import { emptyTenant } from "../../tenants/seed.ts";
import { parseEventInput } from "./event-input.ts";
import { itemId, type EventItem } from "./event-view.ts";
import { createEvent, updateRef } from "./events-model.ts";
import { addSyncState, diff, findSyncState, generationsOf, idOfKey, MAX_SYNC_STATES, snapshotOf, type NewSyncState } from "./sync-states.ts";
import { calendarViewItems } from "./views.ts";

/**
 * Sync states of calendarView delta: a snapshot of a window and the diff of
 * two (by changeKey; an occurrence by its master's), and the bound on the
 * states a mailbox keeps.
 */
const owner = { id: "75f47e6a-4e09-4898-ae71-eba4b43d71ba", displayName: "Owner", address: "owner@example.com" };
const FROM = Date.UTC(2031, 0, 1);
const TO = Date.UTC(2031, 1, 1);
const utc = (dateTime: string) => ({ dateTime, timeZone: "UTC" });

function tenant(): TenantState {
  return emptyTenant({ id: "11111111-2222-4333-8444-555555555555", displayName: "Delta", defaultDomain: "delta.test", domains: [] });
}
const add = (t: TenantState, body: Record<string, unknown>) => createEvent(t, owner, "cal", parseEventInput(body, true), FROM);
const snapshot = (t: TenantState) => snapshotOf(calendarViewItems(t, owner.id, null, FROM, TO));
const state = (t: TenantState): NewSyncState => ({ ownerId: owner.id, calendarId: null, fromMs: FROM, toMs: TO, createdDateTime: "2031-01-01T00:00:00Z", ...snapshot(t), changed: null, removed: [] });

describe("snapshots and their diff", () => {
  it("reports new and changed items by index and removed ones by id; a series change reaches every occurrence", () => {
    const t = tenant();
    const single = add(t, { subject: "One", start: utc("2031-01-05T10:00:00"), end: utc("2031-01-05T11:00:00") });
    const gone = add(t, { subject: "Gone", start: utc("2031-01-06T10:00:00"), end: utc("2031-01-06T11:00:00") });
    const series = add(t, {
      subject: "Daily",
      start: utc("2031-01-10T09:00:00"),
      end: utc("2031-01-10T09:30:00"),
      recurrence: { pattern: { type: "daily", interval: 1 }, range: { type: "numbered", startDate: "2031-01-10", numberOfOccurrences: 3 } },
    });
    const before = snapshot(t);
    expect(before.keys).toHaveLength(5);
    expect(before.fingerprints).toMatch(/^[0-9a-f]{40}$/);
    const base = { ...state(t), id: "s", generation: 1 };
    expect(diff(base, snapshot(t))).toEqual({ changed: [], removed: [] });

    const added = add(t, { subject: "New", start: utc("2031-01-20T10:00:00"), end: utc("2031-01-20T11:00:00") });
    single.changeKey = "changed";
    t.events.splice(t.events.indexOf(gone), 1);
    const now = snapshot(t);
    const result = diff(base, now);
    expect(result.removed).toEqual([gone.id]);
    expect(result.changed.map((i) => now.keys[i])).toEqual([single.id, added.id]);

    series.changeKey = "series changed";
    const occurrences = before.keys.slice(2);
    const later = snapshot(t);
    expect(diff(base, later).changed.map((i) => later.keys[i]).sort()).toEqual([single.id, added.id, ...occurrences].sort());
  });

  it("keys an occurrence by its series and start, and the exception that replaces it the same way", () => {
    const t = tenant();
    const series = add(t, {
      subject: "Daily",
      start: utc("2031-01-10T09:00:00"),
      end: utc("2031-01-10T09:30:00"),
      recurrence: { pattern: { type: "daily", interval: 1 }, range: { type: "numbered", startDate: "2031-01-10", numberOfOccurrences: 2 } },
    });
    const items = calendarViewItems(t, owner.id, null, FROM, TO);
    const before = snapshotOf(items);
    expect(before.keys).toEqual(items.map((i) => `${series.id}@${i.occurrenceStartMs as number}`));
    expect(before.keys.map(idOfKey)).toEqual(items.map(itemId));
    const base = { ...state(t), id: "s", generation: 1 };
    const second = items[1] as EventItem;
    const exception = updateRef(t, { kind: "occurrence", master: series, originalStartMs: second.occurrenceStartMs as number }, parseEventInput({ subject: "Changed" }, false), FROM);
    expect(exception.id).toBe(itemId(second));
    const now = snapshot(t);
    expect(now.keys).toEqual(before.keys);
    expect(diff(base, now)).toEqual({ changed: [1], removed: [] });
  });
});

describe("the states a mailbox keeps", () => {
  it("counts generations up and drops the oldest beyond the bound, noting each change", () => {
    const t = tenant();
    const ids: string[] = [];
    for (let i = 0; i < MAX_SYNC_STATES + 3; i++) {
      const changes = beginChanges(t);
      ids.push(addSyncState(t, state(t)).id);
      endChanges(t);
      expect(changes.changes.filter((c) => c.kind === "put")).toHaveLength(1);
      expect(changes.changes.filter((c) => c.kind === "remove")).toHaveLength(i >= MAX_SYNC_STATES ? 1 : 0);
    }
    expect(generationsOf(t, owner.id)).toEqual(Array.from({ length: MAX_SYNC_STATES }, (_, i) => MAX_SYNC_STATES + 3 - i));
    expect(findSyncState(t, ids[2] as string)).toBeUndefined();
    expect(findSyncState(t, ids[3] as string)?.generation).toBe(4);
    // Another mailbox's states are not counted against this one.
    addSyncState(t, { ...state(t), ownerId: "someone-else" });
    expect(generationsOf(t, owner.id)).toHaveLength(MAX_SYNC_STATES);
    expect(generationsOf(t, "someone-else")).toEqual([1]);
  });
});
