import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { graphOperationsListing } from "../../emulator/src/graph/operations-listing.ts";

describe("Graph operations page", () => {
  it("docs/graph-operations.md is the listing generated from the operation table (run `npm run docs:operations` after changing rows)", () => {
    const committed = readFileSync(new URL("../../docs/graph-operations.md", import.meta.url), "utf8");
    expect(committed).toBe(graphOperationsListing());
  });
});
