import express, { Router, type Request, type Response } from "express";
import { EntraError } from "../errors/entra-error.ts";
import { ctxOf } from "../http/request-context.ts";
import type { IdentityDeps } from "./context.ts";
import { authorizeHandler } from "./authorize-flow.ts";
import { instanceDiscovery, jwks, openIdConfiguration } from "./discovery.ts";
import { resolveTenantSegment } from "./directory.ts";
import { endSession } from "./sessions.ts";
import { renderInfoPage } from "./pages.ts";
import { sendEntraError, tokenHandler } from "./token-endpoint.ts";

/** The login.microsoftonline.com surface: discovery, keys, authorize, token, logout. */
export function identityRouter(deps: IdentityDeps): Router {
  const router = Router({ caseSensitive: false });
  const form = express.urlencoded({ extended: false, limit: "64kb", parameterLimit: 100 });

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

  router.get("/common/discovery/instance", instanceDiscovery);
  router.get("/:tenant/v2.0/.well-known/openid-configuration", discovery(true));
  router.get("/:tenant/.well-known/openid-configuration", discovery(false));
  router.get("/:tenant/discovery/v2.0/keys", keys);
  router.get("/:tenant/discovery/keys", keys);
  router.get("/:tenant/oauth2/v2.0/authorize", authorizeHandler(deps));
  router.post("/:tenant/oauth2/v2.0/authorize", form, authorizeHandler(deps));
  router.all("/:tenant/oauth2/v2.0/token", form, tokenHandler(deps));
  router.get("/:tenant/oauth2/v2.0/logout", (req, res) => {
    try {
      const segment = resolveTenantSegment(deps.store, String(req.params.tenant));
      endSession(deps, req, res, segment);
    } catch {
      // Signing out of an unknown tenant still clears the cookie.
    }
    const next = typeof req.query.post_logout_redirect_uri === "string" ? req.query.post_logout_redirect_uri : undefined;
    if (next && /^https?:\/\//i.test(next)) return res.redirect(302, next);
    res.type("html").send(renderInfoPage("Signed out", "You have signed out of the emulator. You can close this window."));
  });
  return router;
}
