import { ConfidentialClientApplication, LogLevel, type ICachePlugin, type INetworkModule } from "@azure/msal-node";
import {
  AuthenticationFailedError,
  classifyFailure,
  MicrosoftFunctionsError,
  readEntraFailure,
  RefreshTokenInvalidError,
  ScopeInvalidError,
  TENANT_NOT_FOUND_AADSTS,
  TenantNotFoundError,
} from "./errors.ts";
import type { Transport } from "./http.ts";
import { authorityFor, isSpecialTenant, type Settings } from "./settings.ts";

/** The shared pieces every part of the client works with. */
export interface ClientContext {
  settings: Settings;
  transport: Transport;
  /** Optional MSAL log sink; MSAL never logs tokens or personal data here (PII logging is off). */
  log?: (level: "error" | "warning" | "info", message: string) => void;
  /** The client's notion of "now" (sign-in and refresh times, the renewal sweep); default the system clock. */
  now: () => Date;
}

/**
 * An MSAL ConfidentialClientApplication for a tenant. The authority host is
 * named in `knownAuthorities`, so MSAL trusts the configured host without asking
 * Microsoft's instance discovery; for login.microsoftonline.com this changes nothing.
 */
export function createMsalApp(ctx: ClientContext, tenant: string, cachePlugin?: ICachePlugin, authorityMetadata?: string): ConfidentialClientApplication {
  const { settings } = ctx;
  const log = ctx.log;
  return new ConfidentialClientApplication({
    auth: {
      clientId: settings.clientId,
      clientSecret: settings.clientSecret,
      authority: authorityFor(settings, tenant),
      knownAuthorities: [new URL(settings.authorityHost).host],
      ...(authorityMetadata ? { authorityMetadata } : {}),
    },
    cache: cachePlugin ? { cachePlugin } : undefined,
    system: {
      ...(ctx.transport.msalNetworkClient ? { networkClient: ctx.transport.msalNetworkClient as INetworkModule } : {}),
      loggerOptions: {
        piiLoggingEnabled: false,
        logLevel: LogLevel.Warning,
        loggerCallback: (level, message, containsPii) => {
          if (!log || containsPii) return;
          log(level === LogLevel.Error ? "error" : level === LogLevel.Warning ? "warning" : "info", message);
        },
      },
    },
  });
}

const METADATA_TTL_MS = 24 * 3_600_000;
const metadata = new WeakMap<ClientContext, Map<string, { at: number; text: Promise<string | undefined> }>>();

/**
 * The tenant's OpenID configuration, fetched once a day per client and given
 * to every per-user MSAL app, so a renewal sweep over thousands of users does
 * not discover it once per user. Undefined when it cannot be fetched: MSAL
 * then discovers (and reports failures) as it always does.
 */
export function authorityMetadata(ctx: ClientContext, tenant: string): Promise<string | undefined> {
  const known = metadata.get(ctx) ?? new Map<string, { at: number; text: Promise<string | undefined> }>();
  metadata.set(ctx, known);
  const key = tenant.toLowerCase();
  const hit = known.get(key);
  if (hit && Date.now() - hit.at < METADATA_TTL_MS) return hit.text;
  const url = `${authorityFor(ctx.settings, tenant)}/v2.0/.well-known/openid-configuration`;
  const text = ctx.transport.authorityNetwork.sendGetRequestAsync<{ token_endpoint?: string }>(url).then(
    (res) => (res.status === 200 && typeof res.body?.token_endpoint === "string" ? JSON.stringify(res.body) : undefined),
    () => undefined,
  );
  known.set(key, { at: Date.now(), text });
  void text.then((t) => {
    if (t === undefined && known.get(key)?.text === text) known.delete(key);
  });
  return text;
}

const verified = new WeakMap<ClientContext, Set<string>>();

/**
 * Asks the authority whether a tenant exists, through its OpenID discovery
 * document (Entra answers 400 AADSTS90002 for unknown tenants). Throws
 * TenantNotFoundError; any other outcome (including network failures) is left
 * for the token request to report. Known-good tenants are remembered.
 */
export async function checkTenant(ctx: ClientContext, setting: "tenantId" | "appTenantId", tenant: string): Promise<void> {
  if (isSpecialTenant(tenant)) return;
  const seen = verified.get(ctx) ?? new Set<string>();
  verified.set(ctx, seen);
  const key = tenant.toLowerCase();
  if (seen.has(key)) return;
  const url = `${authorityFor(ctx.settings, tenant)}/v2.0/.well-known/openid-configuration`;
  let res: { status: number; body: { error?: string; error_codes?: number[]; error_description?: string } };
  try {
    res = await ctx.transport.authorityNetwork.sendGetRequestAsync(url);
  } catch {
    return;
  }
  if (res.status === 200) {
    seen.add(key);
    return;
  }
  const codes = res.body?.error_codes ?? [];
  const aadsts = codes.find((c) => TENANT_NOT_FOUND_AADSTS.includes(c));
  if (aadsts !== undefined || res.body?.error === "invalid_tenant") {
    throw new TenantNotFoundError(setting, tenant, { aadsts: aadsts ?? codes[0], reason: res.body?.error });
  }
}

/** MSAL codes that mean "the authority's endpoints could not be resolved", often an unknown tenant. */
const RESOLUTION_CODES = ["endpoints_resolution_error", "openid_config_error", "untrusted_authority"];

export interface FailureContext {
  /** What was being done, for messages: "refreshing the user's token", "getting an application token". */
  action: string;
  setting: "tenantId" | "appTenantId";
  tenant: string;
  userId?: string;
  scopes?: string[];
  /** Scopes the user consented to at sign-in, to name the new ones in ScopeInvalid. */
  grantedScopes?: string[];
}

/**
 * Turns an MSAL/Entra failure into the documented typed errors: TenantNotFound,
 * ScopeInvalid, RefreshTokenInvalid (delegated only), else AuthenticationFailed.
 */
export async function translateAuthError(ctx: ClientContext, err: unknown, fc: FailureContext): Promise<MicrosoftFunctionsError> {
  if (err instanceof MicrosoftFunctionsError) return err;
  const f = readEntraFailure(err);
  const details = { aadsts: f.aadsts, reason: f.subError || f.errorCode || undefined, cause: err };
  if (RESOLUTION_CODES.includes(f.errorCode)) {
    try {
      await checkTenant(ctx, fc.setting, fc.tenant);
    } catch (tenantErr) {
      if (tenantErr instanceof TenantNotFoundError) return tenantErr;
    }
  }
  const kind = classifyFailure(f);
  if (kind === "tenant") return new TenantNotFoundError(fc.setting, fc.tenant, details);
  if (fc.userId !== undefined && kind === "consent") {
    const granted = new Set((fc.grantedScopes ?? []).map((s) => s.toLowerCase()));
    const requested = fc.scopes ?? [];
    const missing = requested.filter((s) => !granted.has(s.toLowerCase()));
    const why =
      missing.length > 0 && granted.size > 0
        ? `scopes added since sign-in: ${missing.join(", ")}`
        : `consent was not given or has been revoked (${f.description})`;
    return new ScopeInvalidError(fc.userId, missing.length > 0 && granted.size > 0 ? missing : requested, why, details);
  }
  if (fc.userId !== undefined && kind === "refresh") {
    return new RefreshTokenInvalidError(fc.userId, refreshReason(f.aadsts, f.errorCode, f.description), details);
  }
  return new AuthenticationFailedError(fc.action, f.description || String(err), details);
}

function refreshReason(aadsts: number | undefined, code: string, description: string): string {
  switch (aadsts) {
    case 700082:
      return "the refresh token expired after 90 days without use (run renewRefreshTokens() regularly to prevent this)";
    case 50173:
    case 50133:
      return "the user's sessions were revoked (password reset or revokeSignInSessions)";
    case 70008:
      return "the refresh token has expired";
    case 9002313:
      return "the refresh token is malformed or was not issued to this application";
    case 50057:
      return "the user account is disabled";
  }
  if (code === "no_tokens_found") return "no refresh token is stored for the user";
  if (code === "refresh_token_expired") return "the refresh token has expired";
  return description || code;
}
