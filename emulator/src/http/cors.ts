import cors from "cors";
import type { NextFunction, Request, RequestHandler, Response } from "express";

/**
 * CORS for browser apps (single-page apps calling Graph and the token endpoint
 * directly), closed by default.
 *
 * With no origins configured this stage does nothing: no answer carries
 * Access-Control-Allow-Origin, and a preflight OPTIONS is answered as if CORS
 * did not exist. With origins configured (`--cors-origin`), only these paths
 * answer cross-origin requests, as Microsoft does for SPA clients:
 *   - Graph: /v1.0/... (and /beta, which answers Graph's own error);
 *   - the token endpoint: /{tenant}/oauth2/v2.0/token;
 *   - discovery and keys: /{tenant}[/v2.0]/.well-known/openid-configuration,
 *     /{tenant}/discovery[/v2.0]/keys, /common/discovery/instance.
 * Never the control plane (/_emulator, which refuses cross-site requests on its
 * own) nor the sign-in, consent and sign-out pages, which are navigations.
 *
 * The headers themselves come from the maintained `cors` package; this file
 * only decides which requests get them.
 */

export const CORS_METHODS = "GET, POST, PATCH, PUT, DELETE, OPTIONS";
/** Request headers Graph SDKs and MSAL.js send. */
export const CORS_ALLOWED_HEADERS = [
  "Authorization",
  "Content-Type",
  "ConsistencyLevel",
  "Prefer",
  "client-request-id",
  "return-client-request-id",
  "x-client-SKU",
  "x-client-VER",
  "x-client-OS",
  "x-client-CPU",
  "x-client-current-telemetry",
  "x-client-last-telemetry",
  "x-ms-lib-capability",
  // The Graph JavaScript SDK adds it to every request.
  "SdkVersion",
].join(", ");
export const GRAPH_EXPOSED_HEADERS = "request-id, client-request-id, Retry-After, Location, Preference-Applied";
export const IDENTITY_EXPOSED_HEADERS = "request-id, client-request-id, x-ms-request-id";
/** How long a browser may cache a preflight answer, in seconds (browsers cap it lower). */
export const CORS_MAX_AGE = 86_400;

const GRAPH_PATH = /^\/(?:v1\.0|beta)(?:\/|$)/i;
const IDENTITY_PATH =
  /^\/[^/]+\/(?:oauth2\/v2\.0\/token|v2\.0\/\.well-known\/openid-configuration|\.well-known\/openid-configuration|discovery\/v2\.0\/keys|discovery\/keys|discovery\/instance)\/?$/i;

export class CorsOriginError extends Error {}

/**
 * Checks one configured value: `*`, or an origin `scheme://host[:port]` with
 * scheme http or https and no path, query or fragment. Returns the origin as a
 * browser sends it in its Origin header (host lower-cased, default port dropped).
 */
export function parseCorsOrigin(value: string): string {
  const text = value.trim();
  if (text === "*") return "*";
  const refuse = (why: string) =>
    new CorsOriginError(`'${value}' is not an origin (${why}); use scheme://host[:port] such as http://localhost:3000, or *`);
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) throw refuse("scheme:// missing");
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]+$/i.test(text)) throw refuse("no path, query or fragment allowed");
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw refuse("not a valid URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw refuse("the scheme must be http or https");
  if (url.username || url.password) throw refuse("no user name or password allowed");
  return url.origin;
}

/** Checks a list of origins (each as in parseCorsOrigin); `*` must stand alone. */
export function parseCorsOrigins(values: readonly string[]): string[] {
  const origins = values.map(parseCorsOrigin);
  if (origins.includes("*") && origins.length > 1) throw new CorsOriginError(`'*' allows every origin and cannot be combined with others (got '${values.join(",")}')`);
  return [...new Set(origins)];
}

/** The CORS stage of the pipeline for these configured origins (empty: closed, the stage does nothing). */
export function corsPolicy(origins: readonly string[]): RequestHandler {
  if (origins.length === 0) return (_req: Request, _res: Response, next: NextFunction) => next();
  const any = origins.includes("*");
  const allowed = new Set(origins);
  const common = {
    origin: any ? "*" : (origin: string | undefined, done: (err: Error | null, allow: boolean | string) => void) => done(null, origin ?? false),
    methods: CORS_METHODS,
    allowedHeaders: CORS_ALLOWED_HEADERS,
    maxAge: CORS_MAX_AGE,
    credentials: false,
    optionsSuccessStatus: 204,
    preflightContinue: false,
  };
  const graph = cors({ ...common, exposedHeaders: GRAPH_EXPOSED_HEADERS });
  const identity = cors({ ...common, exposedHeaders: IDENTITY_EXPOSED_HEADERS });
  return (req: Request, res: Response, next: NextFunction) => {
    const handler = GRAPH_PATH.test(req.path) ? graph : IDENTITY_PATH.test(req.path) ? identity : undefined;
    if (!handler) return next();
    const origin = req.get("origin");
    // The answer depends on the Origin header, so shared caches must keep them apart.
    if (!any) res.vary("Origin");
    if (!origin || (!any && !allowed.has(origin))) return next();
    // An OPTIONS without Access-Control-Request-Method is no preflight: let the routes answer it.
    if (req.method === "OPTIONS" && !req.get("access-control-request-method")) return next();
    handler(req, res, next);
  };
}
