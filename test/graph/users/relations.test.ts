import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appToken, graphClient } from "../../support/graph.ts";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../../support/emulator.ts";
import { delegatedToken, EVENTUAL, expectError, http, MSG, U, type Http } from "./support.ts";

/**
 * A user's relationships: manager (GET, PUT and DELETE $ref), directReports
 * and memberOf (groups and directory roles), each as directoryObjects with
 * their @odata.type.
 */
let emu: TestEmulator;
let g: Http;
let token: string;

beforeAll(async () => {
  emu = await startTestEmulator();
  token = await appToken(emu, CONTOSO.id, ["User.ReadWrite.All", "Directory.Read.All"]);
  g = http(emu, token);
});
afterAll(async () => {
  await emu?.close();
});

describe("manager", () => {
  it("GET /users/{id}/manager returns the manager as a directoryObject", async () => {
    const res = await g("GET", `/users/${U.adele.id}/manager`);
    expect(res.status).toBe(200);
    expect(res.body["@odata.context"]).toBe(`${emu.baseUrl}/v1.0/$metadata#directoryObjects/$entity`);
    expect(res.body["@odata.type"]).toBe("#microsoft.graph.user");
    expect(res.body).toMatchObject({ id: U.lee.id, displayName: "Lee Gu", userPrincipalName: U.lee.upn });
  });

  it("GET /me/manager works for the signed-in user, with $select", async () => {
    const me = await delegatedToken(emu, U.alex, ["User.Read.All"]);
    const res = await graphClient(emu, me).api("/me/manager").select(["displayName"]).get();
    expect(res).toEqual({
      "@odata.context": `${emu.baseUrl}/v1.0/$metadata#directoryObjects(displayName)/$entity`,
      "@odata.type": "#microsoft.graph.user",
      displayName: "Megan Bowen",
    });
  });

  it("answers 404 naming 'manager' when there is none", async () => {
    expectError(await g("GET", `/users/${U.patti.id}/manager`), 404, "Request_ResourceNotFound", MSG.notFound("manager"));
  });

  it("PUT .../manager/$ref sets the manager (204), DELETE removes it (204)", async () => {
    const ref = { "@odata.id": `https://graph.microsoft.com/v1.0/users/${U.diego.id}` };
    const put = await g("PUT", `/users/${U.johanna.id}/manager/$ref`, ref);
    expect(put.status).toBe(204);
    expect((await g("GET", `/users/${U.johanna.id}/manager?$select=id`)).body.id).toBe(U.diego.id);
    expect((await g("GET", `/users/${U.diego.id}/directReports?$select=id`)).body.value).toEqual([{ "@odata.type": "#microsoft.graph.user", id: U.johanna.id }]);

    await graphClient(emu, token).api(`/users/${U.johanna.upn}/manager/$ref`).delete();
    expectError(await g("GET", `/users/${U.johanna.id}/manager`), 404, "Request_ResourceNotFound", MSG.notFound("manager"));
    expectError(await g("DELETE", `/users/${U.johanna.id}/manager/$ref`), 404, "Request_ResourceNotFound", MSG.notFound("manager"));
  });

  it("accepts a directoryObjects reference through the SDK's put", async () => {
    await graphClient(emu, token).api(`/users/${U.johanna.id}/manager/$ref`).put({ "@odata.id": `https://graph.microsoft.com/v1.0/directoryObjects/${U.lee.id}` });
    expect((await g("GET", `/users/${U.johanna.id}/manager?$select=displayName`)).body.displayName).toBe("Lee Gu");
  });

  it("refuses bad references: missing @odata.id, not an object id, unknown object, oneself", async () => {
    const path = `/users/${U.johanna.id}/manager/$ref`;
    expectError(await g("PUT", path, { id: U.lee.id }), 400, "BadRequest", "The request body must contain an '@odata.id' property naming the directory object.");
    expectError(await g("PUT", path, { "@odata.id": "https://graph.microsoft.com/v1.0/users/not-a-guid" }), 400, "Request_BadRequest", "Invalid object identifier 'https://graph.microsoft.com/v1.0/users/not-a-guid'.");
    const ghost = "99999999-8888-4777-8666-555555555555";
    expectError(await g("PUT", path, { "@odata.id": `https://graph.microsoft.com/v1.0/users/${ghost}` }), 404, "Request_ResourceNotFound", MSG.notFound(ghost));
    expectError(await g("PUT", path, { "@odata.id": `https://graph.microsoft.com/v1.0/users/${U.johanna.id}` }), 400, "Request_BadRequest", "A user cannot be their own manager.");
    expectError(await g("PUT", "/users/nobody@contoso.onmicrosoft.com/manager/$ref", { "@odata.id": U.lee.id }), 404, "Request_ResourceNotFound", MSG.notFound("nobody@contoso.onmicrosoft.com"));
  });
});

describe("directReports", () => {
  it("lists the users who report to someone, as directoryObjects", async () => {
    const res = await g("GET", `/users/${U.patti.id}/directReports?$select=displayName`);
    expect(res.body["@odata.context"]).toBe(`${emu.baseUrl}/v1.0/$metadata#directoryObjects(displayName)`);
    const names = res.body.value.map((u: { displayName: string }) => u.displayName).sort();
    expect(names).toEqual(["Diego Siciliani", "Lee Gu", "Megan Bowen"]);
    for (const item of res.body.value) expect(item["@odata.type"]).toBe("#microsoft.graph.user");
  });

  it("pages with $top and counts with an advanced query", async () => {
    const first = await g("GET", `/users/${U.patti.id}/directReports?$top=2&$count=true`, undefined, EVENTUAL);
    expect(first.body["@odata.count"]).toBe(3);
    expect(first.body.value).toHaveLength(2);
    const second = await g("GET", first.body["@odata.nextLink"], undefined, EVENTUAL);
    expect(second.body.value).toHaveLength(1);
  });

  it("filters with the users rules", async () => {
    const res = await g("GET", `/users/${U.patti.id}/directReports?$filter=${encodeURIComponent("startswith(displayName,'M')")}&$select=displayName`);
    expect(res.body.value).toEqual([{ "@odata.type": "#microsoft.graph.user", displayName: "Megan Bowen" }]);
  });

  it("is empty for someone without reports, 404 for an unknown user", async () => {
    expect((await g("GET", `/users/${U.adele.id}/directReports`)).body.value).toEqual([]);
    expectError(await g("GET", "/users/nobody@contoso.onmicrosoft.com/directReports"), 404, "Request_ResourceNotFound", MSG.notFound("nobody@contoso.onmicrosoft.com"));
  });

  it("GET /me/directReports with User.Read", async () => {
    const me = await delegatedToken(emu, U.lee, ["User.Read"]);
    const res = await graphClient(emu, me).api("/me/directReports").select(["displayName"]).get();
    expect(res.value.map((u: { displayName: string }) => u.displayName).sort()).toEqual(["Adele Vance", "Isaiah Langer", "Johanna Lorenz"]);
  });
});

describe("memberOf", () => {
  it("lists groups and directory roles with their @odata.type", async () => {
    const res = await g("GET", `/users/${U.diego.id}/memberOf`);
    expect(res.body["@odata.context"]).toBe(`${emu.baseUrl}/v1.0/$metadata#directoryObjects`);
    const items = res.body.value as { "@odata.type": string; displayName: string; roleTemplateId?: string; securityEnabled?: boolean }[];
    expect(items.map((i) => [i["@odata.type"], i.displayName]).sort()).toEqual([
      ["#microsoft.graph.directoryRole", "User Administrator"],
      ["#microsoft.graph.group", "All Company"],
      ["#microsoft.graph.group", "Contoso Security Readers"],
    ]);
    expect(items.find((i) => i.displayName === "User Administrator")?.roleTemplateId).toBe("fe930be7-5e62-47db-91af-98c3a49a38b1");
    expect(items.find((i) => i.displayName === "Contoso Security Readers")).toMatchObject({ securityEnabled: true, mailEnabled: false, groupTypes: [] });
  });

  it("GET /me/memberOf with User.Read, $select and $top paging", async () => {
    const me = await delegatedToken(emu, U.adele, ["User.Read"]);
    const first = await graphClient(emu, me).api("/me/memberOf").select(["displayName"]).top(2).get();
    expect(first.value).toHaveLength(2);
    expect(first.value[0]).toEqual({ "@odata.type": "#microsoft.graph.group", displayName: "All Company" });
    const rest = await http(emu, me)("GET", first["@odata.nextLink"]);
    expect(rest.body.value).toEqual([{ "@odata.type": "#microsoft.graph.group", displayName: "Contoso Security Readers" }]);
  });

  it("refuses $filter, $orderby and $search on memberOf as unsupported", async () => {
    expectError(await g("GET", `/users/${U.adele.id}/memberOf?$filter=${encodeURIComponent("displayName eq 'x'")}`), 400, "Request_UnsupportedQuery", MSG.unsupported);
  });
});
