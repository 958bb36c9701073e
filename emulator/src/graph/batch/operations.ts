import type { GraphDeps } from "../context.ts";
import type { Operation } from "../operation.ts";
import { batchHandler } from "./handler.ts";
import type { SubRequests } from "./sub-request.ts";

/** JSON batching: `POST /$batch` (concepts/json-batching.md). */
export function batchOperations(deps: GraphDeps, subRequests: SubRequests): Operation[] {
  return [
    {
      method: "POST",
      path: "/$batch",
      summary: "Up to 20 requests in one (JSON batching); each answers on its own inside a 200.",
      permissions: { anyValidToken: true, why: "each request of the batch meets its own row's permission rule, with the batch's token." },
      handler: batchHandler(deps.clock, subRequests),
    },
  ];
}
