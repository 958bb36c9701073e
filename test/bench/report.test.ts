import { describe, expect, it } from "vitest";
import { median, timingRow } from "../../bench/report.ts";

describe("bench timing rows", () => {
  it("give the middle sample of an odd count", () => {
    expect(timingRow("x", "ms", [300, 100, 200]).median).toBe(200);
  });
  it("give the mean of the two middle samples of an even count, not the lower one", () => {
    expect(timingRow("x", "ms", [11_861, 9_042]).median).toBe(10_451.5);
    expect(timingRow("x", "ms", [4, 1, 3, 2]).median).toBe(2.5);
    expect(median([0.8, 1.2])).toBe(1);
  });
  it("give NaN for no samples, and min and max", () => {
    expect(timingRow("x", "ms", []).median).toBeNaN();
    expect(timingRow("x", "ms", [5, 1, 9])).toMatchObject({ min: 1, max: 9 });
  });
});
