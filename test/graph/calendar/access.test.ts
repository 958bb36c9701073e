import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTOSO, FABRIKAM, startTestEmulator, type TestEmulator } from "../../support/emulator.ts";
import { appToken, graphClient, userToken } from "../../support/graph.ts";
import { eventBody, expectError, graphHttp, MESSAGES, USERS } from "./support.ts";

/**
 * Who may touch which calendar: ReadBasic without bodies, application
 * permissions over every mailbox of the tenant, and delegated access to
 * another user's calendar only through a share (the fixtures share Megan's
 * calendar with Adele for reading and Alex's for writing) and a .Shared scope.
 */
let emu: TestEmulator;

beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => emu?.close());

const week = "startDateTime=2026-06-15T00:00:00Z&endDateTime=2026-06-16T00:00:00Z";

describe("Calendars.ReadBasic", () => {
  it("reads events without body or bodyPreview", async () => {
    const writer = graphClient(emu, await userToken(emu, CONTOSO.id, USERS.adele, ["Calendars.ReadWrite"]));
    const e = await writer.api("/me/events").post(eventBody("Basic", "2029-09-01T10:00:00", "2029-09-01T11:00:00", { body: { contentType: "text", content: "secret agenda" } }));
    const basic = graphHttp(emu, await userToken(emu, CONTOSO.id, USERS.adele, ["Calendars.ReadBasic"]));
    const one = await basic("GET", `/me/events/${e.id}`);
    expect(one.status).toBe(200);
    expect(one.body.subject).toBe("Basic");
    expect(one.body).not.toHaveProperty("body");
    expect(one.body).not.toHaveProperty("bodyPreview");
    const list = await basic("GET", "/me/events");
    expect(list.body.value.every((x: object) => !("body" in x))).toBe(true);
    expectError(await basic("POST", "/me/events", eventBody("x", "2029-09-02T10:00:00", "2029-09-02T11:00:00")), 403, "ErrorAccessDenied", MESSAGES.accessDenied);
    const full = graphHttp(emu, await userToken(emu, CONTOSO.id, USERS.adele, ["Calendars.Read"]));
    expect((await full("GET", `/me/events/${e.id}`)).body.body.content).toContain("secret agenda");
  });

  it("applies to apps with Calendars.ReadBasic.All", async () => {
    const app = graphHttp(emu, await appToken(emu, CONTOSO.id, ["Calendars.ReadBasic.All"]));
    const res = await app("GET", `/users/${USERS.megan.upn}/calendarView?${week}`);
    expect(res.status).toBe(200);
    expect(res.body.value.map((e: { subject: string }) => e.subject)).toEqual(["Marketing weekly sync", "Quarterly business review"]);
    expect(res.body.value[0]).not.toHaveProperty("body");
  });
});

describe("application permissions", () => {
  it("Calendars.Read reads any mailbox of the tenant but cannot write", async () => {
    const app = graphHttp(emu, await appToken(emu, CONTOSO.id, ["Calendars.Read"]));
    const megan = await app("GET", `/users/${USERS.megan.id}/calendarView?${week}`);
    expect(megan.body.value[1].body.content).toContain("Numbers for Q2.");
    expect(megan.body.value[1].body.contentType).toBe("html");
    expect((await app("GET", `/users/${USERS.patti.upn}/events`)).status).toBe(200);
    expectError(await app("POST", `/users/${USERS.patti.upn}/events`, eventBody("x", "2029-09-02T10:00:00", "2029-09-02T11:00:00")), 403, "ErrorAccessDenied", MESSAGES.accessDenied);
  });

  it("a multi-tenant app consented in Contoso reads Contoso calendars with its Contoso token", async () => {
    const res = await fetch(`${emu.baseUrl}/${CONTOSO.id}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: FABRIKAM.scheduler.clientId,
        client_secret: FABRIKAM.scheduler.secret,
        scope: "https://graph.microsoft.com/.default",
      }),
    });
    const { access_token } = (await res.json()) as { access_token: string };
    const http = graphHttp(emu, access_token);
    const cal = await http("GET", `/users/${USERS.megan.upn}/calendar`);
    expect(cal.status).toBe(200);
    expect(cal.body.owner.address).toBe(USERS.megan.upn);
  });
});

describe("delegated access to other mailboxes", () => {
  it("without a share it is 403 ErrorAccessDenied, whatever the scope", async () => {
    const shared = graphHttp(emu, await userToken(emu, CONTOSO.id, USERS.adele, ["Calendars.ReadWrite.Shared"]));
    expectError(await shared("GET", `/users/${USERS.patti.upn}/calendarView?${week}`), 403, "ErrorAccessDenied", MESSAGES.accessDenied);
    expectError(await shared("GET", `/users/${USERS.patti.id}/events`), 403, "ErrorAccessDenied", MESSAGES.accessDenied);
    expectError(await shared("GET", `/users/${USERS.patti.id}/calendar`), 403, "ErrorAccessDenied", MESSAGES.accessDenied);
  });

  it("a shared calendar needs a .Shared scope", async () => {
    const own = graphHttp(emu, await userToken(emu, CONTOSO.id, USERS.adele, ["Calendars.ReadWrite"]));
    expectError(await own("GET", `/users/${USERS.megan.upn}/events`), 403, "ErrorAccessDenied", MESSAGES.accessDenied);
  });

  it("with Calendars.Read.Shared, a calendar shared for reading can be read, not written", async () => {
    const adele = graphHttp(emu, await userToken(emu, CONTOSO.id, USERS.adele, ["Calendars.Read.Shared", "Calendars.ReadWrite"]));
    const view = await adele("GET", `/users/${USERS.megan.upn}/calendarView?${week}`);
    expect(view.status).toBe(200);
    expect(view.body.value.map((e: { subject: string }) => e.subject)).toEqual(["Marketing weekly sync", "Quarterly business review"]);
    const cal = await adele("GET", `/users/${USERS.megan.upn}/calendar`);
    expect(cal.body).toMatchObject({ isDefaultCalendar: true, canEdit: false, canShare: false, owner: { address: USERS.megan.upn } });
    expectError(await adele("POST", `/users/${USERS.megan.upn}/events`, eventBody("x", "2029-09-02T10:00:00", "2029-09-02T11:00:00")), 403, "ErrorAccessDenied", MESSAGES.accessDenied);
  });

  it("with Calendars.ReadWrite.Shared, a calendar shared for writing takes new events", async () => {
    const adele = graphClient(emu, await userToken(emu, CONTOSO.id, USERS.adele, ["Calendars.ReadWrite.Shared"]));
    const e = await adele.api(`/users/${USERS.alex.upn}/events`).post(eventBody("Booked by Adele", "2029-09-03T10:00:00", "2029-09-03T11:00:00"));
    expect(e.organizer.emailAddress.address).toBe(USERS.alex.upn);
    const alex = graphClient(emu, await userToken(emu, CONTOSO.id, USERS.alex, ["Calendars.Read"]));
    expect((await alex.api(`/me/events/${e.id}`).get()).subject).toBe("Booked by Adele");
  });

  it("events of an unshared calendar of the same mailbox are not found", async () => {
    const meganApp = graphClient(emu, await appToken(emu, CONTOSO.id, ["Calendars.ReadWrite"]));
    const privateCal = await meganApp.api(`/users/${USERS.megan.upn}/calendars`).post({ name: "Private stuff" });
    const e = await meganApp.api(`/users/${USERS.megan.upn}/calendars/${privateCal.id}/events`).post(eventBody("Hidden", "2026-06-15T05:00:00", "2026-06-15T06:00:00"));
    const adele = graphHttp(emu, await userToken(emu, CONTOSO.id, USERS.adele, ["Calendars.Read.Shared"]));
    expectError(await adele("GET", `/users/${USERS.megan.upn}/events/${e.id}`), 404, "ErrorItemNotFound", MESSAGES.notFound);
    expectError(await adele("GET", `/users/${USERS.megan.upn}/calendars/${privateCal.id}`), 404, "ErrorItemNotFound", MESSAGES.notFound);
    const list = await adele("GET", `/users/${USERS.megan.upn}/calendars`);
    expect(list.body.value.map((c: { name: string }) => c.name)).toEqual(["Calendar"]);
    const view = await adele("GET", `/users/${USERS.megan.upn}/calendarView?${week}`);
    expect(view.body.value.map((x: { subject: string }) => x.subject)).not.toContain("Hidden");
  });
});
