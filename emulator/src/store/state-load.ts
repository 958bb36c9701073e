import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { COLLECTIONS, COLLECTION_KEYS, collectionOfPartition, partitionOf, partitionsOf, type Codecs, type CollectionName, type RowsFile } from "./changes.ts";
import { StoreFileError } from "./durable-json-file.ts";
import type { EmulatorState, TenantState } from "./types.ts";
import { readWal, type WalBatch, type WalTail } from "./wal.ts";
import { lsnAtHead, readPartitionFile, recordsOfFile } from "./partition-read.ts";
import { attachUnloaded, LAZY_COLLECTIONS, UnloadedPartitions, type PendingOp } from "./lazy-partitions.ts";
import { DEFAULT_ROOT, FORMAT, ROOT_NAME, manifestPath, metaPath, partitionPath, readJson, rotatedWals, TENANT_ID, tenantDir, tenantRoots, walPath, type Manifest, type MetaFile, type PartitionFile } from "./state-layout.ts";

/**
 * Reading the state folder (its layout: state-layout.ts) back into memory at
 * start and after a failed write: the manifest, every tenant's files, then the
 * log entries newer than each file.
 */

export interface LoadedState {
  state: EmulatorState;
  /** The current log's torn or damaged last record, to cut off when the folder is opened for writing. */
  walTail?: WalTail | undefined;
  /** The tenants folder the manifest names. */
  root: string;
  lsn: number;
  /** "tenantId/partition" of every partition the log changed beyond its file. */
  dirty: Set<string>;
  /** "tenantId/partition" of every partition file on disk. */
  onDisk: Set<string>;
}

export interface LoadOptions {
  /** Loads just these tenants (to roll memory back to the disk after a failed write). */
  only?: ReadonlySet<string>;
  report?: (message: string) => void;
  /** Leaves the partitions of LAZY_COLLECTIONS on disk, to be read on first use (lazy-partitions.ts). */
  lazy?: boolean;
}

export type LoadProgress = (done: number, total: number) => void;

/**
 * Collections a tenant folder may lack: events (only the partitions that have
 * events are written) and collections added after folders were first written,
 * which an older folder has no file for (it loads them empty).
 */
const OPTIONAL: readonly CollectionName[] = ["events", "calendarSyncStates", "subscriptions"];

/** Files every tenant folder holds. */
const REQUIRED_FILES = ["meta", ...COLLECTIONS.filter((c) => !OPTIONAL.includes(c))];

/**
 * Loads the state folder: the manifest, every tenant's files, then the log
 * entries newer than each file. Null for a folder with no state yet (absent,
 * empty, or a first start that did not finish). With `lazy`, partitions of
 * LAZY_COLLECTIONS stay on disk: each tenant carries what it has not read
 * (lazy-partitions.ts), with the log entries for those partitions.
 */
export async function loadStateDir(
  dir: string,
  onProgress: LoadProgress = () => {},
  codecs: Codecs = {},
  options: LoadOptions = {},
): Promise<LoadedState | null> {
  const manifest = await readJson<Manifest>(manifestPath(dir));
  if (!manifest) {
    const found = await stateWithoutManifest(dir);
    if (found) {
      throw new StoreFileError(
        `${manifestPath(dir)} is missing, but the folder holds state (${found}). The emulator does not start afresh over it: restore manifest.json from a backup, or move ${dir} away to start again from the fixtures.`,
      );
    }
    return null;
  }
  if (manifest.format !== FORMAT || !Array.isArray(manifest.tenants)) {
    throw new StoreFileError(`${manifestPath(dir)} is not a state manifest of format ${FORMAT}. Move the folder away to start again from the fixtures.`);
  }
  if (manifest.initializing) return null;
  const root = manifest.root ?? DEFAULT_ROOT;
  if (typeof root !== "string" || !ROOT_NAME.test(root)) {
    throw new StoreFileError(`${manifestPath(dir)} names '${String(root).slice(0, 80)}' as its tenants folder, which is not one the emulator writes. Repair the manifest, or move the state folder away to start again from the fixtures.`);
  }
  for (const id of manifest.tenants) {
    if (typeof id !== "string" || !TENANT_ID.test(id) || manifest.tenants.indexOf(id) !== manifest.tenants.lastIndexOf(id)) {
      throw new StoreFileError(`${manifestPath(dir)} lists '${String(id).slice(0, 80)}', which is not a tenant id (a GUID, listed once). Repair the manifest, or move the state folder away to start again from the fixtures.`);
    }
  }
  const ids = options.only ? manifest.tenants.filter((id) => options.only?.has(id)) : manifest.tenants;
  const files: { tenantId: string; name: string }[] = [];
  for (const tenantId of ids) {
    const names = await readdir(tenantDir(dir, tenantId, root)).catch(() => {
      throw new StoreFileError(`${tenantDir(dir, tenantId, root)} is missing but ${manifestPath(dir)} lists it. Restore it, or move the state folder away to start again from the fixtures.`);
    });
    const missing = REQUIRED_FILES.filter((f) => !names.includes(`${f}.json`));
    if (missing.length > 0) {
      throw new StoreFileError(
        `${tenantDir(dir, tenantId, root)} lacks ${missing.map((f) => `${f}.json`).join(", ")}: the tenant's state is incomplete. Restore the missing files, or move the state folder away to start again from the fixtures.`,
      );
    }
    for (const name of names) if (name.endsWith(".json")) files.push({ tenantId, name: name.slice(0, -5) });
  }
  const tenants = new Map<string, Record<string, unknown>>();
  const lsnOf = new Map<string, number>();
  const onDisk = new Set<string>();
  /** "tenantId/partition" of partitions left on disk. */
  const unloaded = new Set<string>();
  for (const id of ids) tenants.set(id, Object.fromEntries(COLLECTIONS.map((c) => [c, []])));
  let done = 0;
  for (const { tenantId, name } of files) {
    const tenant = tenants.get(tenantId) as Record<string, unknown>;
    const lazyCollection = collectionOfPartition(name);
    const headLsn = options.lazy && lazyCollection && LAZY_COLLECTIONS.includes(lazyCollection) ? lsnAtHead(partitionPath(dir, tenantId, name, root)) : undefined;
    if (headLsn !== undefined) {
      // Its lsn (the file's first field) is all a start needs of it: which log entries are newer.
      unloaded.add(`${tenantId}/${name}`);
      onDisk.add(`${tenantId}/${name}`);
      lsnOf.set(`${tenantId}/${name}`, headLsn);
    } else if (name === "meta") {
      const meta = await readJson<MetaFile>(metaPath(dir, tenantId, root));
      Object.assign(tenant, meta?.data);
      lsnOf.set(`${tenantId}/meta`, meta?.lsn ?? 0);
    } else {
      const collection = collectionOfPartition(name);
      const path = partitionPath(dir, tenantId, name, root);
      const file = collection ? await readJson<PartitionFile | (RowsFile & { lsn: number })>(path) : null;
      if (collection && file) {
        const list = tenant[collection] as unknown[];
        for (const r of recordsOfFile(path, file, codecs[collection])) list.push(r);
        lsnOf.set(`${tenantId}/${name}`, file.lsn);
        onDisk.add(`${tenantId}/${name}`);
      }
    }
    onProgress(++done, files.length);
  }
  const current = walPath(dir);
  const logs = [...(await rotatedWals(dir)).map((r) => r.file), current];
  const batches: WalBatch[] = [];
  let walTail: WalTail | undefined;
  for (const file of logs) {
    const read = await readWal(file);
    for (const b of read.batches) batches.push(b);
    if (read.tail && file === current) walTail = read.tail;
    else if (read.tail) options.report?.(`${file}: ignored its ${read.tail.kind} last record (line ${read.tail.line}, ${read.tail.bytes} bytes: ${read.tail.reason}); it was never acknowledged.`);
  }
  const { lsn, dirty, pending } = replay(tenants, lsnOf, batches, codecs, unloaded);
  for (const codec of Object.values(codecs)) codec.done?.();
  const state: EmulatorState = { version: 1, tenants: ids.map((id) => tenants.get(id) as unknown as TenantState) };
  if (options.lazy) attachLazy(dir, root, state, unloaded, pending, dirty, codecs);
  return { state, lsn, dirty, onDisk, walTail, root };
}

/** What a folder without a manifest holds that only a started emulator writes (tenant folders, a non-empty log), or undefined. */
async function stateWithoutManifest(dir: string): Promise<string | undefined> {
  for (const root of await tenantRoots(dir)) {
    const tenants = await readdir(join(dir, root)).catch(() => [] as string[]);
    if (tenants.length > 0) return `tenant folders in ${join(dir, root)}`;
  }
  for (const file of [...(await rotatedWals(dir)).map((r) => r.file), walPath(dir)]) {
    const size = await stat(file).then(
      (s) => s.size,
      () => 0,
    );
    if (size > 0) return `a write-ahead log, ${file}`;
  }
  return undefined;
}

/** Applies log entries newer than each file's lsn, in order; keeps record order (updates in place, additions at the end). */
function replay(
  tenants: Map<string, Record<string, unknown>>,
  lsnOf: Map<string, number>,
  batches: WalBatch[],
  codecs: Codecs,
  unloaded: ReadonlySet<string>,
): { lsn: number; dirty: Set<string>; pending: Map<string, PendingOp[]> } {
  const decode = (collection: CollectionName, r: Record<string, unknown>) => codecs[collection]?.decode(r) ?? r;
  let lsn = Math.max(0, ...lsnOf.values());
  const dirty = new Set<string>();
  /** Entries for partitions left on disk ("tenantId/partition"): kept, applied when the partition is read. */
  const pending = new Map<string, PendingOp[]>();
  const keep = (key: string, op: PendingOp) => {
    let ops = pending.get(key);
    if (!ops) pending.set(key, (ops = []));
    ops.push(op);
    dirty.add(key);
  };
  const maps = new Map<string, Map<string | number, Record<string, unknown>>>();
  const mapOf = (tenantId: string, collection: CollectionName) => {
    const k = `${tenantId}/${collection}`;
    let m = maps.get(k);
    if (!m) {
      const list = (tenants.get(tenantId) as Record<string, unknown>)[collection] as Record<string, unknown>[];
      m = new Map(list.map((r) => [r[COLLECTION_KEYS[collection]] as string | number, r]));
      maps.set(k, m);
    }
    return m;
  };
  const newer = (b: WalBatch, tenantId: string, partition: string) => b.lsn > (lsnOf.get(`${tenantId}/${partition}`) ?? 0);
  for (const b of batches) {
    lsn = Math.max(lsn, b.lsn);
    for (const e of b.entries) {
      const tenant = tenants.get(e[1]);
      if (!tenant) continue; // a tenant removed since
      if (e[0] === "m") {
        if (newer(b, e[1], "meta")) {
          Object.assign(tenant, e[2]);
          dirty.add(`${e[1]}/meta`);
        }
        continue;
      }
      if (e[0] === "c") {
        const collection = e[2] as CollectionName;
        // Partitions on disk only take the collection's new records as one entry each.
        const lazy = partitionsOf(collection).filter((p) => unloaded.has(`${e[1]}/${p}`) && newer(b, e[1], p));
        if (lazy.length > 0) {
          const byPartition = new Map<string, Record<string, unknown>[]>(lazy.map((p) => [p, []]));
          for (const raw of e[3]) byPartition.get(partitionOf(collection, raw))?.push(raw);
          for (const [p, records] of byPartition) keep(`${e[1]}/${p}`, { lsn: b.lsn, op: "c", records });
        }
        const m = mapOf(e[1], collection);
        for (const [key, r] of m) if (newer(b, e[1], partitionOf(collection, r))) m.delete(key);
        for (const raw of e[3]) {
          const r = decode(collection, raw);
          const p = partitionOf(collection, r);
          if (!newer(b, e[1], p) || unloaded.has(`${e[1]}/${p}`)) continue;
          m.set(r[COLLECTION_KEYS[collection]] as string | number, r);
          dirty.add(`${e[1]}/${p}`);
        }
        continue;
      }
      const collection = collectionOfPartition(e[2]);
      if (!collection || !newer(b, e[1], e[2])) continue;
      if (unloaded.has(`${e[1]}/${e[2]}`)) {
        keep(`${e[1]}/${e[2]}`, e[0] === "p" ? { lsn: b.lsn, op: "p", record: e[3] } : { lsn: b.lsn, op: "r", key: e[3] });
        continue;
      }
      dirty.add(`${e[1]}/${e[2]}`);
      const m = mapOf(e[1], collection);
      if (e[0] === "p") m.set(e[3][COLLECTION_KEYS[collection]] as string | number, decode(collection, e[3]));
      else m.delete(e[3]);
    }
  }
  for (const [k, m] of maps) {
    const [tenantId, collection] = k.split("/") as [string, string];
    (tenants.get(tenantId) as Record<string, unknown>)[collection] = [...m.values()];
  }
  return { lsn, dirty, pending };
}

/** Gives each tenant what it left on disk: the partitions, and the log entries for them; its reads go to `root`. */
function attachLazy(dir: string, root: string, state: EmulatorState, unloaded: ReadonlySet<string>, pending: Map<string, PendingOp[]>, dirty: ReadonlySet<string>, codecs: Codecs): void {
  for (const t of state.tenants) {
    const mine = [...unloaded].filter((k) => k.startsWith(`${t.id}/`)).map((k) => k.slice(t.id.length + 1));
    if (mine.length === 0) continue;
    const u = new UnloadedPartitions(mine, (tenantId, partition, wanted) => readPartitionFile(partitionPath(dir, tenantId, partition, root), codecs, wanted), (c, r) => codecs[c]?.decode(r) ?? r);
    for (const p of mine) {
      const ops = pending.get(`${t.id}/${p}`);
      if (ops && dirty.has(`${t.id}/${p}`)) u.pending.set(p, ops);
    }
    attachUnloaded(t, u);
  }
}
