import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadOrCreateTls } from "../../emulator/src/tls/certificates.ts";
import { emulatorGlobalSetup } from "../../emulator/src/testing/vitest-global-setup.ts";

/**
 * Makes one local CA for the whole run and trusts it the way users do, with
 * NODE_EXTRA_CA_CERTS: test workers are forked after this, so Node's fetch
 * (which MSAL uses) trusts every emulator the tests start. Also starts one
 * shared emulator through the product's own vitest helper, for the test files
 * that use a tenant of their own on a shared server.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const dir = join(process.cwd(), "node_modules", ".cache", "graph-emulator-test-tls");
  mkdirSync(dir, { recursive: true });
  const tls = await loadOrCreateTls(dir);
  process.env.GRAPH_EMULATOR_TEST_TLS_DIR = dir;
  const sharedDir = mkdtempSync(join(tmpdir(), "graph-emulator-shared-"));
  for (const f of ["ca.pem", "ca-key.pem", "server.pem", "server-key.pem"]) copyFileSync(join(dir, f), join(sharedDir, f));
  const teardown = await emulatorGlobalSetup({ dataDir: sharedDir })();
  // The shared emulator uses the same CA, so one trusted file covers every emulator.
  process.env.NODE_EXTRA_CA_CERTS = tls.caFile;
  return async () => {
    await teardown();
    rmSync(sharedDir, { recursive: true, force: true });
  };
}
