import type { NextFunction, Request, Response } from "express";
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from "jose";
import type { OrdersApiConfig } from "./config.ts";

/**
 * Bearer-token validation for the API, written as against Entra: the signature
 * against the tenant's published keys (jwks_uri), the v2.0 issuer, and the
 * audience (this API's appId). Nothing here knows about the emulator.
 */
export interface Caller {
  token: string;
  claims: JWTPayload & { scp?: string; roles?: string[]; oid?: string; name?: string; azp?: string };
}

export function bearerAuth(config: OrdersApiConfig) {
  const keys = createRemoteJWKSet(new URL(`${config.authorityHost}/${config.tenantId}/discovery/v2.0/keys`));
  const issuer = `${config.authorityHost}/${config.tenantId}/v2.0`;
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const token = /^Bearer\s+(\S+)$/i.exec(req.get("authorization") ?? "")?.[1];
    if (!token) return void res.status(401).set("WWW-Authenticate", 'Bearer error="invalid_token"').json({ error: "missing bearer token" });
    try {
      const { payload } = await jwtVerify(token, keys, { issuer, audience: config.clientId, algorithms: ["RS256"] });
      res.locals.caller = { token, claims: payload } satisfies Caller;
      next();
    } catch (err) {
      res.status(401).set("WWW-Authenticate", 'Bearer error="invalid_token"').json({ error: `invalid token: ${(err as Error).message}` });
    }
  };
}

export const callerOf = (res: Response): Caller => res.locals.caller as Caller;

/** Delegated calls need the scope in `scp`. */
export function requireScope(scope: string) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    const scopes = (callerOf(res).claims.scp ?? "").split(" ");
    if (!scopes.includes(scope)) return void res.status(403).json({ error: `the token lacks the scope ${scope}` });
    next();
  };
}

/** Calls that need an app role (of a user or of an application) check `roles`. */
export function requireRole(role: string) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    if (!(callerOf(res).claims.roles ?? []).includes(role)) return void res.status(403).json({ error: `the caller lacks the app role ${role}` });
    next();
  };
}
