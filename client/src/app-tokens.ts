import type { ConfidentialClientApplication } from "@azure/msal-node";
import { InvalidArgumentError } from "./errors.ts";
import { createMsalApp, translateAuthError, type ClientContext } from "./msal.ts";

/** The one scope of client-credential requests for Microsoft Graph. */
export const GRAPH_DEFAULT_SCOPE = "https://graph.microsoft.com/.default";
/** Cached application tokens are renewed this long before they expire. */
export const APP_TOKEN_RENEW_BEFORE_MS = 5 * 60_000;

/**
 * Application (client credentials) tokens for `appTenantId`, cached and reused
 * until shortly before expiry. `clearCache()` drops them so that permissions
 * changed in the tenant take effect on the next call.
 */
export class AppTokens {
  #cached: { token: string; expiresOn: number } | undefined;
  #inflight: Promise<string> | undefined;
  #app: ConfidentialClientApplication | undefined;
  #generation = 0;

  constructor(private readonly ctx: ClientContext) {}

  /** The app tenant, or an explanation of why application permissions cannot be used. */
  get tenant(): string {
    const t = this.ctx.settings.appTenantId;
    if (!t) {
      throw new InvalidArgumentError(
        "no authUserId was given, so the call uses application permissions, but settings.appTenantId is not set (set it to the directory GUID where the permissions are granted)",
      );
    }
    return t;
  }

  /** A Graph application token: cached unless `forceRefresh`. */
  async accessToken(options: { forceRefresh?: boolean } = {}): Promise<string> {
    const tenant = this.tenant;
    const cached = this.#cached;
    if (!options.forceRefresh && cached && cached.expiresOn - APP_TOKEN_RENEW_BEFORE_MS > Date.now()) return cached.token;
    if (!options.forceRefresh && this.#inflight) return this.#inflight;
    const generation = this.#generation;
    const run = this.#fetch(tenant, generation);
    this.#inflight = run;
    try {
      return await run;
    } finally {
      if (this.#inflight === run) this.#inflight = undefined;
    }
  }

  async #fetch(tenant: string, generation: number): Promise<string> {
    this.#app ??= createMsalApp(this.ctx, tenant);
    try {
      // MSAL's own cache is skipped: this class decides when a token is reused.
      const result = await this.#app.acquireTokenByClientCredential({ scopes: [GRAPH_DEFAULT_SCOPE], skipCache: true });
      if (!result) throw new Error("MSAL returned no token for the client credentials request");
      const expiresOn = result.expiresOn?.getTime() ?? Date.now() + 3_600_000;
      if (generation === this.#generation) this.#cached = { token: result.accessToken, expiresOn };
      return result.accessToken;
    } catch (err) {
      throw await translateAuthError(this.ctx, err, { action: "getting an application token (client credentials)", setting: "appTenantId", tenant });
    }
  }

  /** When the cached token expires, if there is one. */
  get cachedUntil(): Date | undefined {
    return this.#cached ? new Date(this.#cached.expiresOn) : undefined;
  }

  /** The "clear Microsoft functions cache" action: drops cached application tokens. */
  clearCache(): void {
    this.#generation++;
    this.#cached = undefined;
    this.#inflight = undefined;
    this.#app = undefined;
  }
}
