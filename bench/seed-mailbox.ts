import type { Store } from "../emulator/src/store/store.ts";
import { parseEventInput } from "../emulator/src/graph/calendar/event-input.ts";
import { createEvent } from "../emulator/src/graph/calendar/events-model.ts";
import { ensureDefaultCalendar } from "../emulator/src/graph/calendar/mailbox.ts";

/**
 * Fills one mailbox of the in-process emulator with `singles` events and
 * `series` recurring series (daily, weekly, monthly, relative monthly), spread
 * over four years from 2024-01-01, the way test/graph/calendar-performance
 * does, through the calendar model so indexes stay right. Direct, because
 * 10,000 POSTs would take longer than the measurement.
 */
export function seedMailbox(store: Store, tenantId: string, owner: { id: string; upn: string; displayName: string }, singles: number, series: number): void {
  store.write(tenantId, (t) => {
    const calendar = ensureDefaultCalendar(t, owner.id);
    const who = { id: owner.id, displayName: owner.displayName, address: owner.upn };
    const base = Date.UTC(2024, 0, 1);
    const now = Date.now();
    for (let i = 0; i < singles; i++) {
      const start = new Date(base + (i % 1500) * 86_400_000 + (i % 9) * 3_600_000).toISOString().slice(0, 19);
      const end = new Date(Date.parse(`${start}Z`) + 1_800_000).toISOString().slice(0, 19);
      createEvent(t, who, calendar.id, parseEventInput({ subject: `Single ${i}`, start: { dateTime: start, timeZone: "UTC" }, end: { dateTime: end, timeZone: "UTC" } }, true), now);
    }
    const patterns = [
      { type: "daily", interval: 1 },
      { type: "weekly", interval: 1, daysOfWeek: ["monday", "thursday"] },
      { type: "absoluteMonthly", interval: 1, dayOfMonth: 15 },
      { type: "relativeMonthly", interval: 1, daysOfWeek: ["friday"], index: "last" },
    ];
    for (let i = 0; i < series; i++) {
      const day = new Date(base + (i % 700) * 86_400_000).toISOString().slice(0, 10);
      const input = parseEventInput(
        {
          subject: `Series ${i}`,
          start: { dateTime: `${day}T09:00:00`, timeZone: "Pacific Standard Time" },
          end: { dateTime: `${day}T09:30:00`, timeZone: "Pacific Standard Time" },
          recurrence: { pattern: patterns[i % patterns.length], range: { type: i % 2 ? "noEnd" : "numbered", startDate: day, numberOfOccurrences: 200 } },
        },
        true,
      );
      createEvent(t, who, calendar.id, input, now);
    }
  });
}
