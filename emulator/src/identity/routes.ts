import express, { Router, type NextFunction, type Request, type Response } from "express";
import { EntraError } from "../errors/entra-error.ts";
import { entraErrors } from "../errors/entra-catalogue.ts";
import { findAppRegistration } from "./directory.ts";
import { ctxOf } from "../http/request-context.ts";
import type { IdentityDeps } from "./context.ts";
import { authorizeHandler } from "./authorize-flow.ts";
import { instanceDiscovery, jwks, openIdConfiguration } from "./discovery.ts";
import { resolveTenantSegment } from "./directory.ts";
import { endSession } from "./sessions.ts";
import { renderInfoPage } from "./pages.ts";
import type { FaultPort } from "../faults/apply.ts";
import { identityFaults } from "./faults.ts";
import { sendEntraError, tokenHandler } from "./token-endpoint.ts";
import { deviceCodeHandler, VERIFICATION_PATH } from "./device/device-codes.ts";
import { deviceLoginPage, deviceLoginSubmit } from "./device/device-page.ts";

/**
 * The login.microsoftonline.com surface's stages, in the order a request
 * meets them (the app's pipeline lists them): security headers, the form
 * body, faults, then the routes (discovery, keys, authorize, token, device
 * code, logout) and the answer to a body the form parser refused.
 */
export function identityStages(deps: IdentityDeps, faults: FaultPort) {
  const router = Router({ caseSensitive: false });
  const formLimit = 64 * 1024;
  const form = express.urlencoded({ extended: false, limit: formLimit, parameterLimit: 100 });

  const discovery = (v2: boolean) => (req: Request, res: Response) => {
    try {
      const segment = resolveTenantSegment(deps.store, String(req.params.tenant));
      res.json(openIdConfiguration(ctxOf(res).origin, segment, v2));
    } catch (err) {
      if (err instanceof EntraError) return sendEntraError(deps, res, err);
      throw err;
    }
  };
  const keys = (req: Request, res: Response) => {
    try {
      resolveTenantSegment(deps.store, String(req.params.tenant));
      jwks(deps)(req, res);
    } catch (err) {
      if (err instanceof EntraError) return sendEntraError(deps, res, err);
      throw err;
    }
  };

  // Security headers on every identity answer; pages carry inline styles only and may not be framed.
  const headers = (_req: Request, res: Response, next: NextFunction) => {
    res.set({
      "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'",
      "X-Frame-Options": "DENY",
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "no-referrer",
      "Cache-Control": "no-store",
    });
    next();
  };
  // Form bodies are read first so fault rules can match the client id. One declared (Content-Length) over the
  // limit is refused at once, connection closed, instead of being read to the end before the answer.
  const formBody = (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== "POST") return next();
    if (Number(req.headers["content-length"]) > formLimit) {
      res.set("Connection", "close");
      return sendEntraError(deps, res, entraErrors.malformedRequest(413));
    }
    form(req, res, next);
  };
  // The token endpoint first: it takes most of the identity traffic, and the router tries each route's
  // pattern in turn (the token rate with wrk was 6-7% higher with it first than eighth).
  router.all("/:tenant/oauth2/v2.0/token", tokenHandler(deps));
  router.get("/common/discovery/instance", instanceDiscovery);
  router.get("/:tenant/v2.0/.well-known/openid-configuration", discovery(true));
  router.get("/:tenant/.well-known/openid-configuration", discovery(false));
  router.get("/:tenant/discovery/v2.0/keys", keys);
  router.get("/:tenant/discovery/keys", keys);
  router.get("/:tenant/oauth2/v2.0/authorize", authorizeHandler(deps));
  router.post("/:tenant/oauth2/v2.0/authorize", authorizeHandler(deps));
  router.post("/:tenant/oauth2/v2.0/devicecode", deviceCodeHandler(deps));
  router.get(VERIFICATION_PATH, deviceLoginPage);
  router.post(VERIFICATION_PATH, deviceLoginSubmit(deps));
  router.get("/:tenant/oauth2/v2.0/logout", (req, res) => {
    try {
      const segment = resolveTenantSegment(deps.store, String(req.params.tenant));
      endSession(deps, req, res, segment);
    } catch {
      // Signing out of an unknown tenant still clears the cookie.
    }
    const next = typeof req.query.post_logout_redirect_uri === "string" ? req.query.post_logout_redirect_uri : undefined;
    if (next && isRegisteredLogoutTarget(deps, next, req.query.client_id)) return res.redirect(302, next);
    res.type("html").send(renderInfoPage("Signed out", "You have signed out of the emulator. You can close this window."));
  });
  // A body the form parser cannot read (malformed, too large) is an Entra error, not a crash.
  const errors = (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    const status = (err as { status?: number }).status;
    if (typeof status === "number" && status >= 400 && status < 500) return sendEntraError(deps, res, entraErrors.malformedRequest(status));
    next(err);
  };
  return { headers, form: formBody, faults: identityFaults(faults, deps), routes: router, errors };
}

/**
 * Sends the browser on after sign-out only to an origin registered by some
 * application (the named one when client_id is given), never to arbitrary sites.
 */
function isRegisteredLogoutTarget(deps: IdentityDeps, target: string, clientId: unknown): boolean {
  let origin: string;
  try {
    origin = new URL(target).origin;
  } catch {
    return false;
  }
  const uris =
    typeof clientId === "string"
      ? (() => {
          const app = findAppRegistration(deps.store, clientId)?.app;
          return app ? [...app.redirectUris, ...(app.spaRedirectUris ?? [])] : [];
        })()
      : deps.store.readAll((tenants) => tenants.flatMap((t) => t.applications.flatMap((a) => [...a.redirectUris, ...(a.spaRedirectUris ?? [])])));
  return uris.some((u) => {
    try {
      return new URL(u).origin === origin;
    } catch {
      return false;
    }
  });
}
