import type { NextFunction, Request, Response } from "express";
import { entraErrors } from "../errors/entra-catalogue.ts";
import type { EntraError } from "../errors/entra-error.ts";
import { applyCommonFault, type FaultPort } from "../faults/apply.ts";
import type { FaultRule } from "../faults/engine.ts";
import type { IdentityDeps } from "./context.ts";
import { sendEntraError } from "./token-endpoint.ts";

const DAY_MS = 86_400_000;

/** The Entra error a fault rule stands for, if it is one of identity's. */
function entraFault(rule: FaultRule, req: Request, now: Date): EntraError | undefined {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const clientId = typeof body.client_id === "string" ? body.client_id : "00000000-0000-0000-0000-000000000000";
  switch (rule.fault) {
    case "tenant_not_found":
      return entraErrors.tenantNotFound(req.path.split("/")[1] ?? "");
    case "consent_required":
      return entraErrors.consentRequired(clientId, "the application");
    case "refresh_token_expired":
      return entraErrors.refreshTokenExpired(new Date(now.getTime() - 91 * DAY_MS), 90);
    case "refresh_token_revoked":
      return entraErrors.grantRevoked(new Date(now.getTime() - DAY_MS), new Date(now.getTime() - 60_000));
    case "invalid_client":
      return entraErrors.invalidClientSecret(clientId);
    case "invalid_scope":
      return entraErrors.invalidScope(typeof body.scope === "string" ? body.scope : "");
    default:
      return undefined;
  }
}

/** Identity's fault stage: applies fault rules to identity requests (after the form body is read). */
export function identityFaults(port: FaultPort, deps: IdentityDeps) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const segment = /^\/([^/]+)\//.exec(req.path)?.[1] ?? null;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const rule = port.engine.match({
      area: "identity",
      method: req.method,
      path: req.path,
      tenant: segment ? (deps.store.resolveTenant(segment) ?? segment) : null,
      clientId: typeof body.client_id === "string" ? body.client_id : typeof req.query.client_id === "string" ? req.query.client_id : null,
      userId: null,
    });
    if (!rule) return next();
    const applied = await applyCommonFault(port, rule, req, res);
    if (applied === "dropped") return;
    const err = applied === "area" ? entraFault(rule, req, deps.clock.now()) : undefined;
    if (!err) return next();
    sendEntraError(deps, res, err);
  };
}
