import { mkdir, rm } from "node:fs/promises";
import { COLLECTIONS, collectionOfPartition, encodeRows, partitionOf, partitionsOf, type Change, type Codecs, type CollectionName, type RowsFile } from "./changes.ts";
import {
  FORMAT,
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
  type LoadedState,
  type Manifest,
  type MetaFile,
  type PartitionFile,
} from "./state-layout.ts";
import type { EmulatorState, TenantState } from "./types.ts";
import { WriteAheadLog, type WalEntry } from "./wal.ts";
import { DurableJsonFile } from "./durable-json-file.ts";
import { asciiJson } from "./json-text.ts";

/** A collection replaced as a whole goes into the log when it is this small, else straight to its files. */
const SMALL_COLLECTION = 2_000;
/** By default the log is folded into the partition files once it grows past this. */
export const COMPACT_AT_BYTES = 64 * 1024 * 1024;

type Pending = { tenant: TenantState; changes: Change[] };
export interface FileOptions {
  /** Log size (bytes) past which it is folded into the files. */
  compactAt?: number | undefined;
  codecs?: Codecs | undefined;
}

/**
 * Persists the store to a state folder (layout in state-layout.ts). A noted
 * change costs one log append: changes of the same tick share one append and
 * one fdatasync (group commit), and `flush` resolves once they are on disk.
 * Compaction folds the log into the partitions it touched, in the background.
 * Everything that writes goes through one queue, so the order on disk is the
 * order of the writes.
 */
export class StateFiles {
  readonly #dir: string;
  readonly #wal: WriteAheadLog;
  #lsn: number;
  #pending: Pending[] = [];
  #drainQueued = false;
  #queue: Promise<void> = Promise.resolve();
  #compacting: Promise<void> | undefined;
  /** "tenantId/partition" changed in the log beyond its file. */
  readonly #dirty: Set<string>;
  readonly #onDisk: Set<string>;
  /** Writes of the same file wait for each other (compaction runs beside the queue). */
  readonly #fileLocks = new Map<string, Promise<void>>();
  #tenantsById = new Map<string, TenantState>();
  #failure: Error | undefined;
  readonly #compactAt: number;
  readonly #codecs: Codecs;

  private constructor(dir: string, loaded: Pick<LoadedState, "lsn" | "dirty" | "onDisk">, options: FileOptions) {
    this.#dir = dir;
    this.#compactAt = options.compactAt ?? COMPACT_AT_BYTES;
    this.#codecs = options.codecs ?? {};
    this.#wal = new WriteAheadLog(walPath(dir));
    this.#lsn = loaded.lsn;
    this.#dirty = loaded.dirty;
    this.#onDisk = loaded.onDisk;
  }

  /** Opens the folder for writing; `loaded` is what loadStateDir found (null for a new folder: then `state` is written whole). */
  static async open(dir: string, state: EmulatorState, loaded: LoadedState | null, options: FileOptions = {}): Promise<StateFiles> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const files = new StateFiles(dir, loaded ?? { lsn: 0, dirty: new Set(), onDisk: new Set() }, options);
    files.#index(state);
    await files.#wal.open();
    if (!loaded) await files.#writeAll(state);
    else if (files.#dirty.size > 0 || (await rotatedWals(dir)).length > 0) void files.#compact();
    return files;
  }

  /** Queues the changes of one write; they reach the log on the next drain. */
  record(tenant: TenantState, changes: Change[]): void {
    this.#pending.push({ tenant, changes });
    if (!this.#drainQueued) {
      this.#drainQueued = true;
      this.#enqueue(() => new Promise<void>((r) => setImmediate(r)).then(() => this.#drain()));
    }
  }

  /** Writes a tenant's files whole (a write that noted nothing, or a new tenant). */
  snapshotTenant(tenant: TenantState, isNew = false): void {
    if (isNew) this.#tenantsById.set(tenant.id, tenant);
    this.#enqueue(async () => {
      await this.#drain();
      await this.#writeTenant(tenant, true);
      if (isNew) await this.#writeManifest();
    });
  }

  removeTenant(tenantId: string): void {
    this.#tenantsById.delete(tenantId);
    this.#enqueue(async () => {
      await this.#drain();
      await this.#writeManifest();
      await rm(tenantDir(this.#dir, tenantId), { recursive: true, force: true });
    });
  }

  /** Replaces everything on disk with `state` (reset, snapshot import). */
  replaceAll(state: EmulatorState): void {
    const removed = [...this.#tenantsById.keys()].filter((id) => !state.tenants.some((t) => t.id === id));
    this.#index(state);
    this.#pending = [];
    this.#enqueue(async () => {
      await this.#writeAll(state);
      for (const id of removed) await rm(tenantDir(this.#dir, id), { recursive: true, force: true });
    });
  }

  /** Resolves once every change recorded so far is on disk; rejects if the disk refused one. */
  async flush(): Promise<void> {
    await this.#queue;
    if (this.#failure) throw this.#failure;
  }

  /** Flushes, folds the log into the files and closes it. */
  async close(): Promise<void> {
    await this.flush();
    await this.#compacting;
    if (this.#wal.size > 0) await this.#compact();
    await this.#wal.close();
  }

  #encode(collection: CollectionName, record: Record<string, unknown>): Record<string, unknown> {
    const codec = this.#codecs[collection];
    return codec ? codec.encode(record) : record;
  }

  #index(state: EmulatorState): void {
    this.#tenantsById = new Map(state.tenants.map((t) => [t.id, t]));
  }

  /** Runs a job in the queue and hands back its outcome (a failure also fails the caller). */
  #inQueue<T>(job: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => this.#enqueue(() => job().then(resolve, (err: unknown) => (reject(err), Promise.reject(err)))));
  }

  #enqueue(job: () => Promise<void>): void {
    this.#queue = this.#queue.then(job).catch((err: unknown) => {
      this.#failure = err as Error;
      console.error(`graph-emulator: could not persist state: ${(err as Error).message}`);
    });
  }

  /** Appends every pending change as one batch and waits for the disk. */
  async #drain(): Promise<void> {
    this.#drainQueued = false;
    const pending = this.#pending;
    this.#pending = [];
    const entries: WalEntry[] = [];
    const direct: { tenant: TenantState; collection: CollectionName }[] = [];
    for (const { tenant, changes } of pending) {
      if (!this.#tenantsById.has(tenant.id)) continue;
      for (const c of changes) {
        if (c.kind === "put") {
          const partition = partitionOf(c.collection, c.record);
          entries.push(["p", tenant.id, partition, this.#encode(c.collection, c.record)]);
          this.#dirty.add(`${tenant.id}/${partition}`);
        } else if (c.kind === "remove") {
          entries.push(["r", tenant.id, c.partition, c.key]);
          this.#dirty.add(`${tenant.id}/${c.partition}`);
        } else if (c.kind === "none") {
          continue;
        } else if (c.kind === "meta") {
          entries.push(["m", tenant.id, metaOf(tenant)]);
          this.#dirty.add(`${tenant.id}/meta`);
        } else if (tenant[c.collection].length <= SMALL_COLLECTION) {
          entries.push(["c", tenant.id, c.collection, (tenant[c.collection] as unknown as Record<string, unknown>[]).map((r) => this.#encode(c.collection, r))]);
          for (const p of partitionsOf(c.collection)) this.#dirty.add(`${tenant.id}/${p}`);
        } else {
          direct.push({ tenant, collection: c.collection });
        }
      }
    }
    if (entries.length > 0) await this.#wal.append([{ lsn: ++this.#lsn, entries }]);
    for (const d of direct) await this.#writePartitions(d.tenant, [d.collection], true);
    if (this.#wal.size > this.#compactAt && !this.#compacting) void this.#compact();
  }

  /** Rotates the log, writes every partition it changed, then drops the rotated logs. */
  #compact(): Promise<void> {
    this.#compacting ??= (async () => {
      const { rotated, dirty } = await this.#inQueue(async () => {
        await this.#drain();
        if (this.#wal.size > 0) await this.#wal.rotate(rotatedWalPath(this.#dir, this.#lsn));
        const taken = [...this.#dirty];
        this.#dirty.clear();
        return { rotated: await rotatedWals(this.#dir), dirty: taken };
      });
      for (const key of dirty) {
        const slash = key.indexOf("/");
        const tenant = this.#tenantsById.get(key.slice(0, slash));
        if (tenant) await this.#writePartition(tenant, key.slice(slash + 1));
      }
      for (const r of rotated) await rm(r.file, { force: true });
    })()
      .catch((err: unknown) => {
        this.#failure = err as Error;
        console.error(`graph-emulator: could not compact the state log: ${(err as Error).message}`);
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
    for (const r of await rotatedWals(this.#dir)) await rm(r.file, { force: true });
    this.#dirty.clear();
  }

  /** Writes a tenant's meta and every partition; `coverLog` also empties partitions the log or disk knows. */
  async #writeTenant(t: TenantState, coverLog: boolean): Promise<void> {
    await mkdir(tenantDir(this.#dir, t.id), { recursive: true, mode: 0o700 });
    await this.#writePartition(t, "meta");
    await this.#writePartitions(t, COLLECTIONS, coverLog);
  }

  async #writePartitions(t: TenantState, collections: readonly CollectionName[], coverLog: boolean): Promise<void> {
    for (const c of collections) {
      const present = c === "events" ? new Set(partitionRecords(t, [c]).keys()) : new Set([c]);
      for (const p of partitionsOf(c)) {
        const key = `${t.id}/${p}`;
        if (present.has(p) || this.#onDisk.has(key) || (coverLog && this.#dirty.has(key))) await this.#writePartition(t, p);
      }
    }
  }

  /**
   * Writes one partition (or the meta file) as memory holds it now, stamped
   * with the last logged lsn. Taking the records, the lsn and the JSON text in
   * one synchronous step is what makes the stamp true: the file holds every
   * logged change up to it (and perhaps newer ones, which replay again harmlessly).
   */
  async #writePartition(t: TenantState, partition: string): Promise<void> {
    const file = partition === "meta" ? metaPath(this.#dir, t.id) : partitionPath(this.#dir, t.id, partition);
    const lsn = this.#lsn;
    let body: MetaFile | PartitionFile | (RowsFile & { lsn: number });
    if (partition === "meta") body = { lsn, data: metaOf(t) };
    else {
      const collection = collectionOfPartition(partition) as CollectionName;
      const records = recordsOfPartition(t, partition);
      const rows = this.#codecs[collection]?.rows;
      body = rows ? { lsn, ...encodeRows(rows, records) } : { lsn, records: records.map((r) => this.#encode(collection, r)) };
      this.#onDisk.add(`${t.id}/${partition}`);
    }
    const text = asciiJson(body);
    this.#dirty.delete(`${t.id}/${partition}`);
    const previous = this.#fileLocks.get(file) ?? Promise.resolve();
    const mine = previous.then(() => mkdir(tenantDir(this.#dir, t.id), { recursive: true, mode: 0o700 })).then(() => new DurableJsonFile(file).writeText(text));
    this.#fileLocks.set(file, mine.catch(() => {}));
    await mine;
  }

  async #writeManifest(): Promise<void> {
    const manifest: Manifest = { format: FORMAT, tenants: [...this.#tenantsById.keys()] };
    await writeJson(manifestPath(this.#dir), manifest);
  }
}
