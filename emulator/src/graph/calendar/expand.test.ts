import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { PatternedRecurrence } from "../../store/calendar-types.ts";
import { DAY_MS, formatDate, parseDate } from "./date-time.ts";
import { firstOccurrence, isOccurrenceStart, lastOccurrence, neighbours, occurrencesBetween, seriesOf } from "./expand.ts";
import { normalizeRecurrence } from "./recurrence.ts";
import { localToUtc, resolveZone, utcToLocal } from "./time-zones.ts";

/** Recurrence expansion and time-zone arithmetic, without HTTP. */

const utc = (iso: string) => Date.parse(iso.endsWith("Z") ? iso : `${iso}Z`);
const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

function series(pattern: Record<string, unknown>, range: Record<string, unknown>, start: string, minutes = 60, zone = "UTC") {
  const rec: PatternedRecurrence = normalizeRecurrence({ pattern, range }, zone);
  const iana = resolveZone(zone)!.iana;
  const startMs = localToUtc(utc(start), iana);
  return seriesOf(rec, startMs, startMs + minutes * 60_000, iana);
}

/** Local (wall-clock) dates of every occurrence between two UTC instants. */
function dates(s: ReturnType<typeof series>, from: string, to: string): string[] {
  return occurrencesBetween(s, utc(from), utc(to)).map((ms) => formatDate(Math.floor(utcToLocal(ms, s.iana) / DAY_MS)));
}

describe("pattern types", () => {
  it("daily every 3 days, numbered", () => {
    const s = series({ type: "daily", interval: 3 }, { type: "numbered", startDate: "2027-01-01", numberOfOccurrences: 4 }, "2027-01-01T09:00:00");
    expect(dates(s, "2026-12-01", "2027-03-01")).toEqual(["2027-01-01", "2027-01-04", "2027-01-07", "2027-01-10"]);
  });

  it("weekly on Monday and Friday every 2 weeks, weeks starting on the firstDayOfWeek", () => {
    const s = series(
      { type: "weekly", interval: 2, daysOfWeek: ["friday", "monday"], firstDayOfWeek: "monday" },
      { type: "endDate", startDate: "2027-01-06", endDate: "2027-02-05" },
      "2027-01-06T09:00:00",
    );
    // 6 Jan 2027 is a Wednesday: that week's Friday counts, its Monday is before the start.
    expect(dates(s, "2027-01-01", "2027-03-01")).toEqual(["2027-01-08", "2027-01-18", "2027-01-22", "2027-02-01", "2027-02-05"]);
  });

  it("absoluteMonthly on the 31st falls on the last day of shorter months", () => {
    const s = series({ type: "absoluteMonthly", interval: 1, dayOfMonth: 31 }, { type: "numbered", startDate: "2027-01-31", numberOfOccurrences: 4 }, "2027-01-31T12:00:00");
    expect(dates(s, "2027-01-01", "2028-01-01")).toEqual(["2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30"]);
  });

  it("relativeMonthly: the last Friday, and the first weekday, of every month", () => {
    const last = series({ type: "relativeMonthly", interval: 1, daysOfWeek: ["friday"], index: "last" }, { type: "noEnd", startDate: "2027-01-01" }, "2027-01-01T15:00:00");
    expect(dates(last, "2027-01-01", "2027-04-01")).toEqual(["2027-01-29", "2027-02-26", "2027-03-26"]);
    const weekday = series(
      { type: "relativeMonthly", interval: 2, daysOfWeek: ["monday", "tuesday", "wednesday", "thursday", "friday"], index: "first" },
      { type: "noEnd", startDate: "2027-05-01" },
      "2027-05-01T15:00:00",
    );
    // 1 May 2027 is a Saturday: first weekday is Monday 3 May; then July (Thursday 1st), September (Wednesday 1st).
    expect(dates(weekday, "2027-05-01", "2027-10-01")).toEqual(["2027-05-03", "2027-07-01", "2027-09-01"]);
  });

  it("absoluteYearly on 29 February falls on the 28th in other years", () => {
    const s = series({ type: "absoluteYearly", interval: 1, month: 2, dayOfMonth: 29 }, { type: "numbered", startDate: "2028-02-29", numberOfOccurrences: 3 }, "2028-02-29T08:00:00");
    expect(dates(s, "2028-01-01", "2035-01-01")).toEqual(["2028-02-29", "2029-02-28", "2030-02-28"]);
  });

  it("relativeYearly: the fourth Thursday of November every year until an end date", () => {
    const s = series(
      { type: "relativeYearly", interval: 1, month: 11, daysOfWeek: ["thursday"], index: "fourth" },
      { type: "endDate", startDate: "2027-01-01", endDate: "2029-12-31" },
      "2027-01-01T17:00:00",
    );
    expect(dates(s, "2027-01-01", "2031-01-01")).toEqual(["2027-11-25", "2028-11-23", "2029-11-22"]);
  });
});

describe("ranges and lookups", () => {
  it("noEnd has no last occurrence; numbered and endDate do", () => {
    const noEnd = series({ type: "daily", interval: 1 }, { type: "noEnd", startDate: "2027-01-01" }, "2027-01-01T09:00:00");
    expect(lastOccurrence(noEnd)).toBeUndefined();
    expect(iso(firstOccurrence(noEnd)!)).toBe("2027-01-01T09:00:00Z");
    // Far in the future, the window is reached without walking the years in between.
    expect(dates(noEnd, "2400-03-01", "2400-03-03")).toEqual(["2400-03-01", "2400-03-02"]);
    const numbered = series({ type: "weekly", interval: 1, daysOfWeek: ["tuesday"] }, { type: "numbered", startDate: "2027-01-01", numberOfOccurrences: 3 }, "2027-01-05T09:00:00");
    expect(iso(lastOccurrence(numbered)!)).toBe("2027-01-19T09:00:00Z");
  });

  it("finds neighbours and checks occurrence starts", () => {
    const s = series({ type: "relativeMonthly", interval: 1, daysOfWeek: ["monday"], index: "first" }, { type: "noEnd", startDate: "2027-01-01" }, "2027-01-01T10:00:00");
    const feb = utc("2027-02-01T10:00:00");
    expect(isOccurrenceStart(s, feb)).toBe(true);
    expect(isOccurrenceStart(s, feb + 60_000)).toBe(false);
    const { prev, next } = neighbours(s, feb);
    expect(iso(prev!)).toBe("2027-01-04T10:00:00Z");
    expect(iso(next!)).toBe("2027-03-01T10:00:00Z");
  });
});

describe("time zones", () => {
  it("keeps the wall-clock time across a daylight-saving change", () => {
    const s = series({ type: "weekly", interval: 1, daysOfWeek: ["friday"] }, { type: "numbered", startDate: "2027-03-05", numberOfOccurrences: 3 }, "2027-03-05T09:00:00", 30, "Pacific Standard Time");
    // US daylight saving starts on 14 March 2027: 09:00 PST is 17:00Z, 09:00 PDT is 16:00Z.
    expect(occurrencesBetween(s, utc("2027-03-01"), utc("2027-04-01")).map(iso)).toEqual(["2027-03-05T17:00:00Z", "2027-03-12T17:00:00Z", "2027-03-19T16:00:00Z"]);
  });

  it("a time in the spring-forward gap moves forward; a repeated autumn time takes the first instant", () => {
    const la = "America/Los_Angeles";
    expect(iso(localToUtc(utc("2027-03-14T02:30:00"), la))).toBe("2027-03-14T10:30:00Z");
    expect(iso(localToUtc(utc("2027-11-07T01:30:00"), la))).toBe("2027-11-07T08:30:00Z");
  });

  it("resolves Windows and IANA names case-insensitively and refuses unknown ones", () => {
    expect(resolveZone("pacific standard time")?.iana).toBe("America/Los_Angeles");
    expect(resolveZone("Europe/Berlin")?.iana).toBe("Europe/Berlin");
    expect(resolveZone("europe/berlin")?.iana).toBe("Europe/Berlin");
    expect(resolveZone("UTC")?.iana).toBe("UTC");
    expect(resolveZone("Mars/Olympus")).toBeUndefined();
    expect(resolveZone("")).toBeUndefined();
    expect(resolveZone(42)).toBeUndefined();
  });
});

describe("normalisation", () => {
  it("echoes every field as Outlook does", () => {
    const r = normalizeRecurrence(
      { pattern: { type: "Weekly", interval: 1, daysOfWeek: ["Monday"] }, range: { type: "endDate", startDate: "2017-09-04", endDate: "2017-12-31" } },
      "Pacific Standard Time",
    );
    expect(r).toEqual({
      pattern: { type: "weekly", interval: 1, month: 0, dayOfMonth: 0, daysOfWeek: ["monday"], firstDayOfWeek: "sunday", index: "first" },
      range: { type: "endDate", startDate: "2017-09-04", endDate: "2017-12-31", recurrenceTimeZone: "Pacific Standard Time", numberOfOccurrences: 0 },
    });
  });
});

const patternArb = fc.oneof(
  fc.record({ type: fc.constant("daily"), interval: fc.integer({ min: 1, max: 30 }) }),
  fc.record({
    type: fc.constant("weekly"),
    interval: fc.integer({ min: 1, max: 5 }),
    daysOfWeek: fc.uniqueArray(fc.constantFrom("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"), { minLength: 1, maxLength: 7 }),
    firstDayOfWeek: fc.constantFrom("sunday", "monday", "saturday"),
  }),
  fc.record({ type: fc.constant("absoluteMonthly"), interval: fc.integer({ min: 1, max: 12 }), dayOfMonth: fc.integer({ min: 1, max: 31 }) }),
  fc.record({
    type: fc.constant("relativeMonthly"),
    interval: fc.integer({ min: 1, max: 12 }),
    daysOfWeek: fc.uniqueArray(fc.constantFrom("sunday", "monday", "wednesday", "friday"), { minLength: 1, maxLength: 4 }),
    index: fc.constantFrom("first", "second", "third", "fourth", "last"),
  }),
  fc.record({ type: fc.constant("absoluteYearly"), interval: fc.integer({ min: 1, max: 4 }), month: fc.integer({ min: 1, max: 12 }), dayOfMonth: fc.integer({ min: 1, max: 28 }) }),
  fc.record({
    type: fc.constant("relativeYearly"),
    interval: fc.integer({ min: 1, max: 4 }),
    month: fc.integer({ min: 1, max: 12 }),
    daysOfWeek: fc.uniqueArray(fc.constantFrom("tuesday", "thursday", "saturday"), { minLength: 1, maxLength: 3 }),
    index: fc.constantFrom("first", "last", "third"),
  }),
);
const rangeArb = fc.oneof(
  fc.record({ type: fc.constant("noEnd") }),
  fc.record({ type: fc.constant("numbered"), numberOfOccurrences: fc.integer({ min: 1, max: 60 }) }),
  fc.record({ type: fc.constant("endDate"), days: fc.integer({ min: 0, max: 2000 }) }),
);

describe("property: random patterns and windows", () => {
  it("never throw and only return occurrences that touch the window, in order, without duplicates", () => {
    fc.assert(
      fc.property(
        patternArb,
        rangeArb,
        fc.integer({ min: dayOf("2020-01-01"), max: dayOf("2035-12-31") }),
        fc.integer({ min: 0, max: 1439 }),
        fc.integer({ min: 0, max: 3 * 24 * 60 }),
        fc.constantFrom("UTC", "Pacific Standard Time", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kolkata"),
        fc.integer({ min: -400, max: 4000 }),
        fc.integer({ min: 0, max: 400 }),
        (pattern, rawRange, startDay, minuteOfDay, durationMin, zone, windowOffsetDays, windowDays) => {
          const startDate = formatDate(startDay);
          const range: Record<string, unknown> = { type: rawRange.type, startDate };
          if (rawRange.type === "numbered") range.numberOfOccurrences = rawRange.numberOfOccurrences;
          if (rawRange.type === "endDate") range.endDate = formatDate(startDay + rawRange.days);
          const s = series(pattern, range, `${startDate}T${String(Math.floor(minuteOfDay / 60)).padStart(2, "0")}:${String(minuteOfDay % 60).padStart(2, "0")}:00`, durationMin, zone);
          const from = (startDay + windowOffsetDays) * DAY_MS + minuteOfDay * 7_000;
          const to = from + windowDays * DAY_MS + 3_600_000;
          const starts = occurrencesBetween(s, from, to);
          for (const start of starts) {
            const end = start + s.durationMs;
            expect(start < to && (end > from || (s.durationMs === 0 && start >= from))).toBe(true);
            expect(isOccurrenceStart(s, start)).toBe(true);
          }
          for (let i = 1; i < starts.length; i++) expect(starts[i]!).toBeGreaterThan(starts[i - 1]!);
          if (rawRange.type === "numbered") expect(starts.length).toBeLessThanOrEqual(rawRange.numberOfOccurrences);
          if (rawRange.type === "endDate") {
            for (const start of starts) expect(Math.floor(utcToLocal(start, s.iana) / DAY_MS)).toBeLessThanOrEqual(startDay + rawRange.days);
          }
          for (const start of starts) expect(Math.floor(utcToLocal(start, s.iana) / DAY_MS)).toBeGreaterThanOrEqual(startDay);
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe("property: numbered series", () => {
  it("a window over the whole series holds exactly numberOfOccurrences occurrences", () => {
    fc.assert(
      fc.property(patternArb, fc.integer({ min: 1, max: 40 }), fc.integer({ min: dayOf("2021-01-01"), max: dayOf("2030-12-31") }), (pattern, n, startDay) => {
        const startDate = formatDate(startDay);
        const s = series(pattern, { type: "numbered", startDate, numberOfOccurrences: n }, `${startDate}T10:00:00`, 30, "Europe/Berlin");
        const starts = occurrencesBetween(s, (startDay - 2) * DAY_MS, (startDay + 366 * 4 * 40 + 10) * DAY_MS);
        expect(starts.length).toBe(n);
        expect(starts[n - 1]).toBe(lastOccurrence(s));
      }),
      { numRuns: 200 },
    );
  });
});

function dayOf(date: string): number {
  return parseDate(date)!;
}
