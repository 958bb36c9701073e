import type { ConfidentialClientApplication } from "@azure/msal-node";
import { RefreshTokenInvalidError } from "./errors.ts";
import { authorityMetadata, createMsalApp, translateAuthError, type ClientContext } from "./msal.ts";
import { scopesForMode } from "./settings.ts";
import { userCachePlugin, type StoredUser, type TokenStore } from "./token-store.ts";

/**
 * Delegated access tokens for application users. Each user has their own MSAL
 * ConfidentialClientApplication whose cache plugin reads and writes only that
 * user's cache in the token store.
 */
export class UserTokens {
  readonly #apps = new Map<string, ConfidentialClientApplication>();

  constructor(
    private readonly ctx: ClientContext,
    private readonly store: TokenStore,
  ) {}

  /** The MSAL app for a user (created on first use). */
  async appFor(userId: string): Promise<ConfidentialClientApplication> {
    let app = this.#apps.get(userId);
    if (!app) {
      const metadata = await authorityMetadata(this.ctx, this.ctx.settings.tenantId);
      app = this.#apps.get(userId) ?? createMsalApp(this.ctx, this.ctx.settings.tenantId, userCachePlugin(this.store, userId), metadata);
      this.#apps.set(userId, app);
    }
    return app;
  }

  /** Whether this instance holds an MSAL app for the user (it did work for them before). */
  hasApp(userId: string): boolean {
    return this.#apps.has(userId);
  }

  /** Drops the user's MSAL app, e.g. after a new sign-in replaced their cache. */
  forget(userId: string): void {
    this.#apps.delete(userId);
  }

  /** The user's binding, or RefreshTokenInvalid when they never signed in (or signed out). */
  async requireUser(userId: string): Promise<StoredUser> {
    const user = await this.store.getUser(userId);
    if (!user) {
      throw new RefreshTokenInvalidError(userId, "the user has not signed in with Microsoft (no tokens are stored for this user id)", {
        reason: "no_tokens_found",
      });
    }
    return user;
  }

  /**
   * An access token for the user with the scopes their mode needs under the
   * current settings: from the cache while valid, else by refresh token.
   * `forceRefresh` always redeems the refresh token (renewal, or after Graph
   * refused a token MSAL still considered valid).
   */
  async accessToken(userId: string, options: { forceRefresh?: boolean } = {}): Promise<string> {
    const user = await this.requireUser(userId);
    const scopes = scopesForMode(this.ctx.settings, user.mode);
    const app = await this.appFor(userId);
    const failure = {
      action: "getting a delegated access token",
      setting: "tenantId" as const,
      tenant: this.ctx.settings.tenantId,
      userId,
      scopes,
      grantedScopes: user.scopes,
    };
    try {
      const account = await app.getTokenCache().getAccountByHomeId(user.account.homeAccountId);
      if (!account) throw new RefreshTokenInvalidError(userId, "no tokens are stored for the user's Microsoft account", { reason: "no_tokens_found" });
      const result = await app.acquireTokenSilent({ account, scopes, forceRefresh: options.forceRefresh ?? false });
      if (!result.fromCache) {
        const now = this.ctx.now().toISOString();
        await this.store.updateUser(userId, (u) => ({ ...u, refreshedAt: now }));
      }
      return result.accessToken;
    } catch (err) {
      throw await translateAuthError(this.ctx, err, failure);
    }
  }
}
