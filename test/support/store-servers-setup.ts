import type { TestProject } from "vitest/node";
import { startPostgres, startRedis, type ThrowawayServer } from "./db-servers.ts";

declare module "vitest" {
  export interface ProvidedContext {
    clientTestPgUrl: string;
    clientTestRedisUrl: string;
  }
}

/**
 * Global setup of the vitest projects that run the client suite on PostgreSQL
 * or Redis (vitest.config.ts): one throwaway server for the whole run, whose
 * URL reaches the test workers through vitest's provide/inject.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const servers: ThrowawayServer[] = [];
  const kind = project.config.env?.CLIENT_TEST_STORE;
  if (kind === "postgres") {
    const pg = await startPostgres();
    servers.push(pg);
    project.provide("clientTestPgUrl", pg.url);
  }
  if (kind === "redis") {
    const redis = await startRedis();
    servers.push(redis);
    project.provide("clientTestRedisUrl", redis.url);
  }
  return async () => {
    for (const s of servers) await s.stop();
  };
}
