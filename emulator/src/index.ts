/** The emulator's public API. */
export { startEmulator, type RunningEmulator } from "./server.ts";
export { DEFAULTS, type EmulatorOptions } from "./config.ts";
export { emulatorNetworkClient, rewriteToEmulator } from "./msal/network-client.ts";
export { parseDuration } from "./clock.ts";
