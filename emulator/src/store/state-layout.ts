import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { Low } from "lowdb";
import { COLLECTIONS, COLLECTION_KEYS, collectionOfPartition, partitionOf, type CollectionName } from "./changes.ts";
import { DurableJsonFile, StoreFileError } from "./durable-json-file.ts";
import type { TenantState } from "./types.ts";
import { nodeStoreFs, type StoreFs } from "./store-fs.ts";

/**
 * The state folder on disk:
 *   manifest.json                   { format, tenants: [ids in order], root? }
 *   tenants/<id>/meta.json          { lsn, data: the tenant's own fields }
 *   tenants/<id>/<partition>.json   { lsn, records: [...] } — one per collection; events in 64 by mailbox,
 *                                   or { lsn, format, rows, tables } for a collection whose codec writes rows
 *   wal.jsonl, wal-<lsn>.jsonl      the write-ahead log and logs rotated out by a compaction
 * Each file says up to which log sequence number (lsn) it holds the state, so
 * loading replays only the newer log entries onto it.
 *
 * Every tenant folder holds meta.json and one file per collection (events: only
 * the partitions that have events); a folder that has state but lacks the
 * manifest, a tenant folder or one of these files is damaged, and is refused
 * rather than started afresh. A first start writes a manifest marked
 * `initializing` before anything else, so a crash during it is told apart
 * from a deleted manifest (the folder is then seeded again).
 *
 * A reset or snapshot import writes the whole new state beside the old one,
 * in a fresh tenants folder (`tenants-1`, `tenants-2`...), and the manifest's
 * `root` then switches to it in one atomic rename: a crash or a full disk
 * midway leaves the old state whole. Tenants folders the manifest does not
 * name are left-overs of such a switch, removed when the folder is opened.
 */

export const FORMAT = 2;
export interface Manifest {
  format: number;
  tenants: string[];
  /** Set while a first start writes the folder: nothing in it was acknowledged yet. */
  initializing?: true;
  /** The tenants folder in use, when it is not `tenants`. */
  root?: string;
}

/** Names of tenants folders: `tenants`, then `tenants-<generation>` after each reset or import. */
export const ROOT_NAME = /^tenants(?:-(\d{1,12}))?$/;
export const DEFAULT_ROOT = "tenants";

/** The tenants folder a reset or import writes next. */
export function nextRoot(root: string): string {
  return `tenants-${Number(ROOT_NAME.exec(root)?.[1] ?? 0) + 1}`;
}

/** A tenant's id as it names its folder: a GUID. */
export const TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Throws unless `id` is a tenant id (a GUID): the last guard before an id becomes part of a path. */
export function assertTenantId(id: string): string {
  if (!TENANT_ID.test(id)) throw new StoreFileError(`'${id.slice(0, 80)}' is not a tenant id (a GUID); it is not used as a folder name.`);
  return id;
}
export interface PartitionFile {
  lsn: number;
  records: Record<string, unknown>[];
}
export interface MetaFile {
  lsn: number;
  data: Record<string, unknown>;
}

export const manifestPath = (dir: string) => join(dir, "manifest.json");
export const tenantDir = (dir: string, tenantId: string, root = DEFAULT_ROOT) => join(dir, root, assertTenantId(tenantId));
export const partitionPath = (dir: string, tenantId: string, partition: string, root = DEFAULT_ROOT) => join(tenantDir(dir, tenantId, root), `${partition}.json`);
export const metaPath = (dir: string, tenantId: string, root = DEFAULT_ROOT) => join(tenantDir(dir, tenantId, root), "meta.json");

/** The tenants folders in `dir` (the one in use and any left over from an interrupted switch). */
export async function tenantRoots(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => ROOT_NAME.test(n));
}
export const walPath = (dir: string) => join(dir, "wal.jsonl");
export const rotatedWalPath = (dir: string, lsn: number) => join(dir, `wal-${String(lsn).padStart(12, "0")}.jsonl`);

/** Reads one JSON file through lowdb; null when it does not exist. */
export async function readJson<T>(file: string): Promise<T | null> {
  const db = new Low<T | null>(new DurableJsonFile<T | null>(file), null);
  await db.read();
  return db.data;
}

/** Writes one JSON file durably (temporary file, fsync, rename, mode 0600) through lowdb. */
export async function writeJson<T>(file: string, data: T, fs: StoreFs = nodeStoreFs): Promise<void> {
  const db = new Low<T>(new DurableJsonFile<T>(file, fs), data);
  await db.write();
}

/** The tenant's own fields: everything but its collections. */
export function metaOf(t: TenantState): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(t)) if (!(k in COLLECTION_KEYS)) meta[k] = v;
  return meta;
}

/** A tenant's records grouped by partition. */
export function partitionRecords(t: TenantState, collections: readonly CollectionName[] = COLLECTIONS): Map<string, Record<string, unknown>[]> {
  const out = new Map<string, Record<string, unknown>[]>();
  for (const c of collections) {
    for (const r of t[c] as unknown as Record<string, unknown>[]) {
      const p = partitionOf(c, r);
      let list = out.get(p);
      if (!list) out.set(p, (list = []));
      list.push(r);
    }
  }
  return out;
}

/** The records of one partition, as memory holds them now. */
export function recordsOfPartition(t: TenantState, partition: string): Record<string, unknown>[] {
  const collection = collectionOfPartition(partition);
  if (!collection) return [];
  const records = t[collection] as unknown as Record<string, unknown>[];
  if (collection !== "events") return records;
  const byOwner = new Map<unknown, string>();
  return records.filter((r) => {
    let p = byOwner.get(r.ownerId);
    if (p === undefined) byOwner.set(r.ownerId, (p = partitionOf("events", r)));
    return p === partition;
  });
}

export async function rotatedWals(dir: string): Promise<{ lsn: number; file: string }[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names
    .map((n) => /^wal-(\d+)\.jsonl$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ lsn: Number(m[1]), file: join(dir, m[0]) }))
    .sort((a, b) => a.lsn - b.lsn);
}
