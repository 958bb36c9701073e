import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../support/emulator.ts";
import { FormBrowser, parseForms } from "../support/browser.ts";

/**
 * Python MSAL (Debian's python3-msal), unmodified: the device flow through the
 * emulator's verification page. MSAL Python discovers the instance at the
 * authority's host and redeems at the tenant that discovery echoes.
 */
const PYTHON = process.env.MSAL_PYTHON ?? "/usr/bin/python3";
const hasMsal = spawnSync(PYTHON, ["-c", "import msal"], { stdio: "ignore" }).status === 0;
const SCRIPT = fileURLToPath(new URL("./python/device_flow.py", import.meta.url));
let emu: TestEmulator;

beforeAll(async () => {
  if (hasMsal) emu = await startTestEmulator();
});
afterAll(async () => {
  await emu?.close();
});

describe("MSAL Python", () => {
  it.skipIf(!hasMsal)("acquire_token_by_device_flow signs in through the verification page (skipped when Debian's python3-msal is not installed)", async () => {
    const app = await emu.admin.createApplication(CONTOSO.id, { displayName: "Python CLI", publicClient: true, delegatedPermissions: ["User.Read", "openid", "profile", "offline_access"], adminConsent: true });
    const child = spawn(PYTHON, [SCRIPT], {
      env: { ...process.env, CLIENT_ID: app.appId, AUTHORITY: emu.authority(CONTOSO.id), INSTANCE_DISCOVERY: `${emu.baseUrl}/common/discovery/instance`, REQUESTS_CA_BUNDLE: emu.caFile ?? "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const first = await lines.next();
    expect(first.done, stderr).toBe(false);
    const { flow } = JSON.parse(first.value as string) as { flow: { user_code: string; verification_uri: string; message: string; expires_in: number; interval: number } };
    expect(flow).toMatchObject({ verification_uri: `${emu.baseUrl}/devicelogin`, expires_in: 900, interval: 5 });
    const browser = new FormBrowser(emu.baseUrl);
    const page = await browser.get(flow.verification_uri);
    const signIn = await browser.submit(page, parseForms(page.html)[0]!, { otc: flow.user_code });
    const done = await browser.signIn(signIn, CONTOSO.adele.upn, CONTOSO.adele.password);
    expect(done.html).toContain("You can close this window");
    const second = await lines.next();
    expect(second.done, stderr).toBe(false);
    const { result } = JSON.parse(second.value as string) as { result: { username: string; has_access_token: boolean; error: string | null } };
    expect(result, stderr).toEqual({ username: CONTOSO.adele.upn, has_access_token: true, error: null, error_description: null });
  }, 60_000);
});
