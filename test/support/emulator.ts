import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type RunningEmulator } from "../../emulator/src/index.ts";
import type { EmulatorDeps } from "../../emulator/src/server.ts";

export const CONTOSO = {
  id: "6e8c4f2a-1b3d-4c5e-9f7a-0b1c2d3e4f50",
  domain: "contoso.onmicrosoft.com",
  webApp: {
    clientId: "3f6a1c2e-8b4d-4e7f-9a1b-2c3d4e5f6a71",
    secret: "contoso-web-portal-secret-value",
    redirectUri: "http://localhost:3000/auth/callback",
  },
  daemon: { clientId: "9a3b5c7d-1e2f-4a6b-8c0d-2e4f6a8b0c13", secret: "contoso-daemon-secret-value" },
  teamTools: { clientId: "d4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f82", secret: "contoso-team-tools-secret-value" },
  adele: { id: "87d349ed-44d7-43e1-9a83-5f2406dee5bd", upn: "AdeleV@contoso.onmicrosoft.com", password: "Passw0rd!" },
  megan: { id: "48d31887-5fad-4d73-a9f5-3c356e68a038", upn: "MeganB@contoso.onmicrosoft.com", password: "Passw0rd!" },
  disabled: { upn: "JohannaL@contoso.onmicrosoft.com", password: "Passw0rd!" },
} as const;

export const FABRIKAM = {
  id: "c5a9b7d1-2e4f-4a6b-8c0d-1e2f3a4b5c60",
  scheduler: { clientId: "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d94", secret: "fabrikam-scheduler-secret-value" },
  ann: { upn: "AnnB@fabrikam.onmicrosoft.com", password: "Passw0rd!" },
} as const;

export interface TestEmulator extends RunningEmulator {
  dataDir: string;
}

/**
 * Starts an isolated emulator on a free port with in-memory state, reusing the
 * run's CA (trusted through NODE_EXTRA_CA_CERTS by the global setup).
 */
export async function startTestEmulator(options: { inMemory?: boolean; corsOrigins?: string[] } = {}, deps: EmulatorDeps = {}): Promise<TestEmulator> {
  const tlsDir = process.env.GRAPH_EMULATOR_TEST_TLS_DIR;
  if (!tlsDir) throw new Error("test/support/global-setup.ts did not run");
  const dataDir = mkdtempSync(join(tmpdir(), "graph-emulator-test-"));
  for (const f of ["ca.pem", "ca-key.pem", "server.pem", "server-key.pem"]) copyFileSync(join(tlsDir, f), join(dataDir, f));
  const emulator = await startEmulator({ port: 0, dataDir, quiet: true, ...options, inMemory: options.inMemory ?? true }, deps);
  const close = emulator.close.bind(emulator);
  return {
    ...emulator,
    dataDir,
    async close() {
      await close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
