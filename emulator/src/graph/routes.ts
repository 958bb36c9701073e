import express, { Router } from "express";
import { graphErrors } from "../errors/graph-error.ts";
import { graphAuth } from "./auth.ts";
import { compose } from "../http/compose.ts";
import type { GraphDeps } from "./context.ts";
import { calendarRouter } from "./calendar/routes.ts";
import { usersRouter } from "./users/routes.ts";
import type { FaultEngine } from "../faults/engine.ts";
import { graphFaults } from "../faults/middleware.ts";

export type { GraphDeps } from "./context.ts";

/** The graph.microsoft.com surface, mounted at /v1.0. Every route needs a verified token. */
export function graphRouter(deps: GraphDeps, faults: FaultEngine): Router {
  const router = Router({ caseSensitive: false });
  const json = express.json({ limit: "4mb" });
  // Token check, then throttling and faults, then the JSON body (not read for GET), as one layer.
  router.use(compose(graphAuth(deps), graphFaults(faults, deps.clock), (req, res, next) => (req.method === "GET" ? next() : json(req, res, next))));
  router.use(usersRouter(deps));
  router.use(calendarRouter(deps));
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
