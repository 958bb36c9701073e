import { describe, expect, it } from "vitest";
import { ClientSecretCredential, UsernamePasswordCredential } from "@azure/identity";
import { decodeJwt } from "jose";
import { appOf, ownEmulator } from "./own-emulator.ts";

/**
 * @azure/identity credentials against the emulator (docs/clients.md): `authorityHost` names the
 * emulator and `disableInstanceDiscovery: true` keeps MSAL (inside the credential) from asking
 * login.microsoftonline.com whether that host is a known authority. The CA is trusted through
 * NODE_EXTRA_CA_CERTS (the global setup) or the credential's own `tlsOptions.ca`.
 */
const own = ownEmulator("Azure Identity");
const options = () => ({ authorityHost: own.baseUrl, disableInstanceDiscovery: true });

async function graphGet(path: string, token: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${own.baseUrl}/v1.0${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("@azure/identity with authorityHost and disableInstanceDiscovery", () => {
  it("ClientSecretCredential gets an app token that lists users on the emulator's Graph", async () => {
    const daemon = appOf(own.tenant, "Contoso Calendar Daemon");
    const credential = new ClientSecretCredential(own.tenant.id, daemon.appId, daemon.clientSecret, options());
    const token = await credential.getToken("https://graph.microsoft.com/.default");
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now());
    expect(decodeJwt(token.token)).toMatchObject({ tid: own.tenant.id, appid: daemon.appId, idtyp: "app", roles: ["User.Read.All", "Calendars.ReadWrite"] });
    const users = await graphGet(`/users/${own.adele.id}?$select=id,userPrincipalName`, token.token);
    expect(users.status).toBe(200);
    expect(users.body).toMatchObject({ id: own.adele.id, userPrincipalName: own.adele.userPrincipalName });
    // A second call is served from the credential's cache: no new token request reaches the emulator.
    const before = await own.admin.countRequests({ path: `/${own.tenant.id}/oauth2/v2.0/token` });
    expect((await credential.getToken("https://graph.microsoft.com/.default")).token).toBe(token.token);
    expect(await own.admin.countRequests({ path: `/${own.tenant.id}/oauth2/v2.0/token` })).toBe(before);
  });

  it("trusts the CA given in tlsOptions.ca, for processes started without NODE_EXTRA_CA_CERTS", async () => {
    const daemon = appOf(own.tenant, "Contoso Calendar Daemon");
    const credential = new ClientSecretCredential(own.tenant.id, daemon.appId, daemon.clientSecret, { ...options(), tlsOptions: { ca: own.emu.caCert } });
    const token = await credential.getToken("https://graph.microsoft.com/.default");
    expect(decodeJwt(token.token)).toMatchObject({ tid: own.tenant.id, idtyp: "app" });
  });

  it("a wrong secret surfaces the emulator's AADSTS7000215 through the credential", async () => {
    const daemon = appOf(own.tenant, "Contoso Calendar Daemon");
    const credential = new ClientSecretCredential(own.tenant.id, daemon.appId, "not-the-secret", options());
    await expect(credential.getToken("https://graph.microsoft.com/.default")).rejects.toThrow(/AADSTS7000215/);
  });

  it("UsernamePasswordCredential (a public client) signs a user in; the token reads /me", async () => {
    const app = await own.admin.createApplication(own.tenant.id, {
      displayName: "Public client for UsernamePasswordCredential",
      clientSecret: null,
      delegatedPermissions: ["User.Read"],
      adminConsent: true,
    });
    // Deprecated by Microsoft (ROPC cannot do MFA), still shipped and still used by test suites.
    const credential = new UsernamePasswordCredential(own.tenant.id, app.appId, own.adele.userPrincipalName, "Passw0rd!", options());
    const token = await credential.getToken("https://graph.microsoft.com/User.Read");
    expect(decodeJwt(token.token)).toMatchObject({ tid: own.tenant.id, oid: own.adele.id, idtyp: "user", scp: "User.Read" });
    const me = await graphGet("/me", token.token);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: own.adele.id, userPrincipalName: own.adele.userPrincipalName });
  });
});
