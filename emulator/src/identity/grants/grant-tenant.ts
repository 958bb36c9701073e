import type { Store } from "../../store/store.ts";
import { entraErrors } from "../../errors/entra-catalogue.ts";
import type { TenantSegment } from "../directory.ts";
import { tenantOfOpaqueGrant } from "../tokens.ts";

/**
 * The tenant an opaque code or refresh token belongs to. On a tenant path the
 * grant must be from that tenant; on `common`/`organizations` it names its own.
 */
export function tenantOfGrant(store: Store, segment: TenantSegment, text: string): string {
  const named = tenantOfOpaqueGrant(text);
  const tenantId = named ? store.resolveTenant(named) : undefined;
  if (!tenantId) throw entraErrors.malformedGrant();
  if (segment.kind === "tenant" && segment.tenantId !== tenantId) throw entraErrors.malformedGrant();
  return tenantId;
}
