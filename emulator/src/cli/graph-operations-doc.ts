import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { graphOperationsListing } from "../graph/operations-listing.ts";

/** Writes docs/graph-operations.md from the operation table (`npm run docs:operations`). */
const out = fileURLToPath(new URL("../../../docs/graph-operations.md", import.meta.url));
writeFileSync(out, graphOperationsListing());
console.log(`Wrote ${out}`);
