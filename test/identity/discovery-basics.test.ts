import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeJwt } from "jose";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../support/emulator.ts";

/** Issue 19, first slice: OIDC scopes as declared permissions, instance discovery, discovery documents. */
let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu.close();
});

async function registerApp(body: Record<string, unknown>): Promise<Response> {
  return fetch(`${emu.adminUrl}/tenants/${CONTOSO.id}/applications`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

describe("OpenID Connect scopes in delegatedPermissions", () => {
  it("registers an app with openid, offline_access, profile and email, and its .default token carries only Graph scopes", async () => {
    const res = await registerApp({
      displayName: "OIDC scopes app",
      delegatedPermissions: ["openid", "offline_access", "profile", "email", "User.Read"],
      adminConsent: true,
    });
    expect(res.status).toBe(201);
    const app = (await res.json()) as { appId: string; clientSecret: string; delegatedPermissions: string[] };
    expect(app.delegatedPermissions).toEqual(["openid", "offline_access", "profile", "email", "User.Read"]);
    const token = await fetch(`${emu.authority(CONTOSO.id)}/oauth2/v2.0/token`, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "password",
        client_id: app.appId,
        client_secret: app.clientSecret,
        username: CONTOSO.adele.upn,
        password: CONTOSO.adele.password,
        scope: "https://graph.microsoft.com/.default openid offline_access profile email",
      }),
    });
    expect(token.status).toBe(200);
    const body = (await token.json()) as { access_token: string; refresh_token?: string; id_token?: string };
    expect(decodeJwt(body.access_token).scp).toBe("User.Read");
    expect(body.refresh_token).toBeTruthy();
    expect(decodeJwt(body.id_token as string).email).toBeDefined();
  });

  it("still refuses a name that is no Graph permission", async () => {
    const res = await registerApp({ displayName: "Bad", delegatedPermissions: ["openid", "Not.A.Permission"] });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("unknown delegated Graph permission 'Not.A.Permission'");
  });
});

describe("instance discovery", () => {
  const discover = async (authorizationEndpoint?: string) => {
    const url = new URL(`${emu.baseUrl}/common/discovery/instance`);
    url.searchParams.set("api-version", "1.1");
    if (authorizationEndpoint) url.searchParams.set("authorization_endpoint", authorizationEndpoint);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    return ((await res.json()) as { tenant_discovery_endpoint: string }).tenant_discovery_endpoint;
  };

  it("echoes the tenant of authorization_endpoint, by GUID or domain", async () => {
    expect(await discover(`${emu.baseUrl}/${CONTOSO.id}/oauth2/v2.0/authorize`)).toBe(`${emu.baseUrl}/${CONTOSO.id}/v2.0/.well-known/openid-configuration`);
    expect(await discover(`${emu.baseUrl}/${CONTOSO.domain}/oauth2/v2.0/authorize`)).toBe(`${emu.baseUrl}/${CONTOSO.domain}/v2.0/.well-known/openid-configuration`);
    expect(await discover(`${emu.baseUrl}/organizations/oauth2/v2.0/authorize`)).toBe(`${emu.baseUrl}/organizations/v2.0/.well-known/openid-configuration`);
  });

  it("answers common without an authorization_endpoint, for another host, or for text that is no tenant", async () => {
    expect(await discover()).toBe(`${emu.baseUrl}/common/v2.0/.well-known/openid-configuration`);
    expect(await discover(`https://login.example.com/${CONTOSO.id}/oauth2/v2.0/authorize`)).toBe(`${emu.baseUrl}/common/v2.0/.well-known/openid-configuration`);
    expect(await discover(`${emu.baseUrl}/%3Cscript%3E/oauth2/v2.0/authorize`)).toBe(`${emu.baseUrl}/common/v2.0/.well-known/openid-configuration`);
  });
});

describe("discovery documents advertise only endpoints that answer", () => {
  for (const [tenant, path] of [
    [CONTOSO.id, "v2.0/.well-known/openid-configuration"],
    [CONTOSO.id, ".well-known/openid-configuration"],
    ["common", "v2.0/.well-known/openid-configuration"],
    ["organizations", ".well-known/openid-configuration"],
  ] as const) {
    it(`every URL of /${tenant === CONTOSO.id ? "{tenant}" : tenant}/${path} on this host answers`, async () => {
      const doc = (await (await fetch(`${emu.baseUrl}/${tenant}/${path}`)).json()) as Record<string, unknown>;
      const urls = Object.entries(doc).filter(([k, v]) => /(_endpoint|_uri)$/.test(k) && typeof v === "string") as [string, string][];
      expect(urls.map(([k]) => k).sort()).toEqual(
        ["authorization_endpoint", "device_authorization_endpoint", "end_session_endpoint", "jwks_uri", "token_endpoint"].filter((k) => k in doc).sort(),
      );
      for (const [key, url] of urls) {
        expect(new URL(url).origin, key).toBe(emu.baseUrl);
        const method = key === "token_endpoint" || key === "device_authorization_endpoint" ? "POST" : "GET";
        const res = await fetch(url, { method, redirect: "manual", ...(method === "POST" ? { body: new URLSearchParams({}) } : {}) });
        expect(res.status, `${key} ${url}`).not.toBe(404);
        expect(res.status, `${key} ${url}`).toBeLessThan(500);
      }
    });
  }
});
