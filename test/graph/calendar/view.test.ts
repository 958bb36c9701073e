import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PageIterator, type Client } from "@microsoft/microsoft-graph-client";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../../support/emulator.ts";
import { graphClient, userToken } from "../../support/graph.ts";
import { eventBody, expectError, graphHttp, MESSAGES, USERS } from "./support.ts";

/** calendarView windows, and the query options and paging of event collections. */
let emu: TestEmulator;
let sdk: Client;
let http: ReturnType<typeof graphHttp>;
let token: string;

beforeAll(async () => {
  emu = await startTestEmulator();
  token = await userToken(emu, CONTOSO.id, USERS.diego, ["Calendars.ReadWrite"]);
  sdk = graphClient(emu, token);
  http = graphHttp(emu, token);
  // 23 one-hour events on 2029-02-01 .. 2029-02-23 at 10:00 UTC, subjects "Item 01" .. "Item 23".
  for (let i = 1; i <= 23; i++) {
    const d = String(i).padStart(2, "0");
    await sdk.api("/me/events").post(
      eventBody(`Item ${d}`, `2029-02-${d}T10:00:00`, `2029-02-${d}T11:00:00`, { importance: i % 3 === 0 ? "high" : "normal", categories: i % 2 ? ["Odd"] : [] }),
    );
  }
});
afterAll(async () => emu?.close());

const window = (from: string, to: string) => `/me/calendarView?startDateTime=${from}&endDateTime=${to}`;

describe("the window", () => {
  it("both ends are required: 400 ErrorInvalidParameter with Microsoft's message", async () => {
    expectError(await http("GET", "/me/calendarView"), 400, "ErrorInvalidParameter", MESSAGES.window);
    expectError(await http("GET", "/me/calendarView?startDateTime=2029-02-01T00:00:00Z"), 400, "ErrorInvalidParameter", MESSAGES.window);
    expectError(await http("GET", "/me/calendar/calendarView?endDateTime=2029-02-01T00:00:00Z"), 400, "ErrorInvalidParameter", MESSAGES.window);
    expectError(await http("GET", "/me/calendarView?startDateTime=yesterday&endDateTime=2029-02-01T00:00:00Z"), 400, "ErrorInvalidParameter", "The value 'yesterday' of parameter 'startDateTime' is invalid.");
  });

  it("at most 1825 days: a longer window is 400 ErrorInvalidRequest", async () => {
    expect((await http("GET", window("2029-01-01T00:00:00Z", "2033-12-30T00:00:00Z"))).status).toBe(200);
    expectError(
      await http("GET", window("2029-01-01T00:00:00Z", "2034-01-01T00:00:00Z")),
      400,
      "ErrorInvalidRequest",
      "Your request can't be completed. The range between the start and end dates is greater than the allowed range. Maximum number of days: 1825",
    );
  });

  it("the SDK's request reaches the same window", async () => {
    const res = await sdk.api("/me/calendarView").query({ startDateTime: "2029-02-05T00:00:00Z", endDateTime: "2029-02-07T00:00:00Z" }).get();
    expect(res.value.map((e: { subject: string }) => e.subject)).toEqual(["Item 05", "Item 06"]);
  });

  it("honours offsets; without one the value is UTC whatever Prefer says", async () => {
    // 12:30+02:00 is 10:30Z: inside Item 03 (10:00-11:00Z).
    const offset = await http("GET", window("2029-02-03T12:30:00%2B02:00", "2029-02-03T12:45:00%2B02:00"));
    expect(offset.body.value.map((e: { subject: string }) => e.subject)).toEqual(["Item 03"]);
    const naive = await http("GET", window("2029-02-03T10:30:00", "2029-02-03T10:45:00"), undefined, { Prefer: 'outlook.timezone="Tokyo Standard Time"' });
    expect(naive.body.value.map((e: { subject: string }) => e.subject)).toEqual(["Item 03"]);
    expect(naive.body.value[0].start).toEqual({ dateTime: "2029-02-03T19:00:00.0000000", timeZone: "Tokyo Standard Time" });
  });

  it("includes events that overlap the window, not ones that only end at its start or begin at its end", async () => {
    const touching = await http("GET", window("2029-02-04T11:00:00Z", "2029-02-05T10:00:00Z"));
    expect(touching.body.value).toEqual([]);
    const overlapping = await http("GET", window("2029-02-04T10:59:00Z", "2029-02-05T10:01:00Z"));
    expect(overlapping.body.value.map((e: { subject: string }) => e.subject)).toEqual(["Item 04", "Item 05"]);
  });

  it("/me/calendar/calendarView and /me/calendars/{id}/calendarView cover one calendar", async () => {
    const other = await sdk.api("/me/calendars").post({ name: "Elsewhere" });
    await sdk.api("/me/events").post(eventBody("Default event", "2029-04-10T10:00:00", "2029-04-10T11:00:00"));
    await sdk.api(`/me/calendars/${other.id}/events`).post(eventBody("Elsewhere event", "2029-04-10T12:00:00", "2029-04-10T13:00:00"));
    const q = "?startDateTime=2029-04-10T00:00:00Z&endDateTime=2029-04-11T00:00:00Z";
    const all = await http("GET", `/me/calendarView${q}`);
    expect(all.body.value.map((e: { subject: string }) => e.subject)).toEqual(["Default event", "Elsewhere event"]);
    const def = await http("GET", `/me/calendar/calendarView${q}`);
    expect(def.body.value.map((e: { subject: string }) => e.subject)).toEqual(["Default event"]);
    const side = await http("GET", `/me/calendars/${other.id}/calendarView${q}`);
    expect(side.body.value.map((e: { subject: string }) => e.subject)).toEqual(["Elsewhere event"]);
    expect(side.body["@odata.context"]).toMatch(/\/calendarView$/);
  });
});

describe("paging", () => {
  it("pages of 10 with $skip in an absolute @odata.nextLink", async () => {
    const first = await http("GET", window("2029-02-01T00:00:00Z", "2029-03-01T00:00:00Z"));
    expect(first.body.value).toHaveLength(10);
    const next = first.body["@odata.nextLink"] as string;
    expect(next).toBe(`${emu.graphBaseUrl}/me/calendarView?startDateTime=2029-02-01T00:00:00Z&endDateTime=2029-03-01T00:00:00Z&$skip=10`);
    const second = await http("GET", next.slice(emu.graphBaseUrl.length));
    expect(second.body.value.map((e: { subject: string }) => e.subject)[0]).toBe("Item 11");
    const third = await http("GET", (second.body["@odata.nextLink"] as string).slice(emu.graphBaseUrl.length));
    expect(third.body.value.map((e: { subject: string }) => e.subject)).toEqual(["Item 21", "Item 22", "Item 23"]);
    expect(third.body["@odata.nextLink"]).toBeUndefined();
  });

  it("the nextLink uses the origin the client called", async () => {
    const viaIp = await fetch(`https://127.0.0.1:${emu.port}/v1.0/me/events?$top=5`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await viaIp.json()) as { "@odata.nextLink": string };
    expect(body["@odata.nextLink"]).toBe(`https://127.0.0.1:${emu.port}/v1.0/me/events?$top=5&$skip=5`);
  });

  it("$top sets the page size; the SDK's PageIterator walks every page", async () => {
    const res = await sdk.api("/me/events").top(7).get();
    expect(res.value).toHaveLength(7);
    expect(res["@odata.nextLink"]).toContain("$top=7&$skip=7");
    const seen: string[] = [];
    const it = new PageIterator(sdk, res, (e: { subject: string }) => {
      seen.push(e.subject);
      return true;
    });
    await it.iterate();
    expect(seen.filter((s) => s.startsWith("Item "))).toHaveLength(23);
  });

  it("$count=true adds @odata.count", async () => {
    const res = await http("GET", `${window("2029-02-01T00:00:00Z", "2029-03-01T00:00:00Z")}&$count=true`);
    expect(res.body["@odata.count"]).toBe(23);
  });

  it("a malformed $top or $skip is 400", async () => {
    expectError(await http("GET", "/me/events?$top=many"), 400, "BadRequest");
    expectError(await http("GET", "/me/events?$skip=-1"), 400, "BadRequest");
  });
});

describe("$select, $filter, $orderby", () => {
  it("$filter on subject, importance and start, case-insensitively", async () => {
    const bySubject = await sdk.api("/me/events").filter("subject eq 'item 07'").get();
    expect(bySubject.value.map((e: { subject: string }) => e.subject)).toEqual(["Item 07"]);
    const high = await sdk.api("/me/events").filter("importance eq 'high' and start/dateTime ge '2029-02-10T00:00:00'").top(50).get();
    expect(high.value.map((e: { subject: string }) => e.subject)).toEqual(["Item 12", "Item 15", "Item 18", "Item 21"]);
    const starts = await sdk.api("/me/events").filter("startswith(subject, 'Item 2')").top(50).get();
    expect(starts.value).toHaveLength(4);
    const cats = await sdk.api("/me/events").filter("categories/any(c:c eq 'Odd') and start/dateTime lt '2029-02-06'").top(50).get();
    expect(cats.value.map((e: { subject: string }) => e.subject)).toEqual(["Item 01", "Item 03", "Item 05"]);
  });

  it("$orderby sorts, descending too; paging keeps the order", async () => {
    const res = await http("GET", `${window("2029-02-01T00:00:00Z", "2029-03-01T00:00:00Z")}&$orderby=start/dateTime desc&$top=3`);
    expect(res.body.value.map((e: { subject: string }) => e.subject)).toEqual(["Item 23", "Item 22", "Item 21"]);
    expect(res.body["@odata.nextLink"]).toContain("$orderby=start/dateTime%20desc&$top=3&$skip=3");
    const bySubject = await sdk.api("/me/events").orderby("importance desc,subject").filter("start/dateTime lt '2029-02-07'").get();
    expect(bySubject.value.map((e: { subject: string }) => e.subject)).toEqual(["Item 03", "Item 06", "Item 01", "Item 02", "Item 04", "Item 05"]);
  });

  it("$select trims every item and changes the context URL", async () => {
    const res = await http("GET", `${window("2029-02-01T00:00:00Z", "2029-02-03T00:00:00Z")}&$select=subject,end`);
    expect(res.body["@odata.context"]).toMatch(/\/calendarView\(subject,end\)$/);
    expect(res.body.value.map((e: Record<string, unknown>) => Object.keys(e).sort())).toEqual([
      ["@odata.etag", "end", "id", "subject"],
      ["@odata.etag", "end", "id", "subject"],
    ]);
  });

  it("a malformed $filter or $orderby is 400 BadRequest with the parser's message", async () => {
    const res = await http("GET", "/me/events?$filter=subject eq");
    expectError(res, 400, "BadRequest");
    expect(res.body.error.message).toMatch(/^Syntax error/);
    expectError(await http("GET", "/me/events?$orderby=,"), 400, "BadRequest");
  });
});
