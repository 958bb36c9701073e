import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfidentialClientApplication, CryptoProvider, ServerError } from "@azure/msal-node";
import { decodeJwt } from "jose";
import { emulatorNetworkClient, rewriteToEmulator } from "../../emulator/src/index.ts";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../support/emulator.ts";
import { FormBrowser, redirectParams } from "../support/browser.ts";

/**
 * Setup C of the reference notes: MSAL keeps the real
 * https://login.microsoftonline.com authority (and so its built-in metadata),
 * and the exported network client sends every call to the emulator.
 */
let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu.close();
});

function app(clientId: string, clientSecret: string): ConfidentialClientApplication {
  return new ConfidentialClientApplication({
    auth: { clientId, clientSecret, authority: `https://login.microsoftonline.com/${CONTOSO.id}` },
    system: { networkClient: emulatorNetworkClient({ baseUrl: emu.baseUrl, caCert: emu.caCert }) },
  });
}

describe("msal-node with the real authority, routed to the emulator", () => {
  it("rewrites only Microsoft hosts", () => {
    expect(rewriteToEmulator("https://login.microsoftonline.com/x/oauth2/v2.0/token?a=1", "https://localhost:9")).toBe(
      "https://localhost:9/x/oauth2/v2.0/token?a=1",
    );
    expect(rewriteToEmulator("https://example.com/x", "https://localhost:9")).toBe("https://example.com/x");
  });

  it("gets an app token with client credentials", async () => {
    const result = await app(CONTOSO.daemon.clientId, CONTOSO.daemon.secret).acquireTokenByClientCredential({
      scopes: ["https://graph.microsoft.com/.default"],
    });
    expect(decodeJwt(result!.accessToken)).toMatchObject({ tid: CONTOSO.id, idtyp: "app", roles: ["User.Read.All", "Calendars.ReadWrite"] });
  });

  it("completes the authorization code flow and calls Graph with the token", async () => {
    const web = app(CONTOSO.webApp.clientId, CONTOSO.webApp.secret);
    const pkce = await new CryptoProvider().generatePkceCodes();
    const url = await web.getAuthCodeUrl({
      scopes: ["User.Read"],
      redirectUri: CONTOSO.webApp.redirectUri,
      codeChallenge: pkce.challenge,
      codeChallengeMethod: "S256",
      state: "s1",
    });
    expect(url.startsWith(`https://login.microsoftonline.com/${CONTOSO.id}/oauth2/v2.0/authorize?`)).toBe(true);
    const browser = new FormBrowser(emu.baseUrl);
    const page = await browser.get(rewriteToEmulator(url, emu.baseUrl));
    const consentPage = await browser.signIn(page, CONTOSO.adele.upn, CONTOSO.adele.password);
    expect(consentPage.html).toContain("Permissions requested");
    const params = redirectParams(await browser.consent(consentPage, true));
    const result = await web.acquireTokenByCode(
      { code: params.get("code")!, scopes: ["User.Read"], redirectUri: CONTOSO.webApp.redirectUri, codeVerifier: pkce.verifier, state: "s1" },
      { code: params.get("code")!, state: params.get("state")!, client_info: params.get("client_info")! },
    );
    // MSAL files accounts of the public cloud under its preferred cache alias, as against Microsoft.
    expect(result.account?.environment).toBe("login.windows.net");
    const me = await fetch(`${emu.graphBaseUrl}/me`, { headers: { authorization: `Bearer ${result.accessToken}` } });
    expect(me.status).toBe(200);
  });

  it("surfaces Entra errors as MSAL does against Microsoft", async () => {
    const err = await app(CONTOSO.daemon.clientId, "wrong-secret")
      .acquireTokenByClientCredential({ scopes: ["https://graph.microsoft.com/.default"] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect((err as ServerError).errorCode).toBe("invalid_client");
    expect(String((err as ServerError).errorNo)).toBe("7000215");
  });
});
