import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";
import { launchChromium, newContext } from "./support/browser.ts";
import { CONTOSO, freePort, startTestEmulator, type TestEmulator } from "./support/stack.ts";

/**
 * msal-browser, unmodified, in Chromium: a page on its own origin signs in by
 * redirect, redeems the code cross-origin without a secret (SPA platform), then
 * refreshes with the SPA refresh token and calls Graph. The same page for an
 * app registered on the web platform gets AADSTS9002326.
 */
// The package's browser bundle (UMD, global `msal`), served as a page would load it; its exports map does not list the file.
const MSAL = readFileSync(fileURLToPath(new URL("../../node_modules/@azure/msal-browser/lib/msal-browser.min.js", import.meta.url)), "utf8");
let emu: TestEmulator;
let browser: Browser;
let server: Server;
let origin: string;
const apps: Record<string, string> = {};

function page(clientId: string, path: string): string {
  const config = { clientId, authority: emu.authority(CONTOSO.id), knownAuthorities: [new URL(emu.baseUrl).host], redirectUri: `${origin}${path}`, graph: emu.graphBaseUrl };
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>SPA</title><script src="/msal-browser.min.js"></script></head><body><pre id="out">working</pre>
<script>
const config = ${JSON.stringify(config)};
const out = document.getElementById("out");
(async () => {
  const pca = new msal.PublicClientApplication({ auth: { clientId: config.clientId, authority: config.authority, knownAuthorities: config.knownAuthorities, redirectUri: config.redirectUri }, cache: { cacheLocation: "sessionStorage" } });
  await pca.initialize();
  const result = await pca.handleRedirectPromise();
  if (!result) return pca.loginRedirect({ scopes: ["User.Read"] });
  const renewed = await pca.acquireTokenSilent({ account: result.account, scopes: ["User.Read"], forceRefresh: true, cacheLookupPolicy: msal.CacheLookupPolicy.RefreshToken });
  const me = await (await fetch(config.graph + "/me", { headers: { authorization: "Bearer " + renewed.accessToken } })).json();
  out.textContent = JSON.stringify({ ok: true, user: result.account.username, me: me.userPrincipalName, renewed: renewed.accessToken !== result.accessToken });
})().catch((e) => { out.textContent = JSON.stringify({ ok: false, error: String((e && e.errorMessage) || e) }); });
</script></body></html>`;
}

beforeAll(async () => {
  const port = await freePort();
  origin = `http://localhost:${port}`;
  emu = await startTestEmulator({ corsOrigins: [origin] });
  const spa = await emu.admin.createApplication(CONTOSO.id, { displayName: "msal-browser SPA", spaRedirectUris: [`${origin}/spa`], delegatedPermissions: ["User.Read", "openid", "profile", "offline_access"], adminConsent: true });
  const web = await emu.admin.createApplication(CONTOSO.id, { displayName: "Web-registered app", redirectUris: [`${origin}/web`], delegatedPermissions: ["User.Read", "openid", "profile", "offline_access"], adminConsent: true });
  apps["/spa"] = spa.appId;
  apps["/web"] = web.appId;
  server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", origin).pathname;
    if (path === "/msal-browser.min.js") return void res.writeHead(200, { "content-type": "text/javascript" }).end(MSAL);
    const clientId = apps[path];
    if (!clientId) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page(clientId, path));
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  await emu?.close();
});

async function signInThrough(path: string): Promise<{ ok: boolean; user?: string; me?: string; renewed?: boolean; error?: string }> {
  const context = await newContext(browser);
  try {
    const tab = await context.newPage();
    await tab.goto(`${origin}${path}`);
    await tab.waitForURL((u) => u.origin === emu.baseUrl);
    await tab.getByLabel("Email or username").fill(CONTOSO.adele.upn);
    await tab.getByLabel("Password").fill(CONTOSO.adele.password);
    await tab.getByRole("button", { name: "Sign in", exact: true }).click();
    await tab.waitForURL((u) => u.origin === origin);
    await expect.poll(async () => (await tab.locator("#out").textContent()) ?? "", { timeout: 30_000 }).toMatch(/^\{/);
    return JSON.parse((await tab.locator("#out").textContent()) as string) as { ok: boolean };
  } finally {
    await context.close();
  }
}

describe("msal-browser against the SPA platform", () => {
  it("signs in by redirect, redeems the code and the refresh token cross-origin without a secret, and calls Graph", async () => {
    const result = await signInThrough("/spa");
    expect(result).toEqual({ ok: true, user: CONTOSO.adele.upn, me: CONTOSO.adele.upn, renewed: true });
  });

  it("gets AADSTS9002326 for an app whose redirect URI is on the web platform", async () => {
    const result = await signInThrough("/web");
    expect(result.ok).toBe(false);
    expect(result.error).toContain("AADSTS9002326");
  });
});
