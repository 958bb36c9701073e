import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { decodeJwt } from "jose";
import { CONTOSO, FABRIKAM, startTestEmulator, type TestEmulator } from "../support/emulator.ts";
import { FormBrowser, parseForms, redirectParams } from "../support/browser.ts";

/** The authorize endpoint driven as a browser without JavaScript would. */
let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu.close();
});
beforeEach(async () => {
  await fetch(`${emu.adminUrl}/reset`, { method: "POST" });
});

const web = CONTOSO.webApp;

function authorizeUrl(params: Record<string, string>, tenant: string = CONTOSO.id): string {
  const q = new URLSearchParams({
    client_id: web.clientId,
    response_type: "code",
    redirect_uri: web.redirectUri,
    scope: "openid profile offline_access User.Read",
    state: "st",
    ...params,
  });
  return `${emu.baseUrl}/${tenant}/oauth2/v2.0/authorize?${q}`;
}

async function redeem(code: string, extra: Record<string, string> = {}, tenant: string = CONTOSO.id, client: { clientId: string; secret: string } = { clientId: web.clientId, secret: web.secret }, redirectUri: string = web.redirectUri) {
  const res = await fetch(`${emu.baseUrl}/${tenant}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "authorization_code", client_id: client.clientId, client_secret: client.secret, code, redirect_uri: redirectUri, ...extra }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function grantConsentForAll(scopes: string[]) {
  await fetch(`${emu.adminUrl}/tenants/${CONTOSO.id}/consents`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ clientId: web.clientId, consentType: "AllPrincipals", scopes }),
  });
}

describe("authorize pages", () => {
  it("serves a sign-in page that works without JavaScript", async () => {
    const page = await new FormBrowser(emu.baseUrl).get(authorizeUrl({ login_hint: CONTOSO.adele.upn }));
    expect(page.status).toBe(200);
    expect(page.html).not.toMatch(/<script/i);
    const forms = parseForms(page.html);
    const signIn = forms.find((f) => "password" in f.fields)!;
    expect(signIn.fields.username).toBe(CONTOSO.adele.upn);
    expect(forms.filter((f) => f.fields.pick === "1").length).toBeGreaterThan(3);
  });

  it("shows a wrong password on the page (AADSTS50126) and lets the user try again", async () => {
    const browser = new FormBrowser(emu.baseUrl);
    const page = await browser.get(authorizeUrl({}));
    const wrong = await browser.signIn(page, CONTOSO.adele.upn, "nope");
    expect(wrong.status).toBe(400);
    expect(wrong.html).toContain("AADSTS50126");
    const consent = await browser.signIn(wrong, CONTOSO.adele.upn, CONTOSO.adele.password);
    expect(consent.html).toContain("Permissions requested");
  });

  it("the account picker signs in without a password", async () => {
    await grantConsentForAll(["User.Read"]);
    const browser = new FormBrowser(emu.baseUrl);
    const page = await browser.get(authorizeUrl({}));
    const pick = parseForms(page.html).find((f) => f.fields.username === CONTOSO.adele.upn && f.fields.pick === "1")!;
    const params = redirectParams(await browser.submit(page, pick));
    expect(params.get("code")).toBeTruthy();
  });
});

describe("prompt, sessions and response modes", () => {
  it("reuses the session: a second authorize returns a code at once; prompt=none too; prompt=login asks again", async () => {
    await grantConsentForAll(["User.Read"]);
    const browser = new FormBrowser(emu.baseUrl);
    redirectParams(await browser.signIn(await browser.get(authorizeUrl({})), CONTOSO.adele.upn, CONTOSO.adele.password));
    expect(redirectParams(await browser.get(authorizeUrl({}))).get("code")).toBeTruthy();
    expect(redirectParams(await browser.get(authorizeUrl({ prompt: "none" }))).get("code")).toBeTruthy();
    expect((await browser.get(authorizeUrl({ prompt: "login" }))).status).toBe(200);
    expect((await browser.get(authorizeUrl({ prompt: "select_account" }))).status).toBe(200);
    // A login_hint naming someone else asks for sign-in again.
    expect((await browser.get(authorizeUrl({ login_hint: CONTOSO.megan.upn }))).status).toBe(200);
    // prompt=consent shows the consent page even though consent exists.
    expect((await browser.get(authorizeUrl({ prompt: "consent" }))).html).toContain("Permissions requested");
    // Signing out ends the session.
    await browser.get(`${emu.baseUrl}/${CONTOSO.id}/oauth2/v2.0/logout`);
    expect(redirectParams(await browser.get(authorizeUrl({ prompt: "none" }))).get("error")).toBe("login_required");
  });

  it("prompt=none with a session but no consent redirects consent_required (AADSTS65001)", async () => {
    const browser = new FormBrowser(emu.baseUrl);
    const consent = await browser.signIn(await browser.get(authorizeUrl({})), CONTOSO.adele.upn, CONTOSO.adele.password);
    expect(consent.html).toContain("Permissions requested");
    const params = redirectParams(await browser.get(authorizeUrl({ prompt: "none" })));
    expect(params.get("error")).toBe("consent_required");
    expect(params.get("error_description")).toMatch(/^AADSTS65001:/);
    expect(params.get("state")).toBe("st");
  });

  it("response_mode=form_post answers with a form posting code and state to the redirect URI", async () => {
    await grantConsentForAll(["User.Read"]);
    const browser = new FormBrowser(emu.baseUrl);
    const step = await browser.signIn(await browser.get(authorizeUrl({ response_mode: "form_post" })), CONTOSO.adele.upn, CONTOSO.adele.password);
    expect(step.status).toBe(200);
    const [form] = parseForms(step.html);
    expect(form!.action).toBe(web.redirectUri);
    expect(form!.fields.state).toBe("st");
    expect(form!.fields.code).toBeTruthy();
    expect(step.html).toContain("<noscript>");
  });

  it("accepts the claims parameter MSAL sends, and refuses malformed claims with a redirect", async () => {
    const claims = JSON.stringify({ id_token: { signin_state: { essential: true } } });
    expect((await new FormBrowser(emu.baseUrl).get(authorizeUrl({ claims }))).status).toBe(200);
    const bad = redirectParams(await new FormBrowser(emu.baseUrl).get(authorizeUrl({ claims: "{not json" })));
    expect(bad.get("error")).toBe("invalid_request");
  });
});

describe("PKCE, nonce and the code", () => {
  it("verifies a plain code challenge and puts the nonce in the ID token", async () => {
    await grantConsentForAll(["User.Read"]);
    const browser = new FormBrowser(emu.baseUrl);
    const params = redirectParams(
      await browser.signIn(await browser.get(authorizeUrl({ code_challenge: "plain-verifier-1234567890-abcdefghijklmnop", code_challenge_method: "plain", nonce: "n-1" })), CONTOSO.adele.upn, CONTOSO.adele.password),
    );
    const ok = await redeem(params.get("code")!, { code_verifier: "plain-verifier-1234567890-abcdefghijklmnop" });
    expect(ok.status).toBe(200);
    expect(decodeJwt(ok.body.id_token as string).nonce).toBe("n-1");
    expect(ok.body).toMatchObject({ token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599 });
    expect(ok.body.refresh_token).toBeTruthy();
    expect(JSON.parse(Buffer.from(ok.body.client_info as string, "base64url").toString())).toEqual({ uid: CONTOSO.adele.id, utid: CONTOSO.id });
  });

  it("S256: the right verifier works, a missing one fails", async () => {
    await grantConsentForAll(["User.Read"]);
    const verifier = "s256-verifier-0123456789-abcdefghijklmnopqrstuvwxyz";
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    const browser = new FormBrowser(emu.baseUrl);
    const first = redirectParams(await browser.signIn(await browser.get(authorizeUrl({ code_challenge: challenge, code_challenge_method: "S256" })), CONTOSO.adele.upn, CONTOSO.adele.password));
    const missing = await redeem(first.get("code")!);
    expect(missing.status).toBe(400);
    expect((missing.body.error_codes as number[])[0]).toBe(50148);
    const second = redirectParams(await browser.get(authorizeUrl({ code_challenge: challenge, code_challenge_method: "S256" })));
    expect((await redeem(second.get("code")!, { code_verifier: verifier })).status).toBe(200);
  });

  it("a code expires after ten minutes on the emulator clock (AADSTS70008)", async () => {
    await grantConsentForAll(["User.Read"]);
    const browser = new FormBrowser(emu.baseUrl);
    const params = redirectParams(await browser.signIn(await browser.get(authorizeUrl({})), CONTOSO.adele.upn, CONTOSO.adele.password));
    await fetch(`${emu.adminUrl}/clock`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ advance: "PT11M" }) });
    const res = await redeem(params.get("code")!);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: "invalid_grant", error_codes: [70008] });
  });
});

describe("consent", () => {
  it("an administrator's consent for the organization covers every user", async () => {
    const admin = new FormBrowser(emu.baseUrl);
    const consentPage = await admin.signIn(await admin.get(authorizeUrl({})), CONTOSO.megan.upn, CONTOSO.megan.password);
    expect(consentPage.html).toContain("consent_for_org");
    redirectParams(await admin.consent(consentPage, true, true));
    const grants = (await (await fetch(`${emu.adminUrl}/tenants/${CONTOSO.id}/consents`)).json()) as { clientId: string; consentType: string }[];
    expect(grants.some((g) => g.clientId === web.clientId && g.consentType === "AllPrincipals")).toBe(true);
    const user = new FormBrowser(emu.baseUrl);
    expect(redirectParams(await user.signIn(await user.get(authorizeUrl({})), CONTOSO.adele.upn, CONTOSO.adele.password)).get("code")).toBeTruthy();
  });

  it("a user's own consent does not cover other users", async () => {
    const adele = new FormBrowser(emu.baseUrl);
    redirectParams(await adele.consent(await adele.signIn(await adele.get(authorizeUrl({})), CONTOSO.adele.upn, CONTOSO.adele.password), true));
    const alex = new FormBrowser(emu.baseUrl);
    const page = await alex.signIn(await alex.get(authorizeUrl({})), "AlexW@contoso.onmicrosoft.com", "Passw0rd!");
    expect(page.html).toContain("Permissions requested");
    expect(page.html).not.toContain("consent_for_org");
  });
});

describe("tenants and multi-tenant apps", () => {
  it("a multi-tenant app from Fabrikam signs in a Contoso user on /organizations, with a Contoso token", async () => {
    const redirectUri = "https://localhost:7000/signin-oidc";
    const browser = new FormBrowser(emu.baseUrl);
    const url = authorizeUrl({ client_id: FABRIKAM.scheduler.clientId, redirect_uri: redirectUri, scope: "openid profile User.Read Calendars.Read" }, "organizations");
    const params = redirectParams(await browser.signIn(await browser.get(url), CONTOSO.adele.upn, CONTOSO.adele.password));
    const res = await redeem(params.get("code")!, {}, "organizations", { clientId: FABRIKAM.scheduler.clientId, secret: FABRIKAM.scheduler.secret }, redirectUri);
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body.access_token as string)).toMatchObject({ tid: CONTOSO.id, oid: CONTOSO.adele.id, appid: FABRIKAM.scheduler.clientId });
    expect(decodeJwt(res.body.id_token as string).iss).toBe(`${emu.baseUrl}/${CONTOSO.id}/v2.0`);
  });

  it("a single-tenant app on /common is refused on the page (AADSTS50194)", async () => {
    const page = await new FormBrowser(emu.baseUrl).get(authorizeUrl({}, "common"));
    expect(page.status).toBe(400);
    expect(page.html).toContain("AADSTS50194");
    expect(page.location).toBeUndefined();
  });

  it("resolves the tenant by domain, case-insensitively", async () => {
    const page = await new FormBrowser(emu.baseUrl).get(authorizeUrl({}, "CONTOSO.com"));
    expect(page.status).toBe(200);
    expect(page.html).toContain("Contoso");
  });
});

describe("logout and unreadable requests", () => {
  it("redirects after sign-out only to a registered origin", async () => {
    const browser = new FormBrowser(emu.baseUrl);
    const good = await browser.get(`${emu.baseUrl}/${CONTOSO.id}/oauth2/v2.0/logout?post_logout_redirect_uri=${encodeURIComponent("http://localhost:3000/")}`);
    expect(good.status).toBe(302);
    const evil = await browser.get(`${emu.baseUrl}/${CONTOSO.id}/oauth2/v2.0/logout?post_logout_redirect_uri=${encodeURIComponent("https://evil.example/")}`);
    expect(evil.status).toBe(200);
    expect(evil.location).toBeUndefined();
  });

  it("answers an oversized token request body with an Entra error, not a crash", async () => {
    const res = await fetch(`${emu.baseUrl}/${CONTOSO.id}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `grant_type=password&x=${"a".repeat(200_000)}`,
    });
    expect(res.status).toBe(413);
    const body = (await res.json()) as { error: string; error_codes: number[] };
    expect(body).toMatchObject({ error: "invalid_request", error_codes: [9002313] });
  });
});
