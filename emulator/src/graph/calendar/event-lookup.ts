import type { Request } from "express";
import { graphErrors } from "../../errors/graph-error.ts";
import type { DeepReadonly } from "../../store/store.ts";
import type { TenantState } from "../../store/types.ts";
import type { MailboxCall } from "./access.ts";
import { namedCalendar } from "./calendars-handlers.ts";
import { DAY_MS, parseDateTime } from "./date-time.ts";
import type { EventItem } from "./event-view.ts";
import { resolveRef, type EventRef } from "./events-model.ts";
import { queryOption } from "./query.ts";

/** Outlook's longest calendarView window. */
export const MAX_WINDOW_DAYS = 1825;

type ReadTenant = DeepReadonly<TenantState> | TenantState;

/** Which calendars a route covers: /events (all the caller may see), /calendar/events or /calendars/{id}/events (one). */
export function routeCalendars(t: ReadTenant, call: MailboxCall, req: Request, container: "" | "/calendar" | "/calendars/{calendarId}"): ReadonlySet<string> | null {
  if (container === "") return call.calendars;
  return new Set([namedCalendar(t, call, req).id]);
}

/** The event a route names, checked against the route's calendar and what the caller may see. */
export function routeEvent(t: ReadTenant, call: MailboxCall, req: Request, container: "" | "/calendar" | "/calendars/{calendarId}"): EventRef {
  const calendars = routeCalendars(t, call, req, container);
  const ref = resolveRef(t as TenantState, call.owner.id, String(req.params.eventId));
  const calendarId = (ref.kind === "stored" ? ref.event : ref.master).calendarId;
  if (calendars !== null && !calendars.has(calendarId)) throw graphErrors.itemNotFound();
  return ref;
}

export function itemOf(ref: EventRef): EventItem {
  return ref.kind === "stored" ? { event: ref.event } : { event: ref.master, occurrenceStartMs: ref.originalStartMs };
}

function instant(req: Request, name: string): number {
  const text = queryOption(req, name);
  if (text === undefined || text.trim() === "") throw graphErrors.calendarViewWindowRequired();
  const parsed = parseDateTime(text);
  if (!parsed) throw graphErrors.invalidParameterValue(name, text);
  // Without an offset the value is UTC, whatever Prefer says (api/user-list-calendarview.md).
  return parsed.localMs - (parsed.offsetMs ?? 0);
}

/** The startDateTime/endDateTime window of calendarView and /instances. */
export function windowOf(req: Request): { fromMs: number; toMs: number } {
  const hasStart = queryOption(req, "startDateTime") !== undefined;
  const hasEnd = queryOption(req, "endDateTime") !== undefined;
  if (!hasStart || !hasEnd) throw graphErrors.calendarViewWindowRequired();
  const fromMs = instant(req, "startDateTime");
  const toMs = instant(req, "endDateTime");
  if (toMs - fromMs > MAX_WINDOW_DAYS * DAY_MS) throw graphErrors.calendarViewRangeTooBig();
  return { fromMs, toMs };
}
