import type { Store } from "../../store/store.ts";
import { graphErrors } from "../../errors/graph-error.ts";
import type { Principal } from "../../http/principal.ts";
import { findUser } from "../../directory/users.ts";

/** Roles that may create, change and delete other users. */
export const USER_ADMIN_ROLES = ["User Administrator", "Global Administrator"];

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Directory roles that a User Administrator may not manage (Entra's "privileged" roles). */
const PROTECTED_FROM_USER_ADMINS = ["Global Administrator", "Privileged Role Administrator", "Application Administrator", "Cloud Application Administrator", "Global Reader"];

/** The signed-in user's directory roles (empty for app-only callers). */
export function callerRoles(store: Store, principal: Principal): readonly string[] {
  if (principal.kind !== "user") return [];
  return store.read(principal.tenantId, (t) => findUser(t, principal.userId)?.directoryRoles ?? []);
}

/**
 * A delegated User Administrator (without Global Administrator) may not change
 * or delete users who hold privileged roles; Entra answers 403.
 */
export function checkManageable(store: Store, principal: Principal, target: { directoryRoles: readonly string[] }): void {
  if (principal.kind !== "user") return;
  const roles = callerRoles(store, principal);
  if (roles.some((r) => same(r, "Global Administrator"))) return;
  if (!roles.some((r) => same(r, "User Administrator"))) return;
  if (target.directoryRoles.some((r) => PROTECTED_FROM_USER_ADMINS.some((p) => same(p, r)))) throw graphErrors.insufficientPrivileges();
}
