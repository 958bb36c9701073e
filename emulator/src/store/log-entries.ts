import { partitionOf, partitionsOf, type Change, type CollectionName } from "./changes.ts";
import { metaOf } from "./state-layout.ts";
import type { TenantState } from "./types.ts";
import type { WalEntry } from "./wal.ts";

/** A collection replaced as a whole goes into the log when it is this small, else straight to its files. */
const SMALL_COLLECTION = 2_000;

export type Pending = { tenant: TenantState; changes: Change[] };

/**
 * The log entries for a batch of noted changes, and the large collections to
 * write straight to their files instead; `dirty` gets every partition the
 * entries change beyond its file ("tenantId/partition").
 */
export function logEntries(
  pending: readonly Pending[],
  options: { known: (tenantId: string) => boolean; encode: (c: CollectionName, r: Record<string, unknown>) => Record<string, unknown>; dirty: Set<string> },
): { entries: WalEntry[]; direct: { tenant: TenantState; collection: CollectionName }[] } {
  const { encode, dirty } = options;
  const entries: WalEntry[] = [];
  const direct: { tenant: TenantState; collection: CollectionName }[] = [];
  for (const { tenant, changes } of pending) {
    if (!options.known(tenant.id)) continue;
    for (const c of changes) {
      if (c.kind === "put") {
        const partition = partitionOf(c.collection, c.record);
        entries.push(["p", tenant.id, partition, encode(c.collection, c.record)]);
        dirty.add(`${tenant.id}/${partition}`);
      } else if (c.kind === "remove") {
        entries.push(["r", tenant.id, c.partition, c.key]);
        dirty.add(`${tenant.id}/${c.partition}`);
      } else if (c.kind === "none") {
        continue;
      } else if (c.kind === "meta") {
        entries.push(["m", tenant.id, metaOf(tenant)]);
        dirty.add(`${tenant.id}/meta`);
      } else if (tenant[c.collection].length <= SMALL_COLLECTION) {
        entries.push(["c", tenant.id, c.collection, (tenant[c.collection] as unknown as Record<string, unknown>[]).map((r) => encode(c.collection, r))]);
        for (const p of partitionsOf(c.collection)) dirty.add(`${tenant.id}/${p}`);
      } else {
        direct.push({ tenant, collection: c.collection });
      }
    }
  }
  return { entries, direct };
}
