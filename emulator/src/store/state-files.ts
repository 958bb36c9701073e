/*
 * Over 300 lines: StateFiles is the one writer of the state folder; its append,
 * compaction and folder switch share the queue and the lsn bookkeeping, which
 * would otherwise be spread over files that must change together.
 */
import { COLLECTIONS, collectionOfPartition, encodeRows, partitionsOf, type Change, type Codecs, type CollectionName, type RowsFile } from "./changes.ts";
import { join } from "node:path";
import type { LoadedState } from "./state-load.ts";
import {
  DEFAULT_ROOT,
  FORMAT,
  nextRoot,
  tenantRoots,
  manifestPath,
  metaOf,
  metaPath,
  partitionPath,
  partitionRecords,
  recordsOfPartition,
  rotatedWalPath,
  rotatedWals,
  tenantDir,
  walPath,
  writeJson,
  type Manifest,
  type MetaFile,
  type PartitionFile,
} from "./state-layout.ts";
import type { EmulatorState, TenantState } from "./types.ts";
import { WriteAheadLog } from "./wal.ts";
import { logEntries, type Pending } from "./log-entries.ts";
import { DurableJsonFile } from "./durable-json-file.ts";
import { asciiJson } from "./json-text.ts";
import { isUnloaded, unloadedOf } from "./lazy-partitions.ts";
import { nodeStoreFs, type StoreFs } from "./store-fs.ts";
import { WriteQueue, type FilesHealth, type Reload } from "./write-queue.ts";

export { StoreUnavailableError, type FilesHealth, type Reload } from "./write-queue.ts";

/** By default the log is folded into the partition files once it grows past this. */
export const COMPACT_AT_BYTES = 64 * 1024 * 1024;

export interface FileOptions {
  /** Log size (bytes) past which it is folded into the files. */
  compactAt?: number | undefined;
  codecs?: Codecs | undefined;
  /** The file operations to write through (tests pass one that fails on demand). */
  fs?: StoreFs | undefined;
  /** Where repairs and failures are reported (default: stderr). */
  report?: ((message: string) => void) | undefined;
}

const defaultReport = (message: string) => console.error(`graph-emulator: ${message}`);

/**
 * Persists the store to a state folder (layout in state-layout.ts). A noted
 * change costs one log append: changes of the same tick share one append and
 * one fdatasync (group commit), and `flush` resolves once they are on disk.
 * Compaction folds the log into the partitions it touched, in the background.
 * Everything that writes goes through one queue (write-queue.ts, which also
 * handles a disk that refuses writes), so the order on disk is the order of
 * the writes. A failed append leaves no bytes in the log (wal.ts).
 */
export class StateFiles {
  readonly #dir: string;
  readonly #wal: WriteAheadLog;
  #lsn: number;
  #pending: Pending[] = [];
  #drainQueued = false;
  readonly #jobs: WriteQueue;
  #compacting: Promise<void> | undefined;
  /** "tenantId/partition" changed in the log beyond its file. */
  #dirty: Set<string>;
  #onDisk: Set<string>;
  /** Writes of the same file wait for each other (compaction runs beside the queue). */
  readonly #fileLocks = new Map<string, Promise<void>>();
  #tenantsById = new Map<string, TenantState>();
  readonly #compactAt: number;
  readonly #codecs: Codecs;
  readonly #fs: StoreFs;
  readonly #report: (message: string) => void;
  /** The tenants folder in use (see state-layout.ts). */
  #root: string;

  private constructor(dir: string, loaded: Pick<LoadedState, "lsn" | "dirty" | "onDisk" | "root">, options: FileOptions) {
    this.#dir = dir;
    this.#compactAt = options.compactAt ?? COMPACT_AT_BYTES;
    this.#codecs = options.codecs ?? {};
    this.#fs = options.fs ?? nodeStoreFs;
    this.#report = options.report ?? defaultReport;
    this.#wal = new WriteAheadLog(walPath(dir), this.#fs);
    this.#lsn = loaded.lsn;
    this.#dirty = loaded.dirty;
    this.#onDisk = loaded.onDisk;
    this.#root = loaded.root;
    this.#jobs = new WriteQueue({ report: this.#report, dropPending: () => this.#dropPending(), quiesce: async () => void (await this.#compacting) });
  }

  /** Opens the folder for writing; `loaded` is what loadStateDir found (null for a new folder: then `state` is written whole). */
  static async open(dir: string, state: EmulatorState, loaded: LoadedState | null, options: FileOptions = {}): Promise<StateFiles> {
    const files = new StateFiles(dir, loaded ?? { lsn: 0, dirty: new Set(), onDisk: new Set(), root: DEFAULT_ROOT }, options);
    await files.#fs.mkdir(dir, { recursive: true, mode: 0o700 });
    files.index(state);
    // A first start marks the folder as being written, so that a crash now is not taken for a deleted manifest.
    if (!loaded) await writeJson(manifestPath(dir), { format: FORMAT, tenants: [], initializing: true } satisfies Manifest, files.#fs);
    await files.#wal.open();
    const tail = loaded?.walTail;
    if (tail) {
      await files.#wal.cut(tail.goodBytes);
      files.#report(
        `${walPath(dir)}: cut off its ${tail.kind} last record (line ${tail.line}, ${tail.bytes} bytes: ${tail.reason}). ` +
          (tail.kind === "torn" ? "A crash or a full disk interrupted its append, so it was never acknowledged." : "It was complete but damaged on disk; the write it held is lost."),
      );
    }
    // Tenants folders the manifest does not name are left over from a reset or import that did not finish.
    for (const root of await tenantRoots(dir)) if (loaded && root !== files.#root) await files.#fs.rm(join(dir, root), { recursive: true, force: true });
    if (!loaded) await files.#writeAll(state);
    else if (files.#dirty.size > 0 || (await rotatedWals(dir)).length > 0) void files.#compact();
    return files;
  }

  /** How the store reads tenants back from disk after a failed write. */
  onFailure(reload: Reload): void {
    this.#jobs.onFailure(reload);
  }

  /** Throws while writes are refused (a failure not yet rolled back). */
  assertWritable(): void {
    this.#jobs.assertWritable();
  }

  health(): FilesHealth {
    return this.#jobs.health();
  }

  /** A mark to pass to `flush`: failures after it fail that flush. */
  mark(): number {
    return this.#jobs.mark();
  }

  /** Queues the changes of one write; they reach the log on the next drain. */
  record(tenant: TenantState, changes: Change[]): void {
    this.#pending.push({ tenant, changes });
    if (!this.#drainQueued) {
      this.#drainQueued = true;
      void this.#jobs.run(() => new Promise<void>((r) => setImmediate(r)).then(() => this.#drain()), []).catch(() => {});
    }
  }

  /** Writes a tenant's files whole (a write that noted nothing, or a new tenant). */
  snapshotTenant(tenant: TenantState, isNew = false): void {
    if (isNew) this.#tenantsById.set(tenant.id, tenant);
    void this.#jobs.run(
      async () => {
        await this.#drain();
        await this.#writeTenant(tenant, true);
        if (isNew) await this.#writeManifest();
      },
      isNew ? "all" : [tenant.id],
    ).catch(() => {});
  }

  removeTenant(tenantId: string): void {
    this.#tenantsById.delete(tenantId);
    void this.#jobs.run(async () => {
      await this.#drain();
      await this.#writeManifest();
      await this.#fs.rm(tenantDir(this.#dir, tenantId, this.#root), { recursive: true, force: true });
    }, "all").catch(() => {});
  }

  /**
   * Replaces everything on disk with `state` (reset, snapshot import): written
   * whole into a fresh tenants folder, then switched to by the manifest, so
   * that a crash or a failure midway leaves the old state as it was.
   */
  replaceAll(state: EmulatorState): void {
    this.index(state);
    this.#pending = [];
    void this.#jobs.run(async () => {
      await this.#compacting;
      const old = { root: this.#root, onDisk: new Set(this.#onDisk), dirty: new Set(this.#dirty) };
      const next = nextRoot(old.root);
      await this.#fs.rm(join(this.#dir, next), { recursive: true, force: true });
      this.#root = next;
      this.#onDisk.clear();
      try {
        for (const t of state.tenants) await this.#writeTenant(t, false);
        await this.#writeManifest();
      } catch (err) {
        this.#root = old.root;
        this.#onDisk = old.onDisk;
        this.#dirty = old.dirty;
        throw err;
      }
      // The manifest names the new folder: the logs and the old folder are obsolete.
      await this.#wal.rotate(rotatedWalPath(this.#dir, this.#lsn));
      for (const r of await rotatedWals(this.#dir)) await this.#fs.rm(r.file, { force: true });
      this.#dirty.clear();
      await this.#fs.rm(join(this.#dir, old.root), { recursive: true, force: true });
    }, "all").catch(() => {});
  }

  /**
   * Resolves once every change recorded so far is on disk; rejects if the disk
   * refused a write since `since` (a `mark()`; default: now), or refuses writes still.
   */
  flush(since?: number): Promise<void> {
    return this.#jobs.flush(since);
  }

  /** Flushes, folds the log into the files and closes it. */
  async close(): Promise<void> {
    // Writes the disk still refuses fail the close; the log is folded into the files only when none does.
    const failure = await this.#jobs.flush().then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    await this.#compacting;
    if (this.#wal.size > 0 && !failure) await this.#compact();
    await this.#wal.close();
    if (failure) throw failure;
  }

  /** Takes in what a roll-back read from disk: the files' lsn, and what the log changed beyond them. */
  adopt(loaded: Pick<LoadedState, "lsn" | "dirty" | "onDisk">): void {
    this.#lsn = Math.max(this.#lsn, loaded.lsn);
    for (const k of loaded.dirty) this.#dirty.add(k);
    for (const k of loaded.onDisk) this.#onDisk.add(k);
  }

  index(state: EmulatorState): void {
    this.#tenantsById = new Map(state.tenants.map((t) => [t.id, t]));
  }

  #encode(collection: CollectionName, record: Record<string, unknown>): Record<string, unknown> {
    const codec = this.#codecs[collection];
    return codec ? codec.encode(record) : record;
  }

  /** Drops changes not yet logged (their tenants are read back from disk); returns their tenants. */
  #dropPending(): string[] {
    const ids = this.#pending.map((p) => p.tenant.id);
    this.#pending = [];
    this.#drainQueued = false;
    return ids;
  }

  /** Appends every pending change as one batch and waits for the disk. */
  async #drain(): Promise<void> {
    this.#drainQueued = false;
    const pending = this.#pending;
    this.#pending = [];
    try {
      await this.#log(pending);
    } catch (err) {
      this.#jobs.suspect(pending.map((p) => p.tenant.id));
      throw err;
    }
  }

  async #log(pending: Pending[]): Promise<void> {
    const { entries, direct } = logEntries(pending, { known: (id) => this.#tenantsById.has(id), encode: (c, r) => this.#encode(c, r), dirty: this.#dirty });
    if (entries.length > 0) {
      await this.#wal.append([{ lsn: this.#lsn + 1, entries }]);
      this.#lsn++;
      this.#jobs.succeeded();
    }
    for (const d of direct) await this.#writePartitions(d.tenant, [d.collection], true);
    if (this.#wal.size > this.#compactAt && !this.#compacting) void this.#compact();
  }

  /** Rotates the log, writes every partition it changed, then drops the rotated logs. */
  #compact(): Promise<void> {
    this.#compacting ??= (async () => {
      const { rotated, dirty } = await this.#jobs.result(async () => {
        await this.#drain();
        if (this.#wal.size > 0) await this.#wal.rotate(rotatedWalPath(this.#dir, this.#lsn));
        const taken = [...this.#dirty];
        this.#dirty.clear();
        return { rotated: await rotatedWals(this.#dir), dirty: taken };
      }, []);
      // A failed compaction loses nothing: the rotated logs stay until every partition they changed is written.
      try {
        for (const key of dirty) {
          if (this.#jobs.broken) throw new Error("a write failed meanwhile");
          const slash = key.indexOf("/");
          const tenant = this.#tenantsById.get(key.slice(0, slash));
          if (tenant) await this.#writePartition(tenant, key.slice(slash + 1));
        }
        for (const r of rotated) await this.#fs.rm(r.file, { force: true });
      } catch (err) {
        for (const k of dirty) this.#dirty.add(k);
        throw err;
      }
    })()
      .catch((err: unknown) => {
        this.#jobs.noteFailure(err as Error);
        this.#report(`could not fold the log into the state files: ${(err as Error).message}. Nothing is lost (the logs stay); it is tried again later.`);
      })
      .finally(() => {
        this.#compacting = undefined;
      });
    return this.#compacting;
  }

  async #writeAll(state: EmulatorState): Promise<void> {
    for (const t of state.tenants) await this.#writeTenant(t, false);
    await this.#writeManifest();
    // Every file now holds the state: the logs are obsolete.
    await this.#wal.rotate(rotatedWalPath(this.#dir, this.#lsn));
    for (const r of await rotatedWals(this.#dir)) await this.#fs.rm(r.file, { force: true });
    this.#dirty.clear();
  }

  /** Writes a tenant's meta and every partition; `coverLog` also empties partitions the log or disk knows. */
  async #writeTenant(t: TenantState, coverLog: boolean): Promise<void> {
    await this.#fs.mkdir(tenantDir(this.#dir, t.id, this.#root), { recursive: true, mode: 0o700 });
    await this.#writePartition(t, "meta");
    await this.#writePartitions(t, COLLECTIONS, coverLog);
  }

  async #writePartitions(t: TenantState, collections: readonly CollectionName[], coverLog: boolean): Promise<void> {
    for (const c of collections) {
      const present = c === "events" ? new Set(partitionRecords(t, [c]).keys()) : new Set([c]);
      for (const p of partitionsOf(c)) {
        const key = `${t.id}/${p}`;
        // A partition still on disk only is current there, unless the log changed it.
        if (isUnloaded(t, p)) {
          if (this.#dirty.has(key)) await this.#writePartition(t, p);
        } else if (present.has(p) || this.#onDisk.has(key) || (coverLog && this.#dirty.has(key))) await this.#writePartition(t, p);
      }
    }
  }

  /**
   * Writes one partition (or the meta file) as memory holds it now, stamped
   * with the last logged lsn. Taking the records, the lsn and the JSON text in
   * one synchronous step is what makes the stamp true: the file holds every
   * logged change up to it (and perhaps newer ones, which replay again harmlessly).
   * A partition not read into memory yet is written from its file and the log
   * entries kept for it (lazy-partitions.ts), and stays out of memory.
   */
  async #writePartition(t: TenantState, partition: string): Promise<void> {
    const root = this.#root;
    const file = partition === "meta" ? metaPath(this.#dir, t.id, root) : partitionPath(this.#dir, t.id, partition, root);
    const lsn = this.#lsn;
    const unloaded = isUnloaded(t, partition) ? unloadedOf(t) : undefined;
    let body: MetaFile | PartitionFile | (RowsFile & { lsn: number });
    if (partition === "meta") body = { lsn, data: metaOf(t) };
    else {
      const collection = collectionOfPartition(partition) as CollectionName;
      // Not wholly in memory: the mailboxes read from memory, the others from the file and the log.
      const records = unloaded ? [...recordsOfPartition(t, partition), ...unloaded.records(t.id, partition)] : recordsOfPartition(t, partition);
      const rows = this.#codecs[collection]?.rows;
      body = rows ? { lsn, ...encodeRows(rows, records) } : { lsn, records: records.map((r) => this.#encode(collection, r)) };
      this.#onDisk.add(`${t.id}/${partition}`);
    }
    const text = asciiJson(body);
    this.#dirty.delete(`${t.id}/${partition}`);
    const previous = this.#fileLocks.get(file) ?? Promise.resolve();
    const mine = previous.then(() => this.#fs.mkdir(tenantDir(this.#dir, t.id, root), { recursive: true, mode: 0o700 })).then(() => new DurableJsonFile(file, this.#fs).writeText(text));
    this.#fileLocks.set(file, mine.catch(() => {}));
    await mine;
    unloaded?.folded(partition, lsn);
    this.#jobs.succeeded();
  }

  async #writeManifest(): Promise<void> {
    const manifest: Manifest = { format: FORMAT, tenants: [...this.#tenantsById.keys()], ...(this.#root === DEFAULT_ROOT ? {} : { root: this.#root }) };
    await writeJson(manifestPath(this.#dir), manifest, this.#fs);
  }
}
