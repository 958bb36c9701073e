import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CONTOSO, control, emulatorClient, registerApp, signInAs, startTestEmulator, type TestEmulator } from "./helpers.ts";
import type { MicrosoftFunctions } from "../src/index.ts";

/**
 * Throttling and transient failures injected by the emulator's fault rules
 * (Graph's own 429/503/504 wire format): retried with backoff a bounded
 * number of times, then returned in the result.
 */
let emu: TestEmulator;
let client: MicrosoftFunctions;
beforeAll(async () => {
  emu = await startTestEmulator();
  const app = await registerApp(emu, { delegated: ["User.Read"], adminConsent: true });
  client = emulatorClient(emu, app);
  await signInAs(client, emu, { userId: "adele" });
  await client.getUserAccessToken("adele");
});
afterAll(async () => {
  await emu.close();
});
beforeEach(async () => {
  await control(emu, "DELETE", "/faults");
  await control(emu, "DELETE", "/requests");
});

/** Statuses of the Graph requests the emulator's journal recorded, oldest first. */
const statuses = async () => (await control<{ status: number }[]>(emu, "GET", "/requests?area=graph&path=/v1.0/me")).map((e) => e.status);

describe("retries against injected faults", () => {
  it("429 with Retry-After is retried until it passes", async () => {
    await control(emu, "POST", "/faults", { fault: "throttled", match: { area: "graph", path: "/me" }, times: 2, retryAfterSeconds: 0 });
    const r = await client.users.getSignedInUser({ authUserId: "adele" });
    expect(r).toMatchObject({ ok: true, data: { id: CONTOSO.adele.id } });
    expect(await statuses()).toEqual([429, 429, 200]);
  });

  it("503 and 504 are retried", async () => {
    await control(emu, "POST", "/faults", { fault: "service_unavailable", match: { area: "graph", path: "/me" }, times: 1, retryAfterSeconds: 0 });
    await control(emu, "POST", "/faults", { fault: "gateway_timeout", match: { area: "graph", path: "/me" }, times: 1 });
    expect((await client.users.getSignedInUser({ authUserId: "adele" })).ok).toBe(true);
    expect(await statuses()).toEqual([503, 504, 200]);
  });

  it("the bound is kept: after maxRetries the 429 comes back in the result", async () => {
    await control(emu, "POST", "/faults", { fault: "throttled", match: { area: "graph", path: "/me" }, times: 10, retryAfterSeconds: 0 });
    const r = await client.users.getSignedInUser({ authUserId: "adele" });
    expect(r).toMatchObject({ ok: false, error: { code: "TooManyRequests", status: 429 } });
    // maxRetries is 2 in these settings: one attempt and two retries.
    expect(await statuses()).toEqual([429, 429, 429]);
  });
});
