import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GraphError } from "../../errors/graph-error.ts";
import { emptyTenant } from "../../tenants/seed.ts";
import type { TenantState } from "../../store/types.ts";
import { parseEventInput } from "./event-input.ts";
import { itemId } from "./event-view.ts";
import { createEvent, deleteRef, updateRef } from "./events-model.ts";
import { ensureDefaultCalendar } from "./mailbox.ts";
import { calendarViewWindow } from "./views.ts";

const DAY = 86_400_000;
const BASE = Date.UTC(2025, 0, 1);
const PATTERNS = [
  { type: "daily", interval: 1 },
  { type: "daily", interval: 3 },
  { type: "weekly", interval: 1, daysOfWeek: ["monday", "thursday"] },
  { type: "absoluteMonthly", interval: 1, dayOfMonth: 31 },
  { type: "relativeMonthly", interval: 1, daysOfWeek: ["friday"], index: "last" },
];
const ZONES = ["UTC", "Pacific Standard Time", "W. Europe Standard Time"];

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 19);

/**
 * The mailbox's time index (occurrence-index.ts) against the plain path that
 * expands each series on its own (taken when calendars are named): the same
 * items in the same order, for random series, edits, deleted occurrences and
 * windows, through changes that must replace the index.
 */
describe("the mailbox time index over series", () => {
  it("answers every window exactly as expanding each series does", () => {
    const series = fc.record({
      pattern: fc.nat(PATTERNS.length - 1),
      zone: fc.nat(ZONES.length - 1),
      day: fc.nat(200),
      hour: fc.nat(23),
      minutes: fc.constantFrom(0, 30, 90, 60 * 30),
      numbered: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
    });
    const action = fc.oneof(
      fc.record({ kind: fc.constant("deleteOccurrence" as const), series: fc.nat(20), nth: fc.nat(30) }),
      fc.record({ kind: fc.constant("moveOccurrence" as const), series: fc.nat(20), nth: fc.nat(30), hours: fc.integer({ min: -30, max: 30 }) }),
      fc.record({ kind: fc.constant("window" as const), day: fc.integer({ min: -20, max: 260 }), days: fc.integer({ min: 0, max: 100 }) }),
    );
    fc.assert(
      fc.property(fc.array(series, { minLength: 1, maxLength: 12 }), fc.array(action, { minLength: 1, maxLength: 12 }), (specs, actions) => {
        const t = emptyTenant({ id: "11111111-1111-4111-8111-111111111111", displayName: "T", defaultDomain: "t.test", domains: [] }) as TenantState;
        const owner = { id: "owner", displayName: "Owner", address: "owner@t.test" };
        const calendar = ensureDefaultCalendar(t, owner.id);
        const masters = specs.map((s, i) => {
          const start = BASE + s.day * DAY + s.hour * 3_600_000;
          const zone = ZONES[s.zone] as string;
          return createEvent(
            t,
            owner,
            calendar.id,
            parseEventInput(
              {
                subject: `S${i}`,
                start: { dateTime: iso(start), timeZone: zone },
                end: { dateTime: iso(start + s.minutes * 60_000), timeZone: zone },
                recurrence: {
                  pattern: PATTERNS[s.pattern],
                  range: s.numbered ? { type: "numbered", startDate: iso(start).slice(0, 10), numberOfOccurrences: s.numbered } : { type: "noEnd", startDate: iso(start).slice(0, 10) },
                },
              },
              true,
            ),
            BASE,
          );
        });
        for (const a of actions) {
          if (a.kind === "window") {
            const from = BASE + a.day * DAY;
            const to = from + a.days * DAY + 3_600_000;
            const indexed = calendarViewWindow(t, owner.id, null, from, to).all().map(itemId);
            const plain = calendarViewWindow(t, owner.id, new Set([calendar.id]), from, to).all().map(itemId);
            expect(indexed).toEqual(plain);
            continue;
          }
          const master = masters[a.series % masters.length]!;
          const items = calendarViewWindow(t, owner.id, new Set([calendar.id]), master.startMs, master.startMs + 200 * DAY).all();
          const occurrence = items.filter((item) => item.event === master)[a.nth % Math.max(1, items.length)];
          if (!occurrence || occurrence.occurrenceStartMs === undefined) continue;
          const ref = { kind: "occurrence" as const, master, originalStartMs: occurrence.occurrenceStartMs };
          if (a.kind === "deleteOccurrence") deleteRef(t, ref);
          else {
            const start = occurrence.occurrenceStartMs + a.hours * 3_600_000;
            try {
              updateRef(t, ref, parseEventInput({ start: { dateTime: iso(start), timeZone: "UTC" }, end: { dateTime: iso(start + 1_800_000), timeZone: "UTC" } }, false), BASE);
            } catch (err) {
              // Outlook refuses to move an occurrence past its neighbours (ErrorOccurrenceCrossingBoundary): nothing changed.
              if (!(err instanceof GraphError)) throw err;
            }
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
