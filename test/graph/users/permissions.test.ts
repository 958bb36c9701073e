import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appToken, createApp } from "../../support/graph.ts";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../../support/emulator.ts";
import { permissionRows } from "../operation-rows.ts";
import { findApplicationPermission, findDelegated } from "../../../emulator/src/identity/graph-resource.ts";
import { delegatedToken, expectError, http, MSG, U } from "./support.ts";

/**
 * Authorization on the users API: every row of the permission table refuses a
 * token without one of its permissions (403 Authorization_RequestDenied) and
 * accepts each permission it lists; delegated writes also need a directory
 * role; self-only permissions reach only the signed-in user; an app whose
 * service principal is gone gets 401 Authorization_IdentityNotFound.
 */
let emu: TestEmulator;
const GHOST = "0f0f0f0f-1111-4222-8333-444444444444";

beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu?.close();
});

/** A request for a table row: unknown targets, so a permitted call ends in 404/400/204, never in a change. */
function requestFor(method: string, path: string): [string, string, unknown] {
  const concrete = path.replace("{id}", GHOST).replace("/directreports", "/directReports").replace("/memberof", "/memberOf");
  const body = method === "PATCH" ? {} : method === "PUT" ? { "@odata.id": `https://graph.microsoft.com/v1.0/users/${U.lee.id}` } : method === "POST" ? {} : undefined;
  return [method, concrete, body];
}

describe("the permission table, row by row", () => {
  for (const row of permissionRows("directory")) {
    const [method, path, body] = requestFor(row.method, row.path);
    const isMe = row.path.startsWith("/me");

    it(`${row.method} ${row.path}: 403 without a listed permission (delegated and app-only)`, async () => {
      const user = await delegatedToken(emu, U.megan, ["Calendars.Read"]);
      expectError(await http(emu, user)(method, path, body, { ConsistencyLevel: "eventual" }), 403, "Authorization_RequestDenied", MSG.insufficient);
      const app = await appToken(emu, CONTOSO.id, ["Calendars.Read"]);
      const res = await http(emu, app)(method, path, body, { ConsistencyLevel: "eventual" });
      if (isMe) expectError(res, 400, "BadRequest", MSG.meApp);
      else expectError(res, 403, "Authorization_RequestDenied", MSG.insufficient);
    });

    const delegated = row.delegated.filter((p) => findDelegated(p) && !row.selfOnly?.includes(p));
    it(`${row.method} ${row.path}: accepts each delegated permission (${delegated.join(", ")})`, async () => {
      for (const permission of delegated) {
        const token = await delegatedToken(emu, U.megan, [permission]);
        const res = await http(emu, token)(method, path, body, { ConsistencyLevel: "eventual" });
        expect(res.status, `${permission}: ${res.text}`).not.toBe(403);
      }
    });

    const application = row.application.filter((p) => findApplicationPermission(p));
    if (application.length > 0) {
      it(`${row.method} ${row.path}: accepts each application permission (${application.join(", ")})`, async () => {
        for (const permission of application) {
          const token = await appToken(emu, CONTOSO.id, [permission]);
          const res = await http(emu, token)(method, path, body, { ConsistencyLevel: "eventual" });
          expect(res.status, `${permission}: ${res.text}`).not.toBe(403);
        }
      });
    }
  }
});

describe("directory roles for delegated writes", () => {
  const newUser = (alias: string) => ({
    accountEnabled: true,
    displayName: alias,
    mailNickname: alias,
    userPrincipalName: `${alias}@contoso.onmicrosoft.com`,
    passwordProfile: { password: "Str0ng!Passw0rd" },
  });

  it("POST /users needs User Administrator or Global Administrator besides User.ReadWrite.All", async () => {
    const adele = http(emu, await delegatedToken(emu, U.adele, ["User.ReadWrite.All"]));
    expectError(await adele("POST", "/users", newUser("byadele")), 403, "Authorization_RequestDenied", MSG.insufficient);
    const diego = http(emu, await delegatedToken(emu, U.diego, ["User.ReadWrite.All"]));
    expect((await diego("POST", "/users", newUser("bydiego"))).status).toBe(201);
    const megan = http(emu, await delegatedToken(emu, U.megan, ["Directory.ReadWrite.All"]));
    expect((await megan("POST", "/users", newUser("bymegan"))).status).toBe(201);
  });

  it("PATCH and DELETE of another user need the role; a User Administrator cannot touch a Global Administrator", async () => {
    const adele = http(emu, await delegatedToken(emu, U.adele, ["User.ReadWrite.All", "User.DeleteRestore.All"]));
    expectError(await adele("PATCH", `/users/${U.alex.id}`, { city: "Nowhere" }), 403, "Authorization_RequestDenied", MSG.insufficient);
    expectError(await adele("DELETE", "/users/bydiego@contoso.onmicrosoft.com"), 403, "Authorization_RequestDenied", MSG.insufficient);
    const diego = http(emu, await delegatedToken(emu, U.diego, ["User.ReadWrite.All"]));
    expect((await diego("PATCH", `/users/${U.alex.id}`, { city: "Somewhere" })).status).toBe(204);
    expectError(await diego("PATCH", `/users/${U.megan.id}`, { city: "Nowhere" }), 403, "Authorization_RequestDenied", MSG.insufficient);
    expectError(await diego("DELETE", `/users/${U.megan.id}`), 403, "Authorization_RequestDenied", MSG.insufficient);
    const megan = http(emu, await delegatedToken(emu, U.megan, ["User.ReadWrite.All"]));
    expect((await megan("PATCH", `/users/${U.diego.id}`, { city: "Birmingham" })).status).toBe(204);
    expect((await megan("DELETE", "/users/bydiego@contoso.onmicrosoft.com")).status).toBe(204);
  });

  it("setting a manager needs the role too", async () => {
    const adele = http(emu, await delegatedToken(emu, U.adele, ["User.ReadWrite.All"]));
    const ref = { "@odata.id": `https://graph.microsoft.com/v1.0/users/${U.patti.id}` };
    expectError(await adele("PUT", `/users/${U.alex.id}/manager/$ref`, ref), 403, "Authorization_RequestDenied", MSG.insufficient);
  });
});

describe("self-only and self-service permissions", () => {
  it("User.Read reads one's own /users/{id} but not anyone else's", async () => {
    const adele = http(emu, await delegatedToken(emu, U.adele, ["User.Read"]));
    expect((await adele("GET", `/users/${U.adele.id}`)).status).toBe(200);
    expect((await adele("GET", `/users/${U.adele.upn}`)).status).toBe(200);
    expectError(await adele("GET", `/users/${U.lee.id}`), 403, "Authorization_RequestDenied", MSG.insufficient);
    expectError(await adele("GET", "/users"), 403, "Authorization_RequestDenied", MSG.insufficient);
  });

  it("User.ReadWrite lets users edit their own profile fields, nothing else", async () => {
    const adele = http(emu, await delegatedToken(emu, U.adele, ["User.ReadWrite"]));
    const res = await adele("PATCH", "/me", { aboutMe: "I run the Seattle store.", businessPhones: ["+1 425 555 0100"] });
    expect(res.status).toBe(204);
    expect((await adele("GET", "/me?$select=aboutMe,businessPhones")).body).toMatchObject({ aboutMe: "I run the Seattle store.", businessPhones: ["+1 425 555 0100"] });
    expectError(await adele("PATCH", "/me", { jobTitle: "CEO" }), 403, "Authorization_RequestDenied", MSG.insufficient);
    expectError(await adele("PATCH", `/users/${U.alex.id}`, { aboutMe: "x" }), 403, "Authorization_RequestDenied", MSG.insufficient);
  });
});

describe("an application without a service principal", () => {
  it("gets 401 Authorization_IdentityNotFound once its service principal is removed", async () => {
    const app = await createApp(emu, CONTOSO.id, { application: ["User.Read.All"] });
    const res = await fetch(`${emu.baseUrl}/${CONTOSO.id}/oauth2/v2.0/token`, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: app.appId, client_secret: app.clientSecret, scope: "https://graph.microsoft.com/.default" }),
    });
    const token = ((await res.json()) as { access_token: string }).access_token;
    expect((await http(emu, token)("GET", "/users?$top=1")).status).toBe(200);
    expect((await fetch(`${emu.adminUrl}/tenants/${CONTOSO.id}/servicePrincipals/${app.appId}`, { method: "DELETE" })).status).toBe(204);
    expectError(await http(emu, token)("GET", "/users?$top=1"), 401, "Authorization_IdentityNotFound", "The identity of the calling application could not be established.");
  });
});
