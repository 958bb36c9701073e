import type { NextFunction, Request, Response } from "express";
import type { Clock } from "../clock.ts";
import type { Principal } from "../http/principal.ts";
import { entraErrors } from "../errors/entra-catalogue.ts";
import type { EntraError } from "../errors/entra-error.ts";
import { graphErrors, sendGraphError, type GraphError } from "../errors/graph-error.ts";
import { sendEntraError } from "../identity/token-endpoint.ts";
import type { IdentityDeps } from "../identity/context.ts";
import type { FaultEngine, FaultRule } from "./engine.ts";
import { recordDropped } from "../journal/middleware.ts";

const DAY_MS = 86_400_000;

/**
 * Applies the faults that work alike in every area. Returns true when the
 * request should go on (after a latency); a dropped connection sets
 * `res.locals.dropped`. False means the rule still needs its area's error.
 */
async function appliedGeneric(rule: FaultRule, req: Request, res: Response): Promise<boolean> {
  res.locals.faultId = rule.id;
  if (rule.fault === "drop_connection") {
    res.locals.dropped = true;
    recordDropped(res);
    req.socket.destroy();
    return false;
  }
  if (rule.fault === "latency") {
    await new Promise((r) => setTimeout(r, rule.latencyMs));
    return true;
  }
  return false;
}

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

function graphFault(rule: FaultRule): GraphError | undefined {
  switch (rule.fault) {
    case "authorization_request_denied":
      return graphErrors.insufficientPrivileges();
    case "identity_not_found":
      return graphErrors.identityNotFound();
    case "throttled":
      return graphErrors.tooManyRequests(rule.retryAfterSeconds);
    case "service_unavailable":
      return graphErrors.serviceUnavailable(rule.retryAfterSeconds);
    case "gateway_timeout":
      return graphErrors.gatewayTimeout();
    default:
      return undefined;
  }
}

/** Applies fault rules to identity requests (after the form body is read). */
export function identityFaults(engine: FaultEngine, deps: IdentityDeps) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const segment = /^\/([^/]+)\//.exec(req.path)?.[1] ?? null;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const rule = engine.match({
      area: "identity",
      method: req.method,
      path: req.path,
      tenant: segment ? (deps.store.resolveTenant(segment) ?? segment) : null,
      clientId: typeof body.client_id === "string" ? body.client_id : typeof req.query.client_id === "string" ? req.query.client_id : null,
      userId: null,
    });
    if (!rule) return next();
    if (await appliedGeneric(rule, req, res)) return next();
    if (res.locals.dropped) return;
    const err = entraFault(rule, req, deps.clock.now());
    if (!err) return next();
    sendEntraError(deps, res, err);
  };
}

export interface GraphFaultOptions {
  /**
   * Requests that throttling neither counts nor refuses (fault rules still
   * match them): a `$batch` envelope, whose requests are throttled one by one.
   */
  uncounted?: (req: Request) => boolean;
}

/**
 * Applies throttling and fault rules to Graph requests (after the token check,
 * so rules can match the calling app and user).
 */
export function graphFaults(engine: FaultEngine, clock: Clock, options: GraphFaultOptions = {}) {
  // The throttling key of each caller, worked out once per principal (one per verified token).
  const keys = new WeakMap<Principal, string>();
  const uncounted = options.uncounted ?? (() => false);
  // Synchronous unless a rule applies (most requests): no promise, no microtask on the way to the answer.
  return (req: Request, res: Response, next: NextFunction): void | Promise<void> => {
    const principal = res.locals.principal as Principal;
    let key = keys.get(principal);
    if (key === undefined) {
      key = `${principal.tenantId}|${principal.appId}`.toLowerCase();
      keys.set(principal, key);
    }
    if (!uncounted(req)) {
      const waiting = engine.throttledFor(key);
      if (waiting > 0) return sendGraphError(res, graphErrors.tooManyRequests(waiting), clock.now());
      const overLimit = engine.countRequest(key);
      if (overLimit > 0) {
        engine.throttle(key, overLimit);
        return sendGraphError(res, graphErrors.tooManyRequests(overLimit), clock.now());
      }
    }
    if (!engine.hasRules) return next();
    const url = req.originalUrl;
    const q = url.indexOf("?");
    const rule = engine.match({
      area: "graph",
      method: req.method,
      path: q < 0 ? url : url.slice(0, q),
      tenant: principal.tenantId,
      clientId: principal.appId,
      userId: principal.kind === "user" ? principal.userId : null,
    });
    if (!rule) return next();
    return applyGraphFault(engine, clock, rule, key, req, res, next);
  };
}

async function applyGraphFault(engine: FaultEngine, clock: Clock, rule: FaultRule, key: string, req: Request, res: Response, next: NextFunction): Promise<void> {
  if (await appliedGeneric(rule, req, res)) return next();
  if (res.locals.dropped) return;
  const err = graphFault(rule);
  if (!err) return next();
  // A throttled app stays throttled until Retry-After has passed, as Graph does.
  if (rule.fault === "throttled") engine.throttle(key, rule.retryAfterSeconds);
  sendGraphError(res, err, clock.now());
}
