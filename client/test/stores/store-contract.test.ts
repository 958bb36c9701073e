import { afterAll, describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { inspect } from "node:util";
import pg from "pg";
import { Redis } from "ioredis";
import {
  generateEncryptionKey,
  LowdbTokenStore,
  PostgresTokenStore,
  reencryptTokenStore,
  RedisTokenStore,
  userCachePlugin,
  type StoredUser,
  type TokenStore,
} from "../../src/index.ts";
import { loadDriver } from "../../src/stores/driver.ts";
import { openStore, SUITE_KEY, type StoreKind } from "../support/stores.ts";
import { skipNote, unavailable, useServers } from "./servers.ts";

const SECRET = "rt-secret-0123456789";
const user = (userId: string, cache = `{"RefreshToken":{"k":{"secret":"${SECRET}"}}}`): StoredUser => ({
  userId,
  account: { homeAccountId: "oid.tid", microsoftUserId: "oid", tenantId: "tid", username: "adele@contoso.test", name: "Adele" },
  mode: undefined,
  scopes: ["User.Read"],
  signedInAt: "2026-01-01T00:00:00.000Z",
  refreshedAt: "2026-01-01T00:00:00.000Z",
  cache,
});

const servers = useServers(["postgres", "redis"]);
const open = (kind: StoreKind, options: Parameters<typeof openStore>[1] = {}) => openStore(kind, { url: servers.url(kind), ...options });

/** Every byte the store keeps for its records, as the database or file holds them. */
async function rawContents(kind: StoreKind, store: TokenStore, name: string): Promise<string> {
  if (kind === "lowdb") {
    return readFileSync((store as LowdbTokenStore).file, "utf8");
  }
  if (kind === "postgres") {
    const c = new pg.Client({ connectionString: servers.url(kind) });
    await c.connect();
    try {
      const users = await c.query(`SELECT * FROM ${name}`);
      const pending = await c.query(`SELECT * FROM ${name}_pending`);
      return JSON.stringify([users.rows, pending.rows]);
    } finally {
      await c.end();
    }
  }
  const r = new Redis(servers.url(kind) as string);
  try {
    const keys = await r.keys(`${name}:*`);
    const values = await Promise.all(keys.map(async (k) => [k, await r.type(k), await r.dumpBuffer(k)]));
    return JSON.stringify(values.map(([k, t, d]) => [k, t, d?.toString("latin1")]));
  } finally {
    r.disconnect();
  }
}

for (const kind of ["lowdb", "postgres", "redis"] as const) {
  describe.skipIf(unavailable(kind))(`${kind} token store, encrypted at rest${skipNote(kind)}`, () => {
    it("keeps users and pending sign-ins, and raises each record's version on every write", async () => {
      const store = await open(kind);
      await store.putUser(user("u1"));
      await store.putUser(user("u2"));
      expect((await store.listUserIds()).sort()).toEqual(["u1", "u2"]);
      expect((await store.getUser("u1"))?.version).toBe(1);
      const updated = await store.updateUser("u1", (u) => ({ ...u, refreshedAt: "2026-02-01T00:00:00.000Z" }));
      expect(updated).toMatchObject({ refreshedAt: "2026-02-01T00:00:00.000Z", version: 2 });
      expect(await store.getUser("u1")).toMatchObject({ cache: user("u1").cache, version: 2, account: user("u1").account });
      await store.putUser(user("u1"));
      expect((await store.getUser("u1"))?.version).toBe(3);
      expect(await store.updateUser("missing", (u) => u)).toBeUndefined();
      expect(await store.deleteUser("u2")).toBe(true);
      expect(await store.deleteUser("u2")).toBe(false);
      expect(await store.listUserIds()).toEqual(["u1"]);
      await store.putPending({ state: "s1", userId: "u1", mode: undefined, scopes: [], codeVerifier: "verifier-secret", nonce: "n", createdAt: new Date().toISOString() });
      await store.putPending({ state: "old", userId: "u1", mode: undefined, scopes: [], codeVerifier: "v", nonce: "n", createdAt: "2000-01-01T00:00:00Z" });
      await store.prunePending(new Date(Date.now() - 60_000));
      expect(await store.takePending("old")).toBeUndefined();
      expect((await store.takePending("s1"))?.codeVerifier).toBe("verifier-secret");
      expect(await store.takePending("s1")).toBeUndefined();
    });

    it("concurrent updates of one user are never lost (compare-and-set on the version)", async () => {
      const store = await open(kind);
      await store.putUser({ ...user("u1"), scopes: [] });
      await Promise.all(Array.from({ length: 20 }, (_, i) => store.updateUser("u1", (u) => ({ ...u, scopes: [...u.scopes, `s${i}`] }))));
      const got = await store.getUser("u1");
      expect(got?.scopes).toHaveLength(20);
      expect(got?.version).toBe(21);
    });

    it("the raw rows, keys or file hold no token, verifier or user name; logging the store shows none either", async () => {
      const name = `raw_${kind}`;
      const store = await open(kind, { name });
      await store.putUser(user("u1"));
      await store.putPending({ state: "s1", userId: "u1", mode: undefined, scopes: [], codeVerifier: "verifier-secret", nonce: "n", createdAt: new Date().toISOString() });
      const raw = await rawContents(kind, store, name);
      expect(raw.length).toBeGreaterThan(100);
      for (const secret of [SECRET, "RefreshToken", "verifier-secret", "adele@contoso.test"]) expect(raw).not.toContain(secret);
      expect(raw).toMatch(/enc1\.[A-Za-z0-9_-]{10}\./);
      expect(inspect(store)).not.toContain(SECRET);
      expect(JSON.stringify(store)).not.toContain(SECRET);
    });

    it("a record copied onto another user's id does not decrypt (the user id is authenticated data)", async () => {
      const name = `swap_${kind}`;
      const store = await open(kind, { name });
      await store.putUser(user("alice"));
      await store.putUser(user("mallory", "{}"));
      const read = await swapRecord(kind, store, name, "alice", "mallory");
      await expect(read("mallory")).rejects.toMatchObject({ name: "TokenStoreError", code: "DecryptionFailed", message: expect.stringContaining("mallory") });
    });

    it("a missing or wrong key is a clear error that deletes nothing; rotation re-encrypts every record, then the old key fails clearly", async () => {
      const name = `rot_${kind}`;
      const oldKey = generateEncryptionKey();
      const newKey = generateEncryptionKey();
      const store = await open(kind, { name, encryptionKey: oldKey });
      for (let i = 0; i < 5; i++) await store.putUser(user(`u${i}`));
      await expect(reopen(kind, store, name, {})).rejects.toMatchObject({ code: "EncryptionKeyMissing", message: expect.stringContaining("encryptionKey") });
      await expect(reopen(kind, store, name, { encryptionKey: "too-short" })).rejects.toMatchObject({ code: "EncryptionKeyInvalid", message: expect.stringContaining("32 bytes") });
      const wrong = reopen(kind, store, name, { encryptionKey: newKey });
      const wrongRead = (async () => (await wrong).getUser("u1"))();
      await expect(wrongRead).rejects.toMatchObject({ code: "EncryptionKeyUnknown", message: expect.stringMatching(/key id .* neither options.encryptionKey/) });

      const rotating = await reopen(kind, store, name, { encryptionKey: newKey, previousKeys: [oldKey] });
      expect((await rotating.getUser("u3"))?.cache).toContain(SECRET);
      expect(await reencryptTokenStore(rotating)).toBe(5);
      const after = await rawContents(kind, rotating, name);
      const ids = [...after.matchAll(/enc1\.([A-Za-z0-9_-]{10})\./g)].map((m) => m[1]);
      expect(new Set(ids).size).toBe(1);
      expect(await reencryptTokenStore(rotating)).toBe(kind === "lowdb" ? 5 : 0);

      const newOnly = await reopen(kind, store, name, { encryptionKey: newKey });
      expect((await newOnly.getUser("u4"))?.cache).toContain(SECRET);
      const oldOnly = reopen(kind, store, name, { encryptionKey: oldKey });
      await expect((async () => (await oldOnly).getUser("u4"))()).rejects.toMatchObject({ code: "EncryptionKeyUnknown" });
      expect((await newOnly.listUserIds()).length).toBe(5);
    });

    it("the cache plugin keeps the newer tokens when two instances wrote the same user at once", async () => {
      const store = await open(kind);
      const cacheAt = (at: number, rt: string) => JSON.stringify({ AccessToken: { k: { cached_at: String(at) } }, RefreshToken: { k: { secret: rt } } });
      await store.putUser(user("u1", cacheAt(100, "rt-1")));
      const a = userCachePlugin(store, "u1");
      const b = userCachePlugin(store, "u1");
      const ctx = (serialized: string) => {
        let loaded = "";
        return { cacheHasChanged: true, tokenCache: { deserialize: (s: string) => void (loaded = s), serialize: () => serialized }, loaded: () => loaded };
      };
      // Both read version 1; A obtained its tokens later but writes first; B's older tokens must not overwrite them.
      const ca = ctx(cacheAt(300, "rt-a"));
      const cb = ctx(cacheAt(200, "rt-b"));
      await a.beforeCacheAccess(ca as never);
      await b.beforeCacheAccess(cb as never);
      await a.afterCacheAccess(ca as never);
      await b.afterCacheAccess(cb as never);
      expect((await store.getUser("u1"))?.cache).toContain("rt-a");
      // The reverse: the later writer holds the newer tokens and wins.
      const c1 = ctx(cacheAt(400, "rt-c"));
      const c2 = ctx(cacheAt(500, "rt-d"));
      await a.beforeCacheAccess(c1 as never);
      await b.beforeCacheAccess(c2 as never);
      await a.afterCacheAccess(c1 as never);
      await b.afterCacheAccess(c2 as never);
      expect((await store.getUser("u1"))?.cache).toContain("rt-d");
    });
  });
}

async function reopen(kind: StoreKind, store: TokenStore, name: string, enc: { encryptionKey?: string; previousKeys?: string[] }): Promise<TokenStore> {
  if (kind === "lowdb") return LowdbTokenStore.open((store as LowdbTokenStore).file, enc);
  const url = servers.url(kind) as string;
  const s = kind === "postgres" ? await PostgresTokenStore.connect(url, { ...enc, table: name }) : await RedisTokenStore.connect(url, { ...enc, keyPrefix: `${name}:` });
  reopened.push(s);
  return s;
}
const reopened: TokenStore[] = [];
afterAll(async () => {
  for (const s of reopened) await s.close?.();
});

/**
 * Overwrites `to`'s stored record with `from`'s sealed bytes, as someone with
 * write access to the database could; returns a reader that sees the result.
 */
async function swapRecord(kind: StoreKind, store: TokenStore, name: string, from: string, to: string): Promise<(id: string) => Promise<unknown>> {
  if (kind === "lowdb") {
    const file = (store as LowdbTokenStore).file;
    const data = JSON.parse(readFileSync(file, "utf8"));
    data.users[to] = data.users[from];
    writeFileSync(file, JSON.stringify(data));
    // The lowdb store decrypts every record when it opens the file.
    return async (id) => (await LowdbTokenStore.open(file, { encryptionKey: SUITE_KEY })).getUser(id);
  }
  if (kind === "postgres") {
    const c = new pg.Client({ connectionString: servers.url(kind) });
    await c.connect();
    await c.query(`UPDATE ${name} SET data = (SELECT data FROM ${name} WHERE user_id = $1) WHERE user_id = $2`, [from, to]);
    await c.end();
  } else {
    const r = new Redis(servers.url(kind) as string);
    await r.hset(`${name}:user:${to}`, "d", (await r.hget(`${name}:user:${from}`, "d")) as string);
    r.disconnect();
  }
  return (id) => store.getUser(id);
}

describe("database drivers are optional peer dependencies", () => {
  it("a missing driver is a clear error naming the package to install", async () => {
    const missing = "graph-emulator-no-such-driver";
    await expect(loadDriver(missing, "PostgresTokenStore", () => import(missing))).rejects.toMatchObject({
      name: "TokenStoreError",
      code: "DriverMissing",
      message: `PostgresTokenStore needs the "${missing}" package, an optional peer dependency: npm install ${missing}`,
    });
  });

  it("PostgreSQL and Redis stores refuse to start without an encryption key", async () => {
    await expect(PostgresTokenStore.connect("postgres://127.0.0.1:1/x")).rejects.toMatchObject({ code: "EncryptionKeyMissing" });
    await expect(RedisTokenStore.connect("redis://127.0.0.1:1")).rejects.toMatchObject({ code: "EncryptionKeyMissing" });
  });
});
