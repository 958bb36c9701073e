import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { errorPathListing } from "./listing.ts";

const out = fileURLToPath(new URL("./ERROR-PATHS.md", import.meta.url));
writeFileSync(out, await errorPathListing());
console.log(`Wrote ${out}`);
