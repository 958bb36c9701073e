import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { errorPathListing } from "./listing.ts";

describe("error path listing", () => {
  it("contracts/ERROR-PATHS.md is the listing generated from the suite (run `npm run contracts:list` after changing cases)", async () => {
    const committed = readFileSync(new URL("./ERROR-PATHS.md", import.meta.url), "utf8");
    expect(committed).toBe(await errorPathListing());
  });
});
