import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { launchChromium, newContext, screenshots } from "./support/browser.ts";
import { expectAccessible } from "./support/a11y.ts";
import { CONTOSO, startTestEmulator, type TestEmulator } from "./support/stack.ts";

/** The device code verification page in Chromium: same look and accessibility checks as the other sign-in pages. */
let emu: TestEmulator;
let browser: Browser;
beforeAll(async () => {
  emu = await startTestEmulator();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await emu?.close();
});

describe("device code verification page", () => {
  it("takes the code by keyboard, then signs in on the usual page", async () => {
    const app = await emu.admin.createApplication(CONTOSO.id, { displayName: "Contoso CLI", publicClient: true, delegatedPermissions: ["User.Read"], adminConsent: true });
    const res = await fetch(`${emu.authority(CONTOSO.id)}/oauth2/v2.0/devicecode`, { method: "POST", body: new URLSearchParams({ client_id: app.appId, scope: "User.Read" }) });
    const dc = (await res.json()) as { user_code: string; verification_uri: string; device_code: string };
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      await page.goto(dc.verification_uri);
      expect(await page.locator("h1").textContent()).toBe("Enter code");
      await expectAccessible(page, "device code page");
      await screenshots(page, "emulator-device-code");
      await page.getByLabel("Code", { exact: true }).focus();
      await page.keyboard.type("WRONGCODE");
      await page.keyboard.press("Enter");
      await page.waitForLoadState();
      expect(await page.getByRole("alert").textContent()).toContain("That code didn't work");
      await expectAccessible(page, "device code page with an error");
      await page.getByLabel("Code", { exact: true }).fill(dc.user_code);
      await page.getByRole("button", { name: "Next" }).click();
      await page.waitForLoadState();
      expect(await page.locator("h1").textContent()).toBe("Sign in");
      expect(await page.textContent("body")).toContain("Contoso CLI");
      await page.getByLabel("Email or username").fill(CONTOSO.adele.upn);
      await page.getByLabel("Password").fill(CONTOSO.adele.password);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await page.waitForLoadState();
      expect(await page.locator("h1").textContent()).toBe("You're signed in");
      await expectAccessible(page, "device code done page");
    } finally {
      await context.close();
    }
    const polled = await fetch(`${emu.authority(CONTOSO.id)}/oauth2/v2.0/token`, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:device_code", client_id: app.appId, device_code: dc.device_code }),
    });
    expect(polled.status).toBe(200);
  });
});
