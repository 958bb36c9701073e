import { fnv1a } from "../util/fnv1a.ts";
import type { TenantState } from "./types.ts";

/**
 * What one `store.write` changed, noted by the model code that changes it, so
 * that persisting a write costs in proportion to the change and not to the
 * tenant. A write that notes nothing is persisted as a whole-tenant snapshot:
 * slow at scale but never wrong. In test runs the store audits that every
 * changed record was noted (see audit.ts).
 */

/** Each collection of a tenant and the field that identifies its records. */
export const COLLECTION_KEYS = {
  users: "id",
  applications: "id",
  servicePrincipals: "id",
  consentGrants: "id",
  authCodes: "hash",
  refreshTokens: "hash",
  sessions: "id",
  deviceCodes: "hash",
  groups: "id",
  userChanges: "seq",
  calendars: "id",
  events: "id",
  calendarSyncStates: "id",
  subscriptions: "id",
} as const satisfies Record<string, string>;

export type CollectionName = keyof typeof COLLECTION_KEYS;
export const COLLECTIONS = Object.keys(COLLECTION_KEYS) as CollectionName[];
export type RecordKey = string | number;

export type Change =
  /** A record was added or changed in place; `added` when the model noted it as new. */
  | { kind: "put"; collection: CollectionName; record: Record<string, unknown>; added?: true }
  /** A record was removed (`record`, as it was); `partition` is where it was filed (events are filed by mailbox). */
  | { kind: "remove"; collection: CollectionName; key: RecordKey; partition: string; record: Record<string, unknown> }
  /** The collection was replaced or changed in many places. */
  | { kind: "collection"; collection: CollectionName }
  /** The tenant's own fields (name, domains). */
  | { kind: "meta" }
  /** The write looked and found nothing to change (so it needs no snapshot). */
  | { kind: "none" };

export interface ChangeSet {
  changes: Change[];
}

const ACTIVE = Symbol("graph-emulator.changes");
type Tracked = TenantState & { [ACTIVE]?: ChangeSet };

/** Opens a change set on a tenant for the length of one write (the store calls this). */
export function beginChanges(tenant: TenantState): ChangeSet {
  const set: ChangeSet = { changes: [] };
  (tenant as Tracked)[ACTIVE] = set;
  return set;
}

export function endChanges(tenant: TenantState): void {
  delete (tenant as Tracked)[ACTIVE];
}

function note(tenant: TenantState, change: Change): void {
  (tenant as Tracked)[ACTIVE]?.changes.push(change);
}

/**
 * Notes a record that was added or changed (`added`: the model made it new, which
 * change feeds such as change notifications tell apart). Outside a write this does nothing.
 */
export function notePut<C extends CollectionName>(tenant: TenantState, collection: C, record: TenantState[C][number], added = false): void {
  note(tenant, { kind: "put", collection, record: record as unknown as Record<string, unknown>, ...(added ? { added: true as const } : {}) });
}

/** Notes a record that was removed. */
export function noteRemove<C extends CollectionName>(tenant: TenantState, collection: C, record: TenantState[C][number]): void {
  const r = record as unknown as Record<string, unknown>;
  note(tenant, { kind: "remove", collection, key: r[COLLECTION_KEYS[collection]] as RecordKey, partition: partitionOf(collection, r), record: r });
}

/** Notes that a collection was replaced (for example filtered) as a whole: fine for small collections. */
export function noteCollection(tenant: TenantState, collection: CollectionName): void {
  note(tenant, { kind: "collection", collection });
}

export function noteMeta(tenant: TenantState): void {
  note(tenant, { kind: "meta" });
}

/** Notes that the write changed nothing (else a write with no notes is persisted as a whole-tenant snapshot). */
export function noteUnchanged(tenant: TenantState): void {
  note(tenant, { kind: "none" });
}

/** Removes the records that match, noting each removal; returns how many went. */
export function removeWhere<C extends CollectionName>(tenant: TenantState, collection: C, matches: (record: TenantState[C][number]) => boolean): number {
  const list = tenant[collection] as TenantState[C][number][];
  const keep: TenantState[C][number][] = [];
  const gone: TenantState[C][number][] = [];
  for (const r of list) (matches(r) ? gone : keep).push(r);
  if (gone.length === 0) return 0;
  (tenant as unknown as Record<string, unknown>)[collection] = keep;
  for (const r of gone) noteRemove(tenant, collection, r);
  return gone.length;
}

/** Events are filed in this many partitions per tenant, by mailbox. */
export const EVENT_PARTITIONS = 64;

/** The partition (file) a record belongs to: events by mailbox, every other collection in one. */
export function partitionOf(collection: CollectionName, record: Readonly<Record<string, unknown>>): string {
  if (collection !== "events") return collection;
  const owner = typeof record.ownerId === "string" ? record.ownerId.toLowerCase() : "";
  return `events-${String(fnv1a(owner) % EVENT_PARTITIONS).padStart(2, "0")}`;
}

/** Every partition a collection may be filed in. */
export function partitionsOf(collection: CollectionName): string[] {
  if (collection !== "events") return [collection];
  return Array.from({ length: EVENT_PARTITIONS }, (_, i) => `events-${String(i).padStart(2, "0")}`);
}

/** The collection a partition name belongs to. */
export function collectionOfPartition(partition: string): CollectionName | undefined {
  const name = partition.startsWith("events-") ? "events" : partition;
  return name in COLLECTION_KEYS ? (name as CollectionName) : undefined;
}

/** How a collection's records are written to disk and read back (for example leaving out usual values). */
export interface RecordCodec {
  /** One record, as log entries and `{ records: [...] }` partition files hold it. */
  encode(record: Record<string, unknown>): Record<string, unknown>;
  decode(record: Record<string, unknown>): Record<string, unknown>;
  /** A denser form for whole partition files: rows, with tables of the values they repeat. */
  rows?: RowCodec;
  /** Called once loading is over (to let go of anything kept to share while reading). */
  done?(): void;
}

/** A partition file in rows: `{ lsn, format, rows: [...], tables: {...} }`. */
export interface RowsFile {
  format: string;
  rows: unknown[];
  tables: Record<string, unknown[]>;
}

export interface RowCodec {
  /** Names the row layout written; a file in a layout this version does not read is refused, not misread. */
  format: string;
  /** The layouts `decode` reads (the current one and earlier ones); only `format` when absent. */
  reads?: readonly string[];
  /** Encodes one file's records in turn (rows refer to tables that grow as records are added). */
  encoder(): { row(record: Record<string, unknown>): unknown; tables(): Record<string, unknown[]> };
  /**
   * The file's records; it may consume `file.rows` (each row released once read). With `wanted`,
   * only the records whose `ownerId` it accepts (the rest are not decoded).
   */
  decode(file: RowsFile, wanted?: (ownerId: unknown) => boolean): Record<string, unknown>[];
}

/** A partition's records in rows: one JSON text, records taken in order. */
export function encodeRows(codec: RowCodec, records: Iterable<Record<string, unknown>>): RowsFile {
  const encoder = codec.encoder();
  const rows: unknown[] = [];
  for (const r of records) rows.push(encoder.row(r));
  return { format: codec.format, rows, tables: encoder.tables() };
}

export type Codecs = Partial<Record<CollectionName, RecordCodec>>;
