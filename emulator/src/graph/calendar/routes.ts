import { Router, type Request, type Response } from "express";
import type { GraphDeps } from "../context.ts";
import type { CalendarDeps } from "./access.ts";
import { actionHandler } from "./actions-handlers.ts";
import { calendarHandlers } from "./calendars-handlers.ts";
import { eventHandlers, type Container } from "./events-handlers.ts";
import { findMeetingTimesHandler } from "./find-meeting-times.ts";
import { readCalendarFixtures } from "./fixtures.ts";
import { getScheduleHandler } from "./schedule.ts";

type Method = "get" | "post" | "patch" | "delete";
type Handler = (req: Request, res: Response) => void;

/** Mailbox prefixes: the signed-in user, or any user by id or userPrincipalName. */
const PREFIXES = ["/me", "/users/:user"];

/** "/calendars/{calendarId}/events" -> "/calendars/:calendarId/events". */
const expressPath = (template: string) => template.replace(/\{(\w+)\}/g, ":$1");
/** "/calendars/{calendarId}/events" -> "/calendars/{id}/events", as the permission table writes paths. */
const tablePath = (template: string) => template.replace(/\{\w+\}/g, "{id}").toLowerCase();

/**
 * Calendar: calendars, events, calendarView, instances, meeting responses,
 * getSchedule and findMeetingTimes, each under /me and /users/{id | UPN}.
 * Mounted before the users router, so it only claims calendar paths.
 */
export function calendarRouter(graphDeps: GraphDeps): Router {
  // Read on first need (a tenant's first calendar request), not at start: converting the fixture
  // events' local times starts the time-zone data, a third of a cold start.
  let fixtures: ReturnType<typeof readCalendarFixtures> | undefined;
  const deps: CalendarDeps = { ...graphDeps, fixtures: () => (fixtures ??= readCalendarFixtures()) };
  const router = Router({ caseSensitive: false });
  const on = (method: Method, template: string, make: (table: string) => Handler) => {
    for (const prefix of PREFIXES) router[method](`${prefix}${expressPath(template)}`, make(tablePath(template)));
  };

  const calendars = calendarHandlers(deps);
  on("get", "/calendar", calendars.get);
  on("patch", "/calendar", calendars.update);
  on("get", "/calendars", calendars.list);
  on("post", "/calendars", calendars.create);
  on("get", "/calendars/{calendarId}", calendars.get);
  on("patch", "/calendars/{calendarId}", calendars.update);
  on("delete", "/calendars/{calendarId}", calendars.remove);

  const events = eventHandlers(deps);
  const containers: Container[] = ["", "/calendar", "/calendars/{calendarId}"];
  for (const c of containers) {
    on("get", `${c}/events`, (p) => events.list(p, c));
    on("post", `${c}/events`, (p) => events.create(p, c));
    on("get", `${c}/events/{eventId}`, (p) => events.get(p, c));
    on("patch", `${c}/events/{eventId}`, (p) => events.update(p, c));
    on("delete", `${c}/events/{eventId}`, (p) => events.remove(p, c));
    on("get", `${c}/events/{eventId}/instances`, (p) => events.instances(p, c));
    for (const action of ["accept", "decline", "tentativelyAccept", "cancel"] as const) {
      on("post", `${c}/events/{eventId}/${action}`, (p) => actionHandler(deps, p, c, action));
    }
    on("get", `${c}/calendarView`, (p) => events.calendarView(p, c));
  }
  on("post", "/calendar/getSchedule", (p) => getScheduleHandler(deps, p));
  on("post", "/findMeetingTimes", (p) => findMeetingTimesHandler(deps, p));
  return router;
}
