import type { Request, Response } from "express";
import { entraErrors } from "../../errors/entra-catalogue.ts";
import type { EntraError } from "../../errors/entra-error.ts";
import type { IdentityDeps } from "../context.ts";
import { consentFor, describePermission, isAdmin, needsAdmin, recordConsent, resourceKey } from "../consent.ts";
import { apiLookup } from "../api-resource.ts";
import { findUserById, findUserBySignInName, resolveApp, resolveTenantSegment, tenantDisplayName } from "../directory.ts";
import { renderConsentPage, renderDeviceCodePage, renderInfoPage, renderSignInPage } from "../pages.ts";
import { parseScopes } from "../scopes.ts";
import { currentSession, startSession } from "../sessions.ts";
import { findPendingByUserCode, settleDeviceCode, VERIFICATION_PATH } from "./device-codes.ts";

const WRONG_CODE = "That code didn't work. Check the code and try again.";

/** GET /devicelogin: the verification page of the device code flow. */
export function deviceLoginPage(_req: Request, res: Response): void {
  res.status(200).type("html").send(renderDeviceCodePage({ action: VERIFICATION_PATH }));
}

/**
 * POST /devicelogin: the code, then the same sign-in and consent forms as the
 * authorize endpoint. The code travels in a hidden field; who signed in is the
 * session cookie set by the sign-in step, so only that browser can approve.
 */
export function deviceLoginSubmit(deps: IdentityDeps) {
  return (req: Request, res: Response): void => {
    const body = Object.fromEntries(Object.entries((req.body ?? {}) as Record<string, unknown>).filter(([, v]) => typeof v === "string")) as Record<string, string>;
    const typed = body.device ?? body.otc ?? "";
    const found = findPendingByUserCode(deps.store, deps.clock.nowMs(), typed);
    if (!found) return void res.status(400).type("html").send(renderDeviceCodePage({ action: VERIFICATION_PATH, errorMessage: WRONG_CODE }));
    const { tenantId, record } = found;
    const segment = resolveTenantSegment(deps.store, record.authority);
    const hidden = { device: record.userCode };
    const appName = deps.store.readAll((ts) => ts.flatMap((t) => t.applications).find((a) => a.appId === record.clientId)?.displayName ?? record.clientId);

    const signIn = (errorMessage?: string) => {
      const pageTenant = segment.kind === "tenant" ? segment.tenantId : tenantId;
      const users = deps.store.read(pageTenant, (t) =>
        t.users.filter((u) => u.accountEnabled).slice(0, 50).map((u) => ({ displayName: u.displayName, userPrincipalName: u.userPrincipalName, directoryRoles: [...u.directoryRoles] })),
      );
      res.status(errorMessage ? 400 : 200).type("html").send(
        renderSignInPage({ action: VERIFICATION_PATH, hidden, tenantName: tenantDisplayName(deps.store, pageTenant), appName, users, ...(errorMessage ? { errorMessage } : {}) }),
      );
    };
    const done = (title: string, message: string) => void res.status(200).type("html").send(renderInfoPage(title, message));
    const failed = (err: EntraError) => void res.status(err.status).type("html").send(renderInfoPage("Sign-in failed", `AADSTS${err.aadsts}: ${err.description}`));

    if (body.username !== undefined) {
      const user = findUserBySignInName(deps.store, segment, body.username.trim());
      if (!user) {
        const where = segment.kind === "tenant" ? tenantDisplayName(deps.store, segment.tenantId) : segment.segment;
        return signIn(`AADSTS50034: ${entraErrors.userNotFound(where).description}`);
      }
      if (body.pick !== "1" && user.user.password !== body.password) return signIn(`AADSTS50126: ${entraErrors.badPassword().description}`);
      if (!user.user.accountEnabled) return signIn(`AADSTS50057: ${entraErrors.userDisabled().description}`);
      startSession(deps, res, user.tenantId, user.user.id);
      return askConsentOrApprove(user.tenantId, user.user.id);
    }
    const session = currentSession(deps, req, segment);
    if (body.consent !== undefined && session) {
      if (body.consent !== "accept") {
        settleDeviceCode(deps.store, tenantId, record.userCode, "declined");
        return done("Sign-in declined", "You declined to sign in to the application on your device. You can close this window.");
      }
      let resolved;
      try {
        resolved = resolveApp(deps.store, session.tenantId, record.clientId);
      } catch (err) {
        return failed(err as EntraError);
      }
      const missing = missingScopes(session.tenantId, session.userId);
      const user = findUserById(deps.store, session.tenantId, session.userId);
      const forOrg = body.consent_for_org === "1" && isAdmin(user?.directoryRoles ?? []);
      recordConsent(deps.store, session.tenantId, resolved, session.userId, missing, forOrg, resourceKey(requestedIn(session.tenantId)));
      return askConsentOrApprove(session.tenantId, session.userId);
    }
    return signIn();

    function requestedIn(userTenantId: string) {
      return parseScopes(record.scopes.join(" "), apiLookup(deps.store, userTenantId));
    }

    function missingScopes(userTenantId: string, userId: string): string[] {
      const app = resolveApp(deps.store, userTenantId, record.clientId);
      return consentFor(deps.store, userTenantId, app.app, userId, requestedIn(userTenantId)).missing;
    }

    function askConsentOrApprove(userTenantId: string, userId: string): void {
      let missing: string[];
      try {
        missing = missingScopes(userTenantId, userId);
      } catch (err) {
        return failed(err as EntraError);
      }
      if (missing.length === 0) {
        settleDeviceCode(deps.store, tenantId, record.userCode, { approvedBy: { userId, tenantId: userTenantId } });
        return done("You're signed in", `You have signed in to ${appName} on your device. You can close this window.`);
      }
      const user = findUserById(deps.store, userTenantId, userId);
      const admin = isAdmin(user?.directoryRoles ?? []);
      const requested = requestedIn(userTenantId);
      if (needsAdmin(missing, requested) && !admin) return failed(entraErrors.adminConsentRequired());
      res.status(200).type("html").send(
        renderConsentPage({
          action: VERIFICATION_PATH,
          hidden,
          appName,
          appId: record.clientId,
          userName: user?.userPrincipalName ?? "",
          ...(user ? { userDisplayName: user.displayName } : {}),
          tenantName: tenantDisplayName(deps.store, userTenantId),
          permissions: missing.map((s) => describePermission(requested, s)),
          canConsentForOrganization: admin,
        }),
      );
    }
  };
}
