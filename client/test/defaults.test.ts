import { afterEach, describe, expect, it, vi } from "vitest";
import { MicrosoftFunctions } from "../src/index.ts";

/**
 * No emulator-only code path: a client built with default endpoints talks to
 * Microsoft. Node's fetch (which MSAL and the client use by default) is
 * replaced by a recorder that answers like Microsoft would.
 */
const TENANT = "11111111-2222-4333-8444-555555555555";
const CLIENT_ID = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
const USER = "87d349ed-44d7-43e1-9a83-5f2406dee5bd";

interface Recorded {
  method: string;
  url: string;
  headers: Headers;
  body: string | undefined;
}

function recorder() {
  const calls: Recorded[] = [];
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  const fake = async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = String(input instanceof Request ? input.url : input);
    calls.push({ method: (init.method ?? "GET").toUpperCase(), url, headers: new Headers(init.headers), body: typeof init.body === "string" ? init.body : undefined });
    const u = new URL(url);
    if (u.pathname.endsWith("/.well-known/openid-configuration")) {
      return json(200, { issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`, authorization_endpoint: "x", token_endpoint: "y", jwks_uri: "z" });
    }
    if (u.pathname.endsWith("/oauth2/v2.0/token")) return json(200, { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: "eyJ0.eyJ0.sig" });
    if (u.host === "graph.microsoft.com") return json(200, { id: USER, displayName: "Adele Vance" });
    return json(404, { error: "unexpected" });
  };
  return { calls, fake };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("default settings", () => {
  it("point at login.microsoftonline.com and graph.microsoft.com/v1.0", () => {
    const client = new MicrosoftFunctions({ tenantId: TENANT, clientId: CLIENT_ID, clientSecret: "s", redirectUri: "https://app.example.com/auth/aad" });
    expect(client.settings.authorityHost).toBe("https://login.microsoftonline.com");
    expect(client.settings.graphBaseUrl).toBe("https://graph.microsoft.com/v1.0");
    expect(client.settings.caCertificate).toBeUndefined();
  });

  it("a sign-in URL, an application token and a Graph call all go to Microsoft's hosts", async () => {
    const { calls, fake } = recorder();
    vi.stubGlobal("fetch", fake);
    const client = new MicrosoftFunctions({
      tenantId: TENANT,
      clientId: CLIENT_ID,
      clientSecret: "secret",
      redirectUri: "https://app.example.com/auth/aad",
      appTenantId: TENANT,
    });

    const { url } = await client.signIn.getSignInUrl({ userId: "u1" });
    expect(url.startsWith(`https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/authorize?`)).toBe(true);
    expect(new URL(url).searchParams.get("redirect_uri")).toBe("https://app.example.com/auth/aad");

    const result = await client.users.getUser({ userId: USER });
    expect(result).toEqual({ ok: true, data: { id: USER, displayName: "Adele Vance" } });

    const hosts = new Set(calls.map((c) => new URL(c.url).host));
    expect([...hosts].sort()).toEqual(["graph.microsoft.com", "login.microsoftonline.com"]);
    const token = calls.find((c) => c.url.includes("/oauth2/v2.0/token"))!;
    expect(token.url.startsWith(`https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`)).toBe(true);
    expect(new URLSearchParams(token.body).get("scope")).toBe("https://graph.microsoft.com/.default");
    expect(new URLSearchParams(token.body).get("grant_type")).toBe("client_credentials");
    const graph = calls.filter((c) => new URL(c.url).host === "graph.microsoft.com");
    expect(graph.map((c) => `${c.method} ${c.url}`)).toEqual([`GET https://graph.microsoft.com/v1.0/users/${USER}`]);
    expect(graph[0]!.headers.get("authorization")).toBe("Bearer eyJ0.eyJ0.sig");
    expect(graph[0]!.headers.get("SdkVersion")).toMatch(/^graph-js\//);
  });

  it("with tenantId 'common' the sign-in makes no network call at all", async () => {
    const { calls, fake } = recorder();
    vi.stubGlobal("fetch", fake);
    const client = new MicrosoftFunctions({ clientId: CLIENT_ID, clientSecret: "secret", redirectUri: "https://app.example.com/auth/aad" });
    const { url } = await client.signIn.getSignInUrl({ userId: "u1" });
    expect(url.startsWith("https://login.microsoftonline.com/common/oauth2/v2.0/authorize?")).toBe(true);
    expect(calls).toEqual([]);
  });
});
