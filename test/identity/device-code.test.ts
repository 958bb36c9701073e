import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PublicClientApplication } from "@azure/msal-node";
import { decodeJwt } from "jose";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../support/emulator.ts";
import { FormBrowser, parseForms, type Step } from "../support/browser.ts";

/** Public clients and the device code flow (RFC 8628) with unmodified msal-node, driven over HTTP. */
let emu: TestEmulator;
let publicApp: { appId: string; clientSecret: string | null; publicClient: boolean };
beforeAll(async () => {
  emu = await startTestEmulator();
  const res = await fetch(`${emu.adminUrl}/tenants/${CONTOSO.id}/applications`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ displayName: "Contoso CLI", publicClient: true, delegatedPermissions: ["openid", "offline_access", "User.Read", "Calendars.Read"] }),
  });
  expect(res.status).toBe(201);
  publicApp = (await res.json()) as typeof publicApp;
});
afterAll(async () => {
  await emu.close();
});

const tokenUrl = () => `${emu.authority(CONTOSO.id)}/oauth2/v2.0/token`;
const form = (body: Record<string, string>) => ({ method: "POST", body: new URLSearchParams(body) });

async function startDeviceCode(scope = "User.Read openid offline_access") {
  const res = await fetch(`${emu.authority(CONTOSO.id)}/oauth2/v2.0/devicecode`, form({ client_id: publicApp.appId, scope }));
  expect(res.status).toBe(200);
  return (await res.json()) as { device_code: string; user_code: string; verification_uri: string; expires_in: number; interval: number; message: string };
}

async function poll(deviceCode: string) {
  const res = await fetch(tokenUrl(), form({ grant_type: "urn:ietf:params:oauth:grant-type:device_code", client_id: publicApp.appId, device_code: deviceCode }));
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A person at the verification page: types the code, signs in, consents (or declines). */
async function approveAtVerificationPage(verificationUri: string, userCode: string, accept = true): Promise<Step> {
  const browser = new FormBrowser(emu.baseUrl);
  const page = await browser.get(verificationUri);
  expect(page.status).toBe(200);
  const codeForm = parseForms(page.html).find((f) => "otc" in f.fields);
  if (!codeForm) throw new Error("no code form");
  const signIn = await browser.submit(page, codeForm, { otc: userCode });
  expect(signIn.status).toBe(200);
  let step = await browser.signIn(signIn, CONTOSO.megan.upn, CONTOSO.megan.password);
  if (/Permissions requested/.test(step.html)) step = await browser.consent(step, accept);
  return step;
}

describe("public client registration", () => {
  it("issues no secret to a public client, and refuses a secret given with publicClient", async () => {
    expect(publicApp.publicClient).toBe(true);
    expect(publicApp.clientSecret).toBeNull();
    const res = await fetch(`${emu.adminUrl}/tenants/${CONTOSO.id}/applications`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ displayName: "Bad", publicClient: true, clientSecret: "a-secret-value" }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("a public client has no secret");
  });
});

describe("device code endpoint", () => {
  it("answers as Entra does: codes, verification_uri, 900 s, 5 s, and the message", async () => {
    const dc = await startDeviceCode();
    expect(dc.user_code).toMatch(/^[A-Z0-9]{9}$/);
    expect(dc.verification_uri).toBe(`${emu.baseUrl}/devicelogin`);
    expect(dc.expires_in).toBe(900);
    expect(dc.interval).toBe(5);
    expect(dc.message).toBe(`To sign in, use a web browser to open the page ${dc.verification_uri} and enter the code ${dc.user_code} to authenticate.`);
  });

  it("refuses an unknown scope and a missing client_id", async () => {
    const bad = await fetch(`${emu.authority(CONTOSO.id)}/oauth2/v2.0/devicecode`, form({ client_id: publicApp.appId, scope: "Nope.Nope" }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error_codes: number[] }).error_codes).toEqual([70011]);
    const none = await fetch(`${emu.authority(CONTOSO.id)}/oauth2/v2.0/devicecode`, form({ scope: "User.Read" }));
    expect(((await none.json()) as { error_codes: number[] }).error_codes).toEqual([900144]);
  });
});

describe("polling", () => {
  it("answers authorization_pending (70016) until the person approves, then tokens once", async () => {
    const dc = await startDeviceCode();
    const pending = await poll(dc.device_code);
    expect(pending.status).toBe(400);
    expect(pending.body).toMatchObject({ error: "authorization_pending", error_codes: [70016] });
    const last = await approveAtVerificationPage(dc.verification_uri, dc.user_code);
    expect(last.html).toContain("You can close this window");
    const ok = await poll(dc.device_code);
    expect(ok.status).toBe(200);
    expect(decodeJwt(ok.body.access_token as string)).toMatchObject({ appid: publicApp.appId, oid: CONTOSO.megan.id, scp: "User.Read" });
    expect(ok.body.refresh_token).toBeTruthy();
    const again = await poll(dc.device_code);
    expect(again.body).toMatchObject({ error: "bad_verification_code", error_codes: [70018] });
  });

  it("answers authorization_declined (70000) when the person cancels at consent", async () => {
    const dc = await startDeviceCode("Calendars.Read");
    const last = await approveAtVerificationPage(dc.verification_uri, dc.user_code, false);
    expect(last.html).toContain("declined");
    expect((await poll(dc.device_code)).body).toMatchObject({ error: "authorization_declined", error_codes: [70000] });
  });

  it("answers bad_verification_code (70018) for a code it never issued", async () => {
    const res = await poll("1.bm90LWEtdGVuYW50.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: "bad_verification_code", error_codes: [70018] });
  });

  it("answers expired_token (70020) once 15 minutes pass on the emulator clock, and the page refuses the code", async () => {
    const dc = await startDeviceCode();
    const advance = await fetch(`${emu.adminUrl}/clock`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ advance: "PT15M" }) });
    expect(advance.status).toBe(200);
    try {
      expect((await poll(dc.device_code)).body).toMatchObject({ error: "expired_token", error_codes: [70020] });
      const browser = new FormBrowser(emu.baseUrl);
      const page = await browser.get(dc.verification_uri);
      const after = await browser.submit(page, parseForms(page.html)[0]!, { otc: dc.user_code });
      expect(after.status).toBe(400);
      expect(after.html).toMatch(/That code didn(&#39;|')t work/);
    } finally {
      await fetch(`${emu.adminUrl}/clock`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ set: new Date().toISOString() }) });
    }
  });

  it("needs a public client or a credential: a confidential app polling without its secret gets AADSTS7000218", async () => {
    const res = await fetch(`${emu.authority(CONTOSO.id)}/oauth2/v2.0/devicecode`, form({ client_id: CONTOSO.webApp.clientId, scope: "User.Read" }));
    const dc = (await res.json()) as { device_code: string };
    const polled = await fetch(tokenUrl(), form({ grant_type: "urn:ietf:params:oauth:grant-type:device_code", client_id: CONTOSO.webApp.clientId, device_code: dc.device_code }));
    expect(polled.status).toBe(401);
    expect(((await polled.json()) as { error_codes: number[] }).error_codes).toEqual([7000218]);
  });
});

describe("msal-node acquireTokenByDeviceCode", () => {
  it("signs in through the verification page, unmodified", async () => {
    const pca = new PublicClientApplication({
      auth: { clientId: publicApp.appId, authority: emu.authority(CONTOSO.id), knownAuthorities: [new URL(emu.baseUrl).host] },
    });
    let browsing: Promise<Step> | undefined;
    const result = await pca.acquireTokenByDeviceCode({
      scopes: ["User.Read"],
      deviceCodeCallback: (response) => {
        browsing = approveAtVerificationPage(response.verificationUri, response.userCode);
      },
    });
    await browsing;
    expect(result?.account?.username).toBe(CONTOSO.megan.upn);
    expect(result?.scopes).toContain("User.Read");
    const me = await fetch(`${emu.graphBaseUrl}/me`, { headers: { authorization: `Bearer ${result?.accessToken}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { id: string }).id).toBe(CONTOSO.megan.id);
  }, 30_000);
});
