import { parseEventInput } from "../graph/calendar/event-input.ts";
import { createEvent } from "../graph/calendar/events-model.ts";
import { newChangeKey, newICalUId, newId } from "../graph/calendar/ids.ts";
import { DEFAULT_CALENDAR_NAME } from "../graph/calendar/mailbox.ts";
import type { Calendar, CalendarEvent, TenantState } from "../store/types.ts";
import { emptyTenant } from "./seed.ts";

/**
 * Synthetic calendars for scale tests: `events` events across the users of a
 * synthetic tenant, about one in twenty a recurring series, and one "big"
 * mailbox (user 1) with `bigMailbox.events` events of which `bigMailbox.series`
 * are series. Events are made by the calendar model itself (so they are
 * exactly what Graph writes would store) and then given ids drawn from the
 * seeded generator, so the same seed gives the same calendars.
 */
export interface SyntheticCalendarOptions {
  events: number;
  bigMailbox: { events: number; series: number };
}

export const CALENDAR_DEFAULTS: SyntheticCalendarOptions = { events: 0, bigMailbox: { events: 10_000, series: 500 } };

/** Events are spread over these two years, around the emulator's present. */
const FROM = Date.UTC(2026, 0, 1);
const DAYS = 730;
const CREATED = Date.UTC(2025, 11, 1);
const ZONES = ["UTC", "Pacific Standard Time", "W. Europe Standard Time", "Tokyo Standard Time", "Eastern Standard Time"];
const SUBJECTS = ["Standup", "1:1", "Design review", "Planning", "Customer call", "Lunch", "Focus time", "Retro", "Interview", "All hands"];
const PATTERNS = [
  { type: "daily", interval: 1 },
  { type: "weekly", interval: 1, daysOfWeek: ["monday", "wednesday"] },
  { type: "weekly", interval: 2, daysOfWeek: ["friday"] },
  { type: "absoluteMonthly", interval: 1, dayOfMonth: 12 },
  { type: "relativeMonthly", interval: 1, daysOfWeek: ["tuesday"], index: "first" },
  { type: "absoluteYearly", interval: 1, dayOfMonth: 3, month: 6 },
];

export interface Mailbox {
  id: string;
  displayName: string;
  address: string;
}

/** How many events (and series) each user's mailbox gets: user 1 the big mailbox, the rest evenly. */
export function eventsPerMailbox(users: number, options: SyntheticCalendarOptions, index: number): { events: number; series: number } {
  if (options.events <= 0 || users < 2 || index < 1) return { events: 0, series: 0 };
  const big = Math.min(options.bigMailbox.events, options.events);
  if (index === 1) return { events: big, series: Math.min(options.bigMailbox.series, big) };
  const rest = options.events - big;
  const others = users - 2;
  if (others <= 0) return { events: 0, series: 0 };
  const events = Math.floor(rest / others) + (index - 2 < rest % others ? 1 : 0);
  return { events, series: Math.floor(events / 20) };
}

const pad = (n: number) => String(n).padStart(2, "0");
const local = (ms: number) => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:00`;
};

/** The default calendar and events of one mailbox, deterministic for (seed, mailbox). */
export function mailboxCalendar(owner: Mailbox, counts: { events: number; series: number }, random: () => number): { calendar: Calendar; events: CalendarEvent[] } {
  const bytes = () => {
    const b = Buffer.alloc(16);
    for (let i = 0; i < 16; i += 4) b.writeUInt32BE(Math.floor(random() * 2 ** 32), i);
    return b;
  };
  const calendar: Calendar = { id: newId("calendar", owner.id, bytes()), ownerId: owner.id, name: DEFAULT_CALENDAR_NAME, isDefault: true, color: "auto", hexColor: "", changeKey: newChangeKey(bytes()), shares: [] };
  const scratch: TenantState = emptyTenant({ id: "00000000-0000-4000-8000-000000000000", displayName: "scratch", defaultDomain: "scratch.invalid", domains: [] });
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  for (let i = 0; i < counts.events; i++) {
    const day = Math.floor(random() * DAYS);
    const startMs = FROM + day * 86_400_000 + (7 + Math.floor(random() * 11)) * 3_600_000 + (random() < 0.5 ? 0 : 1_800_000);
    const minutes = pick([15, 30, 30, 45, 60, 60, 90, 120]);
    const zone = pick(ZONES);
    const body: Record<string, unknown> = {
      subject: `${pick(SUBJECTS)} ${i + 1}`,
      start: { dateTime: local(startMs), timeZone: zone },
      end: { dateTime: local(startMs + minutes * 60_000), timeZone: zone },
      showAs: random() < 0.85 ? "busy" : "tentative",
    };
    if (i < counts.series) {
      const pattern = pick(PATTERNS);
      const startDate = local(startMs).slice(0, 10);
      const r = random();
      body.recurrence = {
        pattern,
        range:
          r < 0.4
            ? { type: "numbered", startDate, numberOfOccurrences: 5 + Math.floor(random() * 60) }
            : r < 0.8
              ? { type: "endDate", startDate, endDate: local(startMs + (30 + Math.floor(random() * 300)) * 86_400_000).slice(0, 10) }
              : { type: "noEnd", startDate },
      };
    }
    let e: CalendarEvent;
    try {
      e = createEvent(scratch, owner, calendar.id, parseEventInput(body, true), CREATED);
    } catch {
      // An end date before the pattern's first day: a numbered range always has occurrences.
      const recurrence = body.recurrence as { range: { startDate: string } };
      recurrence.range = { type: "numbered", startDate: recurrence.range.startDate, numberOfOccurrences: 10 } as typeof recurrence.range;
      e = createEvent(scratch, owner, calendar.id, parseEventInput(body, true), CREATED);
    }
    e.id = newId("event", owner.id, bytes());
    e.iCalUId = newICalUId(CREATED, bytes());
    e.changeKey = newChangeKey(bytes());
  }
  return { calendar, events: scratch.events };
}
