import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfidentialClientApplication, CryptoProvider } from "@azure/msal-node";
import { createRemoteJWKSet, decodeJwt, jwtVerify } from "jose";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../support/emulator.ts";
import { FormBrowser, redirectParams } from "../support/browser.ts";

/**
 * "Your own API": apps that expose scopes and app roles, clients that declare
 * permissions to them, and access tokens in v1 and v2 shape that a user's API
 * verifies with jose against the tenant's published keys, as against Entra.
 */
let emu: TestEmulator;
let ordersApi: { appId: string };
let legacyApi: { appId: string };
let client: { appId: string; clientSecret: string };
let plainClient: { appId: string; clientSecret: string };
let securityGroupId: string;
const REDIRECT = "http://localhost:7000/callback";

async function control(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${emu.adminUrl}/tenants/${CONTOSO.id}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}
async function register<T>(body: Record<string, unknown>): Promise<T> {
  const res = await control("POST", "/applications", body);
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as T;
}

beforeAll(async () => {
  emu = await startTestEmulator();
  ordersApi = await register({
    displayName: "Contoso Orders API",
    identifierUris: ["api://contoso-orders"],
    scopes: ["Orders.Read", { value: "Orders.Admin", adminConsentRequired: true, description: "Administer orders" }],
    appRoles: [
      { value: "Orders.Approver", allowedMemberTypes: ["User"], description: "Approves orders" },
      { value: "Orders.Sync", allowedMemberTypes: ["Application"], description: "Syncs orders" },
    ],
    accessTokenVersion: 2,
    groupMembershipClaims: "SecurityGroup",
  });
  legacyApi = await register({
    displayName: "Legacy API",
    identifierUris: ["api://legacy"],
    scopes: ["access_as_user"],
    appRoles: [{ value: "Reader", allowedMemberTypes: ["User", "Application"] }],
  });
  client = await register({
    displayName: "Orders front end",
    redirectUris: [REDIRECT],
    delegatedPermissions: ["openid", "offline_access", "User.Read"],
    apiPermissions: [
      { resource: "api://contoso-orders", delegated: ["Orders.Read"], application: ["Orders.Sync"] },
      { resource: legacyApi.appId, delegated: ["access_as_user"], application: ["Reader"] },
    ],
    adminConsent: true,
  });
  plainClient = await register({
    displayName: "Orders helper (no admin consent)",
    redirectUris: [REDIRECT],
    apiPermissions: [{ resource: "api://contoso-orders", delegated: ["Orders.Read", "Orders.Admin"] }],
  });
  securityGroupId = emu.store.read(CONTOSO.id, (t) => t.groups.find((g) => g.displayName === "Contoso Security Readers")!.id);
});
afterAll(async () => {
  await emu.close();
});

const jwks = () => createRemoteJWKSet(new URL(`${emu.baseUrl}/${CONTOSO.id}/discovery/v2.0/keys`));

function cca(c: { appId: string; clientSecret: string }): ConfidentialClientApplication {
  return new ConfidentialClientApplication({
    auth: { clientId: c.appId, clientSecret: c.clientSecret, authority: emu.authority(CONTOSO.id), knownAuthorities: [new URL(emu.baseUrl).host] },
  });
}

/** The authorization code flow through the sign-in (and, when asked, consent) pages; returns msal-node's result. */
async function signIn(c: { appId: string; clientSecret: string }, scopes: string[], user: { upn: string; password: string }, onConsent?: (html: string) => void) {
  const app = cca(c);
  const pkce = await new CryptoProvider().generatePkceCodes();
  const url = await app.getAuthCodeUrl({ scopes, redirectUri: REDIRECT, codeChallenge: pkce.challenge, codeChallengeMethod: "S256" });
  const browser = new FormBrowser(emu.baseUrl);
  let step = await browser.signIn(await browser.get(url), user.upn, user.password);
  if (step.status === 200 && /Permissions requested/.test(step.html)) {
    onConsent?.(step.html);
    step = await browser.consent(step, true);
  }
  const code = redirectParams(step).get("code") as string;
  return app.acquireTokenByCode({ code, scopes, redirectUri: REDIRECT, codeVerifier: pkce.verifier });
}

describe("app-only tokens for your own API (client credentials)", () => {
  it("v2: aud is the API's appId, iss {origin}/{tid}/v2.0, azp/azpacr, roles from admin consent; jose verifies it", async () => {
    const result = await cca(client).acquireTokenByClientCredential({ scopes: ["api://contoso-orders/.default"] });
    const { payload } = await jwtVerify(result!.accessToken, jwks(), { issuer: `${emu.baseUrl}/${CONTOSO.id}/v2.0`, audience: ordersApi.appId });
    expect(payload).toMatchObject({ ver: "2.0", azp: client.appId, azpacr: "1", roles: ["Orders.Sync"], tid: CONTOSO.id, idtyp: "app" });
    expect(payload.scp).toBeUndefined();
    expect(payload.appid).toBeUndefined();
  });

  it("v1 (accessTokenVersion absent): aud is the identifier URI, iss sts.windows.net, appid/appidacr; asked by appId too", async () => {
    for (const scope of ["api://legacy/.default", `${legacyApi.appId}/.default`]) {
      const result = await cca(client).acquireTokenByClientCredential({ scopes: [scope], skipCache: true });
      const { payload } = await jwtVerify(result!.accessToken, jwks(), { issuer: `https://sts.windows.net/${CONTOSO.id}/`, audience: "api://legacy" });
      expect(payload).toMatchObject({ ver: "1.0", appid: client.appId, appidacr: "1", roles: ["Reader"] });
      expect(payload.azp).toBeUndefined();
    }
  });

  it("gives no roles to a client that was granted none", async () => {
    const result = await cca(plainClient).acquireTokenByClientCredential({ scopes: ["api://contoso-orders/.default"] });
    expect(decodeJwt(result!.accessToken).roles).toBeUndefined();
  });
});

describe("delegated tokens for your own API", () => {
  it("v2: scp, the user's app role and security groups; jose verifies it", async () => {
    const assign = await control("POST", `/servicePrincipals/${ordersApi.appId}/appRoleAssignedTo`, { principalId: CONTOSO.adele.id, appRole: "Orders.Approver" });
    expect(assign.status).toBe(201);
    const assignment = (await assign.json()) as { id: string; principalType: string; appRole: string };
    expect(assignment).toMatchObject({ principalType: "User", appRole: "Orders.Approver" });
    try {
      const result = await signIn(client, ["api://contoso-orders/Orders.Read"], CONTOSO.adele);
      expect(result.scopes).toContain("api://contoso-orders/Orders.Read");
      const { payload } = await jwtVerify(result.accessToken, jwks(), { issuer: `${emu.baseUrl}/${CONTOSO.id}/v2.0`, audience: ordersApi.appId });
      expect(payload).toMatchObject({
        ver: "2.0",
        scp: "Orders.Read",
        roles: ["Orders.Approver"],
        groups: [securityGroupId],
        azp: client.appId,
        azpacr: "1",
        oid: CONTOSO.adele.id,
        preferred_username: CONTOSO.adele.upn,
        tid: CONTOSO.id,
      });
    } finally {
      expect((await control("DELETE", `/servicePrincipals/${ordersApi.appId}/appRoleAssignedTo/${assignment.id}`)).status).toBe(204);
    }
    const after = await signIn(client, ["api://contoso-orders/Orders.Read"], CONTOSO.adele);
    expect(decodeJwt(after.accessToken).roles).toBeUndefined();
  });

  it("v1: aud the identifier URI, scp, upn, no roles for a user without one", async () => {
    const result = await signIn(client, ["api://legacy/access_as_user"], CONTOSO.megan);
    const { payload } = await jwtVerify(result.accessToken, jwks(), { issuer: `https://sts.windows.net/${CONTOSO.id}/`, audience: "api://legacy" });
    expect(payload).toMatchObject({ ver: "1.0", scp: "access_as_user", appid: client.appId, upn: CONTOSO.megan.upn, oid: CONTOSO.megan.id });
    expect(payload.roles).toBeUndefined();
    expect(payload.groups).toBeUndefined();
  });

  it("asks the user's consent for an API scope, as for Graph, and needs an admin for an admin-only scope", async () => {
    let consentPage = "";
    const result = await signIn(plainClient, ["api://contoso-orders/Orders.Read"], CONTOSO.adele, (html) => (consentPage = html));
    expect(consentPage).toContain("api://contoso-orders/Orders.Read");
    expect(decodeJwt(result.accessToken)).toMatchObject({ scp: "Orders.Read", aud: ordersApi.appId });
    const grants = (await (await control("GET", "/consents")).json()) as { clientId: string; resource: string; principalId: string }[];
    expect(grants.find((g) => g.clientId === plainClient.appId)).toMatchObject({ resource: ordersApi.appId.toLowerCase(), principalId: CONTOSO.adele.id });
    await expect(signIn(plainClient, ["api://contoso-orders/Orders.Admin"], CONTOSO.adele)).rejects.toThrow(/AADSTS90094/);
  });

  it("refuses scopes of two resources (AADSTS28000) and a scope the API does not expose (AADSTS70011)", async () => {
    const token = (scope: string) =>
      fetch(`${emu.authority(CONTOSO.id)}/oauth2/v2.0/token`, {
        method: "POST",
        body: new URLSearchParams({ grant_type: "password", client_id: client.appId, client_secret: client.clientSecret, username: CONTOSO.adele.upn, password: CONTOSO.adele.password, scope }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { error: string; error_codes: number[] } }));
    expect(await token("User.Read api://contoso-orders/Orders.Read")).toMatchObject({ status: 400, body: { error: "invalid_scope", error_codes: [28000] } });
    expect(await token("api://contoso-orders/Nope")).toMatchObject({ status: 400, body: { error: "invalid_scope", error_codes: [70011] } });
    expect((await token("api://contoso-orders/Orders.Read")).status).toBe(200);
  });
});

describe("control plane for APIs", () => {
  it("keeps an API's permissions and role assignments working in a cloned tenant", async () => {
    const res = await fetch(`${emu.adminUrl}/tenants`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ from: CONTOSO.id }) });
    expect(res.status).toBe(201);
    const clone = (await res.json()) as { id: string; applications: { sourceAppId: string; appId: string; clientSecret: string }[] };
    const mapped = (appId: string) => clone.applications.find((a) => a.sourceAppId === appId)!;
    const c = mapped(client.appId);
    const r = await fetch(`${emu.baseUrl}/${clone.id}/oauth2/v2.0/token`, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: c.appId, client_secret: c.clientSecret, scope: `${mapped(ordersApi.appId).appId}/.default` }),
    });
    expect(r.status).toBe(200);
    expect(decodeJwt(((await r.json()) as { access_token: string }).access_token)).toMatchObject({ aud: mapped(ordersApi.appId).appId, azp: c.appId, roles: ["Orders.Sync"], tid: clone.id });
  });


  it("validates app role assignments and API permissions", async () => {
    const unknownRole = await control("POST", `/servicePrincipals/${ordersApi.appId}/appRoleAssignedTo`, { principalId: CONTOSO.adele.id, appRole: "Nope" });
    expect(unknownRole.status).toBe(400);
    const appRoleForUser = await control("POST", `/servicePrincipals/${ordersApi.appId}/appRoleAssignedTo`, { principalId: CONTOSO.adele.id, appRole: "Orders.Sync" });
    expect(appRoleForUser.status).toBe(400);
    expect(await appRoleForUser.text()).toContain("not for users and groups");
    const list = (await (await control("GET", `/servicePrincipals/${ordersApi.appId}/appRoleAssignedTo`)).json()) as { value: { principalType: string }[] };
    expect(list.value.some((a) => a.principalType === "ServicePrincipal")).toBe(true);
    const badPermission = await control("POST", "/applications", { displayName: "x", apiPermissions: [{ resource: "api://contoso-orders", delegated: ["Nope"] }] });
    expect(badPermission.status).toBe(400);
    const unknownApi = await control("POST", "/applications", { displayName: "x", apiPermissions: [{ resource: "api://nowhere", delegated: ["a"] }] });
    expect(unknownApi.status).toBe(400);
    const taken = await control("POST", "/applications", { displayName: "x", identifierUris: ["api://contoso-orders"] });
    expect(taken.status).toBe(409);
  });
});
