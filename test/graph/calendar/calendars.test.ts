import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "@microsoft/microsoft-graph-client";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../../support/emulator.ts";
import { appToken, graphClient, userToken } from "../../support/graph.ts";
import { eventBody, expectError, graphHttp, MESSAGES, USERS } from "./support.ts";

/** Calendars: the default calendar, listing, creating, renaming and deleting, under /me and /users/{id | UPN}. */
let emu: TestEmulator;
let sdk: Client;
let http: ReturnType<typeof graphHttp>;

beforeAll(async () => {
  emu = await startTestEmulator();
  const token = await userToken(emu, CONTOSO.id, USERS.adele, ["Calendars.ReadWrite"]);
  sdk = graphClient(emu, token);
  http = graphHttp(emu, token);
});
afterAll(async () => emu?.close());

describe("the default calendar", () => {
  it("every user has one, named Calendar, that cannot be removed", async () => {
    const cal = await sdk.api("/me/calendar").get();
    expect(cal).toMatchObject({
      name: "Calendar",
      color: "auto",
      hexColor: "",
      isDefaultCalendar: true,
      canEdit: true,
      canShare: true,
      canViewPrivateItems: true,
      isRemovable: false,
      isTallyingResponses: true,
      allowedOnlineMeetingProviders: ["teamsForBusiness"],
      defaultOnlineMeetingProvider: "teamsForBusiness",
      owner: { name: "Adele Vance", address: USERS.adele.upn },
    });
    expect(cal.id).toMatch(/^AAMkAG/);
    expect(cal["@odata.context"]).toMatch(/\$metadata#me\/calendars\/\$entity$/);
    expect(cal["@odata.id"]).toBe(`${emu.baseUrl}/v1.0/users('${USERS.adele.id}@${CONTOSO.id}')/calendars('${cal.id}')`);
    // Under /users/{user} the context names the user.
    const byId = await http("GET", `/users/${USERS.adele.upn}/calendars`);
    expect(byId.body["@odata.context"]).toBe(`${emu.baseUrl}/v1.0/$metadata#users('${USERS.adele.id}')/calendars`);
    expect(byId.body.value[0]["@odata.id"]).toBe(cal["@odata.id"]);
    // Stable across reads.
    expect((await sdk.api("/me/calendar").get()).id).toBe(cal.id);
    expect((await sdk.api(`/me/calendars/${cal.id}`).get()).isDefaultCalendar).toBe(true);
  });

  it("deleting it is 400 ErrorDeleteDistinguishedFolder", async () => {
    const cal = await sdk.api("/me/calendar").get();
    expectError(await http("DELETE", `/me/calendars/${cal.id}`), 400, "ErrorDeleteDistinguishedFolder", "Distinguished folders cannot be deleted.");
    expectError(await http("DELETE", "/me/calendar"), 400, "ErrorDeleteDistinguishedFolder", "Distinguished folders cannot be deleted.");
  });

  it("users created after start-up get one on first use", async () => {
    const res = await fetch(`${emu.adminUrl}/tenants/${CONTOSO.id}/users`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ displayName: "New Hire", userPrincipalName: "newhire@contoso.onmicrosoft.com", password: "Passw0rd!" }),
    });
    expect(res.status).toBe(201);
    const app = graphClient(emu, await appToken(emu, CONTOSO.id, ["Calendars.Read"]));
    const cal = await app.api("/users/newhire@contoso.onmicrosoft.com/calendar").get();
    expect(cal).toMatchObject({ name: "Calendar", isDefaultCalendar: true, owner: { name: "New Hire", address: "newhire@contoso.onmicrosoft.com" } });
    const list = await app.api("/users/newhire@contoso.onmicrosoft.com/calendars").get();
    expect(list.value).toHaveLength(1);
  });
});

describe("other calendars", () => {
  it("POST creates (201), GET lists and reads, PATCH renames (200), DELETE removes it and its events (204)", async () => {
    const created = await http("POST", "/me/calendars", { name: "Volunteering", color: "lightGreen" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "Volunteering", color: "lightGreen", hexColor: "#87d28e", isDefaultCalendar: false, isRemovable: true });
    const id = created.body.id as string;
    const list = await sdk.api("/me/calendars").get();
    expect(list.value.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(["Calendar", "Volunteering"]));
    expect(list["@odata.context"]).toMatch(/\/calendars$/);
    const renamed = await http("PATCH", `/me/calendars/${id}`, { name: "Charity" });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id, name: "Charity" });
    expect(renamed.body.changeKey).not.toBe(created.body.changeKey);
    const e = await sdk.api(`/me/calendars/${id}/events`).post(eventBody("Food bank", "2027-06-01T10:00:00", "2027-06-01T12:00:00"));
    expect((await http("DELETE", `/me/calendars/${id}`)).status).toBe(204);
    expectError(await http("GET", `/me/calendars/${id}`), 404, "ErrorItemNotFound", MESSAGES.notFound);
    expectError(await http("GET", `/me/events/${e.id}`), 404, "ErrorItemNotFound", MESSAGES.notFound);
  });

  it("a name already in use is 409 ErrorFolderExists; a missing name is 400", async () => {
    await sdk.api("/me/calendars").post({ name: "Holidays" });
    expectError(await http("POST", "/me/calendars", { name: "holidays" }), 409, "ErrorFolderExists", "A folder with the specified name already exists.");
    expectError(await http("POST", "/me/calendars", { color: "lightRed" }), 400, "ErrorPropertyValidationFailure", MESSAGES.validation);
    expectError(await http("POST", "/me/calendars", { name: "x", color: "purple" }), 400, "RequestBodyRead", "The string 'purple' is not a valid enumeration type constant.");
    expectError(await http("POST", "/me/calendars"), 400, "BadRequest", "Empty Payload. JSON content expected.");
  });

  it("PATCH /me/calendar renames the default calendar", async () => {
    const res = await http("PATCH", "/me/calendar", { color: "lightBlue" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ isDefaultCalendar: true, color: "lightBlue" });
  });

  it("works under /users/{id} and /users/{userPrincipalName} for an app", async () => {
    const app = graphClient(emu, await appToken(emu, CONTOSO.id, ["Calendars.ReadWrite"]));
    const created = await app.api(`/users/${USERS.isaiah.upn}/calendars`).post({ name: "Sales trips" });
    const byId = await app.api(`/users/${USERS.isaiah.id}/calendars/${created.id}`).get();
    expect(byId).toMatchObject({ name: "Sales trips", owner: { name: "Isaiah Langer", address: USERS.isaiah.upn } });
    await app.api(`/users/${USERS.isaiah.id}/calendars/${created.id}`).patch({ name: "Trips" });
    expect((await app.api(`/users/${USERS.isaiah.upn}/calendars/${created.id}`).get()).name).toBe("Trips");
    await app.api(`/users/${USERS.isaiah.upn}/calendars/${created.id}`).delete();
    const left = await app.api(`/users/${USERS.isaiah.id}/calendars`).get();
    expect(left.value.map((c: { name: string }) => c.name)).toEqual(["Calendar"]);
  });
});

describe("errors", () => {
  it("malformed calendar ids are 400; unknown ones 404; an event id is not a calendar id", async () => {
    expectError(await http("GET", "/me/calendars/xyz"), 400, "ErrorInvalidIdMalformed", MESSAGES.malformed);
    const e = await sdk.api("/me/events").post(eventBody("x", "2027-06-02T10:00:00", "2027-06-02T11:00:00"));
    expectError(await http("GET", `/me/calendars/${e.id}`), 404, "ErrorItemNotFound", MESSAGES.notFound);
    expectError(await http("GET", `/me/calendars/${e.id}/events`), 404, "ErrorItemNotFound", MESSAGES.notFound);
  });

  it("an unknown user is 404 ErrorInvalidUser", async () => {
    const app = graphHttp(emu, await appToken(emu, CONTOSO.id, ["Calendars.Read"]));
    expectError(await app("GET", "/users/nobody@contoso.onmicrosoft.com/calendar"), 404, "ErrorInvalidUser", "The requested user 'nobody@contoso.onmicrosoft.com' is invalid.");
    expectError(await app("GET", "/users/00000000-0000-0000-0000-000000000001/events"), 404, "ErrorInvalidUser", "The requested user '00000000-0000-0000-0000-000000000001' is invalid.");
  });

  it("/me with an app token is 400", async () => {
    const app = graphHttp(emu, await appToken(emu, CONTOSO.id, ["Calendars.Read"]));
    expectError(await app("GET", "/me/calendar"), 400, "BadRequest", "/me request is only valid with delegated authentication flow.");
  });

  it("a token without a calendar permission is 403 ErrorAccessDenied", async () => {
    const noCal = graphHttp(emu, await userToken(emu, CONTOSO.id, USERS.adele, ["User.Read"]));
    expectError(await noCal("GET", "/me/calendars"), 403, "ErrorAccessDenied", MESSAGES.accessDenied);
    const readOnly = graphHttp(emu, await userToken(emu, CONTOSO.id, USERS.adele, ["Calendars.Read"]));
    expectError(await readOnly("POST", "/me/calendars", { name: "nope" }), 403, "ErrorAccessDenied", MESSAGES.accessDenied);
    const appNoCal = graphHttp(emu, await appToken(emu, CONTOSO.id, ["User.Read.All"]));
    expectError(await appNoCal("GET", `/users/${USERS.adele.id}/calendars`), 403, "ErrorAccessDenied", MESSAGES.accessDenied);
  });
});
