import { inspect } from "node:util";
import type { PendingSignIn, RenewalClaim, StoredUser, TokenStore } from "../token-store.ts";

export interface TokenStoreData {
  users: Record<string, StoredUser>;
  pending: Record<string, PendingSignIn>;
}

export const emptyData = (): TokenStoreData => ({ users: {}, pending: {} });

/**
 * The store logic over a data object held by this process; `persist` saves it.
 * Mutations are serialized, each record carries a version, and renewal claims
 * live in memory (one process owns the data).
 */
export abstract class DataTokenStore implements TokenStore {
  #queue: Promise<unknown> = Promise.resolve();
  readonly #claims = new Map<string, { owner: string; until: number }>();
  protected abstract data(): TokenStoreData;
  protected abstract persist(): Promise<void>;

  protected mutate<T>(fn: (d: TokenStoreData) => T): Promise<T> {
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
    return this.mutate((d) => {
      d.users[user.userId] = { ...structuredClone(user), version: (d.users[user.userId]?.version ?? 0) + 1 };
    });
  }
  updateUser(userId: string, fn: (user: StoredUser) => StoredUser): Promise<StoredUser | undefined> {
    return this.mutate((d) => {
      const u = d.users[userId];
      if (!u) return undefined;
      const next = fn(structuredClone(u));
      d.users[userId] = { ...next, userId, version: (u.version ?? 0) + 1 };
      return structuredClone(d.users[userId]);
    });
  }
  deleteUser(userId: string): Promise<boolean> {
    return this.mutate((d) => {
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
    return this.mutate((d) => {
      d.pending[pending.state] = { ...pending };
    });
  }
  takePending(state: string): Promise<PendingSignIn | undefined> {
    return this.mutate((d) => {
      const p = d.pending[state];
      delete d.pending[state];
      return p;
    });
  }
  prunePending(before: Date): Promise<void> {
    return this.mutate((d) => {
      for (const [k, p] of Object.entries(d.pending)) if (new Date(p.createdAt).getTime() < before.getTime()) delete d.pending[k];
    });
  }

  async claimRenewal(userId: string, claim: RenewalClaim): Promise<boolean> {
    const held = this.#claims.get(userId);
    const now = claim.now.getTime();
    if (held && held.owner !== claim.owner && held.until > now) return false;
    this.#claims.set(userId, { owner: claim.owner, until: now + claim.leaseMs });
    return true;
  }
  async releaseRenewal(userId: string, owner: string): Promise<void> {
    if (this.#claims.get(userId)?.owner === owner) this.#claims.delete(userId);
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
