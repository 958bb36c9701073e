import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../../support/emulator.ts";
import { userToken } from "../../support/graph.ts";
import { expectItemError, JSON_TYPE, postBatch, requests } from "./support.ts";

/**
 * JSON batching over plain HTTP: the batch's answer, the forms of a
 * request's URL, its headers and body, and dependsOn (order, 424 for the
 * dependents of a failed request).
 */
let emu: TestEmulator;
let token: string;

beforeAll(async () => {
  emu = await startTestEmulator();
  token = await userToken(emu, CONTOSO.id, CONTOSO.adele, ["User.Read", "User.ReadBasic.All", "Calendars.ReadWrite"]);
});
afterAll(async () => emu?.close());

const event = (subject: string) => ({
  subject,
  start: { dateTime: "2031-05-06T10:00:00", timeZone: "UTC" },
  end: { dateTime: "2031-05-06T11:00:00", timeZone: "UTC" },
});

describe("the batch's answer", () => {
  it("answers 200 application/json with one response per request, in request order, bodies as JSON", async () => {
    const res = await postBatch(emu, token, requests({ id: "b", method: "GET", url: "/me" }, { id: "a", method: "GET", url: "/me?$select=id,displayName" }));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("request-id")).toBeTruthy();
    expect(Object.keys(res.body)).toEqual(["responses"]);
    expect(res.items.map((i) => [i.id, i.status])).toEqual([
      ["b", 200],
      ["a", 200],
    ]);
    const me = res.item("b");
    expect(Object.keys(me).sort()).toEqual(["body", "headers", "id", "status"]);
    expect(me.body).toMatchObject({ id: CONTOSO.adele.id, userPrincipalName: CONTOSO.adele.upn });
    expect(me.headers["Content-Type"]).toMatch(/^application\/json/);
    // The length belongs to the batch's answer, not to an entry.
    expect(Object.keys(me.headers).map((h) => h.toLowerCase())).not.toContain("content-length");
    expect(Object.keys(res.item("a").body).filter((k) => !k.startsWith("@odata")).sort()).toEqual(["displayName", "id"]);
  });

  it("takes URLs relative to the version with or without the leading slash or the version segment", async () => {
    const res = await postBatch(
      emu,
      token,
      requests(
        { id: "1", method: "GET", url: "/me" },
        { id: "2", method: "get", url: "me" },
        { id: "3", method: "GET", url: "/v1.0/me" },
        { id: "4", method: "GET", url: "/V1.0/me?$select=id" },
        { id: "5", method: "GET", url: "users/" + CONTOSO.adele.upn },
      ),
    );
    expect(res.items.map((i) => i.status)).toEqual([200, 200, 200, 200, 200]);
    for (const item of res.items) expect(item.body.id).toBe(CONTOSO.adele.id);
  });

  it("answers each request as Graph would alone: an unknown segment is that request's 400, the others run", async () => {
    const res = await postBatch(emu, token, requests({ id: "1", method: "GET", url: "/groups" }, { id: "2", method: "GET", url: "/me" }, { id: "3", method: "GET", url: "/beta/me" }));
    expect(res.status).toBe(200);
    expectItemError(res.item("1"), 400, "BadRequest", "Resource not found for the segment 'groups'.");
    expect(res.item("2").status).toBe(200);
    // Relative to v1.0: "/beta/me" is v1.0's segment "beta".
    expectItemError(res.item("3"), 400, "BadRequest", "Resource not found for the segment 'beta'.");
  });

  it("uses each request's own headers: ConsistencyLevel for /users/$count, whose text answer is a string", async () => {
    const res = await postBatch(
      emu,
      token,
      requests({ id: "counted", method: "GET", url: "/users/$count", headers: { ConsistencyLevel: "eventual" } }, { id: "plain", method: "GET", url: "/users/$count" }),
    );
    const counted = res.item("counted");
    expect(counted.status, JSON.stringify(counted.body)).toBe(200);
    expect(counted.headers["Content-Type"]).toMatch(/^text\/plain/);
    expect(counted.body).toMatch(/^\d+$/);
    expect(Number(counted.body)).toBeGreaterThan(3);
    // Without the header the same request is refused, as Graph refuses it alone.
    expectItemError(res.item("plain"), 400, "Request_BadRequest", "$count is not currently supported.");
  });

  it("creates with a POST body (201), updates with PATCH, deletes with DELETE (204 without a body)", async () => {
    const created = await postBatch(emu, token, requests({ id: "new", method: "POST", url: "/me/events", headers: JSON_TYPE, body: event("Batched planning") }));
    const item = created.item("new");
    expect(item.status, JSON.stringify(item.body)).toBe(201);
    expect(item.body).toMatchObject({ subject: "Batched planning", start: { dateTime: "2031-05-06T10:00:00.0000000", timeZone: "UTC" } });
    const id = item.body.id as string;
    const changed = await postBatch(
      emu,
      token,
      requests(
        { id: "1", method: "PATCH", url: `/me/events/${id}`, headers: JSON_TYPE, body: { subject: "Batched planning, moved" } },
        { id: "2", method: "GET", url: `/me/events/${id}?$select=subject`, dependsOn: ["1"] },
        { id: "3", method: "DELETE", url: `/me/events/${id}`, dependsOn: ["2"] },
        { id: "4", method: "GET", url: `/me/events/${id}`, dependsOn: ["3"] },
      ),
    );
    expect(changed.items.map((i) => i.status)).toEqual([200, 200, 204, 404]);
    expect(changed.item("2").body.subject).toBe("Batched planning, moved");
    expect(changed.item("3")).not.toHaveProperty("body");
    expectItemError(changed.item("4"), 404, "ErrorItemNotFound");
    // The change is the store's: a request sent alone sees it.
    const alone = await emu.fetch(`/v1.0/me/events/${id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(alone.status).toBe(404);
  });

  it("carries a request's answer headers, such as Preference-Applied for a Prefer time zone", async () => {
    const res = await postBatch(
      emu,
      token,
      requests({ id: "tz", method: "POST", url: "/me/events", headers: { ...JSON_TYPE, Prefer: 'outlook.timezone="Pacific Standard Time"' }, body: event("Time zone") }),
    );
    const item = res.item("tz");
    expect(item.status, JSON.stringify(item.body)).toBe(201);
    expect(item.headers["Preference-Applied"]).toBe('outlook.timezone="Pacific Standard Time"');
    expect(item.body.start).toEqual({ dateTime: "2031-05-06T03:00:00.0000000", timeZone: "Pacific Standard Time" });
  });
});

describe("dependsOn", () => {
  it("runs a serial batch in order: a request sees what the one before it wrote", async () => {
    const subject = `Serial ${Date.now()}`;
    const res = await postBatch(
      emu,
      token,
      requests(
        { id: "create", method: "POST", url: "/me/events", headers: JSON_TYPE, body: event(subject) },
        { id: "find", method: "GET", url: `/me/events?$filter=subject eq '${subject}'&$select=subject`, dependsOn: ["create"] },
      ),
    );
    expect(res.items.map((i) => i.status)).toEqual([201, 200]);
    expect(res.item("find").body.value).toEqual([expect.objectContaining({ subject })]);
  });

  it("answers 424 FailedDependency for the dependents of a failed request, down the chain; ids match without regard to case", async () => {
    const res = await postBatch(
      emu,
      token,
      requests(
        { id: "Ok", method: "GET", url: "/me" },
        { id: "missing", method: "GET", url: "/users/nobody@contoso.onmicrosoft.com", dependsOn: ["ok"] },
        { id: "after", method: "GET", url: "/me", dependsOn: ["MISSING"] },
        { id: "last", method: "GET", url: "/me", dependsOn: ["after"] },
      ),
    );
    expect(res.status).toBe(200);
    expect(res.items.map((i) => [i.id, i.status])).toEqual([
      ["Ok", 200],
      ["missing", 404],
      ["after", 424],
      ["last", 424],
    ]);
    expectItemError(res.item("missing"), 404, "Request_ResourceNotFound");
    expectItemError(res.item("after"), 424, "FailedDependency", "Request Id after was not run: the request it depends on (Request Id missing) failed.");
    expectItemError(res.item("last"), 424, "FailedDependency", "Request Id last was not run: the request it depends on (Request Id after) failed.");
    expect(res.item("after").headers["Content-Type"]).toMatch(/^application\/json/);
  });

  it("runs the requests that all depend on the first only when it succeeded", async () => {
    const good = await postBatch(
      emu,
      token,
      requests({ id: "1", method: "GET", url: "/me" }, { id: "2", method: "GET", url: "/me", dependsOn: ["1"] }, { id: "3", method: "GET", url: "/me", dependsOn: ["1"] }),
    );
    expect(good.items.map((i) => i.status)).toEqual([200, 200, 200]);
    const bad = await postBatch(
      emu,
      token,
      requests({ id: "1", method: "GET", url: "/me/nothing" }, { id: "2", method: "GET", url: "/me", dependsOn: ["1"] }, { id: "3", method: "GET", url: "/me", dependsOn: ["1"] }),
    );
    expect(bad.items.map((i) => i.status)).toEqual([400, 424, 424]);
  });
});
