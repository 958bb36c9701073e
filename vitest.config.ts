import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["emulator/**/*.test.ts", "client/**/*.test.ts", "contracts/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "test/e2e/**", "test/package/**"],
    globalSetup: ["test/support/global-setup.ts"],
    pool: "forks",
    testTimeout: 30_000,
    // Every write must note what it changed, or the file-backed store would lose it: fail loudly in tests.
    env: { GRAPH_EMULATOR_STORE_AUDIT: "1" },
    hookTimeout: 30_000,
  },
});
