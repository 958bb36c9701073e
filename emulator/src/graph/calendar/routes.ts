import { Router } from "express";
import type { GraphDeps } from "../context.ts";

/** Calendar: calendars, events, calendarView, scheduling under /me and /users/{id}. */
export function calendarRouter(_deps: GraphDeps): Router {
  const router = Router({ caseSensitive: false });
  return router;
}
