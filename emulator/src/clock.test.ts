import { describe, expect, it } from "vitest";
import { Clock, parseDuration } from "./clock.ts";

const SECOND = 1000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

describe("parseDuration", () => {
  it.each([
    ["P91D", 91 * DAY],
    ["PT2H", 2 * HOUR],
    ["P1DT1H", DAY + HOUR],
    ["PT0.5S", 0.5 * SECOND],
    ["PT1H30M", HOUR + 30 * 60_000],
    ["P1W", 7 * DAY],
    ["P1Y", 365 * DAY],
    ["P1M", 30 * DAY],
    ["PT1M", 60_000],
    ["P0D", 0],
  ])("parses %s", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["P", "PT", "P1DT", "91D", "", "T1H", "P-1D", "PT2H ", "p1d", "1 day", "P1H"])("rejects %j", (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe("Clock", () => {
  /** A clock over a fake real-time source that the test controls. */
  function fakeClock(start = Date.UTC(2026, 0, 1)) {
    let real = start;
    const clock = new Clock(() => real);
    return { clock, tick: (ms: number) => (real += ms) };
  }

  it("runs with real time and no offset by default", () => {
    const { clock, tick } = fakeClock();
    expect(clock.offsetMs).toBe(0);
    expect(clock.now().toISOString()).toBe("2026-01-01T00:00:00.000Z");
    tick(1500);
    expect(clock.nowMs()).toBe(Date.UTC(2026, 0, 1) + 1500);
    expect(clock.nowSeconds()).toBe(Date.UTC(2026, 0, 1) / 1000 + 1);
  });

  it("advance moves now forward and accumulates, while real time keeps running", () => {
    const { clock, tick } = fakeClock();
    clock.advance(91 * DAY);
    expect(clock.offsetMs).toBe(91 * DAY);
    expect(clock.now().toISOString()).toBe("2026-04-02T00:00:00.000Z");
    clock.advance(2 * HOUR);
    expect(clock.offsetMs).toBe(91 * DAY + 2 * HOUR);
    tick(SECOND);
    expect(clock.now().toISOString()).toBe("2026-04-02T02:00:01.000Z");
    clock.advance(0);
    expect(clock.offsetMs).toBe(91 * DAY + 2 * HOUR);
  });

  it("advance refuses negative and non-finite amounts and leaves the clock unchanged", () => {
    const { clock } = fakeClock();
    clock.advance(HOUR);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(-DAY)).toThrow(/only moves forward/);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
    expect(() => clock.advance(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(clock.offsetMs).toBe(HOUR);
  });

  it("set jumps to a given time, backwards as well as forwards", () => {
    const { clock, tick } = fakeClock();
    clock.set(new Date("2027-01-01T00:00:00Z"));
    expect(clock.now().toISOString()).toBe("2027-01-01T00:00:00.000Z");
    tick(SECOND);
    expect(clock.now().toISOString()).toBe("2027-01-01T00:00:01.000Z");
    clock.set(new Date("2025-06-01T12:00:00Z"));
    expect(clock.now().toISOString()).toBe("2025-06-01T12:00:00.000Z");
    expect(clock.offsetMs).toBeLessThan(0);
  });

  it("reset returns to real time", () => {
    const { clock } = fakeClock();
    clock.advance(91 * DAY);
    clock.reset();
    expect(clock.offsetMs).toBe(0);
    expect(clock.now().toISOString()).toBe("2026-01-01T00:00:00.000Z");
    clock.set(new Date("2030-01-01T00:00:00Z"));
    clock.reset();
    expect(clock.offsetMs).toBe(0);
  });

  it("uses Date.now when no time source is given", () => {
    const clock = new Clock();
    const before = Date.now();
    const now = clock.nowMs();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});
