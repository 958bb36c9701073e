import { readFileSync } from "node:fs";
import { trustCaGlobally } from "../tls/trust.ts";

/**
 * A vitest setup file (`setupFiles: ["graph-emulator/vitest-setup"]`) that makes each test worker
 * trust the emulator the global setup started, whatever the pool. The global setup's
 * NODE_EXTRA_CA_CERTS reaches forked workers (the default `forks` pool) only: worker threads
 * (`pool: "threads"`) share the process, which read that variable when it started. This sets the
 * thread's global fetch (MSAL, the Graph SDKs) and node:https to trust the CA instead.
 */
const caFile = process.env.GRAPH_EMULATOR_CA_FILE;
if (caFile) trustCaGlobally(readFileSync(caFile, "utf8"));
