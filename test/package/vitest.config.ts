import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * The package as users get it: `npm pack`, installed into a scratch project outside the
 * repository, used from plain Node, tsc, vitest (both pools) and `npx graph-emulator`.
 * `npm run test:package`; CI runs it on Node 20 and 24.
 */
export default defineConfig({
  test: {
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["test/package/**/*.test.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
