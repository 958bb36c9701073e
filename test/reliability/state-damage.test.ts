import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { notePut } from "../../emulator/src/store/changes.ts";
import { openStore, StoreFileError, type Store } from "../../emulator/src/store/store.ts";
import type { EmulatorState, User } from "../../emulator/src/store/types.ts";
import { emptyTenant } from "../../emulator/src/tenants/seed.ts";
import { call, ChildEmulators } from "../support/child-emulator.ts";

/**
 * Opening a state folder the way a database opens its files: a torn or
 * damaged last log record is cut off and reported with its size (a checksum
 * per record tells the two apart), a bad record elsewhere stops the start with
 * the file and line, and a folder that has state but lacks its manifest or a
 * collection file is refused rather than started afresh.
 */
const T = "11111111-2222-4333-8444-555555555555";
const dirs: string[] = [];
const stores: Store[] = [];
const emulators = new ChildEmulators();
afterEach(async () => {
  await emulators.stopAll();
  for (const s of stores.splice(0)) await s.close().catch(() => {});
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "graph-emulator-damage-"));
  dirs.push(d);
  return d;
}

const seed = (): EmulatorState => ({ version: 1, tenants: [emptyTenant({ id: T, displayName: "Damage Test", defaultDomain: "damage.test", domains: [] })] });

async function open(dir: string, reports: string[] = []): Promise<Store> {
  const store = await openStore({ dir: join(dir, "state"), seed, report: (m) => reports.push(m) });
  stores.push(store);
  return store;
}

async function addUser(store: Store, id: string): Promise<void> {
  store.write(T, (t) => {
    const u = { id, userPrincipalName: `${id}@damage.test`, displayName: id } as unknown as User;
    t.users.push(u);
    notePut(t, "users", u);
  });
  await store.flush();
}

const users = (store: Store) => store.read(T, (t) => t.users.map((u) => u.id));
const wal = (dir: string) => join(dir, "state", "wal.jsonl");

/** A folder with two users logged (and not yet folded into the files, as after a crash). */
async function folderWithLog(): Promise<string> {
  const dir = tempDir();
  const store = await open(dir);
  await addUser(store, "first");
  await addUser(store, "second");
  stores.splice(stores.indexOf(store), 1);
  return dir;
}

describe("the write-ahead log on start", () => {
  it("writes a CRC-32 in every record", async () => {
    const dir = await folderWithLog();
    const lines = readFileSync(wal(dir), "utf8").split("\n").filter(Boolean);
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(l).toMatch(/^\{"c":"[0-9a-f]{8}","lsn":\d+,"entries":/);
  });

  it("cuts a torn last record off, reports it with its size, and keeps everything before it", async () => {
    const dir = await folderWithLog();
    const good = statSync(wal(dir)).size;
    appendFileSync(wal(dir), '{"c":"00000000","lsn":3,"entries":[["p","');
    const reports: string[] = [];
    const store = await open(dir, reports);
    expect(users(store)).toEqual(["first", "second"]);
    expect(statSync(wal(dir)).size).toBe(good);
    expect(reports.join("\n")).toMatch(/cut off its torn last record \(line 3, 41 bytes: it has no final newline\)/);
  });

  it("tells a complete but damaged last record (checksum mismatch) from a torn one, cuts it and says so", async () => {
    const dir = await folderWithLog();
    const lines = readFileSync(wal(dir), "utf8").split("\n").filter(Boolean);
    // Still valid JSON, but not what was written: only the checksum can tell.
    const damaged = (lines[1] as string).replace('"second"', '"sekond"');
    writeFileSync(wal(dir), `${lines[0]}\n${damaged}\n`);
    const reports: string[] = [];
    const store = await open(dir, reports);
    expect(users(store)).toEqual(["first"]);
    expect(reports.join("\n")).toMatch(/cut off its damaged last record \(line 2, \d+ bytes: its checksum does not match its content\)/);
    expect(readFileSync(wal(dir), "utf8")).toBe(`${lines[0]}\n`);
  });

  it("refuses a damaged record before the last, naming the file and line, and changes nothing", async () => {
    const dir = await folderWithLog();
    const lines = readFileSync(wal(dir), "utf8").split("\n").filter(Boolean);
    const text = `${(lines[0] as string).replace('"first"', '"fir5t"')}\n${lines[1]}\n`;
    writeFileSync(wal(dir), text);
    const failure = await openStore({ dir: join(dir, "state"), seed }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StoreFileError);
    expect((failure as Error).message).toContain(`${wal(dir)} line 1 is not a valid log entry (its checksum does not match its content)`);
    expect(readFileSync(wal(dir), "utf8")).toBe(text);
  });

  it("reads records of earlier versions, which carry no checksum", async () => {
    const dir = await folderWithLog();
    const plain = JSON.stringify({ lsn: 3, entries: [["p", T, "users", { id: "plain", userPrincipalName: "plain@damage.test", displayName: "plain" }]] });
    appendFileSync(wal(dir), `${plain}\n`);
    expect(users(await open(dir))).toEqual(["first", "second", "plain"]);
  });

  it("the first write after a torn tail was cut survives two more restarts", async () => {
    const dir = await folderWithLog();
    appendFileSync(wal(dir), '{"c":"00000000","lsn":3,"ent');
    const a = await open(dir);
    await addUser(a, "after-cut");
    stores.splice(stores.indexOf(a), 1); // left open, as a crash leaves it
    const b = await open(dir);
    expect(users(b)).toEqual(["first", "second", "after-cut"]);
    await b.close();
    expect(users(await open(dir))).toEqual(["first", "second", "after-cut"]);
  });
});

describe("missing files are damage, not a fresh start", () => {
  it("refuses a folder with state but no manifest.json, with how to recover, and leaves it alone", async () => {
    const dir = await folderWithLog();
    rmSync(join(dir, "state", "manifest.json"));
    const before = readdirSync(join(dir, "state"), { recursive: true }).sort();
    const failure = await openStore({ dir: join(dir, "state"), seed }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StoreFileError);
    expect((failure as Error).message).toContain(`${join(dir, "state", "manifest.json")} is missing, but the folder holds state`);
    expect((failure as Error).message).toContain("move");
    expect(readdirSync(join(dir, "state"), { recursive: true }).sort()).toEqual(before);
    expect(readFileSync(wal(dir), "utf8")).toContain('"first"');
  });

  it("refuses a tenant that lacks a collection file (users.json), naming it", async () => {
    const dir = tempDir();
    await (await open(dir)).close();
    stores.length = 0;
    rmSync(join(dir, "state", "tenants", T, "users.json"));
    const failure = await openStore({ dir: join(dir, "state"), seed }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StoreFileError);
    expect((failure as Error).message).toContain(`${join(dir, "state", "tenants", T)} lacks users.json`);
  });

  it("refuses a manifest that lists something other than a tenant id, touching nothing outside the folder", async () => {
    const dir = tempDir();
    await (await open(dir)).close();
    stores.length = 0;
    writeFileSync(join(dir, "state", "manifest.json"), JSON.stringify({ format: 2, tenants: [T, "../../outside"] }));
    const failure = await openStore({ dir: join(dir, "state"), seed }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StoreFileError);
    expect((failure as Error).message).toContain("'../../outside', which is not a tenant id");
    expect(existsSync(join(dir, "outside"))).toBe(false);
  });

  it("seeds a brand-new folder, an empty one, and one whose first start did not finish", async () => {
    const fresh = tempDir();
    expect(users(await open(fresh))).toEqual([]);
    expect(existsSync(join(fresh, "state", "manifest.json"))).toBe(true);
    const empty = tempDir();
    mkdirSync(join(empty, "state"));
    expect((await open(empty)).listTenants().map((t) => t.id)).toEqual([T]);
    // A crash during a first start leaves the manifest marked as being written: nothing in it was acknowledged.
    const unfinished = tempDir();
    mkdirSync(join(unfinished, "state", "tenants", T), { recursive: true });
    writeFileSync(join(unfinished, "state", "manifest.json"), JSON.stringify({ format: 2, tenants: [], initializing: true }));
    writeFileSync(join(unfinished, "state", "tenants", T, "meta.json"), '{"lsn":0,"da');
    const store = await open(unfinished);
    expect(store.listTenants().map((t) => t.id)).toEqual([T]);
    expect(JSON.parse(readFileSync(join(unfinished, "state", "manifest.json"), "utf8"))).toEqual({ format: 2, tenants: [T] });
  });
});

describe("the emulator process on a damaged folder", () => {
  const CONTOSO = "contoso.onmicrosoft.com";

  it("reports the cut of a torn tail on stderr with its byte count, and the next acknowledged write survives two more restarts", async () => {
    const dataDir = tempDir();
    let emu = await emulators.start(dataDir);
    expect((await call(emu, "POST", `/_emulator/tenants/${CONTOSO}/users`, { displayName: "Kept", userPrincipalName: `kept@${CONTOSO}` })).status).toBe(201);
    await emulators.kill(emu.child);
    appendFileSync(join(dataDir, "state", "wal.jsonl"), '{"c":"12345678","lsn":99,"entries":[["p"');
    emu = await emulators.start(dataDir);
    expect(emu.output(), emu.output()).toMatch(/wal\.jsonl: cut off its torn last record \(line \d+, 40 bytes/);
    expect((await call(emu, "POST", `/_emulator/tenants/${CONTOSO}/users`, { displayName: "Next", userPrincipalName: `next@${CONTOSO}` })).status).toBe(201);
    for (let restart = 0; restart < 2; restart++) {
      await emulators.kill(emu.child);
      emu = await emulators.start(dataDir);
      expect(emu.output()).not.toMatch(/cut off/);
      const list = JSON.parse((await call(emu, "GET", `/_emulator/tenants/${CONTOSO}/users`)).text) as { userPrincipalName: string }[];
      const upns = list.map((u) => u.userPrincipalName.toLowerCase());
      expect(upns, `restart ${restart}`).toEqual(expect.arrayContaining([`kept@${CONTOSO}`, `next@${CONTOSO}`]));
    }
  }, 60_000);

  it("refuses to start on a folder whose manifest.json was deleted (exit 2, the path and what to do), and starts on a new one", async () => {
    const dataDir = tempDir();
    const emu = await emulators.start(dataDir);
    expect((await call(emu, "POST", `/_emulator/tenants/${CONTOSO}/users`, { displayName: "Kept", userPrincipalName: `kept@${CONTOSO}` })).status).toBe(201);
    await emulators.kill(emu.child, "SIGTERM");
    rmSync(join(dataDir, "state", "manifest.json"));
    const { code, stderr } = await emulators.refused(dataDir);
    expect(code).toBe(2);
    expect(stderr).toContain("manifest.json is missing, but the folder holds state");
    expect(existsSync(join(dataDir, "state", "manifest.json"))).toBe(false);
    const fresh = await emulators.start(tempDir());
    expect((await call(fresh, "GET", "/_emulator/health")).status).toBe(200);
  }, 60_000);
});
