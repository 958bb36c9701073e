import { COLLECTION_KEYS, COLLECTIONS, type Change, type CollectionName, type RecordKey } from "./changes.ts";
import { metaOf } from "./state-layout.ts";
import type { TenantState } from "./types.ts";

/** Tenants larger than this (records in all collections) are not audited: the check costs a full copy per write. */
const AUDIT_LIMIT = 5_000;

type Picture = { meta: string; collections: Map<CollectionName, Map<RecordKey, string>> };

export class StoreAuditError extends Error {}

/**
 * A check for test runs (GRAPH_EMULATOR_STORE_AUDIT=1): compares a tenant
 * before and after each write and fails the write when it changed a record
 * that it did not note, since the file-backed store would then lose that
 * change on restart.
 */
export class StoreAudit {
  before(t: TenantState): Picture | null {
    let size = 0;
    for (const c of COLLECTIONS) size += t[c].length;
    return size > AUDIT_LIMIT ? null : picture(t);
  }

  /** Records read from disk during a write (a partition loaded on first use) were there before it. */
  admit(before: Picture | null, collection: CollectionName, records: readonly Record<string, unknown>[]): void {
    const known = before?.collections.get(collection);
    if (!known) return;
    for (const r of records) known.set(r[COLLECTION_KEYS[collection]] as RecordKey, JSON.stringify(r));
  }

  check(t: TenantState, before: Picture | null, changes: readonly Change[]): void {
    if (!before) return;
    const after = picture(t);
    const problems: string[] = [];
    if (after.meta !== before.meta && !changes.some((c) => c.kind === "meta")) problems.push("the tenant's own fields");
    for (const c of COLLECTIONS) {
      if (changes.some((x) => x.kind === "collection" && x.collection === c)) continue;
      const noted = new Set(changes.flatMap((x) => (x.kind === "put" && x.collection === c ? [x.record[COLLECTION_KEYS[c]] as RecordKey] : x.kind === "remove" && x.collection === c ? [x.key] : [])));
      const was = before.collections.get(c) as Map<RecordKey, string>;
      const now = after.collections.get(c) as Map<RecordKey, string>;
      for (const [key, json] of now) if (was.get(key) !== json && !noted.has(key)) problems.push(`${c} ${String(key)} (${was.has(key) ? "changed" : "added"})`);
      for (const key of was.keys()) if (!now.has(key) && !noted.has(key)) problems.push(`${c} ${String(key)} (removed)`);
    }
    if (problems.length > 0) {
      throw new StoreAuditError(`A write to tenant ${t.id} changed records it did not note (they would not be persisted): ${problems.slice(0, 10).join(", ")}`);
    }
  }
}

function picture(t: TenantState): Picture {
  const collections = new Map<CollectionName, Map<RecordKey, string>>();
  for (const c of COLLECTIONS) {
    const key = COLLECTION_KEYS[c];
    collections.set(c, new Map((t[c] as unknown as Record<string, unknown>[]).map((r) => [r[key] as RecordKey, JSON.stringify(r)])));
  }
  return { meta: JSON.stringify(metaOf(t)), collections };
}
