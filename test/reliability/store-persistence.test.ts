import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { isAscii } from "node:buffer";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { noteCollection, noteMeta, notePut, noteRemove } from "../../emulator/src/store/changes.ts";
import { openStore, StoreFileError, type Store } from "../../emulator/src/store/store.ts";
import { StoreAuditError } from "../../emulator/src/store/audit.ts";
import { startEmulator } from "../../emulator/src/server.ts";
import type { CalendarEvent, EmulatorState, TenantState, User } from "../../emulator/src/store/types.ts";
import { emptyTenant } from "../../emulator/src/tenants/seed.ts";

/**
 * The file-backed store: every acknowledged write survives a reopen (clean or
 * crashed), a write costs what it changed (one log line, no partition file
 * rewritten), compaction folds the log into the files, and damaged files are
 * refused with their path.
 */
const T = "11111111-2222-4333-8444-555555555555";
const dirs: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close().catch(() => {});
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "graph-emulator-store-"));
  dirs.push(d);
  return d;
}

const seed = (): EmulatorState => ({ version: 1, tenants: [emptyTenant({ id: T, displayName: "Store Test", defaultDomain: "store.test", domains: [] })] });

async function open(dir: string, compactAtBytes?: number): Promise<Store> {
  const store = await openStore({ dir: join(dir, "state"), seed, audit: true, ...(compactAtBytes ? { compactAtBytes } : {}) });
  stores.push(store);
  return store;
}

const event = (id: string, ownerId: string, subject = "s"): CalendarEvent => ({ id, ownerId, calendarId: `cal-${ownerId}`, subject }) as unknown as CalendarEvent;
const user = (id: string, displayName = id): User => ({ id, userPrincipalName: `${id}@store.test`, displayName }) as unknown as User;

function addEvents(store: Store, events: CalendarEvent[]): void {
  store.write(T, (t) => {
    for (const e of events) {
      t.events.push(e);
      notePut(t, "events", e);
    }
  });
}

/**
 * The state with events in mailbox order: events are filed by mailbox, so a
 * reload keeps each mailbox's order but not the interleaving across mailboxes.
 */
function byMailbox(state: EmulatorState): EmulatorState {
  for (const t of state.tenants) t.events = [...t.events].sort((a, b) => (a.ownerId < b.ownerId ? -1 : a.ownerId > b.ownerId ? 1 : 0));
  return state;
}

function files(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) if (e.isFile()) out.set(join(e.parentPath, e.name), statSync(join(e.parentPath, e.name)).mtimeMs);
  return out;
}

describe("file-backed store", () => {
  it("keeps puts, removals, replaced collections and tenant fields across a reopen", async () => {
    const dir = tempDir();
    const a = await open(dir);
    addEvents(a, [event("e1", "alice"), event("e2", "bob"), event("e3", "alice")]);
    a.write(T, (t) => {
      const e2 = t.events.find((e) => e.id === "e2") as CalendarEvent;
      e2.subject = "changed";
      notePut(t, "events", e2);
      const e1 = t.events.splice(0, 1)[0] as CalendarEvent;
      noteRemove(t, "events", e1);
      t.users.push(user("u1"));
      notePut(t, "users", t.users[0] as User);
      t.sessions = [{ id: "s1", userId: "u1", createdAt: "2026-01-01T00:00:00Z" }];
      noteCollection(t, "sessions");
      t.displayName = "Renamed";
      noteMeta(t);
    });
    const expected = byMailbox(a.exportState());
    await a.close();
    const b = await open(dir);
    expect(byMailbox(b.exportState())).toEqual(expected);
    expect(b.read(T, (t) => t.events.map((e) => `${e.id}:${e.subject}`).sort())).toEqual(["e2:changed", "e3:s"]);
    expect(b.read(T, (t) => t.displayName)).toBe("Renamed");
  });

  it("writes every file in ASCII (characters beyond it escaped) and reads names beyond ASCII back unchanged", async () => {
    const dir = tempDir();
    const a = await open(dir);
    const names = ["Zoë Ångström", "山田 太郎", "Emoji 🙂"];
    a.write(T, (t) => {
      for (const [i, name] of names.entries()) {
        t.users.push(user(`u${i}`, name));
        notePut(t, "users", t.users[i] as User);
      }
      t.displayName = "Tenant Ünïcode";
      noteMeta(t);
    });
    await a.close();
    const written = [...files(join(dir, "state")).keys()].filter((f) => statSync(f).size > 0);
    expect(written.some((f) => f.endsWith("users.json"))).toBe(true);
    for (const f of written) expect(isAscii(readFileSync(f)), f).toBe(true);
    const b = await open(dir);
    expect(b.read(T, (t) => t.users.map((u) => u.displayName))).toEqual(names);
    expect(b.read(T, (t) => t.displayName)).toBe("Tenant Ünïcode");
    await b.close();
    // Files of earlier versions hold such names as UTF-8: they load the same.
    const usersFile = written.find((f) => f.endsWith("users.json")) as string;
    writeFileSync(usersFile, JSON.stringify(JSON.parse(readFileSync(usersFile, "utf8"))));
    expect(isAscii(readFileSync(usersFile))).toBe(false);
    const c = await open(dir);
    expect(c.read(T, (t) => t.users.map((u) => u.displayName))).toEqual(names);
  });

  it("persists a write that noted nothing as a whole-tenant snapshot", async () => {
    const dir = tempDir();
    const a = await openStore({ dir: join(dir, "state"), seed });
    stores.push(a);
    a.write(T, (t) => void t.users.push(user("quiet")));
    await a.flush();
    const b = await open(dir);
    expect(b.read(T, (t) => t.users.map((u) => u.id))).toEqual(["quiet"]);
  });

  it("answers a one-record write with one log line and rewrites no partition file, however big the tenant", async () => {
    const dir = tempDir();
    const a = await open(dir);
    addEvents(a, Array.from({ length: 20_000 }, (_, i) => event(`big-${i}`, `owner-${i % 500}`, "x".repeat(200))));
    await a.close();
    const b = await open(dir);
    const before = files(join(dir, "state"));
    const walBefore = statSync(join(dir, "state", "wal.jsonl")).size;
    addEvents(b, [event("one-more", "owner-7")]);
    await b.flush();
    const after = files(join(dir, "state"));
    const grown = statSync(join(dir, "state", "wal.jsonl")).size - walBefore;
    expect(grown).toBeGreaterThan(0);
    expect(grown).toBeLessThan(1_000);
    for (const [file, mtime] of before) if (!file.endsWith("wal.jsonl")) expect(after.get(file), file).toBe(mtime);
  });

  it("folds the log into the files once it passes its limit, and drops the rotated logs", async () => {
    const dir = tempDir();
    const a = await open(dir, 4_096);
    for (let i = 0; i < 200; i++) addEvents(a, [event(`c-${i}`, `o-${i % 7}`, "y".repeat(100))]);
    await a.flush();
    await a.close();
    expect(statSync(join(dir, "state", "wal.jsonl")).size).toBe(0);
    expect(readdirSync(join(dir, "state")).filter((n) => /^wal-\d+\.jsonl$/.test(n))).toEqual([]);
    const b = await open(dir);
    // Events stay on disk until read: counting every one reads them all first.
    b.loadAll(T);
    expect(b.read(T, (t) => t.events.length)).toBe(200);
  });

  it("cuts off a torn last log line (a batch never acknowledged) and refuses a damaged one elsewhere, naming the file and line", async () => {
    const dir = tempDir();
    const a = await open(dir);
    addEvents(a, [event("kept", "alice")]);
    await a.flush();
    const wal = join(dir, "state", "wal.jsonl");
    const snapshot = join(dir, "copy");
    cpSync(join(dir, "state"), join(snapshot, "state"), { recursive: true });
    appendFileSync(join(snapshot, "state", "wal.jsonl"), '{"lsn":99,"entries":[["p","');
    const b = await open(snapshot);
    expect(b.read(T, (t) => t.events.map((e) => e.id))).toEqual(["kept"]);
    await b.close();

    const damaged = join(dir, "damaged");
    cpSync(join(dir, "state"), join(damaged, "state"), { recursive: true });
    const text = readFileSync(wal, "utf8");
    writeFileSync(join(damaged, "state", "wal.jsonl"), `{"lsn":1,"entr\n${text}`);
    const failure = await openStore({ dir: join(damaged, "state"), seed }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StoreFileError);
    expect((failure as Error).message).toContain(join(damaged, "state", "wal.jsonl"));
    expect((failure as Error).message).toContain("line 1");
  });

  it("refuses a damaged partition file with its path and leaves it as it was", async () => {
    const dir = tempDir();
    await (await open(dir)).close();
    const file = join(dir, "state", "tenants", T, "users.json");
    writeFileSync(file, '{"lsn":0,"records":[');
    const failure = await openStore({ dir: join(dir, "state"), seed }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StoreFileError);
    expect((failure as Error).message).toContain(file);
    expect(readFileSync(file, "utf8")).toBe('{"lsn":0,"records":[');
  });

  it("moves a single state.json of an earlier version into the state folder", async () => {
    const dir = tempDir();
    const legacy = seed();
    (legacy.tenants[0] as TenantState).users.push(user("legacy-user"));
    writeFileSync(join(dir, "state.json"), JSON.stringify(legacy));
    const a = await open(dir);
    expect(a.read(T, (t) => t.users.map((u) => u.id))).toEqual(["legacy-user"]);
    expect(existsSync(join(dir, "state.json"))).toBe(false);
    expect(existsSync(join(dir, "state.json.migrated"))).toBe(true);
    await a.close();
    expect((await open(dir)).read(T, (t) => t.users.map((u) => u.id))).toEqual(["legacy-user"]);
  });

  it("runs the whole test suite's emulators with the audit on, so a write that forgets a note fails its test", async () => {
    const emu = await startEmulator({ port: 0, inMemory: true, dataDir: null, quiet: true });
    try {
      const tenant = emu.tenants[0]!.id;
      expect(() => emu.store.write(tenant, (t) => void ((t.users[0] as User).displayName = "unnoted"))).toThrow(StoreAuditError);
    } finally {
      await emu.close();
    }
  });

  it("in audit mode, fails a write that changed a record it did not note", async () => {
    const store = await openStore({ seed, audit: true });
    store.write(T, (t) => {
      t.users.push(user("noted"));
      notePut(t, "users", t.users[0] as User);
    });
    expect(() =>
      store.write(T, (t) => {
        (t.users[0] as User).displayName = "sneaky";
        t.users.push(user("other"));
        notePut(t, "users", t.users[1] as User);
      }),
    ).toThrow(/users noted \(changed\)/);
  });
});

type Op =
  | { kind: "addEvent"; owner: number; subject: string }
  | { kind: "editEvent"; pick: number; subject: string }
  | { kind: "removeEvent"; pick: number }
  | { kind: "addUser"; name: string }
  | { kind: "removeUser"; pick: number }
  | { kind: "sessions"; count: number }
  | { kind: "rename"; name: string }
  | { kind: "unnoted"; name: string }
  | { kind: "reopen" }
  | { kind: "crash" };

const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant("addEvent" as const), owner: fc.nat(9), subject: fc.string({ maxLength: 40 }) }), weight: 5 },
  { arbitrary: fc.record({ kind: fc.constant("editEvent" as const), pick: fc.nat(), subject: fc.string({ maxLength: 40 }) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant("removeEvent" as const), pick: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("addUser" as const), name: fc.string({ maxLength: 20 }) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("removeUser" as const), pick: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("sessions" as const), count: fc.nat(4) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("rename" as const), name: fc.string({ maxLength: 20 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("unnoted" as const), name: fc.string({ maxLength: 20 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("reopen" as const) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("crash" as const) }), weight: 1 },
);

describe("file-backed store under random work", () => {
  it("reopens (cleanly or from a copy taken at any moment after an acknowledgement) to exactly the acknowledged state", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 60 }), async (ops) => {
        const dir = tempDir();
        let store = await openStore({ dir: join(dir, "state"), seed, compactAtBytes: 3_000 });
        try {
          for (const o of ops) {
            const id = `r${n++}`;
            if (o.kind === "reopen" || o.kind === "crash") {
              await store.flush();
              const expected = store.exportState();
              let from = join(dir, "state");
              if (o.kind === "crash") {
                // A copy of the folder as it is right now, compaction perhaps half done: what a crash leaves.
                from = join(dir, `crash-${id}`, "state");
                cpSync(join(dir, "state"), from, { recursive: true });
              } else await store.close();
              const reopened = await openStore({ dir: from, seed, compactAtBytes: 3_000 });
              expect(byMailbox(reopened.exportState())).toEqual(byMailbox(expected));
              if (o.kind === "crash") await reopened.close();
              else store = reopened;
              continue;
            }
            store.write(T, (t) => {
              const pick = <X>(list: X[], i: number) => (list.length ? list[i % list.length] : undefined);
              if (o.kind === "addEvent") {
                const e = event(id, `owner-${o.owner}`, o.subject);
                t.events.push(e);
                notePut(t, "events", e);
              } else if (o.kind === "editEvent") {
                const e = pick(t.events, o.pick);
                if (!e) return;
                e.subject = o.subject;
                notePut(t, "events", e);
              } else if (o.kind === "removeEvent") {
                const e = pick(t.events, o.pick);
                if (!e) return;
                t.events.splice(t.events.indexOf(e), 1);
                noteRemove(t, "events", e);
              } else if (o.kind === "addUser") {
                const u = user(id, o.name);
                t.users.push(u);
                notePut(t, "users", u);
              } else if (o.kind === "removeUser") {
                const u = pick(t.users, o.pick);
                if (!u) return;
                t.users.splice(t.users.indexOf(u), 1);
                noteRemove(t, "users", u);
              } else if (o.kind === "sessions") {
                t.sessions = Array.from({ length: o.count }, (_, i) => ({ id: `${id}-${i}`, userId: "u", createdAt: "2026-01-01T00:00:00Z" }));
                noteCollection(t, "sessions");
              } else if (o.kind === "rename") {
                t.displayName = o.name;
                noteMeta(t);
              } else {
                t.groups.push({ id, displayName: o.name, description: null, mail: null, mailEnabled: false, mailNickname: id, securityEnabled: true, groupTypes: [], members: [] });
              }
            });
          }
          await store.flush();
          const expected = store.exportState();
          await store.close();
          const final = await openStore({ dir: join(dir, "state"), seed });
          expect(byMailbox(final.exportState())).toEqual(byMailbox(expected));
          await final.close();
        } finally {
          await store.close().catch(() => {});
        }
      }),
      { seed: 20261126, numRuns: 40 },
    );
  }, 120_000);
});
