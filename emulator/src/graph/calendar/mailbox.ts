import { notePut, noteUnchanged } from "../../store/changes.ts";
import type { DeepReadonly, Store } from "../../store/store.ts";
import type { WorkingHours } from "../../store/calendar-types.ts";
import type { Calendar, TenantState, User } from "../../store/types.ts";
import { newChangeKey, newId } from "./ids.ts";

/**
 * Mailboxes and their calendars. Every user of a tenant has a mailbox with a
 * default calendar named "Calendar", created on first use, so users added
 * later (control plane or Graph) get one too.
 */

export const DEFAULT_CALENDAR_NAME = "Calendar";

/** Exchange's default working hours when a mailbox has none set. */
export const DEFAULT_WORKING_HOURS: WorkingHours = {
  daysOfWeek: ["monday", "tuesday", "wednesday", "thursday", "friday"],
  startTime: "08:00:00.0000000",
  endTime: "17:00:00.0000000",
  timeZone: { name: "UTC" },
};

type ReadTenant = DeepReadonly<TenantState> | TenantState;

/** The SMTP address of a mailbox: mail, else the UPN. */
export function addressOf(user: DeepReadonly<User> | User): string {
  return user.mail ?? user.userPrincipalName;
}

export function calendarsOf<T extends ReadTenant>(t: T, ownerId: string): T["calendars"][number][] {
  return t.calendars.filter((c) => c.ownerId === ownerId) as T["calendars"][number][];
}

export function defaultCalendarOf<T extends ReadTenant>(t: T, ownerId: string): T["calendars"][number] | undefined {
  return t.calendars.find((c) => c.ownerId === ownerId && c.isDefault) as T["calendars"][number] | undefined;
}

/** The default calendar of a mailbox, created when missing (inside a write). */
export function ensureDefaultCalendar(t: TenantState, ownerId: string): Calendar {
  const existing = defaultCalendarOf(t, ownerId);
  if (existing) {
    noteUnchanged(t);
    return existing;
  }
  const calendar: Calendar = {
    id: newId("calendar", ownerId),
    ownerId,
    name: DEFAULT_CALENDAR_NAME,
    isDefault: true,
    color: "auto",
    hexColor: "",
    changeKey: newChangeKey(),
    shares: [],
  };
  t.calendars.push(calendar);
  notePut(t, "calendars", calendar);
  return calendar;
}

/** Makes sure a mailbox has its default calendar, writing only when it is missing. */
export function ensureMailbox(store: Store, tenantId: string, ownerId: string): void {
  if (store.read(tenantId, (t) => defaultCalendarOf(t, ownerId) !== undefined)) return;
  store.write(tenantId, (t) => ensureDefaultCalendar(t, ownerId));
}

export function workingHoursOf(t: ReadTenant, ownerId: string): WorkingHours {
  return (defaultCalendarOf(t, ownerId)?.workingHours as WorkingHours | undefined) ?? DEFAULT_WORKING_HOURS;
}
