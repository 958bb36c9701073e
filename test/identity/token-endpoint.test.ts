import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../support/emulator.ts";

/** The token endpoint's successful answers: shapes, client authentication, rotation. */
let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu.close();
});
beforeEach(async () => {
  await fetch(`${emu.adminUrl}/reset`, { method: "POST" });
  await fetch(`${emu.adminUrl}/tenants/${CONTOSO.id}/consents`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ clientId: CONTOSO.webApp.clientId, consentType: "AllPrincipals", scopes: ["User.Read", "Calendars.ReadWrite"] }),
  });
});

async function token(params: Record<string, string>, headers: Record<string, string> = {}, tenant: string = CONTOSO.id) {
  const res = await fetch(`${emu.baseUrl}/${tenant}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(params),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, string | number | undefined> };
}

const password = (extra: Record<string, string> = {}) =>
  token({
    grant_type: "password",
    client_id: CONTOSO.webApp.clientId,
    client_secret: CONTOSO.webApp.secret,
    username: CONTOSO.adele.upn,
    password: CONTOSO.adele.password,
    scope: "openid profile email offline_access User.Read",
    ...extra,
  });

describe("token responses", () => {
  it("password grant: access, ID and refresh tokens, client_info, short scope names and Graph's app id as audience", async () => {
    const res = await password();
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("no-store");
    expect(res.body).toMatchObject({ token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599 });
    expect(String(res.body.scope).split(" ").sort()).toEqual(["User.Read", "email", "openid", "profile"]);
    const at = decodeJwt(String(res.body.access_token));
    expect(at).toMatchObject({ aud: "00000003-0000-0000-c000-000000000000", scp: "User.Read", ver: "1.0", upn: CONTOSO.adele.upn });
    expect((at.exp as number) - (at.iat as number)).toBe(3599);
    expect(at.nbf).toBe(at.iat);
    expect(decodeProtectedHeader(String(res.body.access_token))).toMatchObject({ alg: "RS256", typ: "JWT" });
    const id = decodeJwt(String(res.body.id_token));
    expect(id).toMatchObject({
      aud: CONTOSO.webApp.clientId,
      iss: `${emu.baseUrl}/${CONTOSO.id}/v2.0`,
      tid: CONTOSO.id,
      oid: CONTOSO.adele.id,
      preferred_username: CONTOSO.adele.upn,
      name: "Adele Vance",
      email: CONTOSO.adele.upn,
      ver: "2.0",
    });
    expect(res.body.refresh_token).toBeTruthy();
    expect(res.body.client_info).toBeTruthy();
  });

  it("URI-qualified scopes give the Graph URI as audience and are echoed qualified", async () => {
    const res = await password({ scope: "https://graph.microsoft.com/User.Read openid" });
    expect(decodeJwt(String(res.body.access_token)).aud).toBe("https://graph.microsoft.com");
    expect(res.body.scope).toBe("https://graph.microsoft.com/User.Read openid");
    expect(res.body.refresh_token).toBeUndefined();
  });

  it("delegated /.default gives every consented permission the app declares", async () => {
    const res = await password({ scope: "https://graph.microsoft.com/.default offline_access" });
    expect(res.status).toBe(200);
    expect(String(decodeJwt(String(res.body.access_token)).scp).split(" ").sort()).toEqual(["Calendars.ReadWrite", "User.Read"]);
  });

  it("refresh_token grant rotates the refresh token; the old one still works, as in Entra", async () => {
    const first = await password();
    const refresh = (rt: string) =>
      token({ grant_type: "refresh_token", client_id: CONTOSO.webApp.clientId, client_secret: CONTOSO.webApp.secret, refresh_token: rt, scope: "User.Read openid offline_access" });
    const second = await refresh(String(first.body.refresh_token));
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).toBeTruthy();
    expect(second.body.refresh_token).not.toBe(first.body.refresh_token);
    expect(second.body.client_info).toBe(first.body.client_info);
    expect((await refresh(String(first.body.refresh_token))).status).toBe(200);
    // Using a refresh token restarts its 90-day inactivity window.
    await fetch(`${emu.adminUrl}/clock`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ advance: "P60D" }) });
    expect((await refresh(String(second.body.refresh_token))).status).toBe(200);
    await fetch(`${emu.adminUrl}/clock`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ advance: "P60D" }) });
    expect((await refresh(String(second.body.refresh_token))).status).toBe(200);
  });

  it("client_secret_basic authenticates like client_secret_post", async () => {
    const basic = Buffer.from(`${encodeURIComponent(CONTOSO.daemon.clientId)}:${encodeURIComponent(CONTOSO.daemon.secret)}`).toString("base64");
    const res = await token({ grant_type: "client_credentials", scope: "https://graph.microsoft.com/.default" }, { authorization: `Basic ${basic}` });
    expect(res.status).toBe(200);
    expect(res.body.client_info).toBeUndefined();
    expect(res.body.refresh_token).toBeUndefined();
    expect(res.body.id_token).toBeUndefined();
    const wrong = Buffer.from(`${CONTOSO.daemon.clientId}:nope`).toString("base64");
    const bad = await token({ grant_type: "client_credentials", scope: "https://graph.microsoft.com/.default" }, { authorization: `Basic ${wrong}` });
    expect(bad.status).toBe(401);
    expect(bad.body.error).toBe("invalid_client");
  });

  it("client credentials by domain name and with Graph's app id as the resource", async () => {
    const res = await token(
      { grant_type: "client_credentials", client_id: CONTOSO.daemon.clientId, client_secret: CONTOSO.daemon.secret, scope: "00000003-0000-0000-c000-000000000000/.default" },
      {},
      "contoso.com",
    );
    expect(res.status).toBe(200);
    expect(decodeJwt(String(res.body.access_token))).toMatchObject({ aud: "00000003-0000-0000-c000-000000000000", tid: CONTOSO.id });
  });

  it("echoes a client-request-id as the correlation id of errors", async () => {
    const id = "0f2a1d9c-4b7e-4c8a-9d3f-2e1b0a9c8d7e";
    const res = await fetch(`${emu.baseUrl}/${CONTOSO.id}/oauth2/v2.0/token?client-request-id=${id}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=password",
    });
    const body = (await res.json()) as { correlation_id: string; error_description: string };
    expect(body.correlation_id).toBe(id);
    expect(body.error_description).toContain(`Correlation ID: ${id}`);
  });
});
