import type { Request, Response } from "express";
import { graphErrors } from "../../errors/graph-error.ts";
import { ctxOf } from "../../http/request-context.ts";
import { openMailbox, type CalendarDeps } from "./access.ts";
import { arr, has, int, isObject, prop, str } from "./body-values.ts";
import { DAY_MS, formatLocal } from "./date-time.ts";
import { parseTime } from "./event-input.ts";
import { busyItems, statusOver, VIEW_DIGIT } from "./free-busy.ts";
import { workingHoursOf } from "./mailbox.ts";
import { findUser } from "../../directory/users.ts";
import { applyPreferences } from "./prefer.ts";
import { utcToLocal, type Zone } from "./time-zones.ts";

/** Limits of getSchedule (api/calendar-getschedule.md): 20 schedules, under 42 days, 5 to 1440 minute slots. */
export const MAX_SCHEDULES = 20;
export const MAX_SCHEDULE_DAYS = 42;

const dtz = (utcMs: number, zone: Zone) => ({ dateTime: formatLocal(utcToLocal(utcMs, zone.iana)), timeZone: zone.name });

/** POST /calendar/getSchedule: free/busy of up to 20 mailboxes (availabilityView, scheduleItems, workingHours). */
export function getScheduleHandler(deps: CalendarDeps) {
  return (req: Request, res: Response) => {
    const call = openMailbox(deps, req, res, "read");
    if (req.body === undefined) throw graphErrors.emptyPayload();
    if (!isObject(req.body)) throw graphErrors.requestBodyRead("The request body must be a JSON object with the parameters of 'getSchedule'.");
    const body = req.body;
    if (!has(body, "schedules") || !has(body, "startTime") || !has(body, "endTime")) {
      throw graphErrors.invalidScheduleRequest("The parameters schedules, startTime and endTime are required.");
    }
    const schedules = arr(prop(body, "schedules"), "Edm.String").map((s) => str(s));
    if (schedules.length === 0) throw graphErrors.invalidScheduleRequest("At least one schedule must be requested.");
    if (schedules.length > MAX_SCHEDULES) throw graphErrors.invalidScheduleRequest(`A maximum of ${MAX_SCHEDULES} schedules can be requested at a time.`);
    const start = parseTime(prop(body, "startTime"));
    const end = parseTime(prop(body, "endTime"));
    if (end.utcMs <= start.utcMs) throw graphErrors.invalidScheduleRequest("The endTime must be after the startTime.");
    if (end.utcMs - start.utcMs > MAX_SCHEDULE_DAYS * DAY_MS) {
      throw graphErrors.invalidScheduleRequest(`The requested time period must be less than ${MAX_SCHEDULE_DAYS} days.`);
    }
    const rawInterval = prop(body, "availabilityViewInterval");
    const interval = rawInterval === undefined || rawInterval === null ? 30 : int(rawInterval);
    if (interval < 5 || interval > 1440) throw graphErrors.invalidScheduleRequest("The availabilityViewInterval must be between 5 and 1440 minutes.");
    const slotMs = interval * 60_000;
    const zone = call.prefs.zone;
    const value = deps.store.read(call.tenantId, (t) =>
      schedules.map((scheduleId) => {
        const user = findUser(t, scheduleId, "mailbox");
        if (!user) {
          // What Exchange answers for an address it cannot resolve (microsoft-graph-docs#11225).
          return { scheduleId, error: { message: `Unable to resolve e-mail address ${scheduleId} to an Active Directory object.`, responseCode: "5009" } };
        }
        const items = busyItems(t, user.id, start.utcMs, end.utcMs);
        let availabilityView = "";
        for (let s = start.utcMs; s < end.utcMs; s += slotMs) availabilityView += VIEW_DIGIT[statusOver(items, s, Math.min(s + slotMs, end.utcMs))];
        const wh = workingHoursOf(t, user.id);
        return {
          scheduleId,
          availabilityView,
          scheduleItems: items.map((i) => ({
            isPrivate: i.isPrivate,
            status: i.status,
            ...(i.isPrivate ? {} : { subject: i.subject, location: i.location }),
            start: dtz(i.startMs, zone),
            end: dtz(i.endMs, zone),
          })),
          workingHours: { daysOfWeek: [...wh.daysOfWeek], startTime: wh.startTime, endTime: wh.endTime, timeZone: { name: wh.timeZone.name } },
        };
      }),
    );
    applyPreferences(res, call.prefs, ["timezone"]);
    res.json({ "@odata.context": `${ctxOf(res).origin}/v1.0/$metadata#Collection(microsoft.graph.scheduleInformation)`, value });
  };
}
