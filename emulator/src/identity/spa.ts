import { entraErrors } from "../errors/entra-catalogue.ts";
import { authenticateClient, clientCredentialsOf, type FormParams } from "./client-auth.ts";
import type { IdentityDeps } from "./context.ts";
import { resolveApp, type ResolvedApp } from "./directory.ts";

/** A single-page app's refresh tokens live 24 hours from sign-in, however often they are used (Entra's fixed SPA lifetime). */
export const SPA_REFRESH_TOKEN_LIFETIME_MS = 24 * 3600 * 1000;

/**
 * Client authentication at redemption, by platform. Codes and refresh tokens of
 * the SPA platform are redeemed only cross-origin (an Origin header,
 * AADSTS9002327) and need no secret; those of other platforms never
 * cross-origin (AADSTS9002326).
 */
export async function authenticateForPlatform(
  deps: IdentityDeps,
  tenantId: string,
  request: { params: FormParams; authorization: string | undefined; origin: string; requestOrigin: string | undefined },
  spa: boolean,
): Promise<ResolvedApp> {
  if (!spa) {
    if (request.requestOrigin !== undefined) throw entraErrors.crossOriginNotSpa(request.requestOrigin);
    return authenticateClient(deps, tenantId, request.params, request.authorization, request.origin);
  }
  if (request.requestOrigin === undefined) throw entraErrors.spaRequiresCrossOrigin();
  const { clientId, secret } = clientCredentialsOf(request.params, request.authorization);
  if (secret || request.params.client_assertion) return authenticateClient(deps, tenantId, request.params, request.authorization, request.origin);
  if (!clientId) throw entraErrors.missingParameter("client_id");
  return { ...resolveApp(deps.store, tenantId, clientId), clientAcr: "0" };
}
