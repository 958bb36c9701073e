import type { Request, Response } from "express";
import { entraErrors } from "../errors/entra-catalogue.ts";
import { EntraError, entraErrorBody } from "../errors/entra-error.ts";
import { ctxOf } from "../http/request-context.ts";
import type { IdentityDeps } from "./context.ts";
import { resolveTenantSegment } from "./directory.ts";
import { clientCredentialsOf } from "./client-auth.ts";
import { noteIdentity } from "../journal/middleware.ts";
import { GRANTS } from "./grants/index.ts";
import { sendJson } from "../http/send-json.ts";

/** Sends an Entra error as JSON, the way the token and discovery endpoints answer. */
export function sendEntraError(deps: IdentityDeps, res: Response, err: EntraError): void {
  const ctx = ctxOf(res);
  res.locals.errorCode = `${err.error} AADSTS${err.aadsts}`;
  res
    .status(err.status)
    .set("Cache-Control", "no-store, no-cache")
    .json(entraErrorBody(err, { now: deps.clock.now(), origin: ctx.origin, correlationId: ctx.clientRequestId }));
}

/** POST /{tenant}/oauth2/v2.0/token: resolve the tenant, then hand over to the grant. */
export function tokenHandler(deps: IdentityDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    try {
      const segment = resolveTenantSegment(deps.store, String(req.params.tenant));
      if (segment.kind === "tenant") noteIdentity(res, { tenant: segment.tenantId });
      if (req.method !== "POST") throw entraErrors.postRequired();
      const params = formParams(req.body);
      noteIdentity(res, { clientId: journalClientId(params, req.headers.authorization) });
      const grantType = params.grant_type;
      if (!grantType) throw entraErrors.missingParameter("grant_type");
      const grant = GRANTS.get(grantType);
      if (!grant) throw entraErrors.unsupportedGrantType(grantType);
      const body = await grant.handle(deps, {
        segment,
        params,
        authorization: req.headers.authorization,
        origin: ctxOf(res).origin,
        requestOrigin: typeof req.headers.origin === "string" ? req.headers.origin : undefined,
        // Only the grants that mint user tokens read it; Express works it out on each read.
        get ipAddress() {
          return req.ip;
        },
      });
      res.setHeader("Cache-Control", "no-store, no-cache");
      res.setHeader("Pragma", "no-cache");
      sendJson(res, body);
    } catch (err) {
      if (err instanceof EntraError) return sendEntraError(deps, res, err);
      throw err;
    }
  };
}

/** The client id for the journal: the body's, or client_secret_basic's (a header that does not decode names none). */
function journalClientId(params: Record<string, string | undefined>, authorization: string | undefined): string | undefined {
  try {
    return clientCredentialsOf(params, authorization).clientId;
  } catch {
    return params.client_id;
  }
}

/** Form fields as strings; a field sent twice is not valid, so only single values are kept. */
function formParams(body: unknown): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (!body || typeof body !== "object") return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) if (typeof v === "string") out[k] = v;
  return out;
}
