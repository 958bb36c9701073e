import { Router } from "express";
import type { Clock } from "../clock.ts";
import type { Store } from "../store/store.ts";
import type { SigningKeys } from "../identity/keys.ts";
import { graphErrors } from "../errors/graph-error.ts";
import { graphAuth } from "./auth.ts";
import { getMe } from "./me.ts";

export interface GraphDeps {
  store: Store;
  clock: Clock;
  keys: SigningKeys;
}

/** The graph.microsoft.com surface, mounted at /v1.0. Every route needs a verified token. */
export function graphRouter(deps: GraphDeps): Router {
  const router = Router({ caseSensitive: false });
  router.use(graphAuth(deps));
  router.get("/me", getMe(deps.store));
  router.use((req) => {
    const segment = req.path.split("/").filter(Boolean)[0] ?? "";
    let decoded = segment;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      // Keep the raw text when it is not valid percent-encoding.
    }
    throw graphErrors.segmentNotFound(decoded);
  });
  return router;
}
