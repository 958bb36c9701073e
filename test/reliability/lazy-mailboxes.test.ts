import { cpSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { notePut, noteRemove, partitionOf } from "../../emulator/src/store/changes.ts";
import { loadOwners, unloadedOf } from "../../emulator/src/store/lazy-partitions.ts";
import { openStore, type Store } from "../../emulator/src/store/store.ts";
import type { CalendarEvent, EmulatorState, TenantState } from "../../emulator/src/store/types.ts";
import { emptyTenant } from "../../emulator/src/tenants/seed.ts";

/**
 * A state folder opens with the mailboxes' events on disk, read on first use
 * (store/lazy-partitions.ts). Log entries for a partition not read yet are
 * kept and applied when it is read, or folded into its file by a compaction
 * without reading it into memory; a write to a mailbox not read yet reads it
 * first. Every acknowledged write survives.
 */
const T = "11111111-2222-4333-8444-555555555555";
const dirs: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close().catch(() => {});
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const seed = (): EmulatorState => ({ version: 1, tenants: [emptyTenant({ id: T, displayName: "Lazy", defaultDomain: "lazy.test", domains: [] })] });

async function open(dir: string): Promise<Store> {
  const store = await openStore({ dir: join(dir, "state"), seed, audit: true });
  stores.push(store);
  return store;
}

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "graph-emulator-lazy-"));
  dirs.push(d);
  return d;
}

const event = (id: string, ownerId: string, subject = "s"): CalendarEvent => ({ id, ownerId, calendarId: `cal-${ownerId}`, subject }) as unknown as CalendarEvent;
const ALICE = "alice";
const BOB = "bob";
const mailbox = (t: TenantState, owner: string) =>
  t.events
    .filter((e) => e.ownerId === owner)
    .map((e) => `${e.id}:${e.subject}`)
    .sort();
const inMemory = (store: Store) => store.read(T, (t) => t.events.map((e) => e.id).sort());
/** Reads a mailbox as calendar code does: its records from disk first, then what memory holds. */
const readMailbox = (store: Store, owner: string) =>
  store.read(T, (t) => {
    loadOwners(t, "events", [owner]);
    return mailbox(t as TenantState, owner);
  });

/** A folder whose files hold alice's and bob's events (each in a partition of its own), log empty. */
async function folder(): Promise<string> {
  expect(partitionOf("events", { ownerId: ALICE })).not.toBe(partitionOf("events", { ownerId: BOB }));
  const dir = tempDir();
  const a = await open(dir);
  a.write(T, (t) => {
    for (const e of [event("a1", ALICE, "one"), event("a2", ALICE, "two"), event("b1", BOB, "bee")]) {
      t.events.push(e);
      notePut(t, "events", e, true);
    }
  });
  await a.close();
  expect(statSync(join(dir, "state", "wal.jsonl")).size).toBe(0);
  return dir;
}

/** Changes alice's mailbox (an edit, a removal, an addition) and waits until they are in the log. */
async function changeAlice(store: Store): Promise<void> {
  store.write(T, (t) => {
    loadOwners(t, "events", [ALICE]);
    const a1 = t.events.find((e) => e.id === "a1") as CalendarEvent;
    a1.subject = "edited";
    notePut(t, "events", a1);
    const a2 = t.events.find((e) => e.id === "a2") as CalendarEvent;
    t.events.splice(t.events.indexOf(a2), 1);
    noteRemove(t, "events", a2);
    const a3 = event("a3", ALICE, "three");
    t.events.push(a3);
    notePut(t, "events", a3, true);
  });
  await store.flush();
}

describe("mailboxes read on first use", () => {
  it("opens with the events on disk and reads one mailbox's events when it is first used", async () => {
    const store = await open(await folder());
    expect(inMemory(store)).toEqual([]);
    expect(readMailbox(store, ALICE)).toEqual(["a1:one", "a2:two"]);
    // Only alice's: bob's partition is still on disk only.
    expect(inMemory(store)).toEqual(["a1", "a2"]);
    expect(store.read(T, (t) => unloadedOf(t)?.partitions.has(partitionOf("events", { ownerId: BOB })))).toBe(true);
    store.loadAll(T);
    expect(inMemory(store)).toEqual(["a1", "a2", "b1"]);
  });

  it("a write to a mailbox not read yet is durable and visible with the mailbox's earlier events", async () => {
    const dir = await folder();
    const store = await open(dir);
    // The write does not read bob's mailbox first: the store reads it then (the audit would refuse records it did not expect).
    store.write(T, (t) => {
      const e = event("b2", BOB, "new");
      t.events.push(e);
      notePut(t, "events", e, true);
    });
    await store.flush();
    expect(store.read(T, (t) => mailbox(t as TenantState, BOB))).toEqual(["b1:bee", "b2:new"]);
    const crashed = join(dir, "crash");
    cpSync(join(dir, "state"), join(crashed, "state"), { recursive: true });
    await store.close();
    for (const d of [dir, crashed]) expect(readMailbox(await open(d), BOB)).toEqual(["b1:bee", "b2:new"]);
  });

  it("replays log entries for a partition not read yet when it is read (after a crash)", async () => {
    const dir = await folder();
    await changeAlice(await open(dir));
    // A crash now: the changes are in the log only, alice's file still holds her old events.
    const crashed = join(dir, "crash");
    cpSync(join(dir, "state"), join(crashed, "state"), { recursive: true });
    const reopened = await open(crashed);
    expect(inMemory(reopened)).toEqual([]);
    expect(readMailbox(reopened, ALICE)).toEqual(["a1:edited", "a3:three"]);
    expect(readMailbox(reopened, BOB)).toEqual(["b1:bee"]);
    await reopened.close();
    const again = await open(crashed);
    expect(readMailbox(again, ALICE)).toEqual(["a1:edited", "a3:three"]);
  });

  it("folds log entries for a partition not read into its file without reading it into memory", async () => {
    const dir = await folder();
    await changeAlice(await open(dir));
    const crashed = join(dir, "crash");
    cpSync(join(dir, "state"), join(crashed, "state"), { recursive: true });
    const reopened = await open(crashed);
    // Closing folds the log into the files; alice's mailbox was never asked for.
    await reopened.close();
    expect(statSync(join(crashed, "state", "wal.jsonl")).size).toBe(0);
    expect(inMemory(reopened)).toEqual([]);
    const again = await open(crashed);
    expect(readMailbox(again, ALICE)).toEqual(["a1:edited", "a3:three"]);
    expect(readMailbox(again, BOB)).toEqual(["b1:bee"]);
  });

  it("exports every event, read or not", async () => {
    const dir = await folder();
    await changeAlice(await open(dir));
    const crashed = join(dir, "crash");
    cpSync(join(dir, "state"), join(crashed, "state"), { recursive: true });
    const reopened = await open(crashed);
    const events = (reopened.exportState().tenants[0] as TenantState).events;
    expect(events.map((e) => `${e.id}:${e.subject}`).sort()).toEqual(["a1:edited", "a3:three", "b1:bee"]);
  });
});
