import { inspect } from "node:util";
import type { Redis, RedisOptions } from "ioredis";
import type { PendingSignIn, RenewalClaim, StoredUser, TokenStore } from "../token-store.ts";
import { pendingAad, TokenCipher, userAad, type EncryptionOptions } from "./crypto.ts";
import { loadDriver } from "./driver.ts";

export interface RedisTokenStoreOptions extends EncryptionOptions {
  /** Prefix of every key (default `msfn:`), so several applications can share a Redis database. */
  keyPrefix?: string;
  /** Further ioredis settings (TLS, timeouts, ...: its RedisOptions), typed loosely so that the client's declarations need no ioredis where this store is not used. */
  redis?: Record<string, unknown>;
}

// Lua runs atomically in Redis: each script is one compare-and-set step.
const PUT = `local v = redis.call('HINCRBY', KEYS[1], 'v', 1)
redis.call('HSET', KEYS[1], 'r', ARGV[1], 'k', ARGV[2], 'd', ARGV[3])
redis.call('SADD', KEYS[2], ARGV[4])
return v`;
const CAS = `local v = redis.call('HGET', KEYS[1], 'v')
if not v then return -1 end
if v ~= ARGV[1] then return 0 end
local n = tonumber(v) + 1
redis.call('HSET', KEYS[1], 'v', n, 'r', ARGV[2], 'k', ARGV[3], 'd', ARGV[4])
return n`;
const CLAIM = `local cur = redis.call('GET', KEYS[1])
if cur then
  local sep = string.find(cur, '|', 1, true)
  if string.sub(cur, sep + 1) ~= ARGV[1] and tonumber(string.sub(cur, 1, sep - 1)) > tonumber(ARGV[2]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[3] .. '|' .. ARGV[1], 'PX', ARGV[4])
return 1`;
const RELEASE = `local cur = redis.call('GET', KEYS[1])
if cur and string.sub(cur, string.find(cur, '|', 1, true) + 1) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1`;

const MAX_CAS_ATTEMPTS = 20;

/** The scripts as commands: ioredis sends each script's SHA1 (EVALSHA), not its text, after first use. */
interface Scripts {
  msfnPut(user: string, users: string, refreshedAt: string, keyId: string, sealed: string, userId: string): Promise<number>;
  msfnCas(user: string, version: string, refreshedAt: string, keyId: string, sealed: string): Promise<number>;
  msfnClaim(claim: string, owner: string, now: string, until: string, leaseMs: string): Promise<number>;
  msfnRelease(claim: string, owner: string): Promise<number>;
}
type ScriptedRedis = Redis & Scripts;

/**
 * Users' tokens in Redis, shared by any number of instances: a hash per user
 * (version, refreshedAt, key id, sealed record), updated by compare-and-set in
 * Lua, and renewal leases that expire on their own.
 * Connect with `RedisTokenStore.connect(url, options)`.
 */
export class RedisTokenStore implements TokenStore {
  private constructor(
    private readonly redis: ScriptedRedis,
    private readonly prefix: string,
    private readonly cipher: TokenCipher,
  ) {}

  static async connect(url: string, options: RedisTokenStoreOptions = {}): Promise<RedisTokenStore> {
    const cipher = new TokenCipher(options, "RedisTokenStore");
    const { Redis } = await loadDriver("ioredis", "RedisTokenStore", () => import("ioredis"));
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3, ...(options.redis as RedisOptions) });
    // Connection errors surface on the commands that fail; ioredis reconnects by itself.
    redis.on("error", () => undefined);
    try {
      await redis.connect();
    } catch (err) {
      redis.disconnect();
      throw new Error(`RedisTokenStore: cannot connect to ${new URL(url).host}: ${(err as Error).message}`, { cause: err });
    }
    redis.defineCommand("msfnPut", { numberOfKeys: 2, lua: PUT });
    redis.defineCommand("msfnCas", { numberOfKeys: 1, lua: CAS });
    redis.defineCommand("msfnClaim", { numberOfKeys: 1, lua: CLAIM });
    redis.defineCommand("msfnRelease", { numberOfKeys: 1, lua: RELEASE });
    return new RedisTokenStore(redis as ScriptedRedis, options.keyPrefix ?? "msfn:", cipher);
  }

  #userKey = (id: string) => `${this.prefix}user:${id}`;
  #claimKey = (id: string) => `${this.prefix}claim:${id}`;
  #pendingKey = (state: string) => `${this.prefix}pending:${state}`;
  get #users() {
    return `${this.prefix}users`;
  }
  get #pendingIndex() {
    return `${this.prefix}pending`;
  }

  #seal(user: StoredUser): string {
    const { version: _v, ...rest } = user;
    return this.cipher.seal(userAad(user.userId), JSON.stringify(rest));
  }

  async getUser(userId: string): Promise<StoredUser | undefined> {
    const [v, d] = await this.redis.hmget(this.#userKey(userId), "v", "d");
    if (!v || !d) return undefined;
    const user = JSON.parse(this.cipher.open(userAad(userId), d, `the token record of user ${JSON.stringify(userId)}`)) as StoredUser;
    return { ...user, userId, version: Number(v) };
  }

  async putUser(user: StoredUser): Promise<void> {
    await this.redis.msfnPut(this.#userKey(user.userId), this.#users, user.refreshedAt, this.cipher.keyId, this.#seal(user), user.userId);
  }

  async updateUser(userId: string, fn: (user: StoredUser) => StoredUser): Promise<StoredUser | undefined> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const current = await this.getUser(userId);
      if (!current) return undefined;
      const next = { ...fn(structuredClone(current)), userId };
      const v = Number(await this.redis.msfnCas(this.#userKey(userId), String(current.version), next.refreshedAt, this.cipher.keyId, this.#seal(next)));
      if (v === -1) return undefined;
      if (v > 0) return { ...next, version: v };
    }
    throw new Error(`updateUser(${JSON.stringify(userId)}): the record kept changing under ${MAX_CAS_ATTEMPTS} attempts`);
  }

  async deleteUser(userId: string): Promise<boolean> {
    const res = await this.redis.multi().del(this.#userKey(userId)).srem(this.#users, userId).exec();
    return Number(res?.[0]?.[1] ?? 0) > 0;
  }

  async listUserIds(): Promise<string[]> {
    return (await this.redis.smembers(this.#users)).sort();
  }

  async putPending(p: PendingSignIn): Promise<void> {
    await this.redis
      .multi()
      .set(this.#pendingKey(p.state), this.cipher.seal(pendingAad(p.state), JSON.stringify(p)))
      .zadd(this.#pendingIndex, new Date(p.createdAt).getTime(), p.state)
      .exec();
  }

  async takePending(state: string): Promise<PendingSignIn | undefined> {
    const res = await this.redis.multi().getdel(this.#pendingKey(state)).zrem(this.#pendingIndex, state).exec();
    const sealed = res?.[0]?.[1] as string | null | undefined;
    return sealed ? (JSON.parse(this.cipher.open(pendingAad(state), sealed, "a pending sign-in")) as PendingSignIn) : undefined;
  }

  async prunePending(before: Date): Promise<void> {
    const old = await this.redis.zrangebyscore(this.#pendingIndex, "-inf", `(${before.getTime()}`);
    if (old.length === 0) return;
    await this.redis
      .multi()
      .del(...old.map((s) => this.#pendingKey(s)))
      .zrem(this.#pendingIndex, ...old)
      .exec();
  }

  async claimRenewal(userId: string, claim: RenewalClaim): Promise<boolean> {
    const now = claim.now.getTime();
    const leaseMs = Math.max(1, Math.ceil(claim.leaseMs));
    return Number(await this.redis.msfnClaim(this.#claimKey(userId), claim.owner, String(now), String(now + leaseMs), String(leaseMs))) === 1;
  }

  async releaseRenewal(userId: string, owner: string): Promise<void> {
    await this.redis.msfnRelease(this.#claimKey(userId), owner);
  }

  /** Rewrites every record not sealed with the current key under it (key rotation); returns the number of users rewritten. */
  async reencryptAll(): Promise<number> {
    let count = 0;
    for (const id of await this.listUserIds()) {
      if ((await this.redis.hget(this.#userKey(id), "k")) === this.cipher.keyId) continue;
      if (await this.updateUser(id, (u) => u)) count++;
    }
    for (const state of await this.redis.zrange(this.#pendingIndex, 0, -1)) {
      const sealed = await this.redis.get(this.#pendingKey(state));
      if (!sealed || TokenCipher.keyIdOf(sealed) === this.cipher.keyId) continue;
      const p = this.cipher.open(pendingAad(state), sealed, "a pending sign-in");
      await this.redis.set(this.#pendingKey(state), this.cipher.seal(pendingAad(state), p), "XX");
    }
    return count;
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  [inspect.custom](): string {
    return `RedisTokenStore { keyPrefix: ${this.prefix} (tokens encrypted, key id ${this.cipher.keyId}) }`;
  }
  toJSON(): { keyPrefix: string } {
    return { keyPrefix: this.prefix };
  }
}
