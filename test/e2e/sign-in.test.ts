import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchChromium, newContext, screenshots } from "./support/browser.ts";
import { expectAccessible } from "./support/a11y.ts";
import { CONTOSO, addEventTomorrow, startSampleApp, startTestEmulator, type SampleApp, type TestEmulator } from "./support/stack.ts";

/**
 * The whole loop in a real browser: the sample app (Express + msal-node, its
 * own process) sends Chromium to the emulator's sign-in and consent pages and
 * gets it back with a code, then shows Graph data.
 */
let emu: TestEmulator;
let sample: SampleApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let calendarReady = false;

beforeAll(async () => {
  emu = await startTestEmulator();
  sample = await startSampleApp(emu);
  calendarReady = await addEventTomorrow(emu, CONTOSO.adele.id, "Design review with Megan");
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await sample?.close();
  await emu?.close();
});
beforeEach(async () => {
  context = await newContext(browser);
  page = await context.newPage();
});
afterEach(async () => {
  await context.close();
});

describe("sign-in from the sample app", () => {
  it("signs in with a username and password by keyboard, accepts consent, and shows the profile and next events", async () => {
    await page.goto(sample.url);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Contoso Portal");
    await screenshots(page, "sample-signed-out");

    await page.getByRole("link", { name: "Sign in with Microsoft" }).click();
    await page.waitForURL((u) => u.origin === emu.baseUrl && u.pathname.endsWith("/oauth2/v2.0/authorize"));
    expect(await page.locator("h1").textContent()).toBe("Sign in");
    expect(await page.textContent("body")).toContain("Contoso Portal sample");
    await expectAccessible(page, "sign-in page");
    await screenshots(page, "emulator-sign-in");

    // Keyboard only: the labels lead to the fields, Enter submits.
    await page.getByLabel("Email or username").focus();
    await page.keyboard.type(CONTOSO.adele.upn);
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("password");
    await page.keyboard.type("wrong password");
    await page.keyboard.press("Enter");
    await page.waitForLoadState();
    expect(await page.getByRole("alert").textContent()).toContain("AADSTS50126");
    await screenshots(page, "emulator-sign-in-wrong-password");

    await page.getByLabel("Email or username").fill(CONTOSO.adele.upn);
    await page.getByLabel("Password").fill(CONTOSO.adele.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForLoadState();
    expect(await page.locator("h1").textContent()).toBe("Permissions requested");
    const perms = await page.locator(".perms li code").allTextContents();
    expect(perms).toEqual(["User.Read", "Calendars.Read"]);
    expect(await page.textContent(".perms")).toContain("Sign you in and read your profile");
    expect(await page.locator("#consent_for_org").count()).toBe(0);
    await expectAccessible(page, "consent page");
    await screenshots(page, "emulator-consent");

    await page.getByRole("button", { name: "Accept" }).click();
    await page.waitForURL(`${sample.url}/`);
    expect(await page.locator("h1").textContent()).toBe("Hello, Adele Vance");
    expect(await page.textContent("#profile-h + dl")).toContain("Retail Manager");
    const events = await page.locator("section[aria-labelledby=events-h]").textContent();
    if (calendarReady) expect(events).toContain("Design review with Megan");
    else expect(events).toContain("No calendar access");
    await expectAccessible(page, "sample app home");
    await screenshots(page, "sample-home");

    // Signing out goes through the emulator's logout and back to the app.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${sample.url}/`);
    expect(await page.locator("h1").textContent()).toBe("Contoso Portal");
  });

  it("shows the sample app's own message when the user declines consent (AADSTS65004)", async () => {
    await page.goto(`${sample.url}/signin`);
    await page.getByRole("button", { name: /Diego Siciliani/ }).click();
    await page.waitForLoadState();
    expect(await page.locator("h1").textContent()).toBe("Permissions requested");
    await page.getByRole("button", { name: "Cancel" }).click();
    await page.waitForURL((u) => u.origin === sample.url);
    expect(await page.locator("h1").textContent()).toBe("You did not give consent");
    const alert = await page.getByRole("alert").textContent();
    expect(alert).toContain("consent_required");
    expect(alert).toContain("AADSTS65004");
    await screenshots(page, "sample-consent-declined");
  });

  it("lets an administrator consent for the organization to a permission that needs admin consent", async () => {
    const url = new URL(`${emu.baseUrl}/${CONTOSO.id}/oauth2/v2.0/authorize`);
    url.search = new URLSearchParams({
      client_id: sample.clientId,
      response_type: "code",
      redirect_uri: `${sample.url}/auth/callback`,
      scope: "openid profile User.Read User.Read.All",
      state: "admin-consent",
    }).toString();
    await page.goto(url.toString());
    await page.getByRole("button", { name: /Megan Bowen/ }).click();
    await page.waitForLoadState();
    expect(await page.locator(".perms li").filter({ hasText: "User.Read.All" }).textContent()).toContain("Admin consent required");
    const org = page.getByLabel(/Consent on behalf of your organization/);
    await expectAccessible(page, "admin consent page");
    await screenshots(page, "emulator-consent-admin");
    await org.check();
    await page.getByRole("button", { name: "Accept" }).click();
    await page.waitForURL((u) => u.origin === sample.url && u.searchParams.get("state") === "admin-consent");
    const grants = await emu.admin.consents(CONTOSO.id);
    expect(grants.find((g) => g.clientId === sample.clientId && g.consentType === "AllPrincipals")?.scopes).toEqual(["User.Read", "User.Read.All"]);
  });

  it("refuses a non-administrator a permission that needs admin consent, on an error page (AADSTS90094)", async () => {
    const url = new URL(`${emu.baseUrl}/${CONTOSO.id}/oauth2/v2.0/authorize`);
    url.search = new URLSearchParams({
      client_id: sample.clientId,
      response_type: "code",
      redirect_uri: `${sample.url}/auth/callback`,
      scope: "User.Read Directory.Read.All",
      prompt: "login",
    }).toString();
    await page.goto(url.toString());
    await page.getByRole("button", { name: /Alex Wilber/ }).click();
    await page.waitForLoadState();
    expect(await page.locator(".code").textContent()).toBe("AADSTS90094");
    expect(await page.locator("h1").textContent()).toBe("Admin approval needed");
    await screenshots(page, "emulator-error-admin-approval");
  });
});

describe("error pages", () => {
  it("explains a redirect URI mismatch (AADSTS50011): code, plain explanation and what to fix", async () => {
    const url = new URL(`${emu.baseUrl}/${CONTOSO.id}/oauth2/v2.0/authorize`);
    url.search = new URLSearchParams({
      client_id: sample.clientId,
      response_type: "code",
      redirect_uri: "http://localhost:1/not-registered/callback",
      scope: "User.Read",
    }).toString();
    const response = await page.goto(url.toString());
    expect(response?.status()).toBe(400);
    expect(await page.locator(".code").textContent()).toBe("AADSTS50011");
    expect(await page.locator("h1").textContent()).toBe("Redirect URI mismatch");
    const text = await page.textContent("main");
    expect(text).toContain("not registered for it");
    expect(text).toContain("How to fix");
    expect(text).toContain("http://localhost:1/not-registered/callback");
    await expectAccessible(page, "error page");
    await screenshots(page, "emulator-error-redirect-uri");
  });

  it("explains an unknown application (AADSTS700016)", async () => {
    await page.goto(`${emu.baseUrl}/${CONTOSO.id}/oauth2/v2.0/authorize?client_id=00000000-1111-2222-3333-444444444444&response_type=code&scope=User.Read`);
    expect(await page.locator(".code").textContent()).toBe("AADSTS700016");
    expect(await page.locator("h1").textContent()).toBe("Unknown application");
    await screenshots(page, "emulator-error-unknown-app");
  });
});

describe("without JavaScript", () => {
  it("signs in and consents with plain forms", async () => {
    const noJs = await newContext(browser, { javaScriptEnabled: false });
    try {
      const p = await noJs.newPage();
      await p.goto(`${sample.url}/signin`);
      await p.getByLabel("Email or username").fill(CONTOSO.megan.upn);
      await p.getByLabel("Password").fill(CONTOSO.megan.password);
      await p.getByRole("button", { name: "Sign in", exact: true }).click();
      await p.waitForLoadState();
      if ((await p.locator("h1").textContent()) === "Permissions requested") await p.getByRole("button", { name: "Accept" }).click();
      await p.waitForURL(`${sample.url}/`);
      expect(await p.locator("h1").textContent()).toBe("Hello, Megan Bowen");
    } finally {
      await noJs.close();
    }
  });
});
