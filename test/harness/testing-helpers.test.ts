import { existsSync } from "node:fs";
import { ConfidentialClientApplication, PublicClientApplication } from "@azure/msal-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInWithCode, signInWithDeviceCode, startEmulator, trustCaGlobally, type RunningEmulator } from "../../emulator/src/testing/index.ts";
import { CONTOSO } from "../support/emulator.ts";

/**
 * graph-emulator/testing as a user's test file uses it: an emulator entirely in memory (no data
 * dir: a CA of its own that nothing trusts yet), emu.fetch, trustCaGlobally for MSAL, and the
 * headless drivers of the authorization-code and device code flows.
 */
let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, inMemory: true, quiet: true });
});
afterAll(async () => {
  await emu?.close();
});

describe("an in-memory emulator", () => {
  it("writes no data dir and has no CA file; emu.fetch trusts its CA, the global fetch does not until told to", async () => {
    expect(emu.caFile).toBeUndefined();
    expect(existsSync(".graph-emulator/state")).toBe(false);
    expect((await emu.fetch("/_emulator/health")).status).toBe(200);
    expect((await emu.fetch(`${emu.adminUrl}/health`)).status).toBe(200);
    await expect(fetch(`${emu.adminUrl}/health`)).rejects.toThrow();
    trustCaGlobally(emu.caCert);
    expect((await fetch(`${emu.adminUrl}/health`)).status).toBe(200);
  });
});

describe("in-memory emulators of one process", () => {
  it("share one CA and signing key, made once (so later starts generate no keys), and one trustCaGlobally covers them", async () => {
    const second = await startEmulator({ port: 0, inMemory: true, quiet: true });
    try {
      expect(second.caCert).toBe(emu.caCert);
      const kids = async (e: RunningEmulator) => ((await (await e.fetch(`/${CONTOSO.id}/discovery/v2.0/keys`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
      expect(await kids(second)).toEqual(await kids(emu));
      trustCaGlobally(emu.caCert);
      expect((await fetch(`${second.adminUrl}/health`)).status).toBe(200);
    } finally {
      await second.close();
    }
  });
});

describe("signInWithCode", () => {
  it("plays the user in MSAL's authorization-code flow: sign-in, consent, the code back to the app", async () => {
    trustCaGlobally(emu.caCert);
    const cca = new ConfidentialClientApplication({
      auth: { clientId: CONTOSO.webApp.clientId, clientSecret: CONTOSO.webApp.secret, authority: emu.authority(CONTOSO.id), knownAuthorities: [new URL(emu.baseUrl).host] },
    });
    const redirectUri = CONTOSO.webApp.redirectUri;
    const authorizeUrl = await cca.getAuthCodeUrl({ scopes: ["User.Read"], redirectUri, state: "s-1" });
    const { redirectUrl, params } = await signInWithCode({ authorizeUrl, username: CONTOSO.adele.upn, password: CONTOSO.adele.password });
    expect(redirectUrl.startsWith(redirectUri)).toBe(true);
    expect(params.get("state")).toBe("s-1");
    const result = await cca.acquireTokenByCode({ code: params.get("code")!, scopes: ["User.Read"], redirectUri });
    const me = await emu.fetch("/v1.0/me", { headers: { authorization: `Bearer ${result.accessToken}` } });
    expect(((await me.json()) as { id: string }).id).toBe(CONTOSO.adele.id);
  });

  it("returns the error redirect when the user declines, and the form_post answer as fields", async () => {
    const base = `${emu.authority(CONTOSO.id)}/oauth2/v2.0/authorize?client_id=${CONTOSO.webApp.clientId}&response_type=code&redirect_uri=${encodeURIComponent(CONTOSO.webApp.redirectUri)}&scope=Calendars.ReadWrite`;
    const declined = await signInWithCode({ authorizeUrl: base, username: CONTOSO.megan.upn, password: CONTOSO.megan.password, consent: "decline", fetch: emu.fetch });
    expect(declined.params.get("error")).toBe("consent_required");
    expect(declined.params.get("error_description")).toMatch(/^AADSTS65004:/);
    const posted = await signInWithCode({ authorizeUrl: `${base}&response_mode=form_post&state=p`, username: CONTOSO.adele.upn, password: CONTOSO.adele.password, fetch: emu.fetch });
    expect(posted.redirectUrl).toBe(CONTOSO.webApp.redirectUri);
    expect(posted.params.get("state")).toBe("p");
    expect(posted.params.get("code")).toBeTruthy();
  });

  it("says what the page said when the password is wrong", async () => {
    const authorizeUrl = `${emu.authority(CONTOSO.id)}/oauth2/v2.0/authorize?client_id=${CONTOSO.webApp.clientId}&response_type=code&redirect_uri=${encodeURIComponent(CONTOSO.webApp.redirectUri)}&scope=User.Read`;
    await expect(signInWithCode({ authorizeUrl, username: CONTOSO.adele.upn, password: "wrong", fetch: emu.fetch })).rejects.toThrow(/AADSTS50126/);
  });
});

describe("signInWithDeviceCode", () => {
  it("approves msal-node's acquireTokenByDeviceCode at the verification page", async () => {
    trustCaGlobally(emu.caCert);
    const app = await emu.admin.createApplication(CONTOSO.id, { displayName: "CLI", publicClient: true, delegatedPermissions: ["User.Read"] });
    const pca = new PublicClientApplication({ auth: { clientId: app.appId, authority: emu.authority(CONTOSO.id), knownAuthorities: [new URL(emu.baseUrl).host] } });
    let approved: Promise<{ title: string }> | undefined;
    const result = await pca.acquireTokenByDeviceCode({
      scopes: ["User.Read"],
      deviceCodeCallback: (r) => {
        approved = signInWithDeviceCode({ verificationUri: r.verificationUri, userCode: r.userCode, username: CONTOSO.adele.upn, password: CONTOSO.adele.password, fetch: emu.fetch });
      },
    });
    expect((await approved)?.title).toBe("You're signed in");
    expect(result?.account?.username).toBe(CONTOSO.adele.upn);
  }, 30_000);
});
