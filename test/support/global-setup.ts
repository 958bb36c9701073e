import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { loadOrCreateTls } from "../../emulator/src/tls/certificates.ts";

/**
 * Makes one local CA for the whole run and trusts it the way users do, with
 * NODE_EXTRA_CA_CERTS: test workers are forked after this, so Node's fetch
 * (which MSAL uses) trusts every emulator the tests start.
 */
export default async function setup(): Promise<void> {
  const dir = join(process.cwd(), "node_modules", ".cache", "graph-emulator-test-tls");
  mkdirSync(dir, { recursive: true });
  const tls = await loadOrCreateTls(dir);
  process.env.NODE_EXTRA_CA_CERTS = tls.caFile;
  process.env.GRAPH_EMULATOR_TEST_TLS_DIR = dir;
}
