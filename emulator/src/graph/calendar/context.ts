import type { Request, Response } from "express";
import { ctxOf } from "../../http/request-context.ts";
import type { MailboxCall } from "./access.ts";

/**
 * The @odata.context, @odata.id and navigation links of calendar answers, in
 * the forms Microsoft's reference pages show. Event answers name the path
 * they were reached by: `users('…')/events`, `users('…')/calendar/events`,
 * `users('…')/calendars('…')/events/$entity`, `users('…')/events('…')/instances`
 * (calendar-list-events.md, calendar-post-events.md, event-list-instances.md).
 * Calendars reached under /me are `me/calendars` (calendar-get.md,
 * user-list-calendars.md); each calendar carries its @odata.id.
 */

/** Where a route finds its events: the default calendar's (plain or via /calendar) or a named calendar's. */
export type Container = "" | "/calendar" | "/calendars/{calendarId}";

/** An OData key inside @odata.context: quotes doubled, then percent-encoded (`=` is `%3D`). */
function key(id: string): string {
  return `('${encodeURIComponent(id.replace(/'/g, "''"))}')`;
}

function metadata(res: Response): string {
  return `${ctxOf(res).origin}/v1.0/$metadata#`;
}

/** The navigation path of an event answer, after `users('…')/`. */
export function eventsPath(req: Request, container: Container, leaf: "events" | "calendarView" | "instances"): string {
  const base = container === "" ? "" : container === "/calendar" ? "calendar/" : `calendars${key(String(req.params.calendarId))}/`;
  return leaf === "instances" ? `${base}events${key(String(req.params.eventId))}/instances` : `${base}${leaf}`;
}

/** @odata.context of an event answer: a collection, or one event (`entity`), with the $select list. */
export function eventsContext(res: Response, call: MailboxCall, path: string, select: string[] | undefined, entity = false): string {
  const sel = select ? `(${select.join(",")})` : "";
  return `${metadata(res)}users${key(call.owner.id)}/${path}${sel}${entity ? "/$entity" : ""}`;
}

/** @odata.context of a calendar answer: `me/calendars` under /me, `users('…')/calendars` under /users/{user}. */
export function calendarsContext(res: Response, req: Request, call: MailboxCall, entity = false): string {
  const owner = typeof req.params.user === "string" ? `users${key(call.owner.id)}` : "me";
  return `${metadata(res)}${owner}/calendars${entity ? "/$entity" : ""}`;
}

/** A calendar's @odata.id: `users('{object id}@{tenant id}')/calendars('{id}')`, the key as is. */
export function calendarId(res: Response, call: MailboxCall, id: string): string {
  return `${ctxOf(res).origin}/v1.0/users('${call.owner.id}@${call.tenantId}')/calendars('${id}')`;
}

/** The links to an event's calendar that Graph adds to one event read with $select (event-get.md). */
export function calendarLinks(res: Response, call: MailboxCall, id: string): Record<string, string> {
  const calendar = `${ctxOf(res).origin}/v1.0/users('${call.owner.id}')/calendars('${id}')`;
  return { "calendar@odata.associationLink": `${calendar}/$ref`, "calendar@odata.navigationLink": calendar };
}
