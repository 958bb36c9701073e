import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GraphError } from "@microsoft/microsoft-graph-client";
import { appToken, graphClient } from "../../support/graph.ts";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../../support/emulator.ts";
import { DEFAULT_KEYS, delegatedToken, expectError, http, MSG, U, type Http } from "./support.ts";

/**
 * Reading users: GET /me and GET /users/{id | userPrincipalName}, their
 * default property set, $select, @odata.context, addressing forms and 404s,
 * through the real Graph SDK and plain HTTP.
 */
let emu: TestEmulator;
let app: Http;
let adele: Http;
let appTok: string;
let adeleTok: string;

beforeAll(async () => {
  emu = await startTestEmulator();
  appTok = await appToken(emu, CONTOSO.id, ["User.Read.All"]);
  adeleTok = await delegatedToken(emu, U.adele, ["User.Read", "User.ReadBasic.All"]);
  app = http(emu, appTok);
  adele = http(emu, adeleTok);
});
afterAll(async () => {
  await emu?.close();
});

describe("GET /me", () => {
  it("returns the signed-in user with Graph's default properties, in Graph's order, through the SDK", async () => {
    const me = await graphClient(emu, adeleTok).api("/me").get();
    expect(Object.keys(me)).toEqual(["@odata.context", ...DEFAULT_KEYS]);
    expect(me["@odata.context"]).toBe(`${emu.baseUrl}/v1.0/$metadata#users/$entity`);
    expect(me).toMatchObject({
      id: U.adele.id,
      displayName: "Adele Vance",
      givenName: "Adele",
      surname: "Vance",
      jobTitle: "Retail Manager",
      mail: U.adele.upn,
      userPrincipalName: U.adele.upn,
      businessPhones: ["+1 425 555 0109"],
      officeLocation: "18/2111",
      preferredLanguage: "en-US",
    });
  });

  it("writes unset properties as null, never leaves them out", async () => {
    const me = (await adele("GET", "/me")).body;
    expect(me.mobilePhone).toBeNull();
  });

  it("answers an app-only token with 400 BadRequest", async () => {
    expectError(await app("GET", "/me"), 400, "BadRequest", MSG.meApp);
  });

  it("is case-insensitive in the path", async () => {
    expect((await adele("GET", "/ME")).body.id).toBe(U.adele.id);
  });

  it("applies $select and names the properties in @odata.context", async () => {
    const res = await graphClient(emu, adeleTok).api("/me").select(["displayName", "id", "city"]).get();
    expect(res).toEqual({
      "@odata.context": `${emu.baseUrl}/v1.0/$metadata#users(displayName,id,city)/$entity`,
      displayName: "Adele Vance",
      id: U.adele.id,
      city: "Seattle",
    });
  });
});

describe("GET /users/{id | userPrincipalName}", () => {
  it("finds a user by object id", async () => {
    const res = await app("GET", `/users/${U.megan.id}`);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(["@odata.context", ...DEFAULT_KEYS]);
    expect(res.body.displayName).toBe("Megan Bowen");
  });

  it("finds a user by userPrincipalName, case-insensitively", async () => {
    const res = await app("GET", `/users/${U.megan.upn.toUpperCase()}`);
    expect(res.body.id).toBe(U.megan.id);
  });

  it("accepts the /users('upn') and /users(id) key forms", async () => {
    expect((await app("GET", `/users('${U.megan.upn}')`)).body.id).toBe(U.megan.id);
    expect((await app("GET", `/users(${U.megan.id})?$select=id`)).body).toEqual({
      "@odata.context": `${emu.baseUrl}/v1.0/$metadata#users(id)/$entity`,
      id: U.megan.id,
    });
    expect((await app("GET", `/users('${U.lee.upn}')/manager?$select=displayName`)).body.displayName).toBe("Patti Fernandez");
  });

  it("refuses a UPN starting with $ in path form but finds it in the quoted form", async () => {
    await fetch(`${emu.adminUrl}/tenants/${CONTOSO.id}/users`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ displayName: "Dollar", userPrincipalName: "$dollar@contoso.onmicrosoft.com" }),
    });
    expectError(await app("GET", "/users/$dollar@contoso.onmicrosoft.com"), 400, "BadRequest", "Resource not found for the segment '$dollar@contoso.onmicrosoft.com'.");
    expect((await app("GET", "/users('$dollar@contoso.onmicrosoft.com')")).body.displayName).toBe("Dollar");
  });

  it("decodes %23 in guest-style UPNs", async () => {
    await fetch(`${emu.adminUrl}/tenants/${CONTOSO.id}/users`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ displayName: "Guest", userPrincipalName: "guest_fabrikam.com#EXT#@contoso.onmicrosoft.com" }),
    });
    expect((await app("GET", "/users/guest_fabrikam.com%23EXT%23@contoso.onmicrosoft.com")).body.displayName).toBe("Guest");
  });

  it("answers 404 Request_ResourceNotFound naming the key for unknown ids and UPNs", async () => {
    const id = "00000000-0000-4000-8000-000000000000";
    expectError(await app("GET", `/users/${id}`), 404, "Request_ResourceNotFound", MSG.notFound(id));
    expectError(await app("GET", "/users/nobody@contoso.onmicrosoft.com"), 404, "Request_ResourceNotFound", MSG.notFound("nobody@contoso.onmicrosoft.com"));
  });

  it("throws the SDK's GraphError with status and code for a 404", async () => {
    const err = await graphClient(emu, appTok).api("/users/nobody@contoso.onmicrosoft.com").get().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphError);
    expect(err).toMatchObject({ statusCode: 404, code: "Request_ResourceNotFound" });
  });

  it("returns single-entity-only and non-default properties when selected", async () => {
    const res = await app("GET", `/users/${U.adele.id}?$select=aboutMe,skills,department,createdDateTime,otherMails,accountEnabled,passwordProfile,identities,userType`);
    expect(res.body).toEqual({
      "@odata.context": `${emu.baseUrl}/v1.0/$metadata#users(aboutMe,skills,department,createdDateTime,otherMails,accountEnabled,passwordProfile,identities,userType)/$entity`,
      aboutMe: null,
      skills: null,
      department: "Retail",
      createdDateTime: "2021-03-01T09:00:00Z",
      otherMails: [],
      accountEnabled: true,
      passwordProfile: null,
      identities: [{ signInType: "userPrincipalName", issuer: "contoso.onmicrosoft.com", issuerAssignedId: U.adele.upn }],
      userType: "Member",
    });
  });

  it("ignores $select names the user type does not declare (user is an open type), canonicalizes case", async () => {
    const res = await app("GET", `/users/${U.adele.id}?$select=DisplayName,extension_abc_foo`);
    expect(res.body).toEqual({
      "@odata.context": `${emu.baseUrl}/v1.0/$metadata#users(displayName,extension_abc_foo)/$entity`,
      displayName: "Adele Vance",
    });
  });

  it("expands the manager with $expand=manager($select=...)", async () => {
    const res = await app("GET", `/users/${U.adele.id}?$select=displayName&$expand=manager($select=id,displayName)`);
    expect(res.body.manager).toEqual({ "@odata.type": "#microsoft.graph.user", id: U.lee.id, displayName: "Lee Gu" });
    const patti = await app("GET", `/users/${U.patti.id}?$expand=manager`);
    expect(patti.body).not.toHaveProperty("manager");
  });

  it("expands the management chain with $levels (n or max), each manager inside the one below", async () => {
    // Adele -> Lee -> Patti (who has no manager).
    const chain = await app("GET", `/users/${U.adele.id}?$select=id&$expand=manager($levels=max;$select=id,displayName)`);
    expect(chain.body.manager).toEqual({
      "@odata.type": "#microsoft.graph.user",
      id: U.lee.id,
      displayName: "Lee Gu",
      manager: { "@odata.type": "#microsoft.graph.user", id: U.patti.id, displayName: "Patti Fernandez" },
    });
    const one = await app("GET", `/users/${U.adele.id}?$select=id&$expand=manager($levels=1;$select=id)`);
    expect(one.body.manager).toEqual({ "@odata.type": "#microsoft.graph.user", id: U.lee.id });
    const counted = await app("GET", `/users/${U.adele.id}?$select=id&$expand=manager($levels=max;$select=id)&$count=true`, undefined, { ConsistencyLevel: "eventual" });
    expect(counted.status).toBe(200);
    for (const bad of ["$levels=0", "$levels=1001", "$levels=all", "$filter=id eq 'x'"]) {
      const res = await app("GET", `/users/${U.adele.id}?$expand=manager(${bad})`);
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code).toBe("Request_BadRequest");
    }
  });

  it("refuses collection-only options and unknown options on a single user", async () => {
    const onlyCollections =
      "The query specified in the URI is not valid. Query options $filter, $orderby, $count, $skip, and $top can be applied only on collections.";
    expectError(await app("GET", `/users/${U.adele.id}?$top=1`), 400, "Request_BadRequest", onlyCollections);
    expectError(await app("GET", `/users/${U.adele.id}?$filter=id eq 'x'`), 400, "Request_BadRequest", onlyCollections);
    expectError(await app("GET", `/users/${U.adele.id}?$frobnicate=1`), 400, "BadRequest", "The query parameter '$frobnicate' is not supported.");
    // Named as written, as Microsoft.OData.Core names it.
    expectError(await app("GET", `/users?$orderbyDisplayName`), 400, "BadRequest", "The query parameter '$orderbyDisplayName' is not supported.");
    // $count belongs to collections, unless the single-user query is an advanced one (ConsistencyLevel: eventual).
    expectError(await app("GET", `/users/${U.adele.id}?$count=true`), 400, "Request_BadRequest", onlyCollections);
    expectError(
      await app("GET", `/users/${U.adele.id}?$select=id&$SELECT=displayName`),
      400,
      "BadRequest",
      "Query option '$SELECT' was specified more than once, but it must be specified at most once.",
    );
    const bad = await app("GET", `/users/${U.adele.id}?$select=display name`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("'display name' is not a valid property name in $select");
  });
});

describe("Graph's error envelope on users errors", () => {
  it("echoes client-request-id and sets the request-id header", async () => {
    const clientRequestId = "0b5b1c6a-2f0e-4f6c-9b8e-2f9a5c1d7e30";
    const res = await app("GET", "/users/nobody@contoso.onmicrosoft.com", undefined, { "client-request-id": clientRequestId });
    expect(res.body.error.innerError["client-request-id"]).toBe(clientRequestId);
    expect(res.headers.get("client-request-id")).toBe(clientRequestId);
    expect(res.body.error.innerError["request-id"]).toBe(res.headers.get("request-id"));
  });
});
