/**
 * The documented error model of the Microsoft functions:
 *
 * | code | delivery | meaning |
 * |---|---|---|
 * | Authorization_RequestDenied | in the result (`ok: false`) | insufficient privileges: scope/role not granted, or the user lacks a directory role |
 * | Authorization_IdentityNotFound | in the result | the calling application's identity could not be established in the tenant |
 * | RefreshTokenInvalid | thrown | no valid access token can be obtained for the user; they must sign in again |
 * | ScopeInvalid | thrown | the user has not consented to a scope the call needs; they must sign in again |
 * | TenantNotFound | thrown | `tenantId` or `appTenantId` names no tenant |
 *
 * Every Graph error comes back in the result the same way; the thrown errors
 * are subclasses of `MicrosoftFunctionsError` with a stable `code`.
 */

/** A Graph error as the functions return it, instead of data. */
export interface GraphErrorInfo {
  /** Graph's error code, e.g. `Authorization_RequestDenied`, `Request_ResourceNotFound`, `ErrorItemNotFound`. */
  code: string;
  message: string;
  /** HTTP status of Graph's answer. */
  status: number;
  /** Graph's request id (innerError `request-id` or the `request-id` header), for Microsoft support. */
  requestId: string | null;
  /** Graph's innerError date, when given. */
  date: string | null;
}

/** What every Users and Calendar function resolves with. */
export type GraphResult<T> = { ok: true; data: T } | { ok: false; error: GraphErrorInfo };

export type MicrosoftErrorCode =
  | "RefreshTokenInvalid"
  | "ScopeInvalid"
  | "TenantNotFound"
  | "AuthenticationFailed"
  | "SignInFailed"
  | "InvalidArgument";

export interface ErrorDetails {
  /** The AADSTS number from Entra ID, when the cause was an Entra answer (e.g. 700082). */
  aadsts?: number;
  /** Entra's `error` value or MSAL's error code (e.g. `invalid_grant`, `no_tokens_found`). */
  reason?: string;
  /** The application user id the error concerns, when it concerns one. */
  userId?: string;
  /** The tenant value from the settings that was used. */
  tenant?: string;
  /** Scopes the call asked for, when relevant. */
  scopes?: string[];
  cause?: unknown;
}

/** Base class of every error the client throws on purpose. */
export class MicrosoftFunctionsError extends Error {
  readonly code: MicrosoftErrorCode;
  readonly aadsts: number | undefined;
  readonly reason: string | undefined;
  readonly userId: string | undefined;
  readonly tenant: string | undefined;
  readonly scopes: string[] | undefined;

  constructor(code: MicrosoftErrorCode, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = code;
    this.aadsts = details.aadsts;
    this.reason = details.reason;
    this.userId = details.userId;
    this.tenant = details.tenant;
    this.scopes = details.scopes;
  }
}

const aad = (n: number | undefined) => (n === undefined ? "" : ` (AADSTS${n})`);

/** No valid access token can be obtained for the user: refresh token expired, revoked, malformed or missing. */
export class RefreshTokenInvalidError extends MicrosoftFunctionsError {
  constructor(userId: string, why: string, details: ErrorDetails = {}) {
    super(
      "RefreshTokenInvalid",
      `RefreshTokenInvalid: no valid access token to Microsoft resources can be obtained for user '${userId}': ${why}${aad(details.aadsts)}. ` +
        `The user needs to go through the Microsoft sign-in flow again (getSignInUrl / handleRedirect).`,
      { ...details, userId },
    );
  }
}

/** The user has not consented to a scope the call needs (scopes added after sign-in, consent revoked). */
export class ScopeInvalidError extends MicrosoftFunctionsError {
  constructor(userId: string, scopes: string[], why: string, details: ErrorDetails = {}) {
    super(
      "ScopeInvalid",
      `ScopeInvalid: user '${userId}' has not consented to the scopes this call needs (${scopes.join(", ")}): ${why}${aad(details.aadsts)}. ` +
        `The user needs to go through the Microsoft sign-in flow again so they can consent.`,
      { ...details, userId, scopes },
    );
  }
}

/** The tenant in `tenantId` or `appTenantId` does not exist. */
export class TenantNotFoundError extends MicrosoftFunctionsError {
  constructor(
    readonly setting: "tenantId" | "appTenantId",
    tenant: string,
    details: ErrorDetails = {},
  ) {
    const hint =
      setting === "appTenantId"
        ? "appTenantId must be the GUID of the directory where the application permissions are granted (Azure portal > Microsoft Entra ID > Overview > Tenant ID)"
        : "tenantId must be 'common', 'organizations', 'consumers', a verified domain of the directory, or its GUID";
    super("TenantNotFound", `TenantNotFound: the tenant '${tenant}' in settings.${setting} does not exist${aad(details.aadsts)}. Check the setting: ${hint}.`, {
      ...details,
      tenant,
    });
  }
}

/** Entra refused the app itself (bad client secret, app not in the tenant, ...): a configuration problem. */
export class AuthenticationFailedError extends MicrosoftFunctionsError {
  constructor(what: string, entraMessage: string, details: ErrorDetails = {}) {
    super("AuthenticationFailed", `AuthenticationFailed: ${what} failed${aad(details.aadsts)}: ${entraMessage}`, details);
  }
}

/** The sign-in redirect could not be completed (unknown state, user declined, code rejected). */
export class SignInError extends MicrosoftFunctionsError {
  constructor(message: string, details: ErrorDetails = {}) {
    super("SignInFailed", `SignInFailed: ${message}`, details);
  }
}

/** A function was called with arguments it cannot use. */
export class InvalidArgumentError extends MicrosoftFunctionsError {
  constructor(message: string) {
    super("InvalidArgument", `InvalidArgument: ${message}`);
  }
}

/** What an MSAL (or Entra) error says, in plain fields. */
export interface EntraFailure {
  /** MSAL errorCode: Entra's `error` for server errors, MSAL's own code otherwise. */
  errorCode: string;
  subError: string;
  aadsts: number | undefined;
  /** Entra's description without the trace lines, or MSAL's message. */
  description: string;
}

/** Reads the fields of an MSAL AuthError (or anything shaped like it). */
export function readEntraFailure(err: unknown): EntraFailure {
  const e = (err ?? {}) as { errorCode?: unknown; subError?: unknown; errorNo?: unknown; errorMessage?: unknown; message?: unknown };
  const message = String(e.errorMessage ?? e.message ?? err);
  const fromNo = e.errorNo === undefined || e.errorNo === null || e.errorNo === "" ? NaN : Number(e.errorNo);
  const fromText = /AADSTS(\d+)/.exec(message);
  const aadsts = Number.isFinite(fromNo) ? fromNo : fromText ? Number(fromText[1]) : undefined;
  const description = (/AADSTS\d+:\s*([^\r\n]*?)(?:\s*Trace ID:|\r|\n|$)/.exec(message)?.[1] ?? message).trim();
  return { errorCode: String(e.errorCode ?? ""), subError: String(e.subError ?? ""), aadsts, description };
}

/** AADSTS numbers and MSAL codes that mean "this tenant does not exist". */
export const TENANT_NOT_FOUND_AADSTS = [90002, 900023, 90072];
/** ... "the user must consent (again)". */
export const CONSENT_AADSTS = [65001, 65004, 70011, 28002, 28003];
const CONSENT_CODES = ["consent_required", "invalid_scope"];
/** ... "the refresh token cannot be used any more". */
const DEAD_TOKEN_CODES = [
  "invalid_grant",
  "bad_token",
  "interaction_required",
  "login_required",
  "no_tokens_found",
  "refresh_token_expired",
  "no_account_in_silent_request",
  "native_account_unavailable",
];

export type FailureKind = "tenant" | "consent" | "refresh" | "other";

/** Sorts an Entra/MSAL failure into the documented categories. */
export function classifyFailure(f: EntraFailure): FailureKind {
  if (f.errorCode === "invalid_tenant" || (f.aadsts !== undefined && TENANT_NOT_FOUND_AADSTS.includes(f.aadsts))) return "tenant";
  if (f.subError === "consent_required" || CONSENT_CODES.includes(f.errorCode) || (f.aadsts !== undefined && CONSENT_AADSTS.includes(f.aadsts)))
    return "consent";
  if (DEAD_TOKEN_CODES.includes(f.errorCode) || DEAD_TOKEN_CODES.includes(f.subError)) return "refresh";
  return "other";
}
