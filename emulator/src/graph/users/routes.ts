import { Router } from "express";
import type { GraphDeps } from "../context.ts";
import { getMe } from "./me.ts";

/** Users: /me and /users. */
export function usersRouter(deps: GraphDeps): Router {
  const router = Router({ caseSensitive: false });
  router.get("/me", getMe(deps.store));
  return router;
}
