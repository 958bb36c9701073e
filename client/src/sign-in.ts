import { randomBytes } from "node:crypto";
import { CryptoProvider } from "@azure/msal-node";
import { classifyFailure, InvalidArgumentError, MicrosoftFunctionsError, readEntraFailure, SignInError, TenantNotFoundError } from "./errors.ts";
import { checkTenant, createMsalApp, translateAuthError, type ClientContext } from "./msal.ts";
import { OIDC_SCOPES, scopesForMode } from "./settings.ts";
import type { StoredUser, TokenStore } from "./token-store.ts";
import type { UserTokens } from "./user-tokens.ts";

/** How long a sign-in may take between getSignInUrl and handleRedirect. */
export const SIGN_IN_TTL_MS = 15 * 60_000;

export interface SignInUrlOptions {
  /** The application user who signs in; their Microsoft account is bound to this id (the `authUserId` of later calls). */
  authUserId?: string;
  /** @deprecated Same as authUserId (the application user, not a Microsoft user); use authUserId. */
  userId?: string;
  /** A configured mode; its scopes are added to the defaults, or replace them with `overrideDefault`. */
  mode?: string;
  /** Pre-fills the Microsoft account name. */
  loginHint?: string;
  /** e.g. "select_account", "consent", "login". */
  prompt?: "login" | "consent" | "select_account" | "none";
}

export interface SignInUrl {
  url: string;
  /** The OAuth state (also inside the URL); the PKCE verifier never leaves the server. */
  state: string;
  scopes: string[];
}

/** Which application user (the id given to getSignInUrl as authUserId). */
export interface AuthUserOptions {
  authUserId: string;
}

export interface SignedInUser {
  /** The application user id the Microsoft account is bound to. */
  authUserId: string;
  /** @deprecated Same as authUserId. */
  userId: string;
  microsoftUserId: string;
  tenantId: string;
  username: string;
  name: string | undefined;
  mode: string | undefined;
  scopes: string[];
}

/** Delegated sign-in: the authorization code flow with PKCE, bound to an application user id. */
export class SignIn {
  readonly #crypto = new CryptoProvider();

  constructor(
    private readonly ctx: ClientContext,
    private readonly store: TokenStore,
    private readonly tokens: UserTokens,
  ) {}

  /** Builds the Microsoft sign-in URL for a user and mode; state and PKCE verifier are kept in the store. */
  async getSignInUrl(options: SignInUrlOptions): Promise<SignInUrl> {
    const authUserId = options.authUserId ?? options.userId;
    if (!authUserId) throw new InvalidArgumentError("authUserId is required: the application user the Microsoft account will be bound to");
    const { settings } = this.ctx;
    const scopes = scopesForMode(settings, options.mode);
    await checkTenant(this.ctx, "tenantId", settings.tenantId);
    const pkce = await this.#crypto.generatePkceCodes();
    const state = randomBytes(32).toString("base64url");
    const nonce = randomBytes(16).toString("base64url");
    await this.store.prunePending(new Date(this.ctx.now().getTime() - SIGN_IN_TTL_MS));
    await this.store.putPending({
      state,
      userId: authUserId,
      mode: options.mode,
      scopes,
      codeVerifier: pkce.verifier,
      nonce,
      createdAt: this.ctx.now().toISOString(),
    });
    try {
      const url = await createMsalApp(this.ctx, settings.tenantId).getAuthCodeUrl({
        scopes,
        redirectUri: settings.redirectUri,
        codeChallenge: pkce.challenge,
        codeChallengeMethod: "S256",
        state,
        nonce,
        loginHint: options.loginHint,
        prompt: options.prompt,
      });
      return { url, state, scopes };
    } catch (err) {
      await this.store.takePending(state);
      throw await translateAuthError(this.ctx, err, { action: "building the sign-in URL", setting: "tenantId", tenant: settings.tenantId });
    }
  }

  /**
   * Completes a sign-in from the redirect (the full callback URL, its query
   * string, or its parameters): checks the state, redeems the code with the
   * PKCE verifier, and binds the Microsoft account to the application user,
   * replacing any tokens that user had before.
   */
  async handleRedirect(redirect: string | URL | URLSearchParams | Record<string, string>): Promise<SignedInUser> {
    const params = toParams(redirect);
    const state = params.get("state");
    if (!state) throw new SignInError("the redirect has no 'state' parameter; pass the full callback URL or its query string");
    const pending = await this.store.takePending(state);
    if (!pending) throw new SignInError("unknown or already used sign-in state; start again with getSignInUrl", { reason: "invalid_state" });
    if (this.ctx.now().getTime() - new Date(pending.createdAt).getTime() > SIGN_IN_TTL_MS) {
      throw new SignInError("the sign-in took longer than 15 minutes; start again with getSignInUrl", { reason: "expired_state", userId: pending.userId });
    }
    const error = params.get("error");
    if (error) throw this.#redirectError(error, params.get("error_description") ?? "", pending.userId);
    const code = params.get("code");
    if (!code) throw new SignInError("the redirect has neither 'code' nor 'error'", { userId: pending.userId });

    const { settings } = this.ctx;
    const app = createMsalApp(this.ctx, settings.tenantId);
    let result;
    try {
      result = await app.acquireTokenByCode(
        { code, scopes: pending.scopes, redirectUri: settings.redirectUri, codeVerifier: pending.codeVerifier, nonce: pending.nonce, state },
        { code, state, client_info: params.get("client_info") ?? undefined },
      );
    } catch (err) {
      const translated = await translateAuthError(this.ctx, err, {
        action: "redeeming the sign-in code",
        setting: "tenantId",
        tenant: settings.tenantId,
        userId: pending.userId,
        scopes: pending.scopes,
      });
      if (translated instanceof TenantNotFoundError) throw translated;
      throw new SignInError(`Microsoft refused the sign-in code: ${translated.message}`, {
        aadsts: translated.aadsts,
        reason: translated.reason,
        userId: pending.userId,
        cause: err,
      });
    }
    const account = result.account;
    if (!account) throw new SignInError("Microsoft returned no account for the sign-in", { userId: pending.userId });
    const now = this.ctx.now().toISOString();
    const user: StoredUser = {
      userId: pending.userId,
      account: {
        homeAccountId: account.homeAccountId,
        microsoftUserId: account.localAccountId,
        tenantId: account.tenantId,
        username: account.username,
        name: account.name,
      },
      mode: pending.mode,
      scopes: result.scopes.filter((s) => !OIDC_SCOPES.includes(s.toLowerCase())),
      signedInAt: now,
      refreshedAt: now,
      cache: app.getTokenCache().serialize(),
    };
    // Each sign-in resets the user's tokens: the new cache replaces the old one.
    await this.store.putUser(user);
    this.tokens.forget(pending.userId);
    return {
      authUserId: user.userId,
      userId: user.userId,
      microsoftUserId: user.account.microsoftUserId,
      tenantId: user.account.tenantId,
      username: user.account.username,
      name: user.account.name,
      mode: user.mode,
      scopes: user.scopes,
    };
  }

  /**
   * Forgets an application user's Microsoft binding and tokens (locally: the
   * refresh token is not revoked at Microsoft). True when there was a binding.
   */
  signOut(options: AuthUserOptions): Promise<boolean>;
  /** @deprecated Positional form; use signOut({ authUserId }). */
  signOut(authUserId: string): Promise<boolean>;
  async signOut(who: string | AuthUserOptions): Promise<boolean> {
    const authUserId = authUserIdOf(who, "signOut");
    this.tokens.forget(authUserId);
    return this.store.deleteUser(authUserId);
  }

  /** The Microsoft account bound to an application user, without tokens; undefined when none. */
  getBinding(options: AuthUserOptions): Promise<Binding | undefined>;
  /** @deprecated Positional form; use getBinding({ authUserId }). */
  getBinding(authUserId: string): Promise<Binding | undefined>;
  async getBinding(who: string | AuthUserOptions): Promise<Binding | undefined> {
    const u = await this.store.getUser(authUserIdOf(who, "getBinding"));
    if (!u) return undefined;
    return {
      authUserId: u.userId,
      userId: u.userId,
      microsoftUserId: u.account.microsoftUserId,
      tenantId: u.account.tenantId,
      username: u.account.username,
      name: u.account.name,
      mode: u.mode,
      scopes: u.scopes,
      signedInAt: u.signedInAt,
      refreshedAt: u.refreshedAt,
    };
  }

  #redirectError(error: string, description: string, userId: string): MicrosoftFunctionsError {
    const f = readEntraFailure({ errorCode: error, message: description });
    if (classifyFailure(f) === "tenant") return new TenantNotFoundError("tenantId", this.ctx.settings.tenantId, { aadsts: f.aadsts, reason: error });
    const declined = f.aadsts === 65004 || error === "access_denied";
    const what = declined ? "the user declined to consent to the requested permissions" : `Microsoft returned '${error}'`;
    return new SignInError(`${what}: ${f.description || error}`, { aadsts: f.aadsts, reason: error, userId });
  }
}

/** A binding as getBinding returns it: the signed-in user plus when they signed in and when their tokens were last refreshed. */
export type Binding = SignedInUser & { signedInAt: string; refreshedAt: string };

function authUserIdOf(who: string | AuthUserOptions, fn: string): string {
  const id = typeof who === "string" ? who : who?.authUserId;
  if (!id) throw new InvalidArgumentError(`${fn} needs authUserId: the application user id given at sign-in`);
  return id;
}

function toParams(redirect: string | URL | URLSearchParams | Record<string, string>): URLSearchParams {
  if (redirect instanceof URLSearchParams) return redirect;
  if (redirect instanceof URL) return redirect.searchParams;
  if (typeof redirect === "string") {
    if (/^[a-z][a-z0-9+.-]*:/i.test(redirect)) return new URL(redirect).searchParams;
    return new URLSearchParams(redirect.startsWith("?") ? redirect.slice(1) : redirect);
  }
  return new URLSearchParams(redirect);
}
