import { inspect } from "node:util";
import type { Pool, PoolClient, PoolConfig } from "pg";
import type { PendingSignIn, RenewalClaim, StoredUser, TokenStore } from "../token-store.ts";
import { pendingAad, TokenCipher, TokenStoreError, userAad, type EncryptionOptions } from "./crypto.ts";
import { loadDriver } from "./driver.ts";

export interface PostgresTokenStoreOptions extends EncryptionOptions {
  /** Table name (default `msfn_token_users`; `<table>_pending` and `<table>_schema` beside it). */
  table?: string;
  /**
   * Further pg.Pool settings (`max`, `ssl`, ...: pg's PoolConfig). Typed loosely so that the
   * client's type declarations need no `@types/pg` where this store is not used.
   */
  pool?: Record<string, unknown>;
}

/** Schema changes, applied in order on connect under an advisory lock; index + 1 is the schema version. */
const MIGRATIONS: ((t: string) => string)[] = [
  (t) => `CREATE TABLE ${t} (
    user_id text PRIMARY KEY,
    version bigint NOT NULL,
    refreshed_at timestamptz NOT NULL,
    key_id text NOT NULL,
    data text NOT NULL
  );
  CREATE TABLE ${t}_pending (state text PRIMARY KEY, created_at timestamptz NOT NULL, key_id text NOT NULL, data text NOT NULL);`,
  (t) => `ALTER TABLE ${t} ADD COLUMN claimed_by text, ADD COLUMN claimed_until timestamptz;
  CREATE INDEX ${t}_key_id ON ${t} (key_id);`,
];

const MAX_CAS_ATTEMPTS = 20;

/**
 * Users' tokens in PostgreSQL, shared by any number of instances: each row is
 * sealed with AES-256-GCM (bound to its user id), versioned for optimistic
 * concurrency, and claimable for renewal with an expiring row claim.
 * Connect with `PostgresTokenStore.connect(connectionString, options)`.
 */
export class PostgresTokenStore implements TokenStore {
  private constructor(
    private readonly pool: Pool,
    private readonly table: string,
    private readonly cipher: TokenCipher,
  ) {}

  static async connect(connectionString: string, options: PostgresTokenStoreOptions = {}): Promise<PostgresTokenStore> {
    const cipher = new TokenCipher(options, "PostgresTokenStore");
    const table = options.table ?? "msfn_token_users";
    if (!/^[a-z_][a-z0-9_]{0,40}$/.test(table)) throw new TokenStoreError("StoreInvalid", `options.table must be a lowercase SQL identifier (a-z, 0-9, _), got ${JSON.stringify(table)}`);
    const pg = await loadDriver("pg", "PostgresTokenStore", () => import("pg"));
    const pool = new pg.default.Pool({ ...(options.pool as Omit<PoolConfig, "connectionString">), connectionString });
    // An idle connection's error (e.g. the server restarting) must not crash the process; the next query reports it.
    pool.on("error", () => undefined);
    const store = new PostgresTokenStore(pool, table, cipher);
    try {
      await store.#migrate();
    } catch (err) {
      await pool.end();
      throw err;
    }
    return store;
  }

  async #migrate(): Promise<void> {
    const t = this.table;
    await this.#transaction(async (c) => {
      // One instance migrates at a time: the others wait here, then find the schema current.
      await c.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`${t}:migrate`]);
      await c.query(`CREATE TABLE IF NOT EXISTS ${t}_schema (version int NOT NULL)`);
      const { rows } = await c.query<{ version: number }>(`SELECT version FROM ${t}_schema`);
      const at = rows[0]?.version ?? 0;
      for (let v = at; v < MIGRATIONS.length; v++) await c.query((MIGRATIONS[v] as (t: string) => string)(t));
      if (rows.length === 0) await c.query(`INSERT INTO ${t}_schema (version) VALUES ($1)`, [MIGRATIONS.length]);
      else if (at < MIGRATIONS.length) await c.query(`UPDATE ${t}_schema SET version = $1`, [MIGRATIONS.length]);
    });
  }

  async #transaction<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query("BEGIN");
      const out = await fn(c);
      await c.query("COMMIT");
      return out;
    } catch (err) {
      await c.query("ROLLBACK").catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }

  #open(userId: string, row: { version: string; data: string }): StoredUser {
    const user = JSON.parse(this.cipher.open(userAad(userId), row.data, `the token record of user ${JSON.stringify(userId)}`)) as StoredUser;
    return { ...user, userId, version: Number(row.version) };
  }
  #seal(user: StoredUser): string {
    const { version: _v, ...rest } = user;
    return this.cipher.seal(userAad(user.userId), JSON.stringify(rest));
  }

  async getUser(userId: string): Promise<StoredUser | undefined> {
    const { rows } = await this.pool.query<{ version: string; data: string }>(`SELECT version, data FROM ${this.table} WHERE user_id = $1`, [userId]);
    return rows[0] ? this.#open(userId, rows[0]) : undefined;
  }

  async putUser(user: StoredUser): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.table} (user_id, version, refreshed_at, key_id, data) VALUES ($1, 1, $2, $3, $4)
       ON CONFLICT (user_id) DO UPDATE SET version = ${this.table}.version + 1, refreshed_at = $2, key_id = $3, data = $4`,
      [user.userId, user.refreshedAt, this.cipher.keyId, this.#seal(user)],
    );
  }

  async updateUser(userId: string, fn: (user: StoredUser) => StoredUser): Promise<StoredUser | undefined> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const current = await this.getUser(userId);
      if (!current) return undefined;
      const next = { ...fn(structuredClone(current)), userId };
      const { rows } = await this.pool.query<{ version: string }>(
        `UPDATE ${this.table} SET version = version + 1, refreshed_at = $3, key_id = $4, data = $5 WHERE user_id = $1 AND version = $2 RETURNING version`,
        [userId, current.version, next.refreshedAt, this.cipher.keyId, this.#seal(next)],
      );
      if (rows[0]) return { ...next, version: Number(rows[0].version) };
    }
    throw new Error(`updateUser(${JSON.stringify(userId)}): the record kept changing under ${MAX_CAS_ATTEMPTS} attempts`);
  }

  async deleteUser(userId: string): Promise<boolean> {
    const res = await this.pool.query(`DELETE FROM ${this.table} WHERE user_id = $1`, [userId]);
    return (res.rowCount ?? 0) > 0;
  }

  async listUserIds(): Promise<string[]> {
    const { rows } = await this.pool.query<{ user_id: string }>(`SELECT user_id FROM ${this.table} ORDER BY user_id`);
    return rows.map((r) => r.user_id);
  }

  async putPending(p: PendingSignIn): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.table}_pending (state, created_at, key_id, data) VALUES ($1, $2, $3, $4)
       ON CONFLICT (state) DO UPDATE SET created_at = $2, key_id = $3, data = $4`,
      [p.state, p.createdAt, this.cipher.keyId, this.cipher.seal(pendingAad(p.state), JSON.stringify(p))],
    );
  }

  async takePending(state: string): Promise<PendingSignIn | undefined> {
    const { rows } = await this.pool.query<{ data: string }>(`DELETE FROM ${this.table}_pending WHERE state = $1 RETURNING data`, [state]);
    return rows[0] ? (JSON.parse(this.cipher.open(pendingAad(state), rows[0].data, "a pending sign-in")) as PendingSignIn) : undefined;
  }

  async prunePending(before: Date): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.table}_pending WHERE created_at < $1`, [before.toISOString()]);
  }

  async claimRenewal(userId: string, claim: RenewalClaim): Promise<boolean> {
    const res = await this.pool.query(
      `UPDATE ${this.table} SET claimed_by = $2, claimed_until = $4
       WHERE user_id = $1 AND (claimed_until IS NULL OR claimed_until <= $3 OR claimed_by = $2)`,
      [userId, claim.owner, claim.now.toISOString(), new Date(claim.now.getTime() + claim.leaseMs).toISOString()],
    );
    return (res.rowCount ?? 0) > 0;
  }

  async releaseRenewal(userId: string, owner: string): Promise<void> {
    await this.pool.query(`UPDATE ${this.table} SET claimed_by = NULL, claimed_until = NULL WHERE user_id = $1 AND claimed_by = $2`, [userId, owner]);
  }

  /** Rewrites every record not sealed with the current key under it (key rotation); returns the number of users rewritten. */
  async reencryptAll(): Promise<number> {
    let count = 0;
    for (;;) {
      const { rows } = await this.pool.query<{ user_id: string }>(`SELECT user_id FROM ${this.table} WHERE key_id <> $1 LIMIT 500`, [this.cipher.keyId]);
      if (rows.length === 0) break;
      for (const { user_id } of rows) if (await this.updateUser(user_id, (u) => u)) count++;
    }
    const pending = await this.pool.query<{ state: string; data: string }>(`SELECT state, data FROM ${this.table}_pending WHERE key_id <> $1`, [this.cipher.keyId]);
    for (const { state, data } of pending.rows) {
      const p = JSON.parse(this.cipher.open(pendingAad(state), data, "a pending sign-in")) as PendingSignIn;
      await this.pool.query(`UPDATE ${this.table}_pending SET key_id = $2, data = $3 WHERE state = $1`, [state, this.cipher.keyId, this.cipher.seal(pendingAad(state), JSON.stringify(p))]);
    }
    return count;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  [inspect.custom](): string {
    return `PostgresTokenStore { table: ${this.table} (tokens encrypted, key id ${this.cipher.keyId}) }`;
  }
  toJSON(): { table: string } {
    return { table: this.table };
  }
}
