import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { decodeJwt } from "jose";
import { CONTOSO, FABRIKAM, startTestEmulator, type TestEmulator } from "../support/emulator.ts";

/** The control plane under /_emulator, driven over HTTPS as a test harness would. */
let emu: TestEmulator;

const DAY = 86_400_000;

interface ControlError {
  error: { code: string; message: string };
}

async function control(method: string, path: string, body?: unknown, raw?: string): Promise<Response> {
  const hasBody = body !== undefined || raw !== undefined;
  return fetch(`${emu.adminUrl}${path}`, {
    method,
    headers: hasBody ? { "content-type": "application/json" } : {},
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
}

async function json<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

/** Expects a control-plane error and returns its message. */
async function expectError(res: Response, status: number, code: string): Promise<string> {
  expect(res.status).toBe(status);
  const body = await json<ControlError>(res);
  expect(Object.keys(body)).toEqual(["error"]);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe("string");
  expect(body.error.message.length).toBeGreaterThan(0);
  return body.error.message;
}

async function token(tenant: string, params: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${emu.baseUrl}/${tenant}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params),
  });
  return { status: res.status, body: await json(res) };
}

/** Signs a user in through the Contoso Team Tools app (admin-consented for User.Read). */
function passwordGrant(username: string, password: string) {
  return token(CONTOSO.id, {
    grant_type: "password",
    client_id: CONTOSO.teamTools.clientId,
    client_secret: CONTOSO.teamTools.secret,
    username,
    password,
    scope: "User.Read openid profile",
  });
}

function graphMe(accessToken: string): Promise<Response> {
  return fetch(`${emu.graphBaseUrl}/me`, { headers: { authorization: `Bearer ${accessToken}` } });
}

beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu?.close();
});
beforeEach(async () => {
  expect((await control("POST", "/reset")).status).toBe(200);
});

describe("health and CA", () => {
  it("GET /health answers {status: ok}", async () => {
    const res = await control("GET", "/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("GET /ca.pem returns the CA that signed the server certificate", async () => {
    const res = await control("GET", "/ca.pem");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/x-pem-file/);
    const pem = await res.text();
    expect(pem).toBe(emu.caCert);
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });

  it("an unknown control route is a JSON 404", async () => {
    const message = await expectError(await control("GET", "/nothing"), 404, "NotFound");
    expect(message).toContain("/_emulator/nothing");
  });
});

describe("clock", () => {
  it("GET /clock shows now and a zero offset after reset", async () => {
    const res = await control("GET", "/clock");
    expect(res.status).toBe(200);
    const body = await json<{ now: string; offsetMs: number }>(res);
    expect(body.offsetMs).toBe(0);
    expect(Math.abs(Date.parse(body.now) - Date.now())).toBeLessThan(5000);
  });

  it("POST {advance: P91D} moves now by 91 days", async () => {
    const before = await json<{ now: string; offsetMs: number }>(await control("GET", "/clock"));
    const res = await control("POST", "/clock", { advance: "P91D" });
    expect(res.status).toBe(200);
    const after = await json<{ now: string; offsetMs: number }>(res);
    expect(after.offsetMs).toBe(91 * DAY);
    const moved = Date.parse(after.now) - Date.parse(before.now);
    expect(moved).toBeGreaterThanOrEqual(91 * DAY);
    expect(moved).toBeLessThan(91 * DAY + 5000);
    expect(emu.clock.offsetMs).toBe(91 * DAY);
    // It accumulates.
    const again = await json<{ offsetMs: number }>(await control("POST", "/clock", { advance: "PT1H" }));
    expect(again.offsetMs).toBe(91 * DAY + 3_600_000);
  });

  it("POST {set: 2027-01-01T00:00:00Z} sets now", async () => {
    const res = await control("POST", "/clock", { set: "2027-01-01T00:00:00Z" });
    expect(res.status).toBe(200);
    const body = await json<{ now: string }>(res);
    expect(Date.parse(body.now) - Date.parse("2027-01-01T00:00:00Z")).toBeGreaterThanOrEqual(0);
    expect(Date.parse(body.now) - Date.parse("2027-01-01T00:00:00Z")).toBeLessThan(5000);
    const get = await json<{ now: string }>(await control("GET", "/clock"));
    expect(get.now.startsWith("2027-01-01T00:00:0")).toBe(true);
  });

  it("a bad duration is a 400 ValidationError naming the field", async () => {
    for (const advance of ["91D", "P", "PT", "soon", "-P1D"]) {
      const message = await expectError(await control("POST", "/clock", { advance }), 400, "ValidationError");
      expect(message).toContain("advance");
    }
    expect(emu.clock.offsetMs).toBe(0);
  });

  it("a bad set time is a 400 ValidationError naming the field", async () => {
    const message = await expectError(await control("POST", "/clock", { set: "next tuesday" }), 400, "ValidationError");
    expect(message).toContain("set");
  });

  it("a bad body is a 400 ValidationError", async () => {
    for (const body of [{}, { advance: "P1D", set: "2027-01-01T00:00:00Z" }, { advance: 5 }, { forward: "P1D" }]) {
      await expectError(await control("POST", "/clock", body), 400, "ValidationError");
    }
    expect(emu.clock.offsetMs).toBe(0);
  });

  it("a bad body's message names the field (advance or set)", async () => {
    for (const body of [{}, { advance: 5 }, { set: 20270101 }]) {
      const message = await expectError(await control("POST", "/clock", body), 400, "ValidationError");
      expect(message).toMatch(/advance|set/);
    }
  });

  it("malformed JSON is a 400", async () => {
    const res = await control("POST", "/clock", undefined, "{not json");
    expect(res.status).toBe(400);
    expect(await json<ControlError>(res)).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
  });
});

describe("tenants", () => {
  it("GET /tenants lists exactly Contoso and Fabrikam as {id, defaultDomain, displayName}", async () => {
    const res = await control("GET", "/tenants");
    expect(res.status).toBe(200);
    const tenants = await json<Record<string, unknown>[]>(res);
    expect(tenants).toHaveLength(2);
    for (const t of tenants) expect(Object.keys(t).sort()).toEqual(["defaultDomain", "displayName", "id"]);
    expect([...tenants].sort((a, b) => String(a.displayName).localeCompare(String(b.displayName)))).toEqual([
      { id: CONTOSO.id, defaultDomain: CONTOSO.domain, displayName: "Contoso" },
      { id: FABRIKAM.id, defaultDomain: "fabrikam.onmicrosoft.com", displayName: "Fabrikam" },
    ]);
  });

  it("GET /tenants/{tenant} finds a tenant by id or any domain", async () => {
    for (const name of [CONTOSO.id, CONTOSO.domain, "contoso.com", "CONTOSO.ONMICROSOFT.COM"]) {
      const res = await control("GET", `/tenants/${name}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ id: CONTOSO.id, displayName: "Contoso", defaultDomain: CONTOSO.domain });
    }
  });

  it("an unknown tenant is a 404 TenantNotFound on every tenant route", async () => {
    const unknown = randomUUID();
    for (const [method, path, body] of [
      ["GET", `/tenants/${unknown}`, undefined],
      ["GET", `/tenants/nowhere.example/users`, undefined],
      ["POST", `/tenants/${unknown}/users`, { displayName: "X", userPrincipalName: "x@nowhere.example" }],
      ["GET", `/tenants/${unknown}/applications`, undefined],
      ["POST", `/tenants/${unknown}/applications`, { displayName: "X" }],
      ["GET", `/tenants/${unknown}/consents`, undefined],
      ["POST", `/tenants/${unknown}/users/${CONTOSO.adele.id}/revokeSignInSessions`, undefined],
    ] as const) {
      const message = await expectError(await control(method, path, body), 404, "TenantNotFound");
      expect(message).toContain("does not exist");
    }
  });
});

describe("applications", () => {
  it("POST creates an app with a secret; with adminConsent it gets a client-credentials token with its roles at once", async () => {
    const res = await control("POST", `/tenants/${CONTOSO.id}/applications`, {
      displayName: "Test Reporter",
      redirectUris: ["http://localhost:7000/callback"],
      delegatedPermissions: ["User.Read"],
      applicationPermissions: ["User.Read.All", "Mail.Read"],
      adminConsent: true,
    });
    expect(res.status).toBe(201);
    const app = await json<{ appId: string; clientSecret: string; displayName: string; secrets?: unknown }>(res);
    expect(app.appId).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof app.clientSecret).toBe("string");
    expect(app.clientSecret.length).toBeGreaterThanOrEqual(16);
    expect(app.displayName).toBe("Test Reporter");
    expect(app.secrets).toBeUndefined();

    const { status, body } = await token(CONTOSO.id, {
      grant_type: "client_credentials",
      client_id: app.appId,
      client_secret: app.clientSecret,
      scope: "https://graph.microsoft.com/.default",
    });
    expect(status, JSON.stringify(body)).toBe(200);
    const claims = decodeJwt(body.access_token as string);
    expect(claims).toMatchObject({ appid: app.appId, tid: CONTOSO.id, idtyp: "app", aud: "https://graph.microsoft.com" });
    expect(claims.roles).toEqual(["User.Read.All", "Mail.Read"]);

    // The listing shows it, without secret text.
    const list = await json<{ appId: string; secrets: Record<string, unknown>[] }[]>(await control("GET", `/tenants/${CONTOSO.id}/applications`));
    const listed = list.find((a) => a.appId === app.appId);
    expect(listed).toBeDefined();
    expect(listed!.secrets).toHaveLength(1);
    expect(Object.keys(listed!.secrets[0]!).sort()).toEqual(["endDateTime", "keyId"]);
    expect(JSON.stringify(list)).not.toContain(app.clientSecret);
    // And its service principal exists, with the roles assigned.
    const sps = await json<{ appId: string; appRoleAssignments: string[] }[]>(await control("GET", `/tenants/${CONTOSO.id}/servicePrincipals`));
    expect(sps.find((s) => s.appId === app.appId)?.appRoleAssignments).toEqual(["User.Read.All", "Mail.Read"]);
    // And a tenant-wide grant for its delegated permissions.
    const consents = await json<{ clientId: string; consentType: string; scopes: string[] }[]>(await control("GET", `/tenants/${CONTOSO.id}/consents`));
    expect(consents.find((g) => g.clientId === app.appId)).toMatchObject({ consentType: "AllPrincipals", scopes: ["User.Read"] });
  });

  it("without adminConsent the app's client-credentials token carries no roles", async () => {
    const res = await control("POST", `/tenants/${CONTOSO.id}/applications`, {
      displayName: "Unconsented",
      applicationPermissions: ["User.Read.All"],
    });
    expect(res.status).toBe(201);
    const app = await json<{ appId: string; clientSecret: string }>(res);
    const { status, body } = await token(CONTOSO.id, {
      grant_type: "client_credentials",
      client_id: app.appId,
      client_secret: app.clientSecret,
      scope: "https://graph.microsoft.com/.default",
    });
    expect(status).toBe(200);
    expect(decodeJwt(body.access_token as string).roles).toBeUndefined();
  });

  it("clientSecret null makes a public client with no secret", async () => {
    const res = await control("POST", `/tenants/${CONTOSO.id}/applications`, { displayName: "SPA", clientSecret: null });
    expect(res.status).toBe(201);
    expect(await json(res)).toMatchObject({ clientSecret: null });
  });

  it("a duplicate appId is a 409", async () => {
    await expectError(
      await control("POST", `/tenants/${CONTOSO.id}/applications`, { displayName: "Copy", appId: CONTOSO.webApp.clientId }),
      409,
      "Conflict",
    );
  });

  it.each([
    ["an unknown delegated permission", { displayName: "A", delegatedPermissions: ["Foo.Bar"] }, ["delegatedPermissions", "Foo.Bar"]],
    ["an unknown application permission", { displayName: "A", applicationPermissions: ["User.Read"] }, ["applicationPermissions", "User.Read"]],
    ["a redirect URI that is not a URI", { displayName: "A", redirectUris: ["not a uri"] }, ["redirectUris"]],
    ["a missing displayName", { redirectUris: [] }, ["displayName"]],
    ["an empty displayName", { displayName: "" }, ["displayName"]],
    ["an extra field", { displayName: "A", color: "blue" }, ["color"]],
    ["a non-GUID appId", { displayName: "A", appId: "my-app" }, ["appId", "GUID"]],
    ["a wrong type", { displayName: "A", adminConsent: "yes" }, ["adminConsent"]],
  ])("%s is a 400 ValidationError with a clear message", async (_name, body, words) => {
    const message = await expectError(await control("POST", `/tenants/${CONTOSO.id}/applications`, body), 400, "ValidationError");
    for (const w of words) expect(message).toContain(w);
    expect(message).not.toMatch(/^\s*\[/); // not a raw zod issue dump
  });
});

describe("users", () => {
  const newUser = {
    displayName: "Nestor Wilke",
    userPrincipalName: "NestorW@contoso.onmicrosoft.com",
    password: "S3cret-pass!",
    jobTitle: "Director",
  };

  it("POST creates a user (201, an id, no password), who can sign in with grant_type=password at once", async () => {
    const res = await control("POST", `/tenants/${CONTOSO.id}/users`, newUser);
    expect(res.status).toBe(201);
    const user = await json<Record<string, unknown>>(res);
    expect(user.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(user).toMatchObject({ displayName: "Nestor Wilke", userPrincipalName: newUser.userPrincipalName, jobTitle: "Director", accountEnabled: true });
    expect(user).not.toHaveProperty("password");
    expect(JSON.stringify(user)).not.toContain(newUser.password);

    const wrong = await passwordGrant(newUser.userPrincipalName, "Passw0rd!");
    expect(wrong.status).toBe(400);
    const { status, body } = await passwordGrant(newUser.userPrincipalName, newUser.password);
    expect(status, JSON.stringify(body)).toBe(200);
    expect(decodeJwt(body.access_token as string)).toMatchObject({ oid: user.id, tid: CONTOSO.id, upn: newUser.userPrincipalName });
    const me = await graphMe(body.access_token as string);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ id: user.id, displayName: "Nestor Wilke" });

    // The listing shows the user, without passwords.
    const list = await json<Record<string, unknown>[]>(await control("GET", `/tenants/${CONTOSO.id}/users`));
    expect(list.some((u) => u.id === user.id)).toBe(true);
    for (const u of list) expect(u).not.toHaveProperty("password");
  });

  it("the tenant can be named by domain, and the password defaults to Passw0rd!", async () => {
    const res = await control("POST", `/tenants/contoso.com/users`, { displayName: "Default Pass", userPrincipalName: "dp@contoso.com" });
    expect(res.status).toBe(201);
    expect((await passwordGrant("dp@contoso.com", "Passw0rd!")).status).toBe(200);
  });

  it("a duplicate UPN (any case) is a 409", async () => {
    expect((await control("POST", `/tenants/${CONTOSO.id}/users`, newUser)).status).toBe(201);
    await expectError(await control("POST", `/tenants/${CONTOSO.id}/users`, newUser), 409, "Conflict");
    await expectError(
      await control("POST", `/tenants/${CONTOSO.id}/users`, { displayName: "Adele again", userPrincipalName: CONTOSO.adele.upn.toUpperCase() }),
      409,
      "Conflict",
    );
  });

  it("a UPN in a domain the tenant does not own is a 400", async () => {
    const message = await expectError(
      await control("POST", `/tenants/${CONTOSO.id}/users`, { displayName: "X", userPrincipalName: "x@fabrikam.onmicrosoft.com" }),
      400,
      "InvalidDomain",
    );
    expect(message).toContain("fabrikam.onmicrosoft.com");
  });

  it.each([
    ["a missing UPN", { displayName: "X" }, "userPrincipalName"],
    ["a malformed UPN", { displayName: "X", userPrincipalName: "nobody" }, "userPrincipalName"],
    ["an unknown directory role", { displayName: "X", userPrincipalName: "x@contoso.com", directoryRoles: ["Overlord"] }, "Overlord"],
    ["an extra field", { displayName: "X", userPrincipalName: "x@contoso.com", age: 3 }, "age"],
  ])("%s is a 400 ValidationError", async (_name, body, word) => {
    const message = await expectError(await control("POST", `/tenants/${CONTOSO.id}/users`, body), 400, "ValidationError");
    expect(message).toContain(word);
  });

  it("revokeSignInSessions works by id or UPN, and an unknown user is a 404", async () => {
    const byId = await control("POST", `/tenants/${CONTOSO.id}/users/${CONTOSO.adele.id}/revokeSignInSessions`);
    expect(byId.status).toBe(200);
    expect(await byId.json()).toEqual({ value: true });
    expect((await control("POST", `/tenants/${CONTOSO.id}/users/${CONTOSO.megan.upn}/revokeSignInSessions`)).status).toBe(200);
    const message = await expectError(
      await control("POST", `/tenants/${CONTOSO.id}/users/${randomUUID()}/revokeSignInSessions`),
      404,
      "NotFound",
    );
    expect(message).toContain("was not found");
  });
});

describe("reset", () => {
  it("POST /reset restores the fixtures: a created user disappears and the clock offset returns to 0", async () => {
    const created = await json<{ id: string }>(
      await control("POST", `/tenants/${CONTOSO.id}/users`, { displayName: "Temp", userPrincipalName: "temp@contoso.com" }),
    );
    const app = await json<{ appId: string }>(await control("POST", `/tenants/${FABRIKAM.id}/applications`, { displayName: "Temp app" }));
    await control("POST", "/clock", { advance: "P91D" });
    expect(emu.clock.offsetMs).toBe(91 * DAY);

    const res = await control("POST", "/reset");
    expect(res.status).toBe(200);
    const body = await json<{ status: string; tenants: unknown[] }>(res);
    expect(body.status).toBe("reset");
    expect(body.tenants).toHaveLength(2);

    const users = await json<{ id: string }[]>(await control("GET", `/tenants/${CONTOSO.id}/users`));
    expect(users.some((u) => u.id === created.id)).toBe(false);
    expect(users.some((u) => u.id === CONTOSO.adele.id)).toBe(true);
    const apps = await json<{ appId: string }[]>(await control("GET", `/tenants/${FABRIKAM.id}/applications`));
    expect(apps.some((a) => a.appId === app.appId)).toBe(false);
    const clock = await json<{ offsetMs: number }>(await control("GET", "/clock"));
    expect(clock.offsetMs).toBe(0);
    expect(emu.clock.offsetMs).toBe(0);
    expect((await passwordGrant("temp@contoso.com", "Passw0rd!")).status).toBe(400);
  });
});

describe("consents", () => {
  it("lists, creates and deletes consent grants, and they decide what grant_type=password may get", async () => {
    const before = await json<{ id: string; clientId: string }[]>(await control("GET", `/tenants/${CONTOSO.id}/consents`));
    expect(before.some((g) => g.clientId === CONTOSO.webApp.clientId)).toBe(false);

    const webPortalGrant = () =>
      token(CONTOSO.id, {
        grant_type: "password",
        client_id: CONTOSO.webApp.clientId,
        client_secret: CONTOSO.webApp.secret,
        username: CONTOSO.adele.upn,
        password: CONTOSO.adele.password,
        scope: "User.Read",
      });
    // No consent yet: ROPC cannot prompt.
    const refused = await webPortalGrant();
    expect(refused.status).toBe(400);
    expect(String(refused.body.error_description)).toContain("AADSTS65001");

    const res = await control("POST", `/tenants/${CONTOSO.id}/consents`, {
      clientId: CONTOSO.webApp.clientId,
      consentType: "AllPrincipals",
      scopes: ["User.Read"],
    });
    expect(res.status).toBe(201);
    const grant = await json<{ id: string }>(res);
    expect(grant).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      clientId: CONTOSO.webApp.clientId,
      consentType: "AllPrincipals",
      principalId: null,
      resource: "graph",
      scopes: ["User.Read"],
    });
    const listed = await json<{ id: string }[]>(await control("GET", `/tenants/${CONTOSO.id}/consents`));
    expect(listed).toContainEqual(grant);
    expect(listed).toHaveLength(before.length + 1);
    expect((await webPortalGrant()).status).toBe(200);

    const del = await control("DELETE", `/tenants/${CONTOSO.id}/consents/${grant.id}`);
    expect(del.status).toBe(204);
    expect(await del.text()).toBe("");
    const after = await json<{ id: string }[]>(await control("GET", `/tenants/${CONTOSO.id}/consents`));
    expect(after.some((g) => g.id === grant.id)).toBe(false);
    expect((await webPortalGrant()).status).toBe(400);

    await expectError(await control("DELETE", `/tenants/${CONTOSO.id}/consents/${grant.id}`), 404, "NotFound");
  });

  it("a Principal grant applies to that user only", async () => {
    const res = await control("POST", `/tenants/${CONTOSO.id}/consents`, {
      clientId: CONTOSO.webApp.clientId,
      consentType: "Principal",
      principalId: CONTOSO.adele.id,
      scopes: ["User.Read"],
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ consentType: "Principal", principalId: CONTOSO.adele.id });
    const grant = (user: { upn: string; password: string }) =>
      token(CONTOSO.id, {
        grant_type: "password",
        client_id: CONTOSO.webApp.clientId,
        client_secret: CONTOSO.webApp.secret,
        username: user.upn,
        password: user.password,
        scope: "User.Read",
      });
    expect((await grant(CONTOSO.adele)).status).toBe(200);
    expect((await grant(CONTOSO.megan)).status).toBe(400);
  });

  it.each([
    ["Principal without principalId", { clientId: CONTOSO.webApp.clientId, consentType: "Principal", scopes: ["User.Read"] }, "principalId"],
    ["an unknown scope", { clientId: CONTOSO.webApp.clientId, consentType: "AllPrincipals", scopes: ["Nope.Read"] }, "Nope.Read"],
    ["no scopes", { clientId: CONTOSO.webApp.clientId, consentType: "AllPrincipals", scopes: [] }, "scopes"],
    ["a bad consentType", { clientId: CONTOSO.webApp.clientId, consentType: "Everyone", scopes: ["User.Read"] }, "consentType"],
    ["a non-GUID clientId", { clientId: "web-portal", consentType: "AllPrincipals", scopes: ["User.Read"] }, "clientId"],
  ])("%s is a 400 ValidationError", async (_name, body, word) => {
    const message = await expectError(await control("POST", `/tenants/${CONTOSO.id}/consents`, body), 400, "ValidationError");
    expect(message).toContain(word);
  });
});
