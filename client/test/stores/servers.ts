import { afterAll, beforeAll } from "vitest";
import { postgresUnavailable, redisUnavailable, startPostgres, startRedis, type ThrowawayServer } from "../../../test/support/db-servers.ts";
import type { StoreKind } from "../support/stores.ts";

/** Why a store kind cannot be tested here (binaries absent), or undefined. */
export function unavailable(kind: StoreKind): string | undefined {
  if (kind === "postgres") return postgresUnavailable();
  if (kind === "redis") return redisUnavailable();
  return undefined;
}

/** Skip reason to put in a describe name, e.g. " (skipped: redis-server not installed ...)". */
export const skipNote = (kind: StoreKind): string => (unavailable(kind) ? ` (skipped: ${unavailable(kind)})` : "");

/**
 * Starts a throwaway server for this test file's store kinds that are
 * installed; `url(kind)` is its URL once beforeAll ran.
 */
export function useServers(kinds: StoreKind[]): { url(kind: StoreKind): string | undefined } {
  const servers = new Map<StoreKind, ThrowawayServer>();
  beforeAll(async () => {
    await Promise.all(
      kinds.map(async (kind) => {
        if (unavailable(kind)) return;
        if (kind === "postgres") servers.set(kind, await startPostgres());
        if (kind === "redis") servers.set(kind, await startRedis());
      }),
    );
  }, 60_000);
  afterAll(async () => {
    await Promise.all([...servers.values()].map((s) => s.stop()));
  });
  return { url: (kind) => servers.get(kind)?.url };
}
