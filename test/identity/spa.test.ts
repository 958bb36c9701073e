import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash, randomBytes } from "node:crypto";
import { decodeJwt } from "jose";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../support/emulator.ts";
import { FormBrowser, redirectParams } from "../support/browser.ts";

/**
 * The single-page application platform: codes issued to spaRedirectUris are
 * redeemed cross-origin (an Origin header) without a secret, never
 * server-side (AADSTS9002327); web codes never cross-origin (AADSTS9002326);
 * SPA refresh tokens die 24 hours after sign-in on the emulator clock (AADSTS700084).
 */
let emu: TestEmulator;
let app: { appId: string; clientSecret: string };
const SPA = "http://localhost:5173/spa";
const SPA_ORIGIN = "http://localhost:5173";
const WEB = "http://localhost:7001/web";

beforeAll(async () => {
  emu = await startTestEmulator();
  const res = await fetch(`${emu.adminUrl}/tenants/${CONTOSO.id}/applications`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ displayName: "Orders SPA", spaRedirectUris: [SPA], redirectUris: [WEB], delegatedPermissions: ["openid", "offline_access", "User.Read"], adminConsent: true }),
  });
  expect(res.status).toBe(201);
  app = (await res.json()) as typeof app;
  expect(app.clientSecret).toBeTruthy();
});
afterAll(async () => {
  await emu.close();
});

async function code(redirectUri: string): Promise<{ code: string; verifier: string }> {
  const verifier = randomBytes(32).toString("base64url");
  const url = new URL(`${emu.authority(CONTOSO.id)}/oauth2/v2.0/authorize`);
  for (const [k, v] of Object.entries({ client_id: app.appId, response_type: "code", redirect_uri: redirectUri, scope: "User.Read openid offline_access", code_challenge: createHash("sha256").update(verifier).digest("base64url"), code_challenge_method: "S256" })) url.searchParams.set(k, v);
  const browser = new FormBrowser(emu.baseUrl);
  const step = await browser.signIn(await browser.get(url.toString()), CONTOSO.adele.upn, CONTOSO.adele.password);
  return { code: redirectParams(step).get("code") as string, verifier };
}

async function token(body: Record<string, string>, origin?: string) {
  const res = await fetch(`${emu.authority(CONTOSO.id)}/oauth2/v2.0/token`, { method: "POST", headers: origin ? { origin } : {}, body: new URLSearchParams({ client_id: app.appId, ...body }) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
const redeem = (c: { code: string; verifier: string }, redirectUri: string, origin?: string) =>
  token({ grant_type: "authorization_code", code: c.code, code_verifier: c.verifier, redirect_uri: redirectUri, scope: "User.Read openid offline_access" }, origin);
const refresh = (rt: string, origin?: string) => token({ grant_type: "refresh_token", refresh_token: rt, scope: "User.Read openid offline_access" }, origin);
const clock = (body: Record<string, string>) => fetch(`${emu.adminUrl}/clock`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("SPA platform", () => {
  it("redeems a SPA code cross-origin without a secret, with appidacr 0", async () => {
    const r = await redeem(await code(SPA), SPA, SPA_ORIGIN);
    expect(r.status).toBe(200);
    expect(r.body.refresh_token).toBeTruthy();
    expect(decodeJwt(String(r.body.access_token))).toMatchObject({ appid: app.appId, appidacr: "0", oid: CONTOSO.adele.id });
  });

  it("refuses a SPA code redeemed without an Origin header: AADSTS9002327", async () => {
    const r = await redeem(await code(SPA), SPA);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: "invalid_request", error_codes: [9002327] });
  });

  it("refuses a web code redeemed cross-origin: AADSTS9002326 naming the origin", async () => {
    const c = await code(WEB);
    const r = await token({ grant_type: "authorization_code", code: c.code, code_verifier: c.verifier, redirect_uri: WEB, client_secret: app.clientSecret }, SPA_ORIGIN);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: "invalid_request", error_codes: [9002326] });
    expect(String(r.body.error_description)).toContain(`Request origin: '${SPA_ORIGIN}'.`);
    const server = await token({ grant_type: "authorization_code", code: c.code, code_verifier: c.verifier, redirect_uri: WEB, client_secret: app.clientSecret });
    expect(server.status).toBe(200);
  });

  it("refreshes cross-origin for 24 hours from sign-in, not sliding, then answers AADSTS700084", async () => {
    const first = await redeem(await code(SPA), SPA, SPA_ORIGIN);
    const rt = String(first.body.refresh_token);
    expect((await refresh(rt)).body).toMatchObject({ error_codes: [9002327] });
    try {
      await clock({ advance: "PT23H" });
      const renewed = await refresh(rt, SPA_ORIGIN);
      expect(renewed.status).toBe(200);
      await clock({ advance: "PT2H" });
      for (const t of [rt, String(renewed.body.refresh_token)]) {
        const r = await refresh(t, SPA_ORIGIN);
        expect(r.status).toBe(400);
        expect(r.body).toMatchObject({ error: "invalid_grant", error_codes: [700084] });
        expect(String(r.body.error_description)).toContain("fixed, limited lifetime of 1.00:00:00");
      }
    } finally {
      await clock({ set: new Date().toISOString() });
    }
  });
});
