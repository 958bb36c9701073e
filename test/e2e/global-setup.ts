import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { loadOrCreateTls } from "../../emulator/src/tls/certificates.ts";

/**
 * One local CA for the run, trusted by Node through NODE_EXTRA_CA_CERTS the
 * way users trust it (test workers and the sample app's process inherit it).
 * Chromium is told to accept the emulator's certificate per context instead.
 * Screenshots of a previous run are cleared.
 */
export default async function setup(): Promise<void> {
  const dir = join(process.cwd(), "node_modules", ".cache", "graph-emulator-test-tls");
  mkdirSync(dir, { recursive: true });
  const tls = await loadOrCreateTls(dir);
  process.env.GRAPH_EMULATOR_TEST_TLS_DIR = dir;
  if (tls.caFile) process.env.NODE_EXTRA_CA_CERTS = tls.caFile;
  const shots = join(process.cwd(), "test-results", "screenshots");
  rmSync(shots, { recursive: true, force: true });
  mkdirSync(shots, { recursive: true });
}
