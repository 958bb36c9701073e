import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator } from "../server.ts";
import type { EmulatorOptions } from "../config.ts";

/**
 * A vitest global setup that starts one emulator for the whole run:
 *
 *   // vitest.config.ts
 *   export default defineConfig({ test: { globalSetup: ["graph-emulator/vitest-global-setup"] } });
 *
 * Test workers are started after it, so they inherit GRAPH_EMULATOR_URL and
 * GRAPH_EMULATOR_CA_FILE, and NODE_EXTRA_CA_CERTS makes Node's fetch (and so
 * MSAL) trust the emulator. Each test file then calls
 * `new AdminClient(url, ca).createTenant()` for a tenant of its own.
 * `emulatorGlobalSetup(options)` makes one with other emulator options.
 */
export function emulatorGlobalSetup(options: EmulatorOptions = {}): () => Promise<() => Promise<void>> {
  return () => start(options);
}

export default emulatorGlobalSetup();

async function start(options: EmulatorOptions): Promise<() => Promise<void>> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "graph-emulator-"));
  const emulator = await startEmulator({ port: 0, inMemory: true, quiet: true, ...options, dataDir });
  process.env.GRAPH_EMULATOR_URL = emulator.baseUrl;
  process.env.GRAPH_EMULATOR_CA_FILE = emulator.caFile;
  if (emulator.caFile) process.env.NODE_EXTRA_CA_CERTS = emulator.caFile;
  return async () => {
    await emulator.close();
    if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
}
