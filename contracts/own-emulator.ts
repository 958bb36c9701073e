import { join } from "node:path";
import { startTestEmulator } from "../test/support/emulator.ts";

/**
 * An emulator of the suite's own, for contract runs against the emulator: the
 * cases move its clock and add faults, and the run's shared emulator has
 * global settings (throttling) that other test files change while these run.
 * Returns the environment `resolveTarget` reads.
 */
export async function ownEmulator(): Promise<{ env: NodeJS.ProcessEnv; close(): Promise<void> }> {
  const emu = await startTestEmulator();
  return {
    env: { ...process.env, GRAPH_EMULATOR_URL: emu.baseUrl, GRAPH_EMULATOR_CA_FILE: join(emu.dataDir, "ca.pem") },
    close: () => emu.close(),
  };
}
