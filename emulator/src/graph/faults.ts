import type { NextFunction, Request, Response } from "express";
import type { Clock } from "../clock.ts";
import { graphErrors, sendGraphError, type GraphError } from "../errors/graph-error.ts";
import { applyCommonFault, type FaultPort } from "../faults/apply.ts";
import type { FaultRule } from "../faults/engine.ts";
import type { Principal } from "../http/principal.ts";

/** The Graph error a fault rule stands for, if it is one of Graph's. */
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

export interface GraphFaultOptions {
  /**
   * Requests that throttling neither counts nor refuses (fault rules still
   * match them): a `$batch` envelope, whose requests are throttled one by one.
   */
  uncounted?: (req: Request) => boolean;
}

/**
 * Graph's fault stage: throttling and fault rules (after the token check, so
 * rules can match the calling app and user).
 */
export function graphFaults(port: FaultPort, clock: Clock, options: GraphFaultOptions = {}) {
  const engine = port.engine;
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
    return applyGraphFault(port, clock, rule, key, req, res, next);
  };
}

async function applyGraphFault(port: FaultPort, clock: Clock, rule: FaultRule, key: string, req: Request, res: Response, next: NextFunction): Promise<void> {
  const applied = await applyCommonFault(port, rule, req, res);
  if (applied === "dropped") return;
  const err = applied === "area" ? graphFault(rule) : undefined;
  if (!err) return next();
  // A throttled app stays throttled until Retry-After has passed, as Graph does.
  if (rule.fault === "throttled") port.engine.throttle(key, rule.retryAfterSeconds);
  sendGraphError(res, err, clock.now());
}
