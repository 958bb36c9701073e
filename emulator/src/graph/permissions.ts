import type { Store } from "../store/store.ts";
import { graphErrors, type GraphError } from "../errors/graph-error.ts";
import type { Principal } from "../http/principal.ts";
import { findUser } from "./users/model.ts";

/** Which permissions allow one Graph operation. */
export interface PermissionRule {
  /** Delegated permissions (`scp`) that allow it, least privileged first; empty means delegated calls are refused. */
  delegated: readonly string[];
  /** Application permissions (`roles`) that allow it, least privileged first; empty means app-only calls are refused. */
  application: readonly string[];
  /**
   * For delegated calls, the signed-in user must also hold one of these
   * directory roles (e.g. User Administrator to create users). Omit when the
   * permission alone suffices.
   */
  delegatedRoles?: readonly string[];
}

/** One row of a feature's permission table: method, Graph path template (lower case, `{id}`), rule. */
export interface PermissionEntry extends PermissionRule {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  path: string;
  /** Why this row differs from Microsoft's permissions map, when it does. */
  differsFromMicrosoft?: string;
}

/** Whether `granted` holds any of `wanted`, ignoring case, as Entra compares permission names. */
export const hasAnyPermission = (granted: readonly string[], wanted: readonly string[]) =>
  wanted.some((w) => granted.some((g) => g === w || (g.length === w.length && g.toLowerCase() === w.toLowerCase())));


/**
 * Enforces a rule for the caller: 403 (Authorization_RequestDenied unless the API says otherwise) when the
 * token lacks every allowed permission, or a delegated caller lacks the
 * directory role the operation needs.
 */
export function authorize(
  store: Store,
  principal: Principal,
  rule: PermissionRule,
  /** The refusal this API answers with: directory APIs say Authorization_RequestDenied, Outlook's ErrorAccessDenied. */
  denied: () => GraphError = graphErrors.insufficientPrivileges,
): void {
  if (principal.kind === "app") {
    if (!hasAnyPermission(principal.roles, rule.application)) throw denied();
    return;
  }
  if (!hasAnyPermission(principal.scopes, rule.delegated)) throw denied();
  if (rule.delegatedRoles && rule.delegatedRoles.length > 0) {
    const roles = store.read(principal.tenantId, (t) => findUser(t, principal.userId)?.directoryRoles ?? []);
    if (!hasAnyPermission(roles, rule.delegatedRoles)) throw denied();
  }
}

/** Finds the row for a method and path template in a permission table. */
export function ruleFor(table: readonly PermissionEntry[], method: PermissionEntry["method"], path: string): PermissionEntry {
  const row = table.find((r) => r.method === method && r.path === path.toLowerCase());
  if (!row) throw new Error(`No permission rule for ${method} ${path}`);
  return row;
}
