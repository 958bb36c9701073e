import type { Request, Response } from "express";
import { graphErrors } from "../../errors/graph-error.ts";
import { principalOf, type Principal } from "../../http/principal.ts";

/** The user a request addresses: `/me` (the signed-in user) or `/users/{id | userPrincipalName}`. */
export interface Target {
  principal: Principal;
  tenantId: string;
  /** The id or UPN as addressed. */
  key: string;
  viaMe: boolean;
}

/**
 * Reads the addressed user from the route. `/me` needs a delegated token; a
 * key that starts with `$` is a system segment Graph does not know in that
 * place (such UPNs use the `/users('$x@y.com')` form).
 */
export function targetOf(req: Request, res: Response): Target {
  const principal = principalOf(res);
  const raw = req.params.key;
  if (raw === undefined) {
    if (principal.kind !== "user") throw graphErrors.meNeedsDelegated();
    return { principal, tenantId: principal.tenantId, key: principal.userId, viaMe: true };
  }
  const key = String(raw);
  if (key.startsWith("$") && !res.locals.quotedKey) throw graphErrors.segmentNotFound(key);
  return { principal, tenantId: principal.tenantId, key, viaMe: false };
}

/** The permission-table path for a target: `/me...` or `/users/{id}...`. */
export function tablePath(target: Target, suffix = ""): string {
  return `${target.viaMe ? "/me" : "/users/{id}"}${suffix}`;
}

/** The signed-in user's object id, when the caller is a user. */
export function signedInUserId(principal: Principal): string | undefined {
  return principal.kind === "user" ? principal.userId : undefined;
}
