import type { DeepReadonly } from "../../store/store.ts";
import type { FreeBusyStatus, WorkingHours } from "../../store/calendar-types.ts";
import type { TenantState } from "../../store/types.ts";
import { DAY_MS, dayOf } from "./date-time.ts";
import { itemEndMs, itemStartMs } from "./event-view.ts";
import { defaultCalendarOf } from "./mailbox.ts";
import { DAYS } from "./recurrence.ts";
import { resolveZone, utcToLocal } from "./time-zones.ts";
import { calendarViewItems } from "./views.ts";

type Tenant = DeepReadonly<TenantState> | TenantState;

/** One busy block of a mailbox's default calendar, as free/busy sees it. */
export interface BusyItem {
  startMs: number;
  endMs: number;
  status: FreeBusyStatus;
  subject: string;
  location: string;
  isPrivate: boolean;
}

/** Strength of a status when blocks overlap: out of office beats busy beats tentative. */
const RANK: Record<FreeBusyStatus, number> = { free: 0, unknown: 0, workingElsewhere: 1, tentative: 2, busy: 3, oof: 4 };

/** availabilityView digits (api/calendar-getschedule.md). */
export const VIEW_DIGIT: Record<FreeBusyStatus, string> = { free: "0", unknown: "0", tentative: "1", busy: "2", oof: "3", workingElsewhere: "4" };

/** Blocks of a mailbox's default calendar in a window: cancelled and free items are left out. */
export function busyItems(t: Tenant, ownerId: string, fromMs: number, toMs: number): BusyItem[] {
  const calendar = defaultCalendarOf(t, ownerId);
  if (!calendar) return [];
  return calendarViewItems(t, ownerId, new Set([calendar.id]), fromMs, toMs)
    .filter((item) => !item.event.isCancelled && item.event.showAs !== "free" && item.event.showAs !== "unknown")
    .map((item) => ({
      startMs: itemStartMs(item),
      endMs: itemEndMs(item),
      status: item.event.showAs,
      subject: item.event.subject,
      location: item.event.location.displayName,
      isPrivate: item.event.sensitivity === "private",
    }));
}

/** The strongest status over [fromMs, toMs). */
export function statusOver(items: readonly BusyItem[], fromMs: number, toMs: number): FreeBusyStatus {
  let best: FreeBusyStatus = "free";
  for (const i of items) {
    if (i.startMs < toMs && i.endMs > fromMs && RANK[i.status] > RANK[best]) best = i.status;
  }
  return best;
}

const timeOfDay = (text: string) => {
  const [h = "0", m = "0", s = "0"] = text.split(/[:.]/);
  return ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000;
};

/** Whether [startMs, endMs) lies inside working hours; `anyDay` ignores the working days (findMeetingTimes' personal domain). */
export function withinWorkingHours(wh: WorkingHours, startMs: number, endMs: number, anyDay = false): boolean {
  const iana = resolveZone(wh.timeZone.name)?.iana ?? "UTC";
  const ls = utcToLocal(startMs, iana);
  const le = utcToLocal(endMs, iana);
  const day = dayOf(ls);
  if (dayOf(le - 1) !== day && endMs > startMs) return false;
  if (!anyDay && !wh.daysOfWeek.includes(DAYS[(((day + 4) % 7) + 7) % 7] as WorkingHours["daysOfWeek"][number])) return false;
  const from = ls - day * DAY_MS;
  const to = le - day * DAY_MS;
  return from >= timeOfDay(wh.startTime) && to <= timeOfDay(wh.endTime);
}
