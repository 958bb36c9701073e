import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "@microsoft/microsoft-graph-client";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../../support/emulator.ts";
import { appToken, graphClient, userToken } from "../../support/graph.ts";
import { eventBody, expectError, graphHttp, MESSAGES, USERS } from "./support.ts";

/**
 * Events: create, read, update, delete under every container, the full
 * event shape, Prefer headers, and every input error with its status, code
 * and message.
 */
let emu: TestEmulator;
let token: string;
let sdk: Client;
let http: ReturnType<typeof graphHttp>;

beforeAll(async () => {
  emu = await startTestEmulator();
  token = await userToken(emu, CONTOSO.id, USERS.adele, ["Calendars.ReadWrite"]);
  sdk = graphClient(emu, token);
  http = graphHttp(emu, token);
});
afterAll(async () => emu?.close());

/** Property names and their CSDL types of microsoft.graph.event (and outlookItem, entity). */
function csdlEventProperties(): Map<string, string> | undefined {
  let xml: string;
  try {
    xml = readFileSync(new URL("../../../../shared/reference/data/graph-v1.0-csdl.xml", import.meta.url), "utf8");
  } catch {
    return undefined;
  }
  const props = new Map<string, string>([["id", "Edm.String"]]);
  for (const type of ["outlookItem", "event"]) {
    const block = new RegExp(`<EntityType Name="${type}"[^>]*>([\\s\\S]*?)</EntityType>`).exec(xml)?.[1] ?? "";
    for (const m of block.matchAll(/<Property Name="(\w+)" Type="([^"]+)"/g)) props.set(m[1] as string, m[2] as string);
  }
  return props;
}

function jsonTypeOk(value: unknown, edm: string): boolean {
  if (value === null) return true;
  if (edm.startsWith("Collection(")) return Array.isArray(value);
  if (edm === "Edm.Boolean") return typeof value === "boolean";
  if (edm === "Edm.Int32" || edm === "Edm.Double") return typeof value === "number";
  if (edm === "Edm.String" || edm === "Edm.DateTimeOffset" || edm.startsWith("graph.") === false) return typeof value === "string";
  // Enums are strings, complex types objects.
  return typeof value === "string" || (typeof value === "object" && !Array.isArray(value));
}

describe("create and read", () => {
  it("POST /me/events answers 201 with the full event; GET returns the same", async () => {
    const created = await sdk.api("/me/events").post({
      subject: "Let's go for lunch",
      body: { contentType: "HTML", content: "Does noon work for you?" },
      start: { dateTime: "2027-04-15T12:00:00", timeZone: "Pacific Standard Time" },
      end: { dateTime: "2027-04-15T14:00:00", timeZone: "Pacific Standard Time" },
      location: { displayName: "Harry's Bar" },
      attendees: [{ emailAddress: { address: "samanthab@example.com", name: "Samantha Booth" }, type: "required" }],
    });
    expect(created.id).toMatch(/^AAMkAG[A-Za-z0-9_-]+={0,2}$/);
    expect(created["@odata.etag"]).toBe(`W/"${created.changeKey}"`);
    expect(created.type).toBe("singleInstance");
    expect(created.isOrganizer).toBe(true);
    expect(created.responseStatus).toEqual({ response: "organizer", time: "0001-01-01T00:00:00Z" });
    expect(created.organizer).toEqual({ emailAddress: { name: "Adele Vance", address: USERS.adele.upn } });
    expect(created.attendees).toEqual([
      { type: "required", status: { response: "none", time: "0001-01-01T00:00:00Z" }, emailAddress: { name: "Samantha Booth", address: "samanthab@example.com" } },
    ]);
    // No Prefer header: UTC. 12:00 PDT is 19:00 UTC.
    expect(created.start).toEqual({ dateTime: "2027-04-15T19:00:00.0000000", timeZone: "UTC" });
    expect(created.end).toEqual({ dateTime: "2027-04-15T21:00:00.0000000", timeZone: "UTC" });
    expect(created.originalStartTimeZone).toBe("Pacific Standard Time");
    expect(created.location).toMatchObject({ displayName: "Harry's Bar", locationType: "default", uniqueId: "Harry's Bar", uniqueIdType: "private" });
    expect(created.locations).toEqual([{ displayName: "Harry's Bar", locationType: "default", uniqueId: "Harry's Bar", uniqueIdType: "unknown" }]);
    expect(created.iCalUId).toMatch(/^040000008200E00074C5B7101A82E00800000000[0-9A-F]+$/);
    expect(created.webLink).toBe(`https://outlook.office365.com/owa/?itemid=${encodeURIComponent(created.id)}&exvsurl=1&path=/calendar/item`);
    expect(created.body.contentType).toBe("html");
    expect(created.body.content).toContain("Does noon work for you?");
    expect(created.bodyPreview).toBe("Does noon work for you?");
    expect(created).toMatchObject({ showAs: "busy", importance: "normal", sensitivity: "normal", isAllDay: false, isCancelled: false, seriesMasterId: null, recurrence: null });
    expect(created.createdDateTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/);

    const read = await sdk.api(`/me/events/${created.id}`).get();
    expect(read.subject).toBe("Let's go for lunch");
    expect(read.id).toBe(created.id);
    expect(read["@odata.context"]).toMatch(/\$metadata#users\('87d349ed-44d7-43e1-9a83-5f2406dee5bd'\)\/events\/\$entity$/);
  });

  it("every returned property is a property of microsoft.graph.event with a matching JSON type", async ({ skip }) => {
    const props = csdlEventProperties();
    if (!props) return skip("../shared/reference/data/graph-v1.0-csdl.xml is not present");
    const e = await sdk.api("/me/events").post(eventBody("Shape", "2027-05-01T10:00:00", "2027-05-01T11:00:00"));
    for (const [name, value] of Object.entries(e)) {
      if (name.startsWith("@odata.")) continue;
      expect(props.has(name), `unknown property ${name}`).toBe(true);
      expect(jsonTypeOk(value, props.get(name) as string), `${name}: ${JSON.stringify(value)} vs ${props.get(name)}`).toBe(true);
    }
    for (const name of ["subject", "body", "start", "end", "originalStartTimeZone", "location", "locations", "attendees", "organizer", "responseStatus",
      "isOrganizer", "iCalUId", "changeKey", "webLink", "showAs", "importance", "sensitivity", "isAllDay", "isCancelled", "type", "seriesMasterId",
      "recurrence", "isOnlineMeeting", "onlineMeetingProvider", "onlineMeeting"]) {
      expect(e, name).toHaveProperty(name);
    }
  });

  it("creates in the default calendar through /me/calendar/events and in another calendar through /me/calendars/{id}/events", async () => {
    const def = await sdk.api("/me/calendar").get();
    const other = await sdk.api("/me/calendars").post({ name: "Side projects" });
    const a = await sdk.api("/me/calendar/events").post(eventBody("In default", "2027-05-02T10:00:00", "2027-05-02T11:00:00"));
    const b = await sdk.api(`/me/calendars/${other.id}/events`).post(eventBody("In side", "2027-05-02T12:00:00", "2027-05-02T13:00:00"));
    const inDefault = await sdk.api(`/me/calendars/${def.id}/events`).top(100).get();
    const inOther = await sdk.api(`/me/calendars/${other.id}/events`).get();
    expect(inDefault.value.map((e: { id: string }) => e.id)).toContain(a.id);
    expect(inDefault.value.map((e: { id: string }) => e.id)).not.toContain(b.id);
    expect(inOther.value.map((e: { id: string }) => e.id)).toEqual([b.id]);
    // /me/events covers every calendar.
    const all = await sdk.api("/me/events").top(100).get();
    expect(all.value.map((e: { id: string }) => e.id)).toEqual(expect.arrayContaining([a.id, b.id]));
    // An event read through the wrong calendar is not found.
    expectError(await http("GET", `/me/calendars/${other.id}/events/${a.id}`), 404, "ErrorItemNotFound", MESSAGES.notFound);
    expect((await http("GET", `/me/calendar/events/${a.id}`)).status).toBe(200);
  });

  it("the same works under /users/{id} and /users/{userPrincipalName} for an app with Calendars.ReadWrite", async () => {
    const app = graphClient(emu, await appToken(emu, CONTOSO.id, ["Calendars.ReadWrite"]));
    const e = await app.api(`/users/${USERS.diego.upn}/events`).post(eventBody("By the daemon", "2027-05-03T09:00:00", "2027-05-03T09:30:00"));
    const byId = await app.api(`/users/${USERS.diego.id}/events/${e.id}`).get();
    expect(byId.subject).toBe("By the daemon");
    expect(byId.organizer.emailAddress.address).toBe(USERS.diego.upn);
    const viaCalendar = await app.api(`/users/${USERS.diego.id}/calendar/events/${e.id}`).get();
    expect(viaCalendar.id).toBe(e.id);
  });
});

describe("update and delete", () => {
  it("PATCH answers 200 with the whole event and a new change key; DELETE answers 204", async () => {
    const e = await sdk.api("/me/events").post(eventBody("Draft", "2027-05-04T09:00:00", "2027-05-04T10:00:00"));
    const res = await http("PATCH", `/me/events/${e.id}`, { subject: "Final", importance: "high", end: { dateTime: "2027-05-04T10:30:00", timeZone: "UTC" } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: e.id, subject: "Final", importance: "high", end: { dateTime: "2027-05-04T10:30:00.0000000", timeZone: "UTC" } });
    expect(res.body.changeKey).not.toBe(e.changeKey);
    expect(res.body.location).toEqual(e.location);
    const del = await http("DELETE", `/me/events/${e.id}`);
    expect(del.status).toBe(204);
    expect(del.body).toBeUndefined();
    expectError(await http("GET", `/me/events/${e.id}`), 404, "ErrorItemNotFound", MESSAGES.notFound);
    expectError(await http("DELETE", `/me/events/${e.id}`), 404, "ErrorItemNotFound", MESSAGES.notFound);
  });

  it("updates and deletes through /me/calendar/events/{id} and /me/calendars/{id}/events/{id}", async () => {
    const cal = await sdk.api("/me/calendar").get();
    const e = await sdk.api("/me/events").post(eventBody("Nested", "2027-05-05T09:00:00", "2027-05-05T10:00:00"));
    expect((await http("PATCH", `/me/calendar/events/${e.id}`, { subject: "Nested 2" })).body.subject).toBe("Nested 2");
    expect((await http("PATCH", `/me/calendars/${cal.id}/events/${e.id}`, { subject: "Nested 3" })).body.subject).toBe("Nested 3");
    expect((await http("DELETE", `/me/calendars/${cal.id}/events/${e.id}`)).status).toBe(204);
  });
});

describe("time zones and Prefer", () => {
  it("Prefer: outlook.timezone with a Windows name converts times and sends Preference-Applied", async () => {
    const e = await sdk.api("/me/events").post(eventBody("Zoned", "2027-01-10T17:00:00", "2027-01-10T18:00:00"));
    const res = await http("GET", `/me/events/${e.id}`, undefined, { Prefer: 'outlook.timezone="Pacific Standard Time"' });
    expect(res.headers.get("preference-applied")).toBe('outlook.timezone="Pacific Standard Time"');
    expect(res.body.start).toEqual({ dateTime: "2027-01-10T09:00:00.0000000", timeZone: "Pacific Standard Time" });
    expect(res.body.end).toEqual({ dateTime: "2027-01-10T10:00:00.0000000", timeZone: "Pacific Standard Time" });
    const plain = await http("GET", `/me/events/${e.id}`);
    expect(plain.headers.get("preference-applied")).toBeNull();
    expect(plain.body.start.timeZone).toBe("UTC");
  });

  it("IANA names work in Prefer and in bodies; daylight saving is applied by date", async () => {
    const e = await sdk.api("/me/events").post({
      subject: "Berlin summer",
      start: { dateTime: "2027-07-01T09:00:00", timeZone: "Europe/Berlin" },
      end: { dateTime: "2027-07-01T10:00:00", timeZone: "W. Europe Standard Time" },
    });
    expect(e.start.dateTime).toBe("2027-07-01T07:00:00.0000000");
    const res = await http("GET", `/me/events/${e.id}`, undefined, { Prefer: 'outlook.timezone="America/New_York"' });
    expect(res.body.start).toEqual({ dateTime: "2027-07-01T03:00:00.0000000", timeZone: "America/New_York" });
    expect(res.headers.get("preference-applied")).toBe('outlook.timezone="America/New_York"');
    const sdkZoned = await sdk.api(`/me/events/${e.id}`).header("Prefer", 'outlook.timezone="Tokyo Standard Time"').get();
    expect(sdkZoned.start).toEqual({ dateTime: "2027-07-01T16:00:00.0000000", timeZone: "Tokyo Standard Time" });
  });

  it("a dateTime with an offset is taken as that instant", async () => {
    const e = await sdk.api("/me/events").post({
      subject: "Offset",
      start: { dateTime: "2027-03-01T10:00:00+02:00", timeZone: "UTC" },
      end: { dateTime: "2027-03-01T11:00:00Z", timeZone: "UTC" },
    });
    expect(e.start.dateTime).toBe("2027-03-01T08:00:00.0000000");
    expect(e.end.dateTime).toBe("2027-03-01T11:00:00.0000000");
  });

  it("Prefer: outlook.body-content-type converts the body either way", async () => {
    const e = await sdk.api("/me/events").post(
      eventBody("Body", "2027-03-02T10:00:00", "2027-03-02T11:00:00", { body: { contentType: "html", content: "<p>Hello <b>there</b> &amp; welcome</p>" } }),
    );
    const text = await http("GET", `/me/events/${e.id}`, undefined, { Prefer: 'outlook.body-content-type="text"' });
    expect(text.body.body).toEqual({ contentType: "text", content: "Hello there & welcome" });
    expect(text.headers.get("preference-applied")).toBe('outlook.body-content-type="text"');
    const t2 = await sdk.api("/me/events").post(eventBody("Text body", "2027-03-02T12:00:00", "2027-03-02T13:00:00", { body: { contentType: "text", content: "a < b\nnext" } }));
    const html = await http("GET", `/me/events/${t2.id}`, undefined, { Prefer: 'outlook.body-content-type="html"' });
    expect(html.body.body.contentType).toBe("html");
    expect(html.body.body.content).toContain("a &lt; b<br>");
    const both = await http("GET", `/me/events/${t2.id}`, undefined, { Prefer: 'outlook.timezone="UTC", outlook.body-content-type="text"' });
    expect(both.headers.get("preference-applied")).toBe('outlook.timezone="UTC", outlook.body-content-type="text"');
    expect(both.body.body).toEqual({ contentType: "text", content: "a < b\nnext" });
  });

  it("$select returns only the named properties (plus id, etag and the calendar's links), in the event's order", async () => {
    const e = await sdk.api("/me/events").post(eventBody("Selected", "2027-03-03T10:00:00", "2027-03-03T11:00:00"));
    const res = await sdk.api(`/me/events/${e.id}`).select("start,subject").get();
    expect(Object.keys(res)).toEqual(["@odata.context", "@odata.etag", "id", "subject", "start", "calendar@odata.associationLink", "calendar@odata.navigationLink"]);
    expect(res["@odata.context"]).toContain("/events(start,subject)/$entity");
    const calendar = await sdk.api("/me/calendar").get();
    expect(res["calendar@odata.navigationLink"]).toBe(`${emu.baseUrl}/v1.0/users('${USERS.adele.id}')/calendars('${calendar.id}')`);
    expect(res["calendar@odata.associationLink"]).toBe(`${res["calendar@odata.navigationLink"]}/$ref`);
  });

  it("selecting location brings locations, which Outlook keeps in step with it", async () => {
    const e = await sdk.api("/me/events").post(eventBody("Located", "2027-03-03T12:00:00", "2027-03-03T13:00:00", { location: { displayName: "Harry's Bar" } }));
    const list = await http("GET", `/me/events?$select=subject,location&$filter=subject eq 'Located'`);
    expect(Object.keys(list.body.value[0])).toEqual(["@odata.etag", "id", "subject", "location", "locations"]);
    expect(list.body.value[0].locations).toEqual([expect.objectContaining({ displayName: "Harry's Bar" })]);
    const one = await http("GET", `/me/events/${e.id}?$select=locations`);
    expect(one.body).not.toHaveProperty("location");
  });
});

describe("input errors", () => {
  it("an unknown time zone in the body is 400 TimeZoneNotSupportedException", async () => {
    const res = await http("POST", "/me/events", { subject: "x", start: { dateTime: "2027-01-01T10:00:00", timeZone: "Mars/Olympus" }, end: { dateTime: "2027-01-01T11:00:00", timeZone: "UTC" } });
    expectError(res, 400, "TimeZoneNotSupportedException", MESSAGES.tz("Mars/Olympus"));
  });

  it("an unknown time zone in Prefer is the same 400", async () => {
    const res = await http("GET", "/me/events", undefined, { Prefer: 'outlook.timezone="Nowhere Standard Time"' });
    expectError(res, 400, "TimeZoneNotSupportedException", MESSAGES.tz("Nowhere Standard Time"));
  });

  it("an end before the start is 400 ErrorPropertyValidationFailure, on create and on update", async () => {
    expectError(await http("POST", "/me/events", eventBody("x", "2027-01-01T11:00:00", "2027-01-01T10:00:00")), 400, "ErrorPropertyValidationFailure", MESSAGES.validation);
    const e = await sdk.api("/me/events").post(eventBody("ok", "2027-01-01T10:00:00", "2027-01-01T11:00:00"));
    expectError(await http("PATCH", `/me/events/${e.id}`, { subject: "changed", end: { dateTime: "2027-01-01T09:00:00", timeZone: "UTC" } }), 400, "ErrorPropertyValidationFailure", MESSAGES.validation);
    // The failed PATCH changed nothing.
    const after = (await http("GET", `/me/events/${e.id}`)).body;
    expect(after).toMatchObject({ subject: "ok", changeKey: e.changeKey, end: { dateTime: "2027-01-01T11:00:00.0000000" } });
  });

  it("missing start or end, a malformed dateTime and an all-day event not on midnights are 400 ErrorPropertyValidationFailure", async () => {
    expectError(await http("POST", "/me/events", { subject: "no times" }), 400, "ErrorPropertyValidationFailure", MESSAGES.validation);
    expectError(await http("POST", "/me/events", eventBody("bad", "tomorrow", "2027-01-01T10:00:00")), 400, "ErrorPropertyValidationFailure", MESSAGES.validation);
    expectError(await http("POST", "/me/events", eventBody("bad", "2027-02-30T10:00:00", "2027-03-01T10:00:00")), 400, "ErrorPropertyValidationFailure");
    expectError(await http("POST", "/me/events", eventBody("all day", "2027-01-01T10:00:00", "2027-01-02T10:00:00", { isAllDay: true })), 400, "ErrorPropertyValidationFailure");
    const allDay = await http("POST", "/me/events", eventBody("all day", "2027-01-01T00:00:00", "2027-01-02T00:00:00", { isAllDay: true }));
    expect(allDay.status).toBe(201);
  });

  it("bodies that are not JSON, empty bodies, wrong types and unknown enum values are Graph-shaped 400s", async () => {
    const notJson = await http("POST", "/me/events", "{subject:", { "content-type": "application/json" });
    expectError(notJson, 400, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.");
    expectError(await http("POST", "/me/events"), 400, "BadRequest", "Empty Payload. JSON content expected.");
    expectError(await http("POST", "/me/events", [1, 2]), 400, "RequestBodyRead");
    expectError(await http("POST", "/me/events", { ...eventBody("x", "2027-01-01T10:00:00", "2027-01-01T11:00:00"), subject: 42 }), 400, "RequestBodyRead", "Cannot convert the literal '42' to the expected type 'Edm.String'.");
    expectError(await http("POST", "/me/events", { ...eventBody("x", "2027-01-01T10:00:00", "2027-01-01T11:00:00"), showAs: "sleepy" }), 400, "RequestBodyRead", "The string 'sleepy' is not a valid enumeration type constant.");
    expectError(await http("POST", "/me/events", { ...eventBody("x", "2027-01-01T10:00:00", "2027-01-01T11:00:00"), isAllDay: "yes" }), 400, "RequestBodyRead", "Cannot convert the literal 'yes' to the expected type 'Edm.Boolean'.");
  });

  it("malformed ids are 400 ErrorInvalidIdMalformed; well-formed unknown ones 404 ErrorItemNotFound", async () => {
    for (const id of ["abc", "not-an-id-at-all!", "AAMkAGI1AAAt9AHjAAA="]) {
      expectError(await http("GET", `/me/events/${encodeURIComponent(id)}`), 400, "ErrorInvalidIdMalformed", MESSAGES.malformed);
    }
    const e = await sdk.api("/me/events").post(eventBody("Soon gone", "2027-01-03T10:00:00", "2027-01-03T11:00:00"));
    await sdk.api(`/me/events/${e.id}`).delete();
    expectError(await http("GET", `/me/events/${e.id}`), 404, "ErrorItemNotFound", MESSAGES.notFound);
    expectError(await http("PATCH", `/me/events/${e.id}`, { subject: "x" }), 404, "ErrorItemNotFound", MESSAGES.notFound);
    expectError(await http("PATCH", "/me/events/abc", { subject: "x" }), 400, "ErrorInvalidIdMalformed", MESSAGES.malformed);
  });

  it("an unknown $select property is 400", async () => {
    const res = await http("GET", "/me/events?$select=subject,colour");
    expectError(res, 400, "RequestBroker--ParseUri", "Could not find a property named 'colour' on type 'microsoft.graph.event'.");
  });
});
