import { COLLECTION_KEYS, collectionOfPartition, partitionOf, type Change, type CollectionName, type RecordKey } from "./changes.ts";
import type { TenantState } from "./types.ts";
import { StoreFileError } from "./durable-json-file.ts";
import { StoreUnavailableError } from "./write-queue.ts";

/**
 * A partition file that cannot be read when a mailbox in it is first used
 * (damaged or unreadable since the start, which only read its first bytes).
 * A kind of StoreUnavailableError, so every surface answers it as it answers
 * a refused write (Graph's 503, Entra's temporarily_unavailable), worded as
 * a read: the request fails, the emulator stays up.
 */
export class StoreUnreadableError extends StoreUnavailableError {
  constructor(cause: StoreFileError) {
    super(cause);
    this.message = `The emulator could not read its state folder: ${cause.message}`;
  }
}

/**
 * Records a tenant still has on disk only. A state folder opens with the
 * records of `LAZY_COLLECTIONS` (events: 64 files, by mailbox) left on disk:
 * starting costs what the directory costs, not what the mailboxes cost. A
 * mailbox's records are read the first time something needs them (its
 * requests, a meeting's attendees), synchronously, from the file the tenant
 * was opened from (only that mailbox's rows are decoded), with the log
 * entries written after that file (kept here, see `PendingOp`) applied on
 * top, as a start would. Code that needs every record (a snapshot export, a
 * clone, the dashboard's counts) reads whole partitions (`loadAllPartitions`).
 *
 * What stays in memory for a partition not wholly read: its name, the
 * mailboxes read from it, and the log entries that changed it beyond its
 * file. Those entries are bounded by the log (folded into the files past
 * 64 MiB, and on open when it holds any): compaction writes such a partition
 * from memory (the mailboxes read) and its file and these entries (the
 * others) without reading it into memory (state-files.ts), after which they go.
 *
 * The record of what is on disk only travels with the tenant object (a symbol
 * property: never serialised, and kept by a copy made by spreading).
 */

/** Collections whose records are read on first use, by owner (the field they are partitioned by). */
export const LAZY_COLLECTIONS: readonly CollectionName[] = ["events"];

type Raw = Record<string, unknown>;

/** A log entry for a partition not wholly in memory, kept until the partition is read or folded into its file. */
export type PendingOp =
  | { lsn: number; op: "p"; record: Raw }
  | { lsn: number; op: "r"; key: RecordKey }
  /** The collection was replaced whole: these are the partition's records from then on. */
  | { lsn: number; op: "c"; records: Raw[] };

/**
 * Reads one partition file: the records whose owner `wanted` accepts
 * (decoded), and the lsn the file is stamped with; null when there is no file.
 */
export type PartitionReader = (tenantId: string, partition: string, wanted: (ownerId: unknown) => boolean) => { lsn: number; records: Raw[] } | null;

export class UnloadedPartitions {
  /** Partitions not wholly in memory. */
  readonly partitions: Set<string>;
  /** Of those, the owners (mailboxes) already read, by partition. */
  readonly owners = new Map<string, Set<string>>();
  /** Log entries newer than each partition's file, oldest first. */
  readonly pending = new Map<string, PendingOp[]>();
  /** Told of records a load put in memory (the store's audit counts them as present before the write). */
  onLoad: ((collection: CollectionName, records: readonly Raw[]) => void) | undefined;
  readonly #read: PartitionReader;
  readonly #decode: (collection: CollectionName, record: Raw) => Raw;

  constructor(partitions: Iterable<string>, read: PartitionReader, decode: (collection: CollectionName, record: Raw) => Raw) {
    this.partitions = new Set(partitions);
    this.#read = read;
    this.#decode = decode;
  }

  /** Whether an owner's records of this partition are in memory. */
  hasOwner(partition: string, ownerId: string): boolean {
    return !this.partitions.has(partition) || (this.owners.get(partition)?.has(ownerId) ?? false);
  }

  /**
   * A partition's records of the owners `wanted` accepts, as the disk and the
   * log hold them (its file, then the log entries newer than it). By default:
   * every owner not read into memory yet.
   */
  records(tenantId: string, partition: string, wanted: (ownerId: unknown) => boolean = this.#notRead(partition)): Raw[] {
    const collection = collectionOfPartition(partition) as CollectionName;
    const key = COLLECTION_KEYS[collection];
    let file: ReturnType<PartitionReader>;
    try {
      file = this.#read(tenantId, partition, wanted);
    } catch (err) {
      throw err instanceof StoreFileError ? new StoreUnreadableError(err) : err;
    }
    const byKey = new Map<RecordKey, Raw>();
    for (const r of file?.records ?? []) byKey.set(r[key] as RecordKey, r);
    for (const op of this.pending.get(partition) ?? []) {
      if (op.lsn <= (file?.lsn ?? 0)) continue;
      if (op.op === "p") {
        if (!wanted(op.record.ownerId)) continue;
        const r = this.#decode(collection, op.record);
        byKey.set(r[key] as RecordKey, r);
      } else if (op.op === "r") byKey.delete(op.key);
      else {
        byKey.clear();
        for (const raw of op.records) {
          if (!wanted(raw.ownerId)) continue;
          const r = this.#decode(collection, raw);
          byKey.set(r[key] as RecordKey, r);
        }
      }
    }
    return [...byKey.values()];
  }

  /** Drops the log entries a file now holds (up to `lsn`). */
  folded(partition: string, lsn: number): void {
    const ops = this.pending.get(partition);
    if (!ops) return;
    const rest = ops.filter((op) => op.lsn > lsn);
    if (rest.length > 0) this.pending.set(partition, rest);
    else this.pending.delete(partition);
  }

  #notRead(partition: string): (ownerId: unknown) => boolean {
    const read = this.owners.get(partition);
    return (ownerId) => !read?.has(ownerId as string);
  }
}

const UNLOADED = Symbol("graph-emulator.unloaded-partitions");
type WithUnloaded = { [UNLOADED]?: UnloadedPartitions };

export function attachUnloaded(t: TenantState, unloaded: UnloadedPartitions): void {
  (t as WithUnloaded)[UNLOADED] = unloaded;
}

/** What of the tenant is still on disk only; undefined when everything is in memory. */
export function unloadedOf(t: object): UnloadedPartitions | undefined {
  const u = (t as WithUnloaded)[UNLOADED];
  return u && u.partitions.size > 0 ? u : undefined;
}

/** Whether a partition is not wholly in memory. */
export function isUnloaded(t: object, partition: string): boolean {
  return unloadedOf(t)?.partitions.has(partition) ?? false;
}

function append(t: TenantState, u: UnloadedPartitions, collection: CollectionName, records: Raw[], added: Raw[]): void {
  const list = t[collection] as unknown as Raw[];
  for (const r of records) list.push(r);
  for (const r of records) added.push(r);
  u.onLoad?.(collection, records);
}

/**
 * Reads whole partitions not in memory yet into the tenant (appended to their
 * collections, whose arrays stay the same); returns the records added.
 */
export function loadPartitions(t: object, partitions: Iterable<string>): Raw[] {
  const u = unloadedOf(t);
  if (!u) return [];
  const tenant = t as TenantState;
  const added: Raw[] = [];
  for (const p of partitions) {
    if (!u.partitions.has(p)) continue;
    const records = u.records(tenant.id, p);
    u.partitions.delete(p);
    u.owners.delete(p);
    u.pending.delete(p);
    append(tenant, u, collectionOfPartition(p) as CollectionName, records, added);
  }
  return added;
}

/**
 * Reads these owners' records (events: mailboxes) not in memory yet into the
 * tenant; returns the records added. Records already in memory (`keep`, by
 * key) win over the disk's.
 */
export function loadOwners(t: object, collection: CollectionName, ownerIds: Iterable<string>, keep?: ReadonlySet<RecordKey>): Raw[] {
  const u = unloadedOf(t);
  if (!u) return [];
  const tenant = t as TenantState;
  const byPartition = new Map<string, Set<string>>();
  for (const ownerId of ownerIds) {
    const p = partitionOf(collection, { ownerId });
    if (u.hasOwner(p, ownerId)) continue;
    let owners = byPartition.get(p);
    if (!owners) byPartition.set(p, (owners = new Set()));
    owners.add(ownerId);
  }
  const added: Raw[] = [];
  const key = COLLECTION_KEYS[collection];
  for (const [p, owners] of byPartition) {
    const records = u.records(tenant.id, p, (ownerId) => owners.has(ownerId as string)).filter((r) => !keep?.has(r[key] as RecordKey));
    let read = u.owners.get(p);
    if (!read) u.owners.set(p, (read = new Set()));
    for (const o of owners) read.add(o);
    append(tenant, u, collection, records, added);
  }
  return added;
}

/** Reads every partition still on disk (before code that reads every record: a snapshot export, a clone). */
export function loadAllPartitions(t: object): Raw[] {
  const u = unloadedOf(t);
  return u ? loadPartitions(t, [...u.partitions]) : [];
}

/**
 * A write that put a record of an owner (mailbox) still on disk only (code
 * that did not read the mailbox first) reads that owner's records now,
 * keeping the ones the write made: memory then holds the mailbox whole.
 */
export function loadOwnersTouched(tenant: TenantState, changes: readonly Change[]): void {
  const unloaded = unloadedOf(tenant);
  if (!unloaded) return;
  for (const c of changes) {
    if (c.kind !== "put" || !LAZY_COLLECTIONS.includes(c.collection)) continue;
    const owner = c.record.ownerId as string;
    if (unloaded.hasOwner(partitionOf(c.collection, c.record), owner)) continue;
    const key = COLLECTION_KEYS[c.collection];
    const inMemory = new Set<RecordKey>();
    for (const r of tenant[c.collection] as unknown as Record<string, unknown>[]) if (r.ownerId === owner) inMemory.add(r[key] as RecordKey);
    loadOwners(tenant, c.collection, [owner], inMemory);
  }
}
