/** The emulator's public API. */
export { startEmulator, type RunningEmulator } from "./server.ts";
export { DEFAULTS, type EmulatorOptions } from "./config.ts";
export { emulatorNetworkClient, rewriteToEmulator } from "./msal/network-client.ts";
export { parseDuration } from "./clock.ts";
export { AdminClient, AdminError, type CreatedTenant } from "./admin/admin-client.ts";
export { FAULT_NAMES, type FaultName } from "./faults/schema.ts";
export type { JournalEntry } from "./journal/journal.ts";
