import type { NextFunction, Request, Response } from "express";
import type { Store } from "../store/store.ts";
import { graphErrors, type GraphError } from "../errors/graph-error.ts";
import { principalOf, type Principal } from "../http/principal.ts";
import { namesPermissions, type Operation, type OperationPermissions, type PermissionRule } from "./operation.ts";
import { findUser } from "../directory/users.ts";

/** Whether `granted` holds any of `wanted`, ignoring case, as Entra compares permission names. */
export const hasAnyPermission = (granted: readonly string[], wanted: readonly string[]) =>
  wanted.some((w) => granted.some((g) => g === w || (g.length === w.length && g.toLowerCase() === w.toLowerCase())));

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

const REFUSALS: Record<OperationPermissions["refusal"], () => GraphError> = {
  directory: graphErrors.insufficientPrivileges,
  outlook: graphErrors.calendarAccessDenied,
};

/**
 * Enforces a rule for the caller: 403 when the token lacks every allowed
 * permission, or a delegated caller lacks the directory role the operation
 * needs.
 */
function enforce(store: Store, principal: Principal, rule: PermissionRule, denied: () => GraphError): void {
  if (principal.kind === "app") {
    if (!hasAnyPermission(principal.roles, rule.application)) throw denied();
    return;
  }
  if (!hasAnyPermission(principal.scopes, rule.delegated)) throw denied();
  if (rule.delegatedRoles && rule.delegatedRoles.length > 0) {
    const roles = store.read(principal.tenantId, (t) => findUser(t, principal.userId)?.directoryRoles ?? []);
    if (!hasAnyPermission(roles, rule.delegatedRoles)) throw denied();
  }
}

/**
 * Enforces a rule that is not a row's (the permission a subscription's
 * resource needs, known only from the body): 403 in the rule's refusal.
 */
export function enforceRule(store: Store, principal: Principal, rule: OperationPermissions): void {
  enforce(store, principal, rule, REFUSALS[rule.refusal]);
}

/** Whether the caller's token holds the rule (without the directory-role part). */
export function holdsRule(principal: Principal, rule: PermissionRule): boolean {
  return hasAnyPermission(principal.kind === "app" ? principal.roles : principal.scopes, principal.kind === "app" ? rule.application : rule.delegated);
}

/**
 * Whether the operation addresses the signed-in user: `/me`, or a `{user}`
 * naming them by id or userPrincipalName. Only asked of rows with self-only
 * permissions or self-service, so other requests read nothing.
 */
function addressesSelf(store: Store, principal: Principal, req: Request, viaMe: boolean): boolean {
  if (principal.kind !== "user") return false;
  if (viaMe) return true;
  const key = req.params.user;
  if (typeof key !== "string") return false;
  const id = store.read(principal.tenantId, (t) => findUser(t, key)?.id) ?? key;
  return same(id, principal.userId);
}

/**
 * Graph's authorization stage: runs the matched row's permission rule before
 * its handler. `/me` needs a delegated token; self-only permissions count only
 * on the signed-in user's own object, and self-service rows drop the
 * directory-role requirement there. A missing permission is a 403 even for a
 * user that does not exist. A row any valid token may call (`$batch`) has
 * nothing more to check.
 */
export function authorizeOperation(store: Store) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const op = res.locals.operation as Operation;
    const principal = principalOf(res);
    const viaMe = op.path.startsWith("/me");
    if (viaMe && principal.kind !== "user") throw graphErrors.meNeedsDelegated();
    const p = op.permissions;
    if (!namesPermissions(p)) return next();
    const denied = REFUSALS[p.refusal];
    if (!p.selfOnly && !p.selfService) {
      enforce(store, principal, p, denied);
      return next();
    }
    const self = addressesSelf(store, principal, req, viaMe);
    const delegated = self || !p.selfOnly ? p.delegated : p.delegated.filter((d) => !p.selfOnly?.some((s) => same(s, d)));
    const needsRole = p.delegatedRoles && !(self && p.selfService);
    enforce(store, principal, { delegated, application: p.application, ...(needsRole ? { delegatedRoles: p.delegatedRoles } : {}) }, denied);
    next();
  };
}
