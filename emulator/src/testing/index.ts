/**
 * `graph-emulator/testing`: helpers for tests that run against the emulator.
 * - startEmulator (re-exported), whose `emu.fetch` trusts the emulator's CA;
 * - trustingDispatcher / trustCaGlobally: trust the emulator's CA in this process or thread without
 *   NODE_EXTRA_CA_CERTS (for MSAL and the Graph SDKs, which use the global fetch);
 * - FormBrowser, signInWithCode and signInWithDeviceCode: drive the sign-in, consent and device
 *   code pages headlessly.
 */
export { startEmulator, type RunningEmulator } from "../server.ts";
export { AdminClient, type CreatedTenant } from "../admin/admin-client.ts";
export { trustCaGlobally, trustingDispatcher } from "../tls/trust.ts";
export { FormBrowser, parseForms, redirectParams, type HtmlForm, type Step } from "./form-browser.ts";
export { signInWithCode, signInWithDeviceCode, type DeviceCodeSignInOptions, type SignInOptions } from "./sign-in.ts";
