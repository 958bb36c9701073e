import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { startEmulator, type RunningEmulator } from "../../emulator/src/index.ts";
import { launchChromium, newContext } from "./support/browser.ts";
import { CONTOSO, freePort } from "./support/stack.ts";

/**
 * An unmodified @azure/msal-browser single-page app in Chromium against the emulator
 * (docs/clients.md): `knownAuthorities` names the emulator, the emulator lists the app's origin
 * in `corsOrigins` (--cors-origin), and the app's redirect URI is of the SPA platform
 * (`spaRedirectUris`). MSAL.js signs in with a redirect, redeems the code with a cross-origin fetch
 * and no secret, and the page calls Graph's /me.
 */
const MSAL_JS = readFileSync(join(process.cwd(), "node_modules", "@azure", "msal-browser", "lib", "msal-browser.min.js"), "utf8");

let emu: RunningEmulator;
let dataDir: string;
let browser: Browser;
const spas: { url: string; server: Server }[] = [];
let allowedSpa: string;
let confidentialSpa: string;
let otherSpa: string;

/** The SPA's one page: sign in with a redirect, then show /me (or the error) in #out. */
function page(config: { clientId: string; authority: string; knownAuthorities: string[]; graph: string }): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>SPA</title><script src="/msal-browser.min.js"></script></head>
<body><button id="login">Sign in</button><pre id="out"></pre><script>
const config = ${JSON.stringify(config)};
const out = (value) => { document.getElementById("out").textContent = JSON.stringify(value); };
(async () => {
  const pca = new msal.PublicClientApplication({
    auth: { clientId: config.clientId, authority: config.authority, knownAuthorities: config.knownAuthorities, redirectUri: location.origin + "/redirect" },
    cache: { cacheLocation: "sessionStorage" },
  });
  await pca.initialize();
  const result = await pca.handleRedirectPromise();
  if (result) {
    const me = await fetch(config.graph + "/me", { headers: { Authorization: "Bearer " + result.accessToken } });
    out({ status: me.status, me: await me.json(), account: result.account.username, requestId: me.headers.get("request-id") });
    return;
  }
  document.getElementById("login").onclick = () => pca.loginRedirect({ scopes: ["User.Read"] }).catch((e) => out({ error: e.errorCode ?? String(e) }));
})().catch((e) => out({ error: e.errorCode ?? String(e), message: e.message }));
</script></body></html>`;
}

/** Serves the SPA (and MSAL.js) for an app on http://localhost:PORT. */
async function startSpa(port: number, clientId: string): Promise<string> {
  const url = `http://localhost:${port}`;
  const server = createServer((req, res) => {
    if (req.url === "/msal-browser.min.js") {
      res.writeHead(200, { "content-type": "text/javascript" }).end(MSAL_JS);
      return;
    }
    const html = page({ clientId, authority: emu.authority(CONTOSO.id), knownAuthorities: [new URL(emu.baseUrl).host], graph: emu.graphBaseUrl });
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  spas.push({ url, server });
  return url;
}

beforeAll(async () => {
  const tlsDir = process.env.GRAPH_EMULATOR_TEST_TLS_DIR as string;
  dataDir = mkdtempSync(join(tmpdir(), "graph-emulator-spa-"));
  for (const f of ["ca.pem", "ca-key.pem", "server.pem", "server-key.pem"]) copyFileSync(join(tlsDir, f), join(dataDir, f));
  // The SPAs' origins must be known before the emulator starts, to be listed for CORS.
  const [allowedPort, confidentialPort] = [await freePort(), await freePort()];
  emu = await startEmulator({
    port: 0,
    dataDir,
    inMemory: true,
    quiet: true,
    corsOrigins: [`http://localhost:${allowedPort}`, `http://localhost:${confidentialPort}`],
  });
  const register = async (port: number, platform: "spa" | "web") =>
    (
      await emu.admin.createApplication(CONTOSO.id, {
        displayName: "Contoso SPA",
        ...(platform === "spa" ? { clientSecret: null, spaRedirectUris: [`http://localhost:${port}/redirect`] } : { redirectUris: [`http://localhost:${port}/redirect`] }),
        delegatedPermissions: ["User.Read"],
        adminConsent: true,
      })
    ).appId;
  const publicApp = await register(allowedPort, "spa");
  allowedSpa = await startSpa(allowedPort, publicApp);
  confidentialSpa = await startSpa(confidentialPort, await register(confidentialPort, "web"));
  // Another SPA, on an origin the emulator does not list, shows what CORS is for.
  otherSpa = await startSpa(await freePort(), publicApp);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  for (const spa of spas) await new Promise((resolve) => spa.server.close(resolve));
  await emu?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function signIn(page: Page, spa: string): Promise<void> {
  await page.goto(spa);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => u.origin === emu.baseUrl && u.pathname.endsWith("/oauth2/v2.0/authorize"));
  await page.getByLabel("Email or username").fill(CONTOSO.adele.upn);
  await page.getByLabel("Password").fill(CONTOSO.adele.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

describe("@azure/msal-browser in Chromium", () => {
  let context: BrowserContext;
  afterAll(async () => {
    await context?.close();
  });

  it("signs in with loginRedirect from a listed origin and calls Graph /me with the token", async () => {
    context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, allowedSpa);
    await page.waitForURL((u) => u.origin === allowedSpa);
    await expect.poll(() => page.locator("#out").textContent(), { timeout: 30_000 }).not.toBe("");
    const out = JSON.parse((await page.locator("#out").textContent()) as string) as Record<string, unknown>;
    expect(out).toMatchObject({ status: 200, account: CONTOSO.adele.upn, me: { id: CONTOSO.adele.id, displayName: "Adele Vance" } });
    // request-id is readable only because the emulator exposes it to the listed origin.
    expect(out.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("a code issued to a web (not SPA) redirect URI cannot be redeemed from the browser: AADSTS9002326", async () => {
    const confidential = await newContext(browser);
    try {
      const page = await confidential.newPage();
      await signIn(page, confidentialSpa);
      await page.waitForURL((u) => u.origin === confidentialSpa);
      await expect.poll(() => page.locator("#out").textContent(), { timeout: 30_000 }).not.toBe("");
      const out = JSON.parse((await page.locator("#out").textContent()) as string) as Record<string, string>;
      expect(out.error).toBe("invalid_request");
      expect(out.message).toContain("AADSTS9002326");
    } finally {
      await confidential.close();
    }
  });

  it("from an origin not in --cors-origin, MSAL.js cannot read the emulator's metadata", async () => {
    const other = await newContext(browser);
    try {
      const page = await other.newPage();
      await page.goto(otherSpa);
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect.poll(() => page.locator("#out").textContent(), { timeout: 30_000 }).not.toBe("");
      const out = JSON.parse((await page.locator("#out").textContent()) as string) as Record<string, unknown>;
      expect(out.error).toBe("endpoints_resolution_error");
      expect(page.url().startsWith(otherSpa)).toBe(true);
    } finally {
      await other.close();
    }
  });
});
