import type { GraphDeps } from "./context.ts";
import type { Operation } from "./operation.ts";
import { calendarOperations } from "./calendar/operations.ts";
import { usersOperations } from "./users/operations.ts";

/**
 * Graph's operation table: every operation the emulator serves, with its
 * permission rule and handler. docs/graph-operations.md is generated from it
 * (`npm run docs:operations`).
 */
export function graphOperations(deps: GraphDeps): Operation[] {
  return [...usersOperations(deps), ...calendarOperations(deps)];
}
