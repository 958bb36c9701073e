import type { Request, Response } from "express";
import type { DeepReadonly, Store } from "../../store/store.ts";
import type { User } from "../../store/types.ts";
import { graphErrors } from "../../errors/graph-error.ts";
import { principalOf, type Principal } from "../../http/principal.ts";
import { findUser } from "../../directory/users.ts";
import { readOptions } from "./query.ts";

/** The user a request addresses: `/me` (the signed-in user) or `/users/{user}` (id or userPrincipalName). */
export interface Target {
  principal: Principal;
  tenantId: string;
  /** The id or UPN as addressed. */
  key: string;
  viaMe: boolean;
}

/**
 * Reads the addressed user from the route. The operation table has already
 * refused `/me` without a delegated token and `$`-segments in `{user}`.
 */
export function targetOf(req: Request, res: Response): Target {
  const principal = principalOf(res);
  const raw = req.params.user;
  if (raw === undefined) {
    if (principal.kind !== "user") throw graphErrors.meNeedsDelegated();
    return { principal, tenantId: principal.tenantId, key: principal.userId, viaMe: true };
  }
  return { principal, tenantId: principal.tenantId, key: String(raw), viaMe: false };
}

/**
 * The preamble of the operations on one existing user: the target, the query
 * options it allows (others are a 400), and the stored user (404 when there
 * is none).
 */
export function addressedUser(store: Store, req: Request, res: Response, options: readonly string[] = []) {
  const target = targetOf(req, res);
  const query = readOptions(req, options);
  const user: DeepReadonly<User> | undefined = store.read(target.tenantId, (t) => findUser(t, target.key));
  if (!user) throw graphErrors.resourceNotFound(target.key);
  return { target, query, user, principal: target.principal };
}

