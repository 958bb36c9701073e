import type { GraphDeps } from "../../emulator/src/graph/context.ts";
import { namesPermissions, type Method, type OperationPermissions } from "../../emulator/src/graph/operation.ts";
import { graphOperations } from "../../emulator/src/graph/operations.ts";

/** A row of Graph's operation table as the permission tests read it. */
export interface PermissionRow extends OperationPermissions {
  method: Method;
  /** As Microsoft's permissions map writes paths: lower case, every parameter `{id}`, functions without `()`. */
  path: string;
}

/** The operation table's rows that name permissions (built without a store: handlers are made, never run). */
export function permissionRows(refusal: OperationPermissions["refusal"]): PermissionRow[] {
  const rows: PermissionRow[] = [];
  for (const op of graphOperations({} as GraphDeps)) {
    const p = op.permissions;
    if (!namesPermissions(p) || p.refusal !== refusal) continue;
    rows.push({ ...p, method: op.method, path: op.path.toLowerCase().replace(/\{\w+\}/g, "{id}").replace(/\(\)/g, "") });
  }
  return rows;
}
