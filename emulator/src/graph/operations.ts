import type { GraphDeps } from "./context.ts";
import type { Operation } from "./operation.ts";
import { batchOperations } from "./batch/operations.ts";
import { SubRequests } from "./batch/sub-request.ts";
import { calendarOperations } from "./calendar/operations.ts";
import { subscriptionOperations } from "./subscriptions/operations.ts";
import { usersOperations } from "./users/operations.ts";

/**
 * Graph's operation table: every operation the emulator serves, with its
 * permission rule and handler. docs/graph-operations.md is generated from it
 * (`npm run docs:operations`). `subRequests` is where `$batch` runs the
 * requests it carries (Graph's stages, handed over by app.ts).
 */
export function graphOperations(deps: GraphDeps, subRequests = new SubRequests()): Operation[] {
  return [...usersOperations(deps), ...calendarOperations(deps), ...subscriptionOperations(deps), ...batchOperations(deps, subRequests)];
}
