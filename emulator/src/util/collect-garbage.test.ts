import { describe, expect, it } from "vitest";
import { collectGarbage } from "./collect-garbage.ts";

describe("collectGarbage", () => {
  it("frees what nothing refers to any more, without putting gc on the global object", () => {
    let garbage: { n: number; s: string }[] | undefined = Array.from({ length: 400_000 }, (_, n) => ({ n, s: `item ${n}` }));
    const withGarbage = process.memoryUsage().heapUsed;
    expect(garbage.length).toBe(400_000);
    garbage = undefined;
    collectGarbage();
    expect(withGarbage - process.memoryUsage().heapUsed).toBeGreaterThan(10 * 2 ** 20);
    expect("gc" in globalThis).toBe(false);
  });
});
