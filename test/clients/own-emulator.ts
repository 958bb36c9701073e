import { afterAll, beforeAll } from "vitest";
import type { AdminClient, CreatedTenant } from "../../emulator/src/index.ts";
import { startTestEmulator, type TestEmulator } from "../support/emulator.ts";

/**
 * An emulator of the test file's own, with a tenant cloned from Contoso. Not the run's shared
 * emulator: tests there move its clock (faults.test.ts) and turn on throttling for every app,
 * and clients that check token times (MSAL Python) or retry on 429 (the Kiota SDK) would see it.
 */
export interface OwnEmulator {
  emu: TestEmulator;
  baseUrl: string;
  admin: AdminClient;
  tenant: CreatedTenant;
  adele: { id: string; userPrincipalName: string };
}

export function ownEmulator(displayName: string): OwnEmulator {
  const own = {} as OwnEmulator;
  beforeAll(async () => {
    own.emu = await startTestEmulator();
    own.baseUrl = own.emu.baseUrl;
    own.admin = own.emu.admin;
    own.tenant = await own.admin.createTenant({ displayName });
    own.adele = own.tenant.users.find((u) => u.displayName === "Adele Vance")!;
  });
  afterAll(async () => {
    await own.emu?.close();
  });
  return own;
}

/** An app of the cloned tenant, by display name, with its secret. */
export function appOf(tenant: CreatedTenant, displayName: string): { appId: string; clientSecret: string } {
  const app = tenant.applications.find((a) => a.displayName === displayName);
  if (!app?.clientSecret) throw new Error(`No app ${displayName} in the cloned tenant`);
  return { appId: app.appId, clientSecret: app.clientSecret };
}
