import type { DeepReadonly, Store } from "../../store/store.ts";
import type { GraphSubscription } from "../../store/types.ts";
import { grantedScopes } from "../../identity/consent.ts";
import { findServicePrincipal } from "../../identity/directory.ts";
import { hasAnyPermission } from "../authorize.ts";
import { familyOf, RESOURCE_RULES } from "./resources.ts";

/**
 * Whether the application that made a subscription may still read its
 * resource, by what the tenant grants it now (not by the token it used): an
 * app-only subscription by the app roles assigned to the app's service
 * principal, a delegated one by the consent granted to the app for the user
 * it was made for. When an administrator takes that away, Graph sends
 * reauthorizationRequired (concepts/change-notifications-lifecycle-events.md).
 */
export function stillAllowed(store: Store, tenantId: string, s: DeepReadonly<GraphSubscription>): boolean {
  const rule = RESOURCE_RULES[familyOf(s.target)].permissions;
  if (!s.delegated) {
    const sp = findServicePrincipal(store, tenantId, s.applicationId);
    return sp !== undefined && hasAnyPermission(sp.appRoleAssignments, rule.application);
  }
  return hasAnyPermission(grantedScopes(store, tenantId, s.applicationId, s.creatorId), rule.delegated);
}
