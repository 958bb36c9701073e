import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CONTOSO, emulatorClient, moveClock, registerApp, signInAs, startTestEmulator, type TestEmulator } from "./helpers.ts";

/**
 * Automatic renewal: a user who signed in once and never came back keeps
 * working in background jobs when renewRefreshTokens() runs regularly.
 * MSAL keeps its own clock, so the client's Date follows the emulator's.
 */
let emu: TestEmulator;
beforeEach(async () => {
  emu = await startTestEmulator();
});
afterEach(async () => {
  vi.useRealTimers();
  await emu.close();
});

async function advanceBoth(duration: string) {
  await moveClock(emu, duration);
  vi.setSystemTime(emu.clock.now());
}

describe("renewRefreshTokens", () => {
  it("run every 30 emulator days, keeps a user who signed in once working after 180 days", async () => {
    const app = await registerApp(emu, { delegated: ["User.Read"] });
    const client = emulatorClient(emu, app);
    await signInAs(client, emu, { userId: "absent" });
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(emu.clock.now());
    for (let day = 30; day <= 180; day += 30) {
      await advanceBoth("P30D");
      const report = await client.renewRefreshTokens();
      expect(report, `day ${day}`).toEqual({ renewed: ["absent"], skipped: [], failed: [] });
    }
    const me = await client.users.getSignedInUser({ authUserId: "absent" });
    expect(me).toMatchObject({ ok: true, data: { id: CONTOSO.adele.id } });
  });

  it("with the emulator's clock injected (ClientOptions.now), keeps a user alive for 180 emulator days without faking Date", async () => {
    const app = await registerApp(emu, { delegated: ["User.Read"] });
    const client = emulatorClient(emu, app, {}, { now: () => emu.clock.now() });
    await signInAs(client, emu, { userId: "absent" });
    const started = Date.now();
    for (let day = 30; day <= 180; day += 30) {
      await moveClock(emu, "P30D");
      const report = await client.renewRefreshTokens();
      expect(report, `day ${day}`).toEqual({ renewed: ["absent"], skipped: [], failed: [] });
      // The binding's refresh time is the emulator's, so the next sweep measures 30 days from it.
      const refreshedAt = new Date((await client.signIn.getBinding({ authUserId: "absent" }))!.refreshedAt).getTime();
      expect(Math.abs(refreshedAt - emu.clock.now().getTime())).toBeLessThan(60_000);
    }
    expect(Date.now() - started).toBeLessThan(86_400_000);
    const me = await client.users.getSignedInUser({ authUserId: "absent" });
    expect(me).toMatchObject({ ok: true, data: { id: CONTOSO.adele.id } });
    // A sweep right after a renewal skips the user: by the emulator's clock nothing is due.
    expect(await client.renewRefreshTokens()).toEqual({ renewed: [], skipped: ["absent"], failed: [] });
  });

  it("without the emulator's clock, a sweep after moving only the emulator's clock skips the user (the system clock says nothing is due)", async () => {
    const app = await registerApp(emu, { delegated: ["User.Read"] });
    const client = emulatorClient(emu, app);
    await signInAs(client, emu, { userId: "absent" });
    await moveClock(emu, "P60D");
    expect(await client.renewRefreshTokens()).toEqual({ renewed: [], skipped: ["absent"], failed: [] });
    // renewAfterDays: 0 renews whatever the clocks say.
    expect(await client.renewRefreshTokens({ renewAfterDays: 0 })).toEqual({ renewed: ["absent"], skipped: [], failed: [] });
  });

  it("without it, the same user gets RefreshTokenInvalid after 180 days, and the sweep then reports the user", async () => {
    const app = await registerApp(emu, { delegated: ["User.Read"] });
    const client = emulatorClient(emu, app);
    await signInAs(client, emu, { userId: "absent" });
    vi.useFakeTimers({ toFake: ["Date"] });
    await advanceBoth("P180D");
    await expect(client.users.getSignedInUser({ authUserId: "absent" })).rejects.toMatchObject({ code: "RefreshTokenInvalid", aadsts: 700082 });
    const report = await client.renewRefreshTokens();
    expect(report.renewed).toEqual([]);
    expect(report.failed).toMatchObject([{ userId: "absent", code: "RefreshTokenInvalid" }]);
  });

  it("leaves recently refreshed users alone, and keeps going past a user whose token is dead", async () => {
    const app = await registerApp(emu, { delegated: ["User.Read"] });
    const client = emulatorClient(emu, app, { renewal: { renewAfterDays: 10 } });
    await signInAs(client, emu, { userId: "fresh", user: CONTOSO.megan });
    await signInAs(client, emu, { userId: "stale", user: CONTOSO.adele });
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(emu.clock.now());
    expect(await client.renewRefreshTokens()).toEqual({ renewed: [], skipped: ["fresh", "stale"], failed: [] });
    await advanceBoth("P11D");
    await client.tokenStore.updateUser("stale", (u) => ({ ...u, cache: "{}" }));
    const report = await client.renewRefreshTokens();
    expect(report.renewed).toEqual(["fresh"]);
    expect(report.failed).toMatchObject([{ userId: "stale", code: "RefreshTokenInvalid" }]);
  });

  it("startRenewal runs the sweep on an interval until stopped", async () => {
    const app = await registerApp(emu, { delegated: ["User.Read"] });
    const client = emulatorClient(emu, app, { renewal: { renewAfterDays: 0 } });
    await signInAs(client, emu, { userId: "timer" });
    const reports: unknown[] = [];
    const timer = client.startRenewal({ intervalMs: 20, onReport: (r) => reports.push(r) });
    await vi.waitFor(() => expect(reports.length).toBeGreaterThanOrEqual(2), { timeout: 5000 });
    timer.stop();
    const count = reports.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(reports.length).toBeLessThanOrEqual(count + 1);
    expect(reports[0]).toEqual({ renewed: ["timer"], skipped: [], failed: [] });
    client.close();
  });
});
