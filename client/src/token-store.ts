import { chmod, mkdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { basename, dirname, join } from "node:path";
import { inspect } from "node:util";
import { Low, type Adapter } from "lowdb";
import type { ICachePlugin, TokenCacheContext } from "@azure/msal-node";

/** The Microsoft account bound to an application user at sign-in. */
export interface BoundAccount {
  /** MSAL's home account id, `<oid>.<tid>`. */
  homeAccountId: string;
  /** The user's object id in Entra ID (Graph's user id). */
  microsoftUserId: string;
  tenantId: string;
  username: string;
  name: string | undefined;
}

/** One application user's Microsoft binding and MSAL token cache. `cache` holds secrets. */
export interface StoredUser {
  userId: string;
  account: BoundAccount;
  /** The sign-in mode the user signed in with (undefined: default scopes). */
  mode: string | undefined;
  /** Scopes granted at sign-in. */
  scopes: string[];
  signedInAt: string;
  /** Last time a token was obtained from Entra for this user (sign-in or refresh), on the client's clock. */
  refreshedAt: string;
  /** MSAL's serialized token cache for this user only. */
  cache: string;
}

/** A sign-in in progress: PKCE verifier and state stay on the server. */
export interface PendingSignIn {
  state: string;
  userId: string;
  mode: string | undefined;
  scopes: string[];
  codeVerifier: string;
  nonce: string;
  createdAt: string;
}

/** Where users' tokens live. Implementations must keep `cache` and `codeVerifier` secret. */
export interface TokenStore {
  getUser(userId: string): Promise<StoredUser | undefined>;
  putUser(user: StoredUser): Promise<void>;
  /** Applies `fn` to the stored user, if any, and saves the result. */
  updateUser(userId: string, fn: (user: StoredUser) => StoredUser): Promise<StoredUser | undefined>;
  deleteUser(userId: string): Promise<boolean>;
  listUserIds(): Promise<string[]>;
  putPending(pending: PendingSignIn): Promise<void>;
  /** Removes and returns the pending sign-in with this state (single use). */
  takePending(state: string): Promise<PendingSignIn | undefined>;
  /** Drops pending sign-ins created before `before`. */
  prunePending(before: Date): Promise<void>;
}

export interface TokenStoreData {
  users: Record<string, StoredUser>;
  pending: Record<string, PendingSignIn>;
}

const emptyData = (): TokenStoreData => ({ users: {}, pending: {} });

/** The store logic over a data object; `persist` saves it. Mutations are serialized. */
abstract class DataTokenStore implements TokenStore {
  #queue: Promise<unknown> = Promise.resolve();
  protected abstract data(): TokenStoreData;
  protected abstract persist(): Promise<void>;

  #mutate<T>(fn: (d: TokenStoreData) => T): Promise<T> {
    const run = this.#queue.then(async () => {
      const out = fn(this.data());
      await this.persist();
      return out;
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async getUser(userId: string): Promise<StoredUser | undefined> {
    await this.#queue;
    const u = this.data().users[userId];
    return u ? structuredClone(u) : undefined;
  }
  putUser(user: StoredUser): Promise<void> {
    return this.#mutate((d) => {
      d.users[user.userId] = structuredClone(user);
    });
  }
  updateUser(userId: string, fn: (user: StoredUser) => StoredUser): Promise<StoredUser | undefined> {
    return this.#mutate((d) => {
      const u = d.users[userId];
      if (!u) return undefined;
      const next = fn(structuredClone(u));
      d.users[userId] = next;
      return structuredClone(next);
    });
  }
  deleteUser(userId: string): Promise<boolean> {
    return this.#mutate((d) => {
      const had = userId in d.users;
      delete d.users[userId];
      return had;
    });
  }
  async listUserIds(): Promise<string[]> {
    await this.#queue;
    return Object.keys(this.data().users);
  }
  putPending(pending: PendingSignIn): Promise<void> {
    return this.#mutate((d) => {
      d.pending[pending.state] = { ...pending };
    });
  }
  takePending(state: string): Promise<PendingSignIn | undefined> {
    return this.#mutate((d) => {
      const p = d.pending[state];
      delete d.pending[state];
      return p;
    });
  }
  prunePending(before: Date): Promise<void> {
    return this.#mutate((d) => {
      for (const [k, p] of Object.entries(d.pending)) if (new Date(p.createdAt).getTime() < before.getTime()) delete d.pending[k];
    });
  }

  /** Never print tokens: inspecting a store shows only how many users it holds. */
  [inspect.custom](): string {
    return `${this.constructor.name} { users: ${Object.keys(this.data().users).length} (tokens hidden) }`;
  }
  toJSON(): { users: number } {
    return { users: Object.keys(this.data().users).length };
  }
}

/** Keeps everything in memory: for tests and single-process tools. */
export class MemoryTokenStore extends DataTokenStore {
  #data = emptyData();
  protected data(): TokenStoreData {
    return this.#data;
  }
  protected async persist(): Promise<void> {}
}

/**
 * A lowdb adapter writing JSON with file mode 0600 (owner only), atomically:
 * a 0600 temporary file in the same directory, then rename.
 */
export class SecureJsonFile<T> implements Adapter<T> {
  constructor(readonly file: string) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
    if ((await stat(this.file)).mode & 0o077) await chmod(this.file, 0o600);
    return JSON.parse(text) as T;
  }

  async write(data: T): Promise<void> {
    const dir = dirname(this.file);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const tmp = join(dir, `.${basename(this.file)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
    try {
      await writeFile(tmp, JSON.stringify(data), { mode: 0o600 });
      await chmod(tmp, 0o600);
      await rename(tmp, this.file);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
  }
}

/** Persists users' token caches in one lowdb JSON file with mode 0600. Open it with `LowdbTokenStore.open(file)`. */
export class LowdbTokenStore extends DataTokenStore {
  private constructor(private readonly db: Low<TokenStoreData>) {
    super();
  }

  static async open(file: string): Promise<LowdbTokenStore> {
    const db = new Low<TokenStoreData>(new SecureJsonFile<TokenStoreData>(file), emptyData());
    await db.read();
    db.data = { ...emptyData(), ...(db.data ?? {}) };
    return new LowdbTokenStore(db);
  }

  get file(): string {
    return (this.db.adapter as SecureJsonFile<TokenStoreData>).file;
  }
  protected data(): TokenStoreData {
    return this.db.data;
  }
  protected persist(): Promise<void> {
    return this.db.write();
  }
}

/**
 * An MSAL cache plugin bound to one application user: MSAL reads that user's
 * cache before each access and writes it back when it changed.
 */
export function userCachePlugin(store: TokenStore, userId: string): ICachePlugin {
  return {
    async beforeCacheAccess(ctx: TokenCacheContext): Promise<void> {
      const user = await store.getUser(userId);
      ctx.tokenCache.deserialize(user?.cache || "{}");
    },
    async afterCacheAccess(ctx: TokenCacheContext): Promise<void> {
      if (!ctx.cacheHasChanged) return;
      const cache = ctx.tokenCache.serialize();
      await store.updateUser(userId, (u) => ({ ...u, cache }));
    },
  };
}
