import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as oidc from "openid-client";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../support/emulator.ts";
import { FormBrowser } from "../support/browser.ts";

/** openid-client v6 (strict about issuers and ID tokens) against the emulator's tenant authority. */
let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
  await fetch(`${emu.adminUrl}/tenants/${CONTOSO.id}/consents`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ clientId: CONTOSO.webApp.clientId, consentType: "AllPrincipals", scopes: ["User.Read"] }),
  });
});
afterAll(async () => {
  await emu.close();
});

describe("openid-client against the emulator", () => {
  it("discovers the tenant, whose issuer matches the discovery URL exactly", async () => {
    const config = await oidc.discovery(new URL(`${emu.baseUrl}/${CONTOSO.id}/v2.0`), CONTOSO.webApp.clientId, CONTOSO.webApp.secret);
    expect(config.serverMetadata().issuer).toBe(`${emu.baseUrl}/${CONTOSO.id}/v2.0`);
  });

  it("runs the code flow with PKCE, state and nonce, validating the ID token", async () => {
    const config = await oidc.discovery(new URL(`${emu.baseUrl}/${CONTOSO.id}/v2.0`), CONTOSO.webApp.clientId, CONTOSO.webApp.secret);
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: CONTOSO.webApp.redirectUri,
      scope: "openid profile offline_access User.Read",
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      state,
      nonce,
    });
    const browser = new FormBrowser(emu.baseUrl);
    const done = await browser.signIn(await browser.get(url.href), CONTOSO.adele.upn, CONTOSO.adele.password);
    expect(done.status).toBe(302);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(done.location!), { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    expect(tokens.claims()).toMatchObject({ tid: CONTOSO.id, oid: CONTOSO.adele.id, preferred_username: CONTOSO.adele.upn });
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.access_token).toBeTruthy();
  });

  it("gets a client-credentials token", async () => {
    const config = await oidc.discovery(new URL(`${emu.baseUrl}/${CONTOSO.id}/v2.0`), CONTOSO.daemon.clientId, CONTOSO.daemon.secret);
    const tokens = await oidc.clientCredentialsGrant(config, { scope: "https://graph.microsoft.com/.default" });
    expect(tokens.token_type).toBe("bearer");
    expect(tokens.expires_in).toBe(3599);
  });

  it("reports Entra errors as ResponseBodyError with error and status", async () => {
    const config = await oidc.discovery(new URL(`${emu.baseUrl}/${CONTOSO.id}/v2.0`), CONTOSO.daemon.clientId, "wrong-secret");
    const err = await oidc.clientCredentialsGrant(config, { scope: "https://graph.microsoft.com/.default" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(oidc.ResponseBodyError);
    expect((err as oidc.ResponseBodyError).error).toBe("invalid_client");
    expect((err as oidc.ResponseBodyError).status).toBe(401);
  });
});
