import type { Request, Response } from "express";
import { openMailbox, type CalendarDeps } from "./access.ts";
import { namedCalendar } from "./calendars-handlers.ts";
import { itemOf, routeCalendars, routeEvent, windowOf } from "./event-lookup.ts";
import { parseEventInput } from "./event-input.ts";
import { changesSchedule, createEvent, deleteRef, updateRef, type EventRef } from "./events-model.ts";
import { defaultCalendarOf } from "./mailbox.ts";
import { cancelMeeting, meetingMailboxes, syncAttendees, syncException } from "./meetings.ts";
import { applyPreferences } from "./prefer.ts";
import { calendarLinks, eventsContext, eventsPath, type Container } from "./context.ts";
import { renderItem, selectOf, sendEvents } from "./query.ts";
import { calendarViewWindow, eventItems, seriesItems } from "./views.ts";
import { graphErrors } from "../../errors/graph-error.ts";

export type { Container } from "./context.ts";

/** Whether deleting this event must tell attendees (the organizer's copy of a meeting). */
function isMeeting(ref: EventRef): boolean {
  const e = ref.kind === "stored" ? ref.event : ref.master;
  return e.isOrganizer && e.attendees.length > 0;
}

/** Handlers for events, calendarView and instances; `container` is where the route finds its events. */
export function eventHandlers(deps: CalendarDeps) {
  const { store, clock } = deps;
  return {
    list(container: Container) {
      return (req: Request, res: Response) => {
        const call = openMailbox(deps, req, res, "read");
        const items = store.read(call.tenantId, (t) => eventItems(t, call.owner.id, routeCalendars(t, call, req, container)));
        sendEvents(req, res, call, items, eventsPath(req, container, "events"));
      };
    },
    create(container: Container) {
      return (req: Request, res: Response) => {
        const call = openMailbox(deps, req, res, "write");
        const input = parseEventInput(req.body, true);
        const select = selectOf(req);
        const json = store.write(call.tenantId, (t) => {
          const calendar = container === "" ? defaultCalendarOf(t, call.owner.id) : namedCalendar(t, call, req);
          if (!calendar || (call.calendars !== null && !call.calendars.has(calendar.id))) throw graphErrors.itemNotFound();
          const now = clock.nowMs();
          const event = createEvent(t, call.owner, calendar.id, input, now);
          syncAttendees(t, event, now, false);
          return renderItem({ event }, call, select);
        });
        applyPreferences(res, call.prefs, ["timezone", "body"]);
        res.status(201).json({ "@odata.context": eventsContext(res, call, eventsPath(req, container, "events"), select, true), ...json });
      };
    },
    get(container: Container) {
      return (req: Request, res: Response) => {
        const call = openMailbox(deps, req, res, "read");
        const select = selectOf(req);
        const { json, calendarId } = store.read(call.tenantId, (t) => {
          const item = itemOf(routeEvent(t, call, req, container));
          return { json: renderItem(item, call, select), calendarId: item.event.calendarId };
        });
        applyPreferences(res, call.prefs, ["timezone", "body"]);
        // One event read with $select also links to its calendar (event-get.md).
        const links = select ? calendarLinks(res, call, calendarId) : {};
        res.json({ "@odata.context": eventsContext(res, call, eventsPath(req, container, "events"), select, true), ...json, ...links });
      };
    },
    update(container: Container) {
      return (req: Request, res: Response) => {
        const call = openMailbox(deps, req, res, "write");
        const input = parseEventInput(req.body, false);
        const json = store.write(call.tenantId, (t) => {
          const now = clock.nowMs();
          const ref = routeEvent(t, call, req, container);
          // Invitees the change may remove still have their copies cancelled.
          const former = ref.kind === "stored" && ref.event.isOrganizer ? meetingMailboxes(t, ref.event) : undefined;
          const event = updateRef(t, ref, input, now);
          if (event.type === "exception") syncException(t, event, now);
          else syncAttendees(t, event, now, changesSchedule(input), former);
          return renderItem({ event }, call, undefined);
        });
        applyPreferences(res, call.prefs, ["timezone", "body"]);
        res.json({ "@odata.context": eventsContext(res, call, eventsPath(req, container, "events"), undefined, true), ...json });
      };
    },
    remove(container: Container) {
      return (req: Request, res: Response) => {
        const call = openMailbox(deps, req, res, "write");
        store.write(call.tenantId, (t) => {
          const ref = routeEvent(t, call, req, container);
          // The organizer deleting a meeting sends a cancellation to its attendees (api/event-delete.md).
          if (isMeeting(ref)) cancelMeeting(t, ref, clock.nowMs());
          else deleteRef(t, ref);
        });
        res.status(204).end();
      };
    },
    calendarView(container: Container) {
      return (req: Request, res: Response) => {
        const call = openMailbox(deps, req, res, "read");
        const { fromMs, toMs } = windowOf(req);
        const items = store.read(call.tenantId, (t) => calendarViewWindow(t, call.owner.id, routeCalendars(t, call, req, container), fromMs, toMs));
        sendEvents(req, res, call, items, eventsPath(req, container, "calendarView"));
      };
    },
    instances(container: Container) {
      return (req: Request, res: Response) => {
        const call = openMailbox(deps, req, res, "read");
        const { fromMs, toMs } = windowOf(req);
        const items = store.read(call.tenantId, (t) => {
          const ref = routeEvent(t, call, req, container);
          if (ref.kind !== "stored" || ref.event.type !== "seriesMaster") return [];
          return seriesItems(t, ref.event, fromMs, toMs);
        });
        sendEvents(req, res, call, items, eventsPath(req, container, "instances"));
      };
    },
  };
}
