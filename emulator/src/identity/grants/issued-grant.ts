import { entraErrors } from "../../errors/entra-catalogue.ts";
import type { DeepReadonly } from "../../store/store.ts";
import type { TenantState } from "../../store/types.ts";
import type { IdentityDeps } from "../context.ts";
import type { ResolvedApp } from "../directory.ts";
import { authenticateForPlatform } from "../spa.ts";
import { sha256 } from "../tokens.ts";
import { tenantOfGrant } from "./grant-tenant.ts";
import type { GrantRequest } from "./types.ts";

export interface IssuedGrant<R> {
  tenantId: string;
  /** The stored form of the secret (its SHA-256), by which the record is found again. */
  hash: string;
  record: R;
  resolved: ResolvedApp;
}

/**
 * The opening every grant shares that redeems an opaque secret the emulator
 * issued (an authorization code, a refresh token): the parameter present, the tenant it names, its
 * record found by hash, the client authenticated as its platform demands
 * (a single-page app's record, a browser's origin), and the record issued to
 * that very client — else AADSTS9002313, as Entra answers any grant it cannot use.
 */
export async function openIssuedGrant<R extends { clientId: string }>(
  deps: IdentityDeps,
  req: GrantRequest,
  parameter: "code" | "refresh_token",
  find: (t: DeepReadonly<TenantState>, hash: string) => R | undefined,
  isSpa: (record: R | undefined) => boolean,
): Promise<IssuedGrant<R>> {
  const secret = req.params[parameter];
  if (!secret) throw entraErrors.missingParameter(parameter);
  const tenantId = tenantOfGrant(deps.store, req.segment, secret);
  const hash = sha256(secret);
  const record = deps.store.read(tenantId, (t) => find(t, hash));
  const resolved = await authenticateForPlatform(deps, tenantId, req, isSpa(record));
  if (!record || record.clientId.toLowerCase() !== resolved.app.appId.toLowerCase()) throw entraErrors.malformedGrant();
  return { tenantId, hash, record, resolved };
}
