// (b) A consumer's TypeScript, checked with tsc strict + NodeNext against the installed .d.ts.
import { AdminClient, startEmulator, type RunningEmulator } from "graph-emulator";
import { createMicrosoftFunctions, type MicrosoftFunctions } from "graph-emulator/client";
import { signInWithCode, trustCaGlobally } from "graph-emulator/testing";
import { emulatorGlobalSetup } from "graph-emulator/vitest-global-setup";

export async function demo(): Promise<string> {
  const emu: RunningEmulator = await startEmulator({ port: 0, inMemory: true });
  trustCaGlobally(emu.caCert);
  const admin: AdminClient = emu.admin;
  const tenant = await admin.createTenant();
  const fns: MicrosoftFunctions = createMicrosoftFunctions({ tenantId: tenant.id, clientId: "x", clientSecret: "y", redirectUri: "http://localhost/cb" });
  const res: Response = await emu.fetch("/_emulator/health");
  const { params } = await signInWithCode({ authorizeUrl: `${emu.baseUrl}/x`, username: "u", password: "p", consent: "accept" });
  void fns;
  void emulatorGlobalSetup({ fixtures: "x" });
  await emu.close();
  return `${res.status} ${params.get("code") ?? ""}`;
}
