import type { EntraError } from "../errors/entra-error.ts";
import { entraErrors } from "../errors/entra-catalogue.ts";
import type { IdentityDeps } from "./context.ts";
import { findAppRegistration, resolveApp, type ResolvedApp, type TenantSegment } from "./directory.ts";
import { parseScopes, type RequestedScopes } from "./scopes.ts";
import { apiLookup } from "./api-resource.ts";

export type ResponseMode = "query" | "fragment" | "form_post";

export interface RedirectTarget {
  redirectUri: string;
  state: string | undefined;
  responseMode: ResponseMode;
}

/**
 * A failed authorize request. Entra shows some errors on its own page (it
 * cannot trust the redirect URI yet) and sends the rest back to the app.
 */
export class AuthorizeFailure extends Error {
  readonly entra: EntraError;
  readonly redirect: RedirectTarget | undefined;
  constructor(entra: EntraError, redirect?: RedirectTarget) {
    super(entra.message);
    this.entra = entra;
    this.redirect = redirect;
  }
}

export type Prompt = "login" | "consent" | "none" | "select_account" | undefined;

export interface AuthorizeRequest {
  /** The original parameters, carried through the sign-in and consent forms. */
  params: Record<string, string>;
  segment: TenantSegment;
  resolved: ResolvedApp;
  target: RedirectTarget;
  scopeList: string[];
  scopes: RequestedScopes;
  nonce: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: "S256" | "plain" | null;
  prompt: Prompt;
  loginHint: string | undefined;
  /** The redirect URI is one of the SPA platform's: the code is redeemed cross-origin, without a secret. */
  spa: boolean;
}

const PROMPTS = new Set(["login", "consent", "none", "select_account"]);
const MODES = new Set(["query", "fragment", "form_post"]);

/** Validates an authorize request in Entra's order: page errors first, then redirected ones. */
export function parseAuthorizeRequest(deps: IdentityDeps, segment: TenantSegment, params: Record<string, string>): AuthorizeRequest {
  const clientId = params.client_id;
  if (!clientId) throw new AuthorizeFailure(entraErrors.missingParameter("client_id"));
  let resolved: ResolvedApp | undefined;
  try {
    resolved =
      segment.kind === "tenant" ? resolveApp(deps.store, segment.tenantId, clientId) : findAppRegistration(deps.store, clientId);
  } catch (err) {
    throw new AuthorizeFailure(err as EntraError);
  }
  if (!resolved) throw new AuthorizeFailure(entraErrors.unknownApplication(clientId, segment.segment));
  if (segment.kind !== "tenant" && resolved.app.signInAudience !== "AzureADMultipleOrgs") {
    throw new AuthorizeFailure(entraErrors.singleTenantOnCommon(resolved.app.appId, resolved.app.displayName));
  }
  const spa = resolved.app.spaRedirectUris ?? [];
  const registered = [...resolved.app.redirectUris, ...spa];
  if (registered.length === 0) throw new AuthorizeFailure(entraErrors.noReplyAddress());
  const redirectUri = params.redirect_uri ?? (registered[0] as string);
  if (!registered.includes(redirectUri)) {
    throw new AuthorizeFailure(entraErrors.redirectUriMismatch(redirectUri, resolved.app.appId));
  }

  const mode = params.response_mode ?? "query";
  const target: RedirectTarget = {
    redirectUri,
    state: params.state,
    responseMode: MODES.has(mode) ? (mode as ResponseMode) : "query",
  };
  const fail = (e: EntraError) => new AuthorizeFailure(e, target);
  if (!MODES.has(mode)) throw fail(entraErrors.invalidParameterValue("response_mode", mode));
  if (!params.response_type) throw fail(entraErrors.missingParameter("response_type"));
  if (params.response_type !== "code") throw fail(entraErrors.unsupportedResponseType(params.response_type));
  if (!params.scope) throw fail(entraErrors.missingParameter("scope"));
  let scopes: RequestedScopes;
  try {
    scopes = parseScopes(params.scope, apiLookup(deps.store, segment.kind === "tenant" ? segment.tenantId : undefined));
  } catch (err) {
    throw fail(err as EntraError);
  }
  if (params.prompt && !PROMPTS.has(params.prompt)) throw fail(entraErrors.invalidParameterValue("prompt", params.prompt));
  const method = params.code_challenge ? (params.code_challenge_method ?? "plain") : null;
  if (method !== null && method !== "S256" && method !== "plain") {
    throw fail(entraErrors.invalidParameterValue("code_challenge_method", method));
  }
  if (params.claims !== undefined) {
    try {
      JSON.parse(params.claims);
    } catch {
      throw fail(entraErrors.invalidParameterValue("claims", params.claims));
    }
  }
  return {
    params,
    segment,
    resolved,
    target,
    scopeList: params.scope.split(/\s+/).filter(Boolean),
    // A URI on both platforms counts as a web one, so its codes keep working server-side.
    spa: spa.includes(redirectUri) && !resolved.app.redirectUris.includes(redirectUri),
    scopes,
    nonce: params.nonce ?? null,
    codeChallenge: params.code_challenge ?? null,
    codeChallengeMethod: method,
    prompt: params.prompt as Prompt,
    loginHint: params.login_hint,
  };
}
