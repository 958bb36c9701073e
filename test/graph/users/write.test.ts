import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appToken, createApp, graphClient } from "../../support/graph.ts";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../../support/emulator.ts";
import { delegatedToken, expectError, http, MSG, U, type Http } from "./support.ts";

/**
 * Writing users: POST /users (required properties, conflicts, validation),
 * PATCH (204, unsent properties kept), DELETE (204), and how those changes
 * reach sign-in: a created user can get tokens and read /me, a deleted or
 * disabled one cannot.
 */
let emu: TestEmulator;
let g: Http;
let token: string;

const PASSWORD = "Str0ng!Passw0rd";
const body = (alias: string, extra: Record<string, unknown> = {}) => ({
  accountEnabled: true,
  displayName: `New ${alias}`,
  mailNickname: alias,
  userPrincipalName: `${alias}@contoso.onmicrosoft.com`,
  passwordProfile: { forceChangePasswordNextSignIn: false, password: PASSWORD },
  ...extra,
});

/** The raw password grant, to see Entra's answer for users who cannot sign in. */
interface TokenAnswer {
  status: number;
  body: { access_token?: string; refresh_token?: string; error?: string; error_codes?: number[] };
}

async function tokenRequest(params: Record<string, string>): Promise<TokenAnswer> {
  const res = await fetch(`${emu.baseUrl}/${CONTOSO.id}/oauth2/v2.0/token`, { method: "POST", body: new URLSearchParams(params) });
  return { status: res.status, body: (await res.json()) as TokenAnswer["body"] };
}

/** The raw password grant, to see Entra's answer for users who cannot sign in; also returns the app it used. */
async function passwordGrant(upn: string, password: string): Promise<TokenAnswer & { client: Record<string, string> }> {
  const app = await createApp(emu, CONTOSO.id, { delegated: ["User.Read"] });
  const client = { client_id: app.appId, client_secret: app.clientSecret };
  const answer = await tokenRequest({ grant_type: "password", ...client, username: upn, password, scope: "User.Read offline_access" });
  return { ...answer, client };
}

beforeAll(async () => {
  emu = await startTestEmulator();
  token = await appToken(emu, CONTOSO.id, ["User.ReadWrite.All"]);
  g = http(emu, token);
});
afterAll(async () => {
  await emu?.close();
});

describe("POST /users", () => {
  it("creates a user: 201 with the default properties, through the SDK", async () => {
    const created = await graphClient(emu, token).api("/users").post(body("nestor", { jobTitle: "Buyer", city: "Oslo" }));
    expect(created).toMatchObject({
      "@odata.context": `${emu.baseUrl}/v1.0/$metadata#users/$entity`,
      displayName: "New nestor",
      userPrincipalName: "nestor@contoso.onmicrosoft.com",
      jobTitle: "Buyer",
      mail: null,
      businessPhones: [],
    });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    const read = await g("GET", `/users/${created.id}?$select=city,mailNickname,accountEnabled,createdDateTime,userType`);
    expect(read.body).toMatchObject({ city: "Oslo", mailNickname: "nestor", accountEnabled: true, userType: "Member" });
    expect(Date.parse(read.body.createdDateTime)).not.toBeNaN();
  });

  it("answers 201 over plain HTTP with the context and Graph's default set", async () => {
    const res = await g("POST", "/users", body("olga"));
    expect(res.status).toBe(201);
    expect(res.body["@odata.context"]).toBe(`${emu.baseUrl}/v1.0/$metadata#users/$entity`);
  });

  it("lets the created user sign in with the password grant and read /me", async () => {
    const created = (await g("POST", "/users", body("petra"))).body;
    const userToken = await delegatedToken(emu, { upn: "petra@contoso.onmicrosoft.com", password: PASSWORD }, ["User.Read"]);
    const me = await graphClient(emu, userToken).api("/me").get();
    expect(me).toMatchObject({ id: created.id, displayName: "New petra", userPrincipalName: "petra@contoso.onmicrosoft.com" });
  });

  it("requires accountEnabled, displayName, mailNickname, passwordProfile and userPrincipalName", async () => {
    for (const name of ["accountEnabled", "displayName", "mailNickname", "passwordProfile", "userPrincipalName"]) {
      const b: Record<string, unknown> = body(`missing${name}`);
      delete b[name];
      expectError(await g("POST", "/users", b), 400, "Request_BadRequest", MSG.required(name));
    }
    expectError(await g("POST", "/users", body("nopw", { passwordProfile: { forceChangePasswordNextSignIn: true } })), 400, "Request_BadRequest", MSG.required("passwordProfile.password"));
  });

  it("refuses a duplicate userPrincipalName with the ObjectConflict detail", async () => {
    const res = await g("POST", "/users", body("AdeleV"));
    expectError(res, 400, "Request_BadRequest", MSG.conflict);
    expect(res.body.error.details).toEqual([{ code: "ObjectConflict", target: "userPrincipalName" }]);
  });

  it("refuses a domain the tenant has not verified, a malformed UPN and a weak password", async () => {
    const foreign = await g("POST", "/users", body("x", { userPrincipalName: "x@fabrikam.onmicrosoft.com" }));
    expectError(
      foreign,
      400,
      "Request_BadRequest",
      "The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.",
    );
    expect(foreign.body.error.details).toEqual([{ code: "InvalidValue", target: "userPrincipalName" }]);
    expectError(await g("POST", "/users", body("y", { userPrincipalName: "no-at-sign" })), 400, "Request_BadRequest", MSG.invalidValue("userPrincipalName"));
    expectError(await g("POST", "/users", body("z", { mailNickname: "has space" })), 400, "Request_BadRequest", MSG.invalidValue("mailNickname"));
    expectError(
      await g("POST", "/users", body("weak", { passwordProfile: { password: "password" } })),
      400,
      "Request_BadRequest",
      "The specified password does not comply with password complexity requirements. Please provide a different password.",
    );
  });

  it("refuses undeclared and read-only properties as Entra does", async () => {
    expectError(await g("POST", "/users", body("q1", { shoeSize: 42 })), 400, "Request_BadRequest", "Invalid property 'shoeSize'.");
    expectError(await g("POST", "/users", body("q2", { DisplayName: "x" })), 400, "Request_BadRequest", "Invalid property 'DisplayName'.");
    expectError(await g("POST", "/users", body("q3", { createdDateTime: "2020-01-01T00:00:00Z" })), 400, "Request_BadRequest", "Property 'createdDateTime' is read-only and cannot be set.");
    expectError(await g("POST", "/users", body("q4", { id: "87d349ed-44d7-43e1-9a83-5f2406dee5bd" })), 400, "Request_BadRequest", "Property 'id' is read-only and cannot be set.");
    // Annotations are not properties.
    expect((await g("POST", "/users", body("q5", { "@odata.type": "#microsoft.graph.user" }))).status).toBe(201);
  });

  it("answers JSON of the wrong type with OData's BadRequest messages", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ accountEnabled: "yes" }, "Cannot convert the literal 'yes' to the expected type 'Edm.Boolean'."],
      [{ displayName: 5 }, "Cannot convert a primitive value to the expected type 'Edm.String'. See the inner exception for more details."],
      [{ displayName: { text: "x" } }, "An unexpected 'StartObject' node was found when reading from the JSON reader. A 'PrimitiveValue' node was expected."],
      [{ businessPhones: "+1 555" }, "An unexpected 'PrimitiveValue' node was found when reading from the JSON reader. A 'StartArray' node was expected."],
      [
        { businessPhones: null },
        "A null value was found for the property named 'businessPhones', which has the expected type 'Collection(Edm.String)[Nullable=False]'. The expected type 'Collection(Edm.String)[Nullable=False]' does not allow null values.",
      ],
      [{ passwordProfile: "secret" }, "An unexpected 'PrimitiveValue' node was found when reading from the JSON reader. A 'StartObject' node was expected."],
      [
        { passwordProfile: { password: PASSWORD, expires: true } },
        "The property 'expires' does not exist on type 'microsoft.graph.passwordProfile'. Make sure to only use property names that are defined by the type or mark the type as open type.",
      ],
      [{ employeeHireDate: "last tuesday" }, "Cannot convert the literal 'last tuesday' to the expected type 'Edm.DateTimeOffset'."],
    ];
    for (const [extra, message] of cases) expectError(await g("POST", "/users", body("typed", extra)), 400, "BadRequest", message);
  });

  it("answers malformed and missing bodies with 400, never a 500", async () => {
    const unreadable = "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.";
    expectError(await g("POST", "/users", "{not json"), 400, "BadRequest", unreadable);
    expectError(await g("POST", "/users", "accountEnabled=true", { "content-type": "text/plain" }), 400, "BadRequest", unreadable);
    expectError(
      await g("POST", "/users", [body("arr")]),
      400,
      "BadRequest",
      "An unexpected 'StartArray' node was found when reading from the JSON reader. A 'StartObject' node was expected.",
    );
    expectError(await g("POST", "/users", "{}"), 400, "Request_BadRequest", MSG.required("accountEnabled"));
  });
});

describe("PATCH /users/{id}", () => {
  it("answers 204 with no body and keeps the properties it was not sent", async () => {
    const res = await g("PATCH", `/users/${U.alex.id}`, { jobTitle: "Marketing Lead", city: "Portland", mobilePhone: null });
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    const after = await g("GET", `/users/${U.alex.id}?$select=displayName,jobTitle,city,department,mobilePhone`);
    expect(after.body).toMatchObject({ displayName: "Alex Wilber", jobTitle: "Marketing Lead", city: "Portland", department: "Marketing", mobilePhone: null });
  });

  it("works through the SDK by userPrincipalName", async () => {
    await graphClient(emu, token).api(`/users/${U.isaiah.upn}`).patch({ officeLocation: "Remote" });
    expect((await g("GET", `/users/${U.isaiah.id}?$select=officeLocation`)).body.officeLocation).toBe("Remote");
  });

  it("renames a user: the new UPN resolves and signs in, the old one is gone", async () => {
    await g("POST", "/users", body("rita"));
    expect((await g("PATCH", "/users/rita@contoso.onmicrosoft.com", { userPrincipalName: "rita.new@contoso.com" })).status).toBe(204);
    expect((await g("GET", "/users/rita.new@contoso.com")).body.displayName).toBe("New rita");
    expectError(await g("GET", "/users/rita@contoso.onmicrosoft.com"), 404, "Request_ResourceNotFound", MSG.notFound("rita@contoso.onmicrosoft.com"));
    expect((await passwordGrant("rita.new@contoso.com", PASSWORD)).status).toBe(200);
    expectError(await g("PATCH", "/users/rita.new@contoso.com", { userPrincipalName: U.adele.upn }), 400, "Request_BadRequest", MSG.conflict);
  });

  it("changes the password and the enabled state as sign-in sees them", async () => {
    await g("POST", "/users", body("sven"));
    const upn = "sven@contoso.onmicrosoft.com";
    expect((await g("PATCH", `/users/${upn}`, { passwordProfile: { password: "N3w!Password" } })).status).toBe(204);
    expect((await passwordGrant(upn, PASSWORD)).status).toBe(400);
    expect((await passwordGrant(upn, "N3w!Password")).status).toBe(200);
    await g("PATCH", `/users/${upn}`, { accountEnabled: false });
    const disabled = await passwordGrant(upn, "N3w!Password");
    expect(disabled.body.error_codes).toContain(50057);
  });

  it("updates proxyAddresses with mail", async () => {
    await g("PATCH", `/users/${U.diego.id}`, { mail: "diego@contoso.com" });
    expect((await g("GET", `/users/${U.diego.id}?$select=mail,proxyAddresses`)).body).toMatchObject({ mail: "diego@contoso.com", proxyAddresses: ["SMTP:diego@contoso.com"] });
  });

  it("refuses bad bodies and unknown users", async () => {
    expectError(await g("PATCH", `/users/${U.alex.id}`, { shoeSize: 42 }), 400, "Request_BadRequest", "Invalid property 'shoeSize'.");
    expectError(await g("PATCH", `/users/${U.alex.id}`, { displayName: null }), 400, "Request_BadRequest", MSG.invalidValue("displayName"));
    expectError(await g("PATCH", `/users/${U.alex.id}`, { proxyAddresses: [] }), 400, "Request_BadRequest", "Property 'proxyAddresses' is read-only and cannot be set.");
    const broken = await g("PATCH", `/users/${U.alex.id}`, "[1,");
    expect([broken.status, broken.body.error.code]).toEqual([400, "BadRequest"]);
    const nobody = "11111111-2222-4333-8444-555555555555";
    expectError(await g("PATCH", `/users/${nobody}`, { city: "x" }), 404, "Request_ResourceNotFound", MSG.notFound(nobody));
    // Sending back the object's own id is harmless.
    expect((await g("PATCH", `/users/${U.alex.id}`, { id: U.alex.id, city: "Boise" })).status).toBe(204);
  });
});

describe("DELETE /users/{id}", () => {
  it("answers 204, then 404, and the user can no longer get tokens, fresh or refreshed", async () => {
    const created = (await g("POST", "/users", body("tomas"))).body;
    const upn = "tomas@contoso.onmicrosoft.com";
    const signIn = await passwordGrant(upn, PASSWORD);
    expect(signIn.status).toBe(200);
    const refresh = signIn.body.refresh_token as string;
    expect(refresh).toBeTypeOf("string");

    const res = await g("DELETE", `/users/${created.id}`);
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    expectError(await g("GET", `/users/${created.id}`), 404, "Request_ResourceNotFound", MSG.notFound(created.id));

    const again = await passwordGrant(upn, PASSWORD);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe("invalid_grant");
    expect(again.body.error_codes).toContain(50034);
    const refreshed = await tokenRequest({ grant_type: "refresh_token", ...signIn.client, refresh_token: refresh, scope: "User.Read offline_access" });
    expect(refreshed.status).toBe(400);
    expect(refreshed.body.error).toBe("invalid_grant");
  });

  it("clears the manager of the deleted user's reports and its group memberships", async () => {
    await g("DELETE", `/users/${U.megan.id}`);
    expectError(await g("GET", `/users/${U.alex.id}/manager`), 404, "Request_ResourceNotFound", MSG.notFound("manager"));
  });

  it("answers 404 for an unknown user", async () => {
    expectError(await g("DELETE", "/users/nobody@contoso.onmicrosoft.com"), 404, "Request_ResourceNotFound", MSG.notFound("nobody@contoso.onmicrosoft.com"));
  });
});

describe("GET /users after writes", () => {
  const listed = async (extra = ""): Promise<Record<string, unknown>[]> => (await g("GET", `/users?$filter=startswith(displayName,'Listed')${extra}`)).body.value;
  const single = async (id: string): Promise<Record<string, unknown>> => {
    const { "@odata.context": _context, ...user } = (await g("GET", `/users/${id}`)).body;
    return user;
  };
  const select = "&$select=jobTitle,displayName";

  it("lists every change at once: create, update, a restored snapshot, delete", async () => {
    expect(await listed()).toEqual([]);
    const created = (await g("POST", "/users", body("listed", { displayName: "Listed One", jobTitle: "Buyer" }))).body;
    expect(await listed()).toEqual([await single(created.id)]);
    expect(await listed(select)).toEqual([{ jobTitle: "Buyer", displayName: "Listed One" }]);

    expect((await g("PATCH", `/users/${created.id}`, { jobTitle: "Head Buyer", officeLocation: "Oslo" })).status).toBe(204);
    expect(await listed()).toEqual([await single(created.id)]);
    expect((await listed())[0]).toMatchObject({ jobTitle: "Head Buyer", officeLocation: "Oslo" });
    expect(await listed(select)).toEqual([{ jobTitle: "Head Buyer", displayName: "Listed One" }]);
    const everyone = (await g("GET", "/users?$top=999")).body.value as Record<string, unknown>[];
    expect(everyone.find((u) => u.id === created.id)).toEqual(await single(created.id));

    const snapshot = await emu.admin.snapshot();
    await g("PATCH", `/users/${created.id}`, { jobTitle: "Chief Buyer" });
    expect(await listed(select)).toEqual([{ jobTitle: "Chief Buyer", displayName: "Listed One" }]);
    await emu.admin.loadSnapshot(snapshot);
    expect(await listed(select)).toEqual([{ jobTitle: "Head Buyer", displayName: "Listed One" }]);

    expect((await g("DELETE", `/users/${created.id}`)).status).toBe(204);
    expect(await listed()).toEqual([]);
  });
});
