import type { Response } from "express";
import type { DeepReadonly } from "../../store/store.ts";
import type { Calendar } from "../../store/types.ts";
import type { MailboxCall } from "./access.ts";
import { calendarId } from "./context.ts";

/** A calendar as Graph returns it to the caller, its @odata.id first (calendar-get.md, user-list-calendars.md). */
export function calendarJson(res: Response, c: DeepReadonly<Calendar> | Calendar, call: MailboxCall): Record<string, unknown> {
  const own = call.calendars === null;
  const canEdit = own || c.shares.some((s) => s.role === "write");
  return {
    "@odata.id": calendarId(res, call, c.id),
    id: c.id,
    name: c.name,
    color: c.color,
    hexColor: c.hexColor,
    isDefaultCalendar: c.isDefault,
    changeKey: c.changeKey,
    canShare: own && c.isDefault,
    canViewPrivateItems: own,
    canEdit,
    allowedOnlineMeetingProviders: ["teamsForBusiness"],
    defaultOnlineMeetingProvider: "teamsForBusiness",
    isTallyingResponses: true,
    isRemovable: !c.isDefault,
    owner: { name: call.owner.displayName, address: call.owner.address },
  };
}
