import { defineConfig } from "vitest/config";
import { postgresUnavailable, redisUnavailable } from "./test/support/db-servers.ts";

/**
 * The client suite runs again on each persistent token store: lowdb (encrypted),
 * and PostgreSQL and Redis on throwaway servers where their binaries are
 * installed (client/test/stores/ names the reason when they are not).
 */
const stores = [
  { store: "lowdb", available: true },
  { store: "postgres", available: !postgresUnavailable() },
  { store: "redis", available: !redisUnavailable() },
].filter((s) => s.available);

const env = { GRAPH_EMULATOR_STORE_AUDIT: "1" };

export default defineConfig({
  test: {
    exclude: ["**/node_modules/**", "test/e2e/**", "test/package/**"],
    globalSetup: ["test/support/global-setup.ts"],
    pool: "forks",
    testTimeout: 30_000,
    // Every write must note what it changed, or the file-backed store would lose it: fail loudly in tests.
    env,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: { name: "all", include: ["emulator/**/*.test.ts", "client/**/*.test.ts", "contracts/**/*.test.ts", "test/**/*.test.ts"] },
      },
      ...stores.map(({ store }) => ({
        extends: true as const,
        test: {
          name: `client-${store}`,
          include: ["client/test/*.test.ts"],
          env: { ...env, CLIENT_TEST_STORE: store },
          globalSetup: ["test/support/global-setup.ts", "test/support/store-servers-setup.ts"],
        },
      })),
    ],
  },
});
