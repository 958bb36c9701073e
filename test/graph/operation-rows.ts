import type { GraphDeps } from "../../emulator/src/graph/context.ts";
import type { Method, OperationPermissions } from "../../emulator/src/graph/operation.ts";
import { graphOperations } from "../../emulator/src/graph/operations.ts";

/** A row of Graph's operation table as the permission tests read it. */
export interface PermissionRow extends OperationPermissions {
  method: Method;
  /** As Microsoft's permissions map writes paths: lower case, every parameter `{id}`, functions without `()`. */
  path: string;
}

/** The operation table's rows (built without a store: handlers are made, never run). */
export function permissionRows(refusal: OperationPermissions["refusal"]): PermissionRow[] {
  return graphOperations({} as GraphDeps)
    .filter((op) => op.permissions.refusal === refusal)
    .map((op) => ({ ...op.permissions, method: op.method, path: op.path.toLowerCase().replace(/\{\w+\}/g, "{id}").replace(/\(\)/g, "") }));
}
