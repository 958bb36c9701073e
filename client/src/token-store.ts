import type { ICachePlugin, TokenCacheContext } from "@azure/msal-node";

export { DataTokenStore, MemoryTokenStore, type TokenStoreData } from "./stores/data-store.ts";
export { LowdbTokenStore, SecureJsonFile } from "./stores/lowdb.ts";

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
  /**
   * The record's version, set by the store and raised by every write
   * (optimistic concurrency); ignored by putUser.
   */
  version?: number;
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

/** A renewal sweep's claim on one user: held by `owner` until `now + leaseMs` (on the sweeping instance's clock). */
export interface RenewalClaim {
  owner: string;
  now: Date;
  leaseMs: number;
}

/** Where users' tokens live. Implementations must keep `cache` and `codeVerifier` secret. */
export interface TokenStore {
  getUser(userId: string): Promise<StoredUser | undefined>;
  putUser(user: StoredUser): Promise<void>;
  /**
   * Applies `fn` to the stored user, if any, and saves the result atomically:
   * a store shared by several processes compares versions and calls `fn` again
   * on the newer record when another writer came first, so `fn` must be pure.
   */
  updateUser(userId: string, fn: (user: StoredUser) => StoredUser): Promise<StoredUser | undefined>;
  deleteUser(userId: string): Promise<boolean>;
  listUserIds(): Promise<string[]>;
  putPending(pending: PendingSignIn): Promise<void>;
  /** Removes and returns the pending sign-in with this state (single use). */
  takePending(state: string): Promise<PendingSignIn | undefined>;
  /** Drops pending sign-ins created before `before`. */
  prunePending(before: Date): Promise<void>;
  /**
   * Claims a user for renewal unless another owner holds an unexpired claim
   * (stores shared by several instances implement this, so each due user is
   * renewed by one instance; a crashed instance's claim expires after leaseMs).
   */
  claimRenewal?(userId: string, claim: RenewalClaim): Promise<boolean>;
  /** Gives up a claim taken by claimRenewal. */
  releaseRenewal?(userId: string, owner: string): Promise<void>;
  /** Rewrites every record under the current encryption key; returns the number of users. */
  reencryptAll?(): Promise<number>;
  /** Closes connections (database stores). */
  close?(): Promise<void>;
}

/**
 * An MSAL cache plugin bound to one application user: MSAL reads that user's
 * cache before each access and writes it back when it changed.
 */
export function userCachePlugin(store: TokenStore, userId: string): ICachePlugin {
  let readVersion: number | undefined;
  return {
    async beforeCacheAccess(ctx: TokenCacheContext): Promise<void> {
      const user = await store.getUser(userId);
      readVersion = user?.version;
      ctx.tokenCache.deserialize(user?.cache || "{}");
    },
    async afterCacheAccess(ctx: TokenCacheContext): Promise<void> {
      if (!ctx.cacheHasChanged) return;
      const cache = ctx.tokenCache.serialize();
      const basis = readVersion;
      // Another instance wrote the user since this one read it (both refreshed at once):
      // the cache holding the newer tokens wins, so no instance puts back an older refresh token.
      await store.updateUser(userId, (u) => (u.version === basis || newestTokenAt(cache) > newestTokenAt(u.cache) ? { ...u, cache } : u));
    },
  };
}

/** When the newest access token in a serialized MSAL cache was obtained (epoch seconds; 0 when none). */
export function newestTokenAt(cache: string): number {
  try {
    const parsed = JSON.parse(cache) as { AccessToken?: Record<string, { cached_at?: string }> };
    return Math.max(0, ...Object.values(parsed.AccessToken ?? {}).map((t) => Number(t.cached_at) || 0));
  } catch {
    return 0;
  }
}
