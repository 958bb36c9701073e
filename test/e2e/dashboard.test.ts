import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchChromium, newContext, screenshots } from "./support/browser.ts";
import { expectAccessible } from "./support/a11y.ts";
import { CONTOSO, addEventTomorrow, startSampleApp, startTestEmulator, type SampleApp, type TestEmulator } from "./support/stack.ts";

/** The dashboard at /_emulator/ui in a real browser, and what its actions do to a running app. */
let emu: TestEmulator;
let sample: SampleApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let ui: string;

beforeAll(async () => {
  emu = await startTestEmulator();
  ui = `${emu.baseUrl}/_emulator/ui`;
  sample = await startSampleApp(emu);
  // Consent ahead, so signing in goes straight back to the app.
  await emu.admin.grantConsent(CONTOSO.id, { clientId: sample.clientId, consentType: "AllPrincipals", scopes: ["User.Read", "Calendars.Read"] });
  await addEventTomorrow(emu, CONTOSO.adele.id, "Budget planning");
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
  emu.faults.clear();
});

async function signInToSample(p: Page, who: string): Promise<void> {
  await p.goto(`${sample.url}/signin`);
  await p.getByRole("button", { name: new RegExp(who) }).click();
  await p.waitForURL(`${sample.url}/`);
}

describe("dashboard pages", () => {
  it("shows tenants, applications with permissions, consents and service principals, users, calendars, requests, faults and the clock", async () => {
    await signInToSample(page, "Adele Vance");

    await page.goto(`${ui}/`);
    expect(await page.locator("h1").textContent()).toBe("Overview");
    expect(await page.textContent("main")).toContain("Contoso");
    await expectAccessible(page, "dashboard overview");
    await screenshots(page, "dashboard-overview");

    await page.getByRole("link", { name: "Tenants", exact: true }).click();
    expect(await page.locator("h1").textContent()).toBe("Tenants");
    await screenshots(page, "dashboard-tenants");

    await page.getByRole("link", { name: "Contoso", exact: true }).click();
    expect(await page.locator("h1").textContent()).toBe("Contoso");
    const app = page.locator("section", { has: page.getByRole("heading", { name: "Contoso Portal sample" }) });
    expect(await app.textContent()).toContain("User.Read");
    expect(await app.textContent()).toContain("All users (admin consent)");
    expect(await page.textContent("main")).toContain("Fabrikam Scheduler");
    await expectAccessible(page, "dashboard applications");
    await screenshots(page, "dashboard-applications");

    await page.getByRole("link", { name: "Users", exact: true }).click();
    const adele = page.locator(`#user-${CONTOSO.adele.id}`);
    expect(await adele.textContent()).toContain("1 active");
    expect(await page.locator(`#user-${CONTOSO.megan.id}`).textContent()).toContain("Global Administrator");
    await expectAccessible(page, "dashboard users");
    await screenshots(page, "dashboard-users");

    await page.getByRole("link", { name: "Calendars", exact: true }).click();
    expect(await page.textContent("main")).toContain("Budget planning");
    await expectAccessible(page, "dashboard calendars");
    await screenshots(page, "dashboard-calendars");

    await page.getByRole("link", { name: "Requests", exact: true }).click();
    expect(await page.locator("#journal tbody tr").count()).toBeGreaterThan(3);
    await screenshots(page, "dashboard-requests-all");
    await page.locator("summary", { hasText: "Filters" }).click();
    await page.getByLabel("Area").selectOption("graph");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL(/area=graph/);
    expect(await page.locator("summary").textContent()).toBe("Filters (1 active)");
    const areas = await page.locator("#journal tbody td[data-label=Area]").allTextContents();
    expect(areas.length).toBeGreaterThan(0);
    expect(new Set(areas)).toEqual(new Set(["graph"]));
    await expectAccessible(page, "dashboard requests");
    await screenshots(page, "dashboard-requests");

    await page.getByRole("link", { name: "Clock", exact: true }).click();
    await expectAccessible(page, "dashboard clock");
    await screenshots(page, "dashboard-clock");
  });

  it("updates the request journal live while the page is open", async () => {
    await page.goto(`${ui}/requests?area=graph`);
    await expect.poll(() => page.locator("#live-toggle").getAttribute("aria-pressed")).toBe("true");
    const before = await page.locator("#journal tbody tr").count();
    await fetch(`${emu.graphBaseUrl}/me`); // a 401, recorded in the journal
    await expect.poll(() => page.locator("#journal tbody tr").count(), { timeout: 10_000 }).toBe(before + 1);
    expect(await page.locator("#journal tbody tr").first().textContent()).toContain("/v1.0/me");
  });

  it("moves the clock forward", async () => {
    await page.goto(`${ui}/clock`);
    const before = new Date((await page.locator("header time").getAttribute("datetime")) as string).getTime();
    await page.getByRole("button", { name: "+ 7 days" }).click();
    await page.waitForURL(/done=clock/);
    expect(await page.getByRole("status").first().textContent()).toContain("The clock moved");
    const after = new Date((await page.locator("header time").getAttribute("datetime")) as string).getTime();
    expect(after - before).toBeGreaterThanOrEqual(7 * 86_400_000);
    await page.getByLabel(/Advance by/).fill("nonsense");
    await page.getByRole("button", { name: "Advance the clock" }).click();
    expect(await page.getByRole("alert").textContent()).toContain("not an ISO 8601 duration");
    await page.getByRole("button", { name: "Back to real time" }).click();
    await page.waitForURL(/done=clock-reset/);
    expect(emu.clock.offsetMs).toBe(0);
  });
});

describe("dashboard actions reach the running app", () => {
  it("a fault added from the dashboard shows in the sample app, and goes away when removed", async () => {
    await signInToSample(page, "Adele Vance");
    expect(await page.locator("h1").textContent()).toBe("Hello, Adele Vance");

    const dash = await context.newPage();
    await dash.goto(`${ui}/faults`);
    await dash.getByLabel("Fault", { exact: true }).selectOption("service_unavailable");
    await dash.getByLabel("Area").selectOption("graph");
    await dash.getByLabel(/^Path/).fill("/v1.0/me");
    await dash.getByLabel(/Retry-After seconds/).fill("30");
    await dash.getByRole("button", { name: "Add fault" }).click();
    await dash.waitForURL(/done=fault-added/);
    expect(await dash.getByRole("status").first().textContent()).toContain("Fault added");
    expect(await dash.locator("main table").textContent()).toContain("service_unavailable");
    await expectAccessible(dash, "dashboard faults");
    await screenshots(dash, "dashboard-faults");

    await page.reload();
    const problem = await page.getByRole("alert").first().textContent();
    expect(problem).toContain("Microsoft Graph answered 503 serviceNotAvailable");
    expect(problem).toContain("Retry after 30 seconds");
    await screenshots(page, "sample-graph-fault");

    await dash.getByRole("button", { name: "Remove the service_unavailable fault" }).click();
    await dash.waitForURL(/done=fault-removed/);
    expect(emu.faults.list()).toEqual([]);
    await page.reload();
    expect(await page.getByRole("alert").count()).toBe(0);
    expect(await page.textContent("main")).toContain("Budget planning");
  });

  it("a bad fault form comes back filled in with the reason", async () => {
    await page.goto(`${ui}/faults`);
    await page.getByLabel("Fault", { exact: true }).selectOption("throttled");
    await page.getByLabel(/^Expires in/).fill("soon");
    await page.getByRole("button", { name: "Add fault" }).click();
    expect(await page.getByRole("alert").textContent()).toContain("expiresIn");
    expect(await page.getByLabel("Fault", { exact: true }).inputValue()).toBe("throttled");
    expect(await page.getByLabel(/^Expires in/).inputValue()).toBe("soon");
    expect(emu.faults.list()).toEqual([]);
  });

  it("revoking a user's sign-in sessions in the dashboard ends their refresh tokens", async () => {
    await signInToSample(page, "Megan Bowen");
    await page.goto(`${ui}/tenants/${CONTOSO.id}/users`);
    const megan = page.locator(`#user-${CONTOSO.megan.id}`);
    expect(await megan.textContent()).toContain("1 active");
    await page.getByRole("button", { name: "Revoke sessions of Megan Bowen" }).click();
    await page.waitForURL(/done=revoked/);
    expect(await page.locator(`#user-${CONTOSO.megan.id}`).textContent()).toContain("none active");
    const revoked = emu.store.read(CONTOSO.id, (t) => t.refreshTokens.filter((r) => r.userId === CONTOSO.megan.id).every((r) => r.revokedAt !== null));
    expect(revoked).toBe(true);
  });

  it("revoking a consent in the dashboard makes the app ask again", async () => {
    const grant = await emu.admin.grantConsent(CONTOSO.id, { clientId: sample.clientId, consentType: "Principal", principalId: CONTOSO.adele.id, scopes: ["Calendars.Read"] });
    await page.goto(`${ui}/tenants/${CONTOSO.id}`);
    await page.getByRole("button", { name: `Revoke consent of Adele Vance (${CONTOSO.adele.upn}) to Contoso Portal sample` }).click();
    await page.waitForURL(/done=consent-revoked/);
    expect((await emu.admin.consents(CONTOSO.id)).some((g) => g.id === grant.id)).toBe(false);
  });
});

describe("dashboard security and plain forms", () => {
  let attacker: Server;
  let attackerUrl: string;
  beforeAll(async () => {
    // Another site's page with a form aimed at the dashboard.
    attacker = createServer((_req, res) => {
      res.setHeader("content-type", "text/html");
      res.end(`<!DOCTYPE html><html lang="en"><title>evil</title><form method="post" action="${ui}/faults/clear"><input type="hidden" name="csrf" value="guess"><button>Win a prize</button></form>`);
    });
    await new Promise<void>((r) => attacker.listen(0, "127.0.0.1", () => r()));
    attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => attacker.close(() => r()));
  });

  it("refuses a form posted from another site", async () => {
    emu.faults.add({ fault: "latency", match: { path: "/never" }, latencyMs: 1, retryAfterSeconds: 1 });
    await page.goto(attackerUrl);
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith("/faults/clear")), page.getByRole("button", { name: "Win a prize" }).click()]);
    expect(response.status()).toBe(403);
    expect(emu.faults.list()).toHaveLength(1);
    emu.faults.clear();
  });

  it("works with JavaScript turned off: add and remove a fault, revoke sessions", async () => {
    const noJs = await newContext(browser, { javaScriptEnabled: false });
    try {
      const p = await noJs.newPage();
      await p.goto(`${ui}/faults`);
      await p.getByLabel("Fault", { exact: true }).selectOption("gateway_timeout");
      await p.getByRole("button", { name: "Add fault" }).click();
      await p.waitForURL(/done=fault-added/);
      expect(emu.faults.list().map((f) => f.fault)).toEqual(["gateway_timeout"]);
      await p.getByRole("button", { name: "Remove the gateway_timeout fault" }).click();
      await p.waitForURL(/done=fault-removed/);
      expect(emu.faults.list()).toEqual([]);
      await p.goto(`${ui}/requests`);
      expect(await p.locator("#live-toggle").isVisible()).toBe(false);
      expect(await p.locator("#journal tbody tr").count()).toBeGreaterThan(0);
    } finally {
      await noJs.close();
    }
  });
});
