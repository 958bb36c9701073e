import type { NextFunction, Request, Response } from "express";
import { decodeProtectedHeader, errors as joseErrors, jwtVerify } from "jose";
import type { Clock } from "../clock.ts";
import type { Store } from "../store/store.ts";
import type { SigningKeys } from "../identity/keys.ts";
import { graphErrors } from "../errors/graph-error.ts";
import { ctxOf } from "../http/request-context.ts";
import type { Principal } from "../http/principal.ts";
import { GRAPH_APP_ID, GRAPH_URI } from "../identity/graph-resource.ts";
import { accessTokenIssuer } from "../identity/tokens.ts";


const AUDIENCES = [GRAPH_URI, `${GRAPH_URI}/`, GRAPH_APP_ID];
/** Graph tolerates a little clock skew between the token issuer and itself. */
const CLOCK_SKEW_S = 300;

export interface GraphAuthDeps {
  store: Store;
  clock: Clock;
  keys: Promise<SigningKeys>;
}

/** What a verified token says, worked out once per token: the claims never change. */
interface VerifiedToken {
  exp: number;
  nbf: number;
  /** The `aud` claim is one of Graph's audiences. */
  audienceOk: boolean;
  /** The `tid` claim, and whether `iss` is the v1.0 issuer for it. */
  tid: string;
  issuerOk: boolean;
  /** The principal, for the tenant id `tid` resolved to when last seen. */
  principal: Principal;
  /** The claims the principal is made of. */
  claims: Record<string, unknown>;
  /** The lower-cased app id, for the service-principal check of app-only callers. */
  appIdLower: string;
}

function principalFrom(payload: Record<string, unknown>, tenantId: string): Principal {
  const appId = typeof payload.appid === "string" ? payload.appid : "";
  const scopes = typeof payload.scp === "string" ? payload.scp.split(" ").filter(Boolean) : [];
  const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === "string") : [];
  const oid = typeof payload.oid === "string" ? payload.oid : "";
  Object.freeze(scopes);
  Object.freeze(roles);
  return Object.freeze(
    payload.idtyp === "app"
      ? { kind: "app" as const, tenantId, servicePrincipalId: oid, appId, scopes, roles }
      : { kind: "user" as const, tenantId, userId: oid, appId, scopes, roles },
  );
}

/** The token in `Authorization: Bearer <token>` (scheme in any case), or "". */
function bearerToken(header: string | undefined): string {
  if (!header || header.length < 7) return "";
  if (header.charCodeAt(6) === 32 && header.slice(0, 6).toLowerCase() === "bearer") {
    const rest = header.slice(7);
    // The common case, one space and no padding, needs no regex.
    if (rest.length > 0 && rest.charCodeAt(0) > 32 && rest.charCodeAt(rest.length - 1) > 32) return rest;
  }
  const m = /^Bearer\s+(.*)$/i.exec(header);
  return m ? (m[1] as string).trim() : "";
}

/**
 * Verifies a Graph access token fully: RS256 only, signature against the
 * emulator's key, audience, an issuer naming a known tenant, and lifetime on
 * the emulator clock. Failures answer 401 InvalidAuthenticationToken.
 *
 * The signature and everything the claims decide once (audience, issuer, the
 * principal) are kept per token text in a bounded cache, so a busy client
 * pays one RS256 verification per token, not per request. What can change
 * between requests is checked every time: the lifetime against the emulator
 * clock, that the tenant still exists, and that an app-only caller still has
 * its service principal.
 */
export function graphAuth(deps: GraphAuthDeps) {
  // Bounded to the tokens clients use at once. An entry is a ~1.5 KB token plus its claims; with
  // 10,000 entries, clients that get a new token per call (refresh loops) grew the heap by ~30 MB
  // over minutes and the process's RSS by far more (npm run soak found it).
  const verified = new VerifiedTokens(1_000);
  // Synchronous for a token seen before (most requests): no promise, no microtask on the way to the answer.
  return (req: Request, res: Response, next: NextFunction): void | Promise<void> => {
    const token = bearerToken(req.headers.authorization);
    if (!token) throw graphErrors.tokenEmpty(ctxOf(res).origin);
    const entry = verified.get(token);
    if (entry) return admit(deps, entry, res, next);
    return verify(deps, token, ctxOf(res).origin).then((checked) => {
      verified.set(token, checked);
      admit(deps, checked, res, next);
    });
  };
}

/** What is checked on every request, since it can change: lifetime on the emulator clock, the tenant, the service principal. */
function admit(deps: GraphAuthDeps, entry: VerifiedToken, res: Response, next: NextFunction): void {
  const now = deps.clock.nowSeconds();
  if (now > entry.exp + CLOCK_SKEW_S || now < entry.nbf - CLOCK_SKEW_S) throw graphErrors.tokenExpired(ctxOf(res).origin);
  if (!entry.audienceOk) throw graphErrors.tokenBadAudience(ctxOf(res).origin);
  const tenantId = deps.store.resolveTenant(entry.tid);
  if (!tenantId || !entry.issuerOk) throw graphErrors.tokenBadIssuer(ctxOf(res).origin);
  let principal = entry.principal;
  if (principal.tenantId !== tenantId) {
    // Only when the tenant resolved differently than when the token was first seen.
    principal = principalFrom(entry.claims, tenantId);
    entry.principal = principal;
  }
  // An app-only caller must still have a service principal in the tenant (it may have been removed since).
  if (principal.kind === "app") {
    const id = entry.appIdLower;
    const present = deps.store.read(tenantId, (t) => t.servicePrincipals.some((sp) => sp.appId === principal.appId || sp.appId.toLowerCase() === id));
    if (!present) throw graphErrors.identityNotFound();
  }
  res.locals.principal = principal;
  next();
}

/** The full check of a token not seen before; throws Graph's 401s. */
async function verify(deps: GraphAuthDeps, token: string, origin: string): Promise<VerifiedToken> {
  if (!token.includes(".")) throw graphErrors.tokenNotJwt(origin);
  const keys = await deps.keys;
  try {
    const header = decodeProtectedHeader(token);
    // Like Graph, only RS256 with the issuer's published key id: an unknown kid has no key to verify with.
    if (header.alg !== "RS256" || header.kid !== keys.kid) throw graphErrors.tokenInvalid(origin);
  } catch (err) {
    if (err instanceof Error && err.name === "GraphError") throw err;
    throw graphErrors.tokenInvalid(origin);
  }
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, keys.publicKey, {
      algorithms: ["RS256"],
      currentDate: deps.clock.now(),
      clockTolerance: CLOCK_SKEW_S,
    }));
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw graphErrors.tokenExpired(origin);
    if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === "nbf") throw graphErrors.tokenExpired(origin);
    throw graphErrors.tokenInvalid(origin);
  }
  if (typeof payload.exp !== "number" || typeof payload.nbf !== "number") throw graphErrors.tokenInvalid(origin);
  const tid = typeof payload.tid === "string" ? payload.tid : "";
  const appId = typeof payload.appid === "string" ? payload.appid : "";
  const claims = { appid: payload.appid, scp: payload.scp, roles: payload.roles, oid: payload.oid, idtyp: payload.idtyp };
  return {
    exp: payload.exp,
    nbf: payload.nbf,
    audienceOk: typeof payload.aud === "string" && AUDIENCES.includes(payload.aud),
    tid,
    issuerOk: payload.iss === accessTokenIssuer(tid),
    principal: principalFrom(claims, deps.store.resolveTenant(tid) ?? tid),
    claims,
    appIdLower: appId.toLowerCase(),
  };
}

/**
 * Verified tokens, bounded (the oldest go first). Looked up by the token's
 * last characters (its signature's), which hash far faster than its whole
 * kilobyte and a half; an entry counts only when its whole text equals the
 * token presented, so only exactly the token that was verified gets through.
 */
class VerifiedTokens {
  static readonly KEY_CHARS = 64;
  readonly #map = new Map<string, VerifiedToken & { token: string }>();
  readonly #max: number;
  constructor(max: number) {
    this.#max = max;
  }
  get(token: string): VerifiedToken | undefined {
    const entry = this.#map.get(token.slice(-VerifiedTokens.KEY_CHARS));
    return entry !== undefined && entry.token === token ? entry : undefined;
  }
  set(token: string, value: VerifiedToken): void {
    const key = token.slice(-VerifiedTokens.KEY_CHARS);
    if (!this.#map.has(key) && this.#map.size >= this.#max) this.#map.delete(this.#map.keys().next().value as string);
    this.#map.set(key, Object.assign(value, { token }));
  }
}

