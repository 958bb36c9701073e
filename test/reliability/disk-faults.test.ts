import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { notePut } from "../../emulator/src/store/changes.ts";
import { openStore, StoreUnavailableError, type Store } from "../../emulator/src/store/store.ts";
import type { EmulatorState, User } from "../../emulator/src/store/types.ts";
import { emptyTenant } from "../../emulator/src/tenants/seed.ts";
import { FaultyFs } from "../support/faulty-fs.ts";

/**
 * The store when the disk misbehaves, through a file layer that fails on
 * demand (ENOSPC with half a line written, EIO on fdatasync, EROFS on a new
 * file): a refused write is reported to its caller, rolled back in memory and
 * leaves no bytes in the log; writes resume once the disk does, without a
 * restart; and a reopen finds exactly the writes that were acknowledged.
 */
const T = "11111111-2222-4333-8444-555555555555";
const T2 = "22222222-3333-4444-8555-666666666666";
const dirs: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close().catch(() => {});
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const seed = (): EmulatorState => ({ version: 1, tenants: [emptyTenant({ id: T, displayName: "Disk Test", defaultDomain: "disk.test", domains: [] })] });
const user = (id: string): User => ({ id, userPrincipalName: `${id}@disk.test`, displayName: id }) as unknown as User;

async function open(fs?: FaultyFs): Promise<{ store: Store; dir: string; reports: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), "graph-emulator-disk-"));
  dirs.push(dir);
  const reports: string[] = [];
  const store = await openStore({ dir: join(dir, "state"), seed, audit: true, ...(fs ? { fs } : {}), report: (m) => reports.push(m) });
  stores.push(store);
  return { store, dir, reports };
}

async function reopen(dir: string): Promise<Store> {
  const store = await openStore({ dir: join(dir, "state"), seed, report: () => {} });
  stores.push(store);
  return store;
}

function addUser(store: Store, id: string): void {
  store.write(T, (t) => {
    const u = user(id);
    t.users.push(u);
    notePut(t, "users", u);
  });
}

/** Writes one user and waits for the disk: resolves if it is durable, rejects if the disk refused it. */
async function durableWrite(store: Store, id: string): Promise<void> {
  const mark = store.mark();
  addUser(store, id);
  await store.flush(mark);
}

/** Waits until the store has rolled back (the roll-back runs in the write queue). */
/**
 * Copies a state folder as a crash would leave it. A compaction runs beside the write queue and may
 * rename or remove a file between the copy's listing and its read (ENOENT): the copy is then taken
 * again, once the files are still.
 */
async function copyWhileStill(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      cpSync(from, to, { recursive: true });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT" || attempt >= 50) throw err;
      rmSync(to, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

async function settled(store: Store): Promise<void> {
  await store.flush().catch(() => {});
}

const users = (store: Store) => store.read(T, (t) => t.users.map((u) => u.id));
const walSize = (dir: string) => statSync(join(dir, "state", "wal.jsonl")).size;

describe("a disk that refuses writes", () => {
  it("ENOSPC with half the line written: the write is refused, rolled back in memory, and the log keeps none of its bytes", async () => {
    const fs = new FaultyFs();
    const { store, dir, reports } = await open(fs);
    await durableWrite(store, "kept");
    const before = walSize(dir);
    fs.set({ op: "append", code: "ENOSPC", partial: true });
    const refused = await durableWrite(store, "refused").catch((e: unknown) => e);
    expect((refused as NodeJS.ErrnoException).code).toBe("ENOSPC");
    // Until memory is rolled back, further writes are refused before they change anything.
    expect(() => addUser(store, "meanwhile")).toThrow(StoreUnavailableError);
    expect(store.health().writable).toBe(false);
    await settled(store);
    expect(users(store)).toEqual(["kept"]);
    expect(walSize(dir)).toBe(before);
    expect(reports.join("\n")).toMatch(/could not persist state: ENOSPC/);
    expect(reports.join("\n")).toMatch(/rolled back/);
    // Still full: refused again, still rolled back.
    await expect(durableWrite(store, "refused-again")).rejects.toMatchObject({ code: "ENOSPC" });
    await settled(store);
    expect(store.health()).toMatchObject({ writable: true, failure: { code: "ENOSPC" } });
    // Space comes back: writes are accepted without a restart, and the health clears.
    fs.clear();
    await durableWrite(store, "after");
    expect(store.health()).toEqual({ writable: true, failure: undefined });
    expect(users(store)).toEqual(["kept", "after"]);
    await store.close();
    expect(users(await reopen(dir))).toEqual(["kept", "after"]);
  });

  it("EIO on fdatasync (the bytes written, their flush failed): refused, cut back, and absent after a reopen", async () => {
    const fs = new FaultyFs();
    const { store, dir } = await open(fs);
    await durableWrite(store, "kept");
    const before = walSize(dir);
    fs.set({ op: "datasync", code: "EIO" });
    await expect(durableWrite(store, "refused")).rejects.toMatchObject({ code: "EIO" });
    await settled(store);
    expect(walSize(dir)).toBe(before);
    expect(users(store)).toEqual(["kept"]);
    fs.clear();
    await durableWrite(store, "after");
    await store.close();
    expect(users(await reopen(dir))).toEqual(["kept", "after"]);
  });

  it("EROFS while a new tenant's files are written: the tenant is refused and gone from memory and disk", async () => {
    const fs = new FaultyFs();
    const { store, dir } = await open(fs);
    fs.set({ op: "open", code: "EROFS", path: /\.tmp$/ });
    const mark = store.mark();
    store.addTenant(emptyTenant({ id: T2, displayName: "Second", defaultDomain: "second.test", domains: [] }));
    await expect(store.flush(mark)).rejects.toMatchObject({ code: "EROFS" });
    await settled(store);
    expect(store.listTenants().map((t) => t.id)).toEqual([T]);
    fs.clear();
    await durableWrite(store, "after");
    await store.close();
    const again = await reopen(dir);
    expect(again.listTenants().map((t) => t.id)).toEqual([T]);
    expect(users(again)).toEqual(["after"]);
  });

  it("refuses the writes queued behind a failed one too (they were made on top of it), and rolls all of them back", async () => {
    const fs = new FaultyFs();
    const { store, dir } = await open(fs);
    fs.set({ op: "append", code: "ENOSPC", partial: true });
    const first = store.mark();
    addUser(store, "a");
    const a = store.flush(first);
    // A second write in a later tick, before the disk has answered the first.
    await new Promise((r) => setImmediate(r));
    let second: Promise<void> | undefined;
    try {
      const mark = store.mark();
      addUser(store, "b");
      second = store.flush(mark);
    } catch (err) {
      expect(err).toBeInstanceOf(StoreUnavailableError);
    }
    await expect(a).rejects.toMatchObject({ code: "ENOSPC" });
    if (second) await expect(second).rejects.toBeDefined();
    await settled(store);
    expect(users(store)).toEqual([]);
    fs.clear();
    await store.close();
    expect(users(await reopen(dir))).toEqual([]);
    expect(readFileSync(join(dir, "state", "wal.jsonl"), "utf8")).toBe("");
  });

  it("repairs the log before the next append when even the cut-back failed, so no append lands on partial bytes", async () => {
    const fs = new FaultyFs();
    const { store, dir } = await open(fs);
    await durableWrite(store, "kept");
    const before = walSize(dir);
    fs.set({ op: "append", code: "ENOSPC", partial: true }, { op: "truncate", code: "EIO" });
    await expect(durableWrite(store, "refused")).rejects.toMatchObject({ code: "ENOSPC" });
    await settled(store);
    expect(walSize(dir)).toBeGreaterThan(before);
    expect(users(store)).toEqual(["kept"]);
    fs.clear();
    await durableWrite(store, "after");
    const crashed = join(dir, "crash");
    // What a crash now leaves behind loads cleanly, with every acknowledged write.
    await copyWhileStill(join(dir, "state"), join(crashed, "state"));
    expect(users(await reopen(crashed))).toEqual(["kept", "after"]);
  });

  it("a compaction that fails on a full disk loses nothing: the logs stay until the files are written", async () => {
    const fs = new FaultyFs();
    const dir = mkdtempSync(join(tmpdir(), "graph-emulator-disk-"));
    dirs.push(dir);
    const store = await openStore({ dir: join(dir, "state"), seed, fs, compactAtBytes: 2_000, report: () => {} });
    stores.push(store);
    fs.set({ op: "write", code: "ENOSPC", path: /users\.json\.tmp$/ });
    for (let i = 0; i < 40; i++) await durableWrite(store, `u${i}`);
    expect(fs.failed).toBeGreaterThan(0);
    fs.clear();
    const expected = users(store);
    expect(expected).toHaveLength(40);
    await settled(store);
    const crashed = join(dir, "crash");
    await copyWhileStill(join(dir, "state"), join(crashed, "state"));
    expect(users(await reopen(crashed))).toEqual(expected);
    await store.close();
    expect(users(await reopen(dir))).toEqual(expected);
  });

  it("a reset that fails midway (EIO on the new files) leaves the old state whole, in memory and on disk", async () => {
    const fs = new FaultyFs();
    const { store, dir } = await open(fs);
    await durableWrite(store, "acknowledged");
    fs.set({ op: "write", code: "EIO", path: /tenants-1\/.*users\.json\.tmp$/ });
    await expect(store.reset()).rejects.toMatchObject({ code: "EIO" });
    await settled(store);
    expect(users(store)).toEqual(["acknowledged"]);
    // What the failure left on disk is what a crash at that moment leaves: it opens to the old state.
    await copyWhileStill(join(dir, "state"), join(dir, "crash", "state"));
    expect(existsSync(join(dir, "crash", "state", "tenants-1"))).toBe(true);
    const crashed = await reopen(join(dir, "crash"));
    expect(users(crashed)).toEqual(["acknowledged"]);
    expect(existsSync(join(dir, "crash", "state", "tenants-1"))).toBe(false);
    // The disk recovers: the reset goes through, into a fresh folder, and the old one goes.
    fs.clear();
    await store.reset();
    expect(users(store)).toEqual([]);
    expect(readdirSync(join(dir, "state")).filter((n) => n.startsWith("tenants"))).toEqual(["tenants-1"]);
    expect(JSON.parse(readFileSync(join(dir, "state", "manifest.json"), "utf8"))).toMatchObject({ root: "tenants-1", tenants: [T] });
    await durableWrite(store, "after-reset");
    await store.reset();
    await durableWrite(store, "after-second-reset");
    await store.close();
    const again = await reopen(dir);
    expect(users(again)).toEqual(["after-second-reset"]);
    expect(readdirSync(join(dir, "state")).filter((n) => n.startsWith("tenants"))).toEqual(["tenants-2"]);
  });
});
