import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../support/emulator.ts";
import { FormBrowser, redirectParams } from "../support/browser.ts";

/** The request journal: what it records, how to query it, and that no secret ever reaches it or the log. */
let emu: TestEmulator;
const logged: string[] = [];
beforeAll(async () => {
  emu = await startTestEmulator();
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(" ")));
  }
  await emu.admin.grantConsent(CONTOSO.id, { clientId: CONTOSO.webApp.clientId, consentType: "AllPrincipals", scopes: ["User.Read"] });
});
afterAll(async () => {
  vi.restoreAllMocks();
  await emu.close();
});

async function form(path: string, params: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(`${emu.baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(params),
  });
  return (await res.json()) as Record<string, string>;
}

describe("request journal", () => {
  it("records identity, Graph and control requests with who, what and the outcome, never a secret", async () => {
    await emu.admin.clearRequests();
    const secrets: string[] = [CONTOSO.webApp.secret, CONTOSO.daemon.secret, CONTOSO.adele.password];
    const tokens = await form(`/${CONTOSO.id}/oauth2/v2.0/token`, {
      grant_type: "password",
      client_id: CONTOSO.webApp.clientId,
      client_secret: CONTOSO.webApp.secret,
      username: CONTOSO.adele.upn,
      password: CONTOSO.adele.password,
      scope: "openid offline_access User.Read",
    });
    secrets.push(tokens.access_token!, tokens.refresh_token!, tokens.id_token!);
    const basic = Buffer.from(`${CONTOSO.daemon.clientId}:${CONTOSO.daemon.secret}`).toString("base64");
    const app = await form(`/${CONTOSO.id}/oauth2/v2.0/token`, { grant_type: "client_credentials", scope: "https://graph.microsoft.com/.default" }, { authorization: `Basic ${basic}` });
    secrets.push(app.access_token!, basic);
    const refreshed = await form(`/${CONTOSO.id}/oauth2/v2.0/token?refresh_token=${tokens.refresh_token}`, {
      grant_type: "refresh_token",
      client_id: CONTOSO.webApp.clientId,
      client_secret: CONTOSO.webApp.secret,
      refresh_token: tokens.refresh_token!,
    });
    secrets.push(refreshed.access_token!, refreshed.refresh_token!);

    // The code flow puts a code in a redirect and a verifier in a body.
    const browser = new FormBrowser(emu.baseUrl);
    const url = `${emu.baseUrl}/${CONTOSO.id}/oauth2/v2.0/authorize?${new URLSearchParams({ client_id: CONTOSO.webApp.clientId, response_type: "code", redirect_uri: CONTOSO.webApp.redirectUri, scope: "openid User.Read", code_challenge: "x".repeat(43), code_challenge_method: "plain" })}`;
    const code = redirectParams(await browser.signIn(await browser.get(url), CONTOSO.adele.upn, CONTOSO.adele.password)).get("code")!;
    secrets.push(code);
    await form(`/${CONTOSO.id}/oauth2/v2.0/token?code=${code}`, { grant_type: "authorization_code", client_id: CONTOSO.webApp.clientId, client_secret: CONTOSO.webApp.secret, code, redirect_uri: CONTOSO.webApp.redirectUri, code_verifier: "x".repeat(43) });

    const me = await fetch(`${emu.graphBaseUrl}/me`, { headers: { authorization: `Bearer ${tokens.access_token}`, "client-request-id": "6f0b7a1e-2c3d-4e5f-8a9b-0c1d2e3f4a5b" } });
    expect(me.status).toBe(200);
    await fetch(`${emu.graphBaseUrl}/me`, { headers: { authorization: "Bearer not-a-token" } });

    const entries = await emu.admin.requests();
    const graph = entries.filter((e) => e.area === "graph");
    expect(graph[0]).toMatchObject({
      method: "GET",
      url: "/v1.0/me",
      tenant: CONTOSO.id,
      clientId: CONTOSO.webApp.clientId,
      userId: CONTOSO.adele.id,
      status: 200,
      errorCode: null,
      headers: { authorization: "Bearer [redacted]", "client-request-id": "6f0b7a1e-2c3d-4e5f-8a9b-0c1d2e3f4a5b" },
    });
    expect(graph[1]).toMatchObject({ status: 401, errorCode: "InvalidAuthenticationToken", headers: { authorization: "Bearer [redacted]" } });
    const tokenCalls = entries.filter((e) => e.area === "identity" && e.url.includes("/token"));
    expect(tokenCalls.length).toBe(4);
    expect(tokenCalls.find((e) => e.headers.authorization)?.headers.authorization).toBe("Basic [redacted]");
    expect(tokenCalls.some((e) => e.url.includes("refresh_token=%5Bredacted%5D"))).toBe(true);
    expect(entries.some((e) => e.area === "identity" && e.url.includes("/authorize"))).toBe(true);
    // Every identity request names its client and tenant: the sign-in form post (client_id inside the encoded
    // `request` field) and client_secret_basic (client_id in the Authorization header) included.
    const identity = entries.filter((e) => e.area === "identity");
    expect(identity.filter((e) => e.method === "POST" && e.url.includes("/authorize"))).toHaveLength(1);
    for (const e of identity) expect(e, `${e.method} ${e.url}`).toMatchObject({ tenant: CONTOSO.id });
    expect(identity.map((e) => e.clientId)).toEqual([
      CONTOSO.webApp.clientId,
      CONTOSO.daemon.clientId,
      CONTOSO.webApp.clientId,
      CONTOSO.webApp.clientId,
      CONTOSO.webApp.clientId,
      CONTOSO.webApp.clientId,
    ]);

    const journalText = JSON.stringify(entries);
    for (const secret of secrets) {
      expect(journalText.includes(secret), `journal contains a secret (${secret.slice(0, 6)}...)`).toBe(false);
      expect(logged.some((line) => line.includes(secret)), "log contains a secret").toBe(false);
    }
  });

  it("filters by area, status, error code and client, and can be cleared", async () => {
    await emu.admin.clearRequests();
    await form(`/${CONTOSO.id}/oauth2/v2.0/token`, { grant_type: "client_credentials", client_id: CONTOSO.daemon.clientId, client_secret: "wrong", scope: "https://graph.microsoft.com/.default" });
    await fetch(`${emu.adminUrl}/health`);
    expect(await emu.admin.countRequests({ area: "identity", status: 401 })).toBe(1);
    const [failed] = await emu.admin.requests({ errorCode: "7000215" });
    expect(failed).toMatchObject({ clientId: CONTOSO.daemon.clientId, errorCode: "invalid_client AADSTS7000215", tenant: CONTOSO.id });
    expect(await emu.admin.countRequests({ area: "control" })).toBe(1);
    expect(await emu.admin.countRequests({ clientId: CONTOSO.daemon.clientId })).toBe(1);
    const bad = await fetch(`${emu.adminUrl}/requests?status=abc`);
    expect(bad.status).toBe(400);
    await emu.admin.clearRequests();
    expect(await emu.admin.countRequests()).toBe(0);
  });
});
