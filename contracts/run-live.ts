import { spawnSync } from "node:child_process";
import { LIVE_VARIABLES, missingLiveVariables } from "./target.ts";

/** `npm run test:contracts:live`: the contract suite against live Microsoft, or a clear list of what it needs. */
const missing = missingLiveVariables();
if (missing.length > 0) {
  console.error("The live contract run needs these environment variables:\n");
  for (const [name, meaning] of Object.entries(LIVE_VARIABLES)) {
    console.error(`  ${missing.includes(name) ? "MISSING " : "        "}${name}: ${meaning}`);
  }
  console.error("\nSee README.md, 'Contract tests against Microsoft'.");
  process.exit(2);
}
const result = spawnSync(process.execPath, ["node_modules/vitest/vitest.mjs", "run", "contracts"], {
  stdio: "inherit",
  env: { ...process.env, GRAPH_CONTRACT_TARGET: "live" },
});
process.exit(result.status ?? 1);
