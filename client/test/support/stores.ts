import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, inject } from "vitest";
import type {} from "../../../test/support/store-servers-setup.ts";
import { LowdbTokenStore, MemoryTokenStore, PostgresTokenStore, RedisTokenStore, type EncryptionOptions, type RenewalClaim, type StoredUser, type TokenStore } from "../../src/index.ts";

export type StoreKind = "memory" | "lowdb" | "postgres" | "redis";

/** A fixed key for the parametrised suite (tests of rotation make their own). */
export const SUITE_KEY = Buffer.alloc(32, 7).toString("base64");

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0)) await c().catch(() => undefined);
});

/** A fresh, empty store of a kind: its own lowdb file, Postgres table or Redis key prefix, closed after the file's tests. */
export async function openStore(kind: StoreKind, options: EncryptionOptions & { url?: string; name?: string } = {}): Promise<TokenStore> {
  const name = options.name ?? `t_${randomBytes(6).toString("hex")}`;
  const enc = { encryptionKey: options.encryptionKey ?? SUITE_KEY, previousKeys: options.previousKeys };
  switch (kind) {
    case "memory":
      return new MemoryTokenStore();
    case "lowdb": {
      const dir = mkdtempSync(join(tmpdir(), "msfn-lowdb-"));
      cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
      return LowdbTokenStore.open(join(dir, `${name}.json`), enc);
    }
    case "postgres": {
      const store = await PostgresTokenStore.connect(options.url ?? provided(inject("clientTestPgUrl"), "PostgreSQL"), { ...enc, table: name, pool: { max: 4 } });
      cleanups.push(() => store.close());
      return store;
    }
    case "redis": {
      const store = await RedisTokenStore.connect(options.url ?? provided(inject("clientTestRedisUrl"), "Redis"), { ...enc, keyPrefix: `${name}:` });
      cleanups.push(() => store.close());
      return store;
    }
  }
}

function provided(url: string | undefined, what: string): string {
  if (!url) throw new Error(`no ${what} server: test/support/store-servers-setup.ts starts one for the client-${what.toLowerCase()} vitest project`);
  return url;
}

/** The store the parametrised client suite runs on (CLIENT_TEST_STORE), default memory. */
export function suiteStoreKind(): StoreKind {
  const kind = process.env.CLIENT_TEST_STORE ?? "memory";
  if (!["memory", "lowdb", "postgres", "redis"].includes(kind)) throw new Error(`CLIENT_TEST_STORE=${kind}: expected memory, lowdb, postgres or redis`);
  return kind as StoreKind;
}

/** A store that opens on first use, for clients built synchronously in tests. */
export class LazyStore implements TokenStore {
  readonly #store: Promise<TokenStore>;
  constructor(open: () => Promise<TokenStore>) {
    this.#store = open();
    this.#store.catch(() => undefined);
  }
  getUser = async (id: string) => (await this.#store).getUser(id);
  putUser = async (u: StoredUser) => (await this.#store).putUser(u);
  updateUser = async (id: string, fn: (u: StoredUser) => StoredUser) => (await this.#store).updateUser(id, fn);
  deleteUser = async (id: string) => (await this.#store).deleteUser(id);
  listUserIds = async () => (await this.#store).listUserIds();
  putPending: TokenStore["putPending"] = async (p) => (await this.#store).putPending(p);
  takePending = async (state: string) => (await this.#store).takePending(state);
  prunePending = async (before: Date) => (await this.#store).prunePending(before);
  claimRenewal = async (id: string, claim: RenewalClaim) => {
    const s = await this.#store;
    return s.claimRenewal ? s.claimRenewal(id, claim) : true;
  };
  releaseRenewal = async (id: string, owner: string) => (await this.#store).releaseRenewal?.(id, owner);
}
