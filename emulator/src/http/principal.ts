import type { Response } from "express";

/** Who is calling Graph, from a verified access token (set by Graph's token check, read by every later stage). */
export type Principal =
  | { kind: "user"; tenantId: string; userId: string; appId: string; scopes: string[]; roles: string[] }
  | { kind: "app"; tenantId: string; servicePrincipalId: string; appId: string; scopes: string[]; roles: string[] };

/** The principal of a request that passed Graph's token check. */
export function principalOf(res: Response): Principal {
  return res.locals.principal as Principal;
}
