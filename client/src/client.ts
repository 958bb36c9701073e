import { inspect } from "node:util";
import type { INetworkModule } from "@azure/msal-node";
import { AppTokens } from "./app-tokens.ts";
import { CalendarFunctions } from "./calendar.ts";
import { GraphAccess } from "./caller.ts";
import { InvalidArgumentError } from "./errors.ts";
import { buildTransport, type FetchLike } from "./http.ts";
import type { ClientContext } from "./msal.ts";
import { renewRefreshTokens, startRenewalTimer, type RenewalOptions, type RenewalReport, type RenewalTimer, type RenewalTimerOptions } from "./renewal.ts";
import { parseSettings, type Settings, type SettingsInput } from "./settings.ts";
import { SignIn } from "./sign-in.ts";
import { MemoryTokenStore, type TokenStore } from "./token-store.ts";
import { UserTokens } from "./user-tokens.ts";
import { UsersFunctions } from "./users.ts";

/** Which application user's delegated token, and whether to skip the cache. */
export interface UserTokenOptions {
  /** The application user id bound at sign-in (getSignInUrl's authUserId). */
  authUserId: string;
  /** Redeem the refresh token even if a cached access token is still valid. */
  forceRefresh?: boolean;
}

/** Things that are not plain settings: where tokens are kept, and how to reach the network. */
export interface ClientOptions {
  /**
   * Where users' token caches live (default: in memory). LowdbTokenStore.open(file) persists for one
   * process; PostgresTokenStore.connect(url) and RedisTokenStore.connect(url) are shared by many
   * instances (docs/client-token-stores.md).
   */
  tokenStore?: TokenStore;
  /**
   * An MSAL network client (INetworkModule) for every call to the authority,
   * e.g. one that reroutes login.microsoftonline.com or adds a proxy.
   */
  networkClient?: INetworkModule;
  /** The fetch used for Graph (and for MSAL unless networkClient is given). Default: Node's fetch, or one trusting settings.caCertificate. */
  fetch?: FetchLike;
  /** A sink for MSAL warnings and errors (never contains tokens). */
  log?: ClientContext["log"];
  /**
   * The clock behind "now" for sign-in and refresh times and the renewal
   * sweep (default: the system clock). Against the emulator, pass its clock
   * (`() => new Date(await admin.clock()).now`, or an in-process emulator's
   * `clock.now()`), so moving the emulator's clock moves the sweep too.
   */
  now?: () => Date;
}

/**
 * The Microsoft functions: delegated sign-in bound to application users,
 * application tokens, the Users and Calendar functions, and refresh-token renewal.
 */
export class MicrosoftFunctions {
  readonly settings: Settings;
  readonly tokenStore: TokenStore;
  /** Delegated sign-in: getSignInUrl, handleRedirect, signOut, getBinding. */
  readonly signIn: SignIn;
  /** Microsoft 365 Users. */
  readonly users: UsersFunctions;
  /** Microsoft 365 Calendar. */
  readonly calendar: CalendarFunctions;
  readonly #userTokens: UserTokens;
  readonly #appTokens: AppTokens;
  readonly #timers = new Set<RenewalTimer>();
  readonly #now: () => Date;

  constructor(settings: SettingsInput | Settings, options: ClientOptions = {}) {
    this.settings = parseSettings(settings);
    const ctx: ClientContext = {
      settings: this.settings,
      transport: buildTransport({ caCertificate: this.settings.caCertificate, networkClient: options.networkClient, fetch: options.fetch }),
      log: options.log,
      now: options.now ?? (() => new Date()),
    };
    this.#now = ctx.now;
    this.tokenStore = options.tokenStore ?? new MemoryTokenStore();
    this.#userTokens = new UserTokens(ctx, this.tokenStore);
    this.#appTokens = new AppTokens(ctx);
    const access = new GraphAccess(ctx, this.tokenStore, this.#userTokens, this.#appTokens);
    this.signIn = new SignIn(ctx, this.tokenStore, this.#userTokens);
    this.users = new UsersFunctions(access);
    this.calendar = new CalendarFunctions(access);
  }

  /**
   * A delegated access token for an application user (for Graph calls these
   * functions do not cover): from the cache while valid, else by refresh token.
   * A revocation or consent change shows only once the cached token expires
   * (as in Entra); `forceRefresh` redeems the refresh token now.
   */
  getUserAccessToken(options: UserTokenOptions): Promise<string>;
  /** @deprecated Positional form; use getUserAccessToken({ authUserId, forceRefresh }). */
  getUserAccessToken(authUserId: string, options?: { forceRefresh?: boolean }): Promise<string>;
  getUserAccessToken(first: string | UserTokenOptions, options: { forceRefresh?: boolean } = {}): Promise<string> {
    const o = typeof first === "string" ? { ...options, authUserId: first } : first;
    if (!o?.authUserId) throw new InvalidArgumentError("getUserAccessToken needs authUserId: the application user whose delegated token is wanted");
    return this.#userTokens.accessToken(o.authUserId, { forceRefresh: o.forceRefresh ?? false });
  }

  /** An application token for appTenantId (cached until shortly before expiry). */
  getAppAccessToken(options: { forceRefresh?: boolean } = {}): Promise<string> {
    return this.#appTokens.accessToken(options);
  }

  /**
   * "Clear Microsoft functions cache": drops the cached application token
   * (client credentials) so changed application permissions take effect on the
   * next call. Users' delegated tokens are untouched: they live in the token
   * store (use getUserAccessToken({ authUserId, forceRefresh: true }) or signIn.signOut).
   */
  clearAppTokenCache(): void {
    this.#appTokens.clearCache();
  }

  /** @deprecated The name hides what it clears; use clearAppTokenCache() (same effect: application tokens only). */
  clearCache(): void {
    this.clearAppTokenCache();
  }

  /** Redeems the refresh token of every stored user last refreshed `renewAfterDays` or more ago. */
  renewRefreshTokens(options: RenewalOptions = {}): Promise<RenewalReport> {
    return renewRefreshTokens(this.settings, this.tokenStore, this.#userTokens, { now: this.#now, ...options });
  }

  /** Runs renewRefreshTokens on an interval (default every 12 hours) until stop() or close(). */
  startRenewal(options: RenewalTimerOptions = {}): RenewalTimer {
    const timer = startRenewalTimer((o) => this.renewRefreshTokens(o), options);
    const handle = {
      stop: () => {
        timer.stop();
        this.#timers.delete(handle);
      },
    };
    this.#timers.add(handle);
    return handle;
  }

  /** Stops renewal timers (the token store is the caller's to close). */
  close(): void {
    for (const t of [...this.#timers]) t.stop();
  }

  /** Settings without the client secret, for logs. */
  toJSON(): Record<string, unknown> {
    const { clientSecret: _secret, caCertificate, ...visible } = this.settings;
    return { ...visible, clientSecret: "(hidden)", caCertificate: caCertificate ? "(set)" : undefined };
  }

  [inspect.custom](): string {
    return `MicrosoftFunctions ${inspect(this.toJSON())}`;
  }
}

/** Validates the settings and builds the client. */
export function createMicrosoftFunctions(settings: SettingsInput, options: ClientOptions = {}): MicrosoftFunctions {
  return new MicrosoftFunctions(settings, options);
}
