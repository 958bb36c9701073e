import { notePut, removeWhere } from "../store/changes.ts";
import type { AuthCode } from "../store/types.ts";
import { randomUUID } from "node:crypto";
import type { Request, Response } from "express";
import { entraErrors } from "../errors/entra-catalogue.ts";
import { EntraError, entraErrorBody, entraTimestamp } from "../errors/entra-error.ts";
import { ctxOf } from "../http/request-context.ts";
import type { IdentityDeps } from "./context.ts";
import { consentFor, describePermission, isAdmin, needsAdmin, recordConsent, resourceKey } from "./consent.ts";
import { findUserById, findUserBySignInName, resolveApp, resolveTenantSegment, tenantDisplayName } from "./directory.ts";
import { AuthorizeFailure, parseAuthorizeRequest, type AuthorizeRequest, type RedirectTarget } from "./authorize-request.ts";
import { explain } from "./error-explanations.ts";
import { noteIdentity } from "../journal/middleware.ts";
import { renderConsentPage, renderErrorPage, renderSignInPage } from "./pages.ts";
import { escapeHtml } from "./page-layout.ts";
import { currentSession, startSession, type ActiveSession } from "./sessions.ts";
import { AUTH_CODE_LIFETIME_S, clientInfo, newOpaqueGrant, sha256 } from "./tokens.ts";

/** The carried request travels through the forms as one opaque field. */
const encode = (params: Record<string, string>) => Buffer.from(JSON.stringify(params)).toString("base64url");
function decode(text: string | undefined): Record<string, string> | undefined {
  try {
    const value = JSON.parse(Buffer.from(text ?? "", "base64url").toString("utf8")) as unknown;
    if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
    return Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === "string")) as Record<string, string>;
  } catch {
    return undefined;
  }
}

function stringParams(source: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((source ?? {}) as Record<string, unknown>)) if (typeof v === "string") out[k] = v;
  return out;
}

/** GET and POST /{tenant}/oauth2/v2.0/authorize. */
export function authorizeHandler(deps: IdentityDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const body = stringParams(req.method === "POST" ? req.body : undefined);
    const params = body.request !== undefined ? decode(body.request) : stringParams(req.method === "POST" ? req.body : req.query);
    try {
      noteIdentity(res, { clientId: params?.client_id });
      const segment = resolveTenantSegment(deps.store, String(req.params.tenant));
      if (segment.kind === "tenant") noteIdentity(res, { tenant: segment.tenantId });
      if (!params) throw new AuthorizeFailure(entraErrors.missingParameter("client_id"));
      const ar = parseAuthorizeRequest(deps, segment, params);
      let session = currentSession(deps, req, segment);
      let fresh = false;

      if (body.request !== undefined && body.username !== undefined) {
        const signIn = trySignIn(deps, ar, body);
        if ("error" in signIn) return sendSignIn(deps, req, res, ar, signIn.error);
        session = startSession(deps, res, signIn.tenantId, signIn.userId);
        fresh = true;
      } else if (body.request !== undefined && body.consent !== undefined) {
        if (!session) return sendSignIn(deps, req, res, ar);
        if (body.consent !== "accept") throw new AuthorizeFailure(entraErrors.consentDeclined(), ar.target);
        const user = findUserById(deps.store, session.tenantId, session.userId);
        const resolved = resolveApp(deps.store, session.tenantId, ar.resolved.app.appId);
        const { missing } = consentState(deps, ar, session);
        const toGrant = missing.length > 0 ? missing : ar.scopes.graph.filter((s) => s !== ".default");
        const forOrg = body.consent_for_org === "1" && isAdmin(user?.directoryRoles ?? []);
        recordConsent(deps.store, session.tenantId, resolved, session.userId, toGrant, forOrg, resourceKey(ar.scopes));
        return issueCode(deps, res, ar, session);
      }

      if (!session) {
        if (ar.prompt === "none") throw new AuthorizeFailure(entraErrors.loginRequired(), ar.target);
        return sendSignIn(deps, req, res, ar);
      }
      if (!fresh) {
        const user = findUserById(deps.store, session.tenantId, session.userId);
        const hintMismatch = ar.loginHint && user && user.userPrincipalName.toLowerCase() !== ar.loginHint.toLowerCase();
        if (ar.prompt === "none" && hintMismatch) throw new AuthorizeFailure(entraErrors.loginRequired(), ar.target);
        if (ar.prompt === "login" || ar.prompt === "select_account" || hintMismatch) return sendSignIn(deps, req, res, ar);
      }
      // A user of another tenant on /common must find the app usable in their own tenant.
      resolveAppOrFail(deps, session.tenantId, ar);
      const { missing } = consentState(deps, ar, session);
      if (missing.length > 0 || ar.prompt === "consent") {
        if (ar.prompt === "none") {
          throw new AuthorizeFailure(entraErrors.consentRequiredRedirect(ar.resolved.app.appId, ar.resolved.app.displayName), ar.target);
        }
        return sendConsent(deps, req, res, ar, session, missing.length > 0 ? missing : ar.scopes.graph);
      }
      return issueCode(deps, res, ar, session);
    } catch (err) {
      if (err instanceof AuthorizeFailure) return sendFailure(deps, res, err);
      if (err instanceof EntraError) return sendFailure(deps, res, new AuthorizeFailure(err));
      throw err;
    }
  };
}

function resolveAppOrFail(deps: IdentityDeps, tenantId: string, ar: AuthorizeRequest): void {
  try {
    resolveApp(deps.store, tenantId, ar.resolved.app.appId);
  } catch (err) {
    throw new AuthorizeFailure(err as EntraError);
  }
}

function consentState(deps: IdentityDeps, ar: AuthorizeRequest, session: ActiveSession) {
  return consentFor(deps.store, session.tenantId, ar.resolved.app, session.userId, ar.scopes);
}

function trySignIn(
  deps: IdentityDeps,
  ar: AuthorizeRequest,
  body: Record<string, string>,
): { tenantId: string; userId: string } | { error: string } {
  const username = (body.username ?? "").trim();
  const found = username ? findUserBySignInName(deps.store, ar.segment, username) : undefined;
  const message = (e: EntraError) => `AADSTS${e.aadsts}: ${e.description}`;
  if (!found) {
    const where = ar.segment.kind === "tenant" ? tenantDisplayName(deps.store, ar.segment.tenantId) : ar.segment.segment;
    return { error: message(entraErrors.userNotFound(where)) };
  }
  // The account picker signs in without a password: a convenience of a local test identity provider.
  if (body.pick !== "1" && found.user.password !== body.password) return { error: message(entraErrors.badPassword()) };
  if (!found.user.accountEnabled) return { error: message(entraErrors.userDisabled()) };
  return { tenantId: found.tenantId, userId: found.user.id };
}

function formAction(req: Request): string {
  return req.originalUrl.split("?")[0] as string;
}

function sendSignIn(deps: IdentityDeps, req: Request, res: Response, ar: AuthorizeRequest, errorMessage?: string): void {
  const tenantId = ar.segment.kind === "tenant" ? ar.segment.tenantId : ar.resolved.homeTenantId;
  const users = deps.store.read(tenantId, (t) =>
    t.users
      .filter((u) => u.accountEnabled)
      .slice(0, 50)
      .map((u) => ({ displayName: u.displayName, userPrincipalName: u.userPrincipalName, directoryRoles: [...u.directoryRoles] })),
  );
  const html = renderSignInPage({
    action: formAction(req),
    hidden: { request: encode(ar.params) },
    tenantName: tenantDisplayName(deps.store, tenantId),
    appName: ar.resolved.app.displayName,
    users,
    ...(ar.loginHint ? { loginHint: ar.loginHint } : {}),
    ...(errorMessage ? { errorMessage } : {}),
  });
  res.status(errorMessage ? 400 : 200).type("html").send(html);
}

function sendConsent(deps: IdentityDeps, req: Request, res: Response, ar: AuthorizeRequest, session: ActiveSession, scopes: string[]): void {
  const user = findUserById(deps.store, session.tenantId, session.userId);
  const admin = isAdmin(user?.directoryRoles ?? []);
  if (needsAdmin(scopes, ar.scopes) && !admin) throw new AuthorizeFailure(entraErrors.adminConsentRequired());
  const html = renderConsentPage({
    action: formAction(req),
    hidden: { request: encode(ar.params) },
    appName: ar.resolved.app.displayName,
    appId: ar.resolved.app.appId,
    userName: user?.userPrincipalName ?? "",
    ...(user ? { userDisplayName: user.displayName } : {}),
    tenantName: tenantDisplayName(deps.store, session.tenantId),
    permissions: scopes.map((s) => describePermission(ar.scopes, s)),
    canConsentForOrganization: admin,
  });
  res.status(200).type("html").send(html);
}

function issueCode(deps: IdentityDeps, res: Response, ar: AuthorizeRequest, session: ActiveSession): void {
  const code = newOpaqueGrant(session.tenantId);
  const now = deps.clock.nowMs();
  deps.store.write(session.tenantId, (t) => {
    removeWhere(t, "authCodes", (c) => new Date(c.expiresAt).getTime() <= now);
    const record: AuthCode = {
      hash: sha256(code),
      clientId: ar.resolved.app.appId,
      userId: session.userId,
      redirectUri: ar.target.redirectUri,
      scopes: ar.scopeList,
      nonce: ar.nonce,
      codeChallenge: ar.codeChallenge,
      codeChallengeMethod: ar.codeChallengeMethod,
      issuedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + AUTH_CODE_LIFETIME_S * 1000).toISOString(),
      redeemedAt: null,
      ...(ar.spa ? { spa: true } : {}),
    };
    t.authCodes.push(record);
    notePut(t, "authCodes", record);
  });
  sendRedirect(res, ar.target, {
    code,
    client_info: clientInfo(session.userId, session.tenantId),
    ...(ar.target.state !== undefined ? { state: ar.target.state } : {}),
    session_state: session.sessionId,
  });
}

function sendFailure(deps: IdentityDeps, res: Response, failure: AuthorizeFailure): void {
  const ctx = ctxOf(res);
  const body = entraErrorBody(failure.entra, { now: deps.clock.now(), origin: ctx.origin, correlationId: ctx.clientRequestId });
  if (failure.redirect) {
    sendRedirect(res, failure.redirect, {
      error: body.error,
      error_description: body.error_description,
      ...(failure.entra.aadsts === 65004 ? { error_subcode: "cancel" } : {}),
      error_uri: body.error_uri,
      ...(failure.redirect.state !== undefined ? { state: failure.redirect.state } : {}),
    });
    return;
  }
  const { title, explanation, fix } = explain(failure.entra.aadsts);
  res.status(failure.entra.status).type("html").send(
    renderErrorPage({
      aadsts: failure.entra.aadsts,
      title,
      description: failure.entra.description,
      explanation,
      fix,
      traceId: body.trace_id,
      correlationId: body.correlation_id,
      timestamp: entraTimestamp(deps.clock.now()),
    }),
  );
}

/** Sends the result to the app: a 302 (query or fragment) or an auto-posting form (form_post). */
function sendRedirect(res: Response, target: RedirectTarget, fields: Record<string, string>): void {
  if (target.responseMode === "form_post") {
    const inputs = Object.entries(fields)
      .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
      .join("");
    const nonce = randomUUID();
    res
      .status(200)
      .set("Content-Security-Policy", `default-src 'none'; script-src 'nonce-${nonce}'; frame-ancestors 'none'; base-uri 'none'`)
      .type("html")
      .send(
        `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Working...</title></head><body>` +
          `<form method="POST" name="hiddenform" action="${escapeHtml(target.redirectUri)}">${inputs}` +
          `<noscript><p>Script is disabled. Click Submit to continue.</p><button type="submit">Submit</button></noscript></form>` +
          `<script nonce="${nonce}">document.forms[0].submit()</script></body></html>`,
      );
    return;
  }
  const url = new URL(target.redirectUri);
  const query = new URLSearchParams(fields).toString();
  if (target.responseMode === "fragment") url.hash = query;
  else for (const [k, v] of Object.entries(fields)) url.searchParams.set(k, v);
  res.redirect(302, url.toString());
}
