import { readFileSync } from "node:fs";
import { AdminClient, type CreatedTenant } from "../../emulator/src/index.ts";

/** The emulator that the global setup started for the whole run, through the product's vitest helper. */
export function sharedEmulator(): { baseUrl: string; caCert: string; admin: AdminClient } {
  const baseUrl = process.env.GRAPH_EMULATOR_URL;
  const caFile = process.env.GRAPH_EMULATOR_CA_FILE;
  if (!baseUrl || !caFile) throw new Error("The shared emulator was not started by the global setup");
  const caCert = readFileSync(caFile, "utf8");
  return { baseUrl, caCert, admin: new AdminClient(baseUrl, caCert) };
}

export function appOf(tenant: CreatedTenant, displayName: string): { appId: string; clientSecret: string } {
  const app = tenant.applications.find((a) => a.displayName === displayName);
  if (!app?.clientSecret) throw new Error(`No app ${displayName} in the cloned tenant`);
  return { appId: app.appId, clientSecret: app.clientSecret };
}
