import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CalendarEvent } from "../../store/calendar-types.ts";
import { EventWindow, EventsRun, OccurrencesRun, type Run } from "./event-window.ts";
import { itemStartMs, type EventItem } from "./event-view.ts";

const event = (id: string, startMs: number) => ({ id, startMs }) as CalendarEvent;
const key = (item: EventItem) => `${itemStartMs(item)}|${item.event.id}`;
const order = (a: EventItem, b: EventItem) => itemStartMs(a) - itemStartMs(b) || (a.event.id < b.event.id ? -1 : a.event.id > b.event.id ? 1 : 0);

describe("EventWindow", () => {
  it("pages exactly as sorting every item would, for any runs, skip and size", () => {
    const starts = fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 12 }).map((a) => [...a].sort((x, y) => x - y));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.constantFrom("a", "b", "c", "d"), starts), { maxLength: 8 }),
        fc.nat(60),
        fc.nat(30),
        (specs, skip, size) => {
          const runs: Run[] = specs.map(([stored, id, s], i) =>
            stored
              ? new EventsRun(s.map((start, j) => event(`${id}${i}-${j}`, start)).sort((x, y) => x.startMs - y.startMs || (x.id < y.id ? -1 : 1)))
              : new OccurrencesRun(event(`${id}${i}`, s[0] ?? 0), { starts: [0, ...new Set(s)], lo: 1, hi: new Set(s).size + 1 }),
          );
          const window = new EventWindow(runs);
          const every: EventItem[] = runs.flatMap((r) => Array.from({ length: r.length }, (_, i) => r.itemAt(i))).sort(order);
          expect(window.count).toBe(every.length);
          expect(window.slice(skip, size).map(key)).toEqual(every.slice(skip, skip + size).map(key));
          expect(window.all().map(key)).toEqual(every.map(key));
        },
      ),
      { numRuns: 500 },
    );
  });
});
