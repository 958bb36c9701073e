import { notePut, noteRemove } from "../../store/changes.ts";
import type { Request, Response } from "express";
import { graphErrors } from "../../errors/graph-error.ts";
import type { DeepReadonly } from "../../store/store.ts";
import type { Calendar, TenantState } from "../../store/types.ts";
import { openMailbox, type CalendarDeps, type MailboxCall } from "./access.ts";
import { enumValue, isObject, optStr, prop } from "./body-values.ts";
import { eventIndex, removeEvent } from "./event-index.ts";
import { decodeId, newChangeKey, newId } from "./ids.ts";
import { calendarsOf, defaultCalendarOf } from "./mailbox.ts";
import { calendarJson } from "./calendar-view.ts";
import { calendarsContext } from "./context.ts";

const COLORS = ["auto", "lightBlue", "lightGreen", "lightOrange", "lightGray", "lightYellow", "lightTeal", "lightPink", "lightBrown", "lightRed", "maxColor"] as const;
const HEX: Record<string, string> = {
  auto: "", lightBlue: "#a6d1f5", lightGreen: "#87d28e", lightOrange: "#fcab73", lightGray: "#c0c0c0", lightYellow: "#f4d07a",
  lightTeal: "#62d3d3", lightPink: "#f09bd7", lightBrown: "#d5b595", lightRed: "#f38b8d", maxColor: "",
};

type ReadTenant = DeepReadonly<TenantState> | TenantState;

/** A calendar the caller may use, by id: 400 when malformed, 404 when unknown or not shared with them. */
export function calendarById<T extends ReadTenant>(t: T, call: MailboxCall, id: string): T["calendars"][number] {
  const decoded = decodeId(id);
  if (!decoded) throw graphErrors.idMalformed();
  const c = calendarsOf(t, call.owner.id).find((x) => x.id === id);
  if (!c || decoded.kind !== "calendar" || (call.calendars !== null && !call.calendars.has(c.id))) throw graphErrors.itemNotFound();
  return c;
}

/** The calendar a route names: /calendar (default) or /calendars/{id}. */
export function namedCalendar<T extends ReadTenant>(t: T, call: MailboxCall, req: Request): T["calendars"][number] {
  const id = req.params.calendarId;
  if (typeof id === "string") return calendarById(t, call, id);
  const c = defaultCalendarOf(t, call.owner.id);
  if (!c || (call.calendars !== null && !call.calendars.has(c.id))) throw graphErrors.itemNotFound();
  return c;
}

function readCalendarBody(req: Request, creating: boolean): { name?: string; color?: string } {
  if (req.body === undefined) throw graphErrors.emptyPayload();
  if (!isObject(req.body)) throw graphErrors.requestBodyRead("The request body must be a JSON object describing a microsoft.graph.calendar.");
  const name = optStr(prop(req.body, "name"));
  const rawColor = prop(req.body, "color");
  const color = rawColor === undefined || rawColor === null ? undefined : enumValue(rawColor, COLORS);
  if (creating && !name?.trim()) throw graphErrors.propertyValidationFailure();
  if (name !== undefined && name !== null && !name.trim()) throw graphErrors.propertyValidationFailure();
  return { ...(name ? { name: name.trim() } : {}), ...(color ? { color } : {}) };
}

/** Exchange's answer to a second folder of the same name (EWS ErrorFolderExists). */

export function calendarHandlers(deps: CalendarDeps) {
  const { store } = deps;
  return {
    get() {
      return (req: Request, res: Response) => {
        const call = openMailbox(deps, req, res, "read");
        const json = store.read(call.tenantId, (t) => calendarJson(res, namedCalendar(t, call, req), call));
        res.json({ "@odata.context": calendarsContext(res, req, call, true), ...json });
      };
    },
    list() {
      return (req: Request, res: Response) => {
        const call = openMailbox(deps, req, res, "read");
        const value = store.read(call.tenantId, (t) =>
          calendarsOf(t, call.owner.id)
            .filter((c) => call.calendars === null || call.calendars.has(c.id))
            .map((c) => calendarJson(res, c, call)),
        );
        res.json({ "@odata.context": calendarsContext(res, req, call), value });
      };
    },
    create() {
      return (req: Request, res: Response) => {
        const call = openMailbox(deps, req, res, "write");
        const input = readCalendarBody(req, true);
        const json = store.write(call.tenantId, (t) => {
          const mine = calendarsOf(t, call.owner.id);
          if (mine.some((c) => c.name.toLowerCase() === (input.name as string).toLowerCase())) throw graphErrors.folderExists();
          const color = input.color ?? "auto";
          const c: Calendar = { id: newId("calendar", call.owner.id), ownerId: call.owner.id, name: input.name as string, isDefault: false, color, hexColor: HEX[color] ?? "", changeKey: newChangeKey(), shares: [] };
          t.calendars.push(c);
          notePut(t, "calendars", c);
          return calendarJson(res, c, call);
        });
        res.status(201).json({ "@odata.context": calendarsContext(res, req, call, true), ...json });
      };
    },
    update() {
      return (req: Request, res: Response) => {
        const call = openMailbox(deps, req, res, "write");
        const input = readCalendarBody(req, false);
        const json = store.write(call.tenantId, (t) => {
          const c = namedCalendar(t, call, req);
          if (input.name && input.name.toLowerCase() !== c.name.toLowerCase()) {
            if (calendarsOf(t, call.owner.id).some((x) => x.name.toLowerCase() === (input.name as string).toLowerCase())) throw graphErrors.folderExists();
          }
          if (input.name) c.name = input.name;
          if (input.color) {
            c.color = input.color;
            c.hexColor = HEX[input.color] ?? "";
          }
          c.changeKey = newChangeKey();
          notePut(t, "calendars", c);
          return calendarJson(res, c, call);
        });
        res.json({ "@odata.context": calendarsContext(res, req, call, true), ...json });
      };
    },
    remove() {
      return (req: Request, res: Response) => {
        const call = openMailbox(deps, req, res, "write");
        store.write(call.tenantId, (t) => {
          const c = namedCalendar(t, call, req);
          if (c.isDefault) throw graphErrors.deleteDefaultCalendar();
          for (const e of [...eventIndex(t).ofOwner(call.owner.id)]) if (e.calendarId === c.id) removeEvent(t, e);
          t.calendars.splice(t.calendars.indexOf(c), 1);
          noteRemove(t, "calendars", c);
        });
        res.status(204).end();
      };
    },
  };
}
