import type { NextFunction, Request, Response } from "express";
import { decodeProtectedHeader, errors as joseErrors, jwtVerify } from "jose";
import type { Clock } from "../clock.ts";
import type { Store } from "../store/store.ts";
import type { SigningKeys } from "../identity/keys.ts";
import { graphErrors } from "../errors/graph-error.ts";
import { ctxOf } from "../http/request-context.ts";
import { GRAPH_APP_ID, GRAPH_URI } from "../identity/graph-resource.ts";
import { accessTokenIssuer } from "../identity/tokens.ts";

/** Who is calling Graph, from a verified access token. */
export type Principal =
  | { kind: "user"; tenantId: string; userId: string; appId: string; scopes: string[]; roles: string[] }
  | { kind: "app"; tenantId: string; servicePrincipalId: string; appId: string; scopes: string[]; roles: string[] };

const AUDIENCES = [GRAPH_URI, `${GRAPH_URI}/`, GRAPH_APP_ID];
/** Graph tolerates a little clock skew between the token issuer and itself. */
const CLOCK_SKEW_S = 300;

export interface GraphAuthDeps {
  store: Store;
  clock: Clock;
  keys: SigningKeys;
}

/**
 * Verifies a Graph access token fully: RS256 only, signature against the
 * emulator's key, audience, an issuer naming a known tenant, and lifetime on
 * the emulator clock. Failures answer 401 InvalidAuthenticationToken.
 */
export function graphAuth(deps: GraphAuthDeps) {
  // Tokens whose signature has been verified, keyed by the whole token text, so a
  // busy client does not pay an RS256 verification per request. Bounded.
  const verified = new BoundedCache<string, Record<string, unknown>>(10_000);
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const { origin } = ctxOf(res);
    const header = req.get("authorization") ?? "";
    const m = /^Bearer\s+(.*)$/i.exec(header);
    const token = m ? (m[1] as string).trim() : "";
    if (!token) throw graphErrors.tokenEmpty(origin);
    if (!token.includes(".")) throw graphErrors.tokenNotJwt(origin);
    let payload: Record<string, unknown>;
    const cached = verified.get(token);
    if (cached) {
      // The signature was checked before; the lifetime is checked again, since the clock moves.
      const now = deps.clock.nowSeconds();
      if (now > (cached.exp as number) + CLOCK_SKEW_S || now < (cached.nbf as number) - CLOCK_SKEW_S) throw graphErrors.tokenExpired(origin);
      payload = cached;
    } else {
      try {
        const header = decodeProtectedHeader(token);
        // Like Graph, only RS256 with the issuer's published key id: an unknown kid has no key to verify with.
        if (header.alg !== "RS256" || header.kid !== deps.keys.kid) throw graphErrors.tokenInvalid(origin);
      } catch (err) {
        if (err instanceof Error && err.name === "GraphError") throw err;
        throw graphErrors.tokenInvalid(origin);
      }
      try {
        ({ payload } = await jwtVerify(token, deps.keys.publicKey, {
          algorithms: ["RS256"],
          currentDate: deps.clock.now(),
          clockTolerance: CLOCK_SKEW_S,
        }));
      } catch (err) {
        if (err instanceof joseErrors.JWTExpired) throw graphErrors.tokenExpired(origin);
        if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === "nbf") throw graphErrors.tokenExpired(origin);
        throw graphErrors.tokenInvalid(origin);
      }
      if (typeof payload.exp === "number" && typeof payload.nbf === "number") verified.set(token, payload);
    }
    if (typeof payload.exp !== "number" || typeof payload.nbf !== "number") throw graphErrors.tokenInvalid(origin);
    if (typeof payload.aud !== "string" || !AUDIENCES.includes(payload.aud)) throw graphErrors.tokenBadAudience(origin);
    const tid = typeof payload.tid === "string" ? payload.tid : "";
    const tenantId = deps.store.resolveTenant(tid);
    if (!tenantId || payload.iss !== accessTokenIssuer(tid)) throw graphErrors.tokenBadIssuer(origin);
    const appId = typeof payload.appid === "string" ? payload.appid : "";
    const scopes = typeof payload.scp === "string" ? payload.scp.split(" ").filter(Boolean) : [];
    const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === "string") : [];
    const oid = typeof payload.oid === "string" ? payload.oid : "";
    const principal: Principal =
      payload.idtyp === "app"
        ? { kind: "app", tenantId, servicePrincipalId: oid, appId, scopes, roles }
        : { kind: "user", tenantId, userId: oid, appId, scopes, roles };
    // An app-only caller must still have a service principal in the tenant (it may have been removed since).
    if (principal.kind === "app") {
      const id = appId.toLowerCase();
      const present = deps.store.read(tenantId, (t) => t.servicePrincipals.some((sp) => sp.appId.toLowerCase() === id));
      if (!present) throw graphErrors.identityNotFound();
    }
    res.locals.principal = principal;
    next();
  };
}

/** A Map that forgets its oldest entries beyond `max`. */
class BoundedCache<K, V> {
  readonly #map = new Map<K, V>();
  readonly #max: number;
  constructor(max: number) {
    this.#max = max;
  }
  get(key: K): V | undefined {
    return this.#map.get(key);
  }
  set(key: K, value: V): void {
    if (this.#map.size >= this.#max) this.#map.delete(this.#map.keys().next().value as K);
    this.#map.set(key, value);
  }
}

export function principalOf(res: Response): Principal {
  return res.locals.principal as Principal;
}
