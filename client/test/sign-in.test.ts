import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeJwt } from "jose";
import { FormBrowser } from "../../test/support/browser.ts";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LowdbTokenStore, SignInError } from "../src/index.ts";
import { CONTOSO, control, emulatorClient, registerApp, signInAs, startTestEmulator, type RegisteredApp, type TestEmulator } from "./helpers.ts";

let emu: TestEmulator;
let app: RegisteredApp;
beforeAll(async () => {
  emu = await startTestEmulator();
  app = await registerApp(emu, { delegated: ["User.Read", "Calendars.Read", "Calendars.ReadWrite"] });
});
afterAll(async () => {
  await emu.close();
});

const modes = {
  Dev: { overrideDefault: true, scopes: ["Calendars.Read", "Calendars.ReadWrite"] },
  Extra: { overrideDefault: false, scopes: ["Calendars.Read"] },
};

describe("delegated sign-in against the emulator (real msal-node, PKCE, consent page)", () => {
  it("without a mode: the consent page asks for the default scopes, and the user is bound to the application user id", async () => {
    const client = emulatorClient(emu, app, { scopes: ["User.Read"], modes });
    const { user, consentScopes } = await signInAs(client, emu, { userId: "app-user-1", user: CONTOSO.adele });
    expect(consentScopes).toEqual(["User.Read"]);
    expect(user).toMatchObject({ userId: "app-user-1", microsoftUserId: CONTOSO.adele.id, tenantId: CONTOSO.id, username: CONTOSO.adele.upn });
    expect(user.scopes).toEqual(["User.Read"]);
    const token = await client.getUserAccessToken("app-user-1");
    expect(decodeJwt(token)).toMatchObject({ oid: CONTOSO.adele.id, scp: "User.Read", appid: app.appId });
    const me = await client.users.getSignedInUser({ authUserId: "app-user-1" });
    expect(me).toMatchObject({ ok: true, data: { id: CONTOSO.adele.id, displayName: "Adele Vance" } });
  });

  it("a mode with overrideDefault: only the mode's scopes are asked for", async () => {
    const client = emulatorClient(emu, app, { scopes: ["User.Read"], modes });
    const { url, scopes } = await client.signIn.getSignInUrl({ userId: "dev-user", mode: "Dev" });
    expect(scopes).toEqual(["Calendars.Read", "Calendars.ReadWrite"]);
    const requested = new URL(url).searchParams.get("scope")!.split(" ");
    expect(requested).toEqual(expect.arrayContaining(["Calendars.Read", "Calendars.ReadWrite", "openid", "profile", "offline_access"]));
    expect(requested).not.toContain("User.Read");
    const { user, consentScopes } = await signInAs(client, emu, { userId: "dev-user", user: CONTOSO.megan, mode: "Dev" });
    expect(consentScopes?.sort()).toEqual(["Calendars.Read", "Calendars.ReadWrite"]);
    expect(user.mode).toBe("Dev");
    expect(user.scopes.sort()).toEqual(["Calendars.Read", "Calendars.ReadWrite"]);
    const scp = String(decodeJwt(await client.getUserAccessToken("dev-user")).scp).split(" ").sort();
    expect(scp).toEqual(["Calendars.Read", "Calendars.ReadWrite"]);
  });

  it("a mode without overrideDefault adds its scopes to the defaults", async () => {
    const client = emulatorClient(emu, app, { scopes: ["User.Read"], modes });
    const { user, consentScopes } = await signInAs(client, emu, { userId: "extra-user", user: { upn: "AlexW@contoso.onmicrosoft.com", password: "Passw0rd!" }, mode: "Extra" });
    expect(consentScopes?.sort()).toEqual(["Calendars.Read", "User.Read"]);
    expect(user.scopes.sort()).toEqual(["Calendars.Read", "User.Read"]);
  });

  it("state is single use and kept server-side: a replayed or forged redirect is refused", async () => {
    const client = emulatorClient(emu, app);
    await expect(client.signIn.handleRedirect("http://localhost:3000/callback?code=abc&state=forged")).rejects.toMatchObject({
      code: "SignInFailed",
      reason: "invalid_state",
    });
    const { url, state } = await client.signIn.getSignInUrl({ userId: "replay" });
    expect(url).not.toContain("code_verifier");
    expect(new URL(url).searchParams.get("code_challenge_method")).toBe("S256");
    expect(new URL(url).searchParams.get("state")).toBe(state);
    const browser = new FormBrowser(emu.baseUrl);
    const step = await browser.signIn(await browser.get(url), CONTOSO.adele.upn, CONTOSO.adele.password);
    const location = step.location!;
    await client.signIn.handleRedirect(location);
    await expect(client.signIn.handleRedirect(location)).rejects.toBeInstanceOf(SignInError);
  });

  it("the user declining consent gives SignInFailed with AADSTS65004", async () => {
    const fresh = await registerApp(emu, { delegated: ["User.Read"] });
    const client = emulatorClient(emu, fresh);
    const { url } = await client.signIn.getSignInUrl({ userId: "decliner" });
    const browser = new FormBrowser(emu.baseUrl);
    const consent = await browser.signIn(await browser.get(url), CONTOSO.adele.upn, CONTOSO.adele.password);
    const back = await browser.consent(consent, false);
    const err = await client.signIn.handleRedirect(back.location!).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "SignInFailed", aadsts: 65004, userId: "decliner" });
  });

  it("each sign-in resets the user's tokens; signOut forgets the binding", async () => {
    const client = emulatorClient(emu, app, { scopes: ["User.Read"], modes });
    await signInAs(client, emu, { userId: "switcher", user: CONTOSO.adele });
    const before = await client.tokenStore.getUser("switcher");
    await signInAs(client, emu, { userId: "switcher", user: CONTOSO.megan, mode: "Dev" });
    const after = await client.tokenStore.getUser("switcher");
    expect(after?.account.microsoftUserId).toBe(CONTOSO.megan.id);
    expect(after?.cache).not.toContain(CONTOSO.adele.id);
    expect(before?.cache).toContain(CONTOSO.adele.id);
    expect(decodeJwt(await client.getUserAccessToken("switcher")).oid).toBe(CONTOSO.megan.id);
    expect(await client.signIn.signOut("switcher")).toBe(true);
    await expect(client.getUserAccessToken("switcher")).rejects.toMatchObject({ code: "RefreshTokenInvalid" });
  });

  it("works the same with the real login.microsoftonline.com authority and an MSAL network client that reroutes it", async () => {
    const { emulatorNetworkClient } = await import("../../emulator/src/index.ts");
    const client = emulatorClient(
      emu,
      app,
      { authorityHost: undefined, caCertificate: undefined },
      { networkClient: emulatorNetworkClient({ baseUrl: emu.baseUrl, caCert: emu.caCert }) },
    );
    const { url } = await client.signIn.getSignInUrl({ userId: "rerouted" });
    expect(url.startsWith(`https://login.microsoftonline.com/${CONTOSO.id}/oauth2/v2.0/authorize?`)).toBe(true);
    const browser = new FormBrowser(emu.baseUrl);
    const step = await browser.signIn(await browser.get(url.replace("https://login.microsoftonline.com", emu.baseUrl)), CONTOSO.adele.upn, CONTOSO.adele.password);
    const user = await client.signIn.handleRedirect(step.location!);
    expect(user.microsoftUserId).toBe(CONTOSO.adele.id);
    expect((await client.users.getSignedInUser({ authUserId: "rerouted" })).ok).toBe(true);
    await control(emu, "GET", "/health");
  });

  it("tenantId 'organizations' with a multi-tenant app: the account's own tenant is bound and silent refresh works", async () => {
    const multi = await control<RegisteredApp>(emu, "POST", `/tenants/${CONTOSO.id}/applications`, {
      displayName: "Client multi-tenant",
      signInAudience: "AzureADMultipleOrgs",
      redirectUris: ["http://localhost:3000/callback"],
      delegatedPermissions: ["User.Read"],
      adminConsent: true,
    });
    const client = emulatorClient(emu, multi, { tenantId: "organizations" });
    const { user } = await signInAs(client, emu, { userId: "org-user" });
    expect(user.tenantId).toBe(CONTOSO.id);
    expect(decodeJwt(await client.getUserAccessToken("org-user", { forceRefresh: true })).tid).toBe(CONTOSO.id);
  });

  it("a lowdb token file (mode 0600) keeps users signed in across client restarts", async () => {
    const dir = mkdtempSync(join(tmpdir(), "msfn-signin-"));
    try {
      const file = join(dir, "tokens.json");
      const first = emulatorClient(emu, app, {}, { tokenStore: await LowdbTokenStore.open(file) });
      await signInAs(first, emu, { userId: "persisted" });
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const text = readFileSync(file, "utf8");
      expect(text).toContain("RefreshToken");
      expect(text).not.toContain(app.clientSecret);
      const restarted = emulatorClient(emu, app, {}, { tokenStore: await LowdbTokenStore.open(file) });
      expect(await restarted.users.getSignedInUser({ authUserId: "persisted" })).toMatchObject({ ok: true, data: { id: CONTOSO.adele.id } });
      expect(decodeJwt(await restarted.getUserAccessToken("persisted", { forceRefresh: true })).oid).toBe(CONTOSO.adele.id);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
