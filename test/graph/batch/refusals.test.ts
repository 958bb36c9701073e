import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../../support/emulator.ts";
import { userToken } from "../../support/graph.ts";
import { expectRefused, JSON_TYPE, postBatch, requests } from "./support.ts";

/**
 * The batch as a whole refused (400 BadRequest, nothing run) when it cannot
 * run, and the batch's token checked like any request's.
 */
let emu: TestEmulator;
let token: string;

beforeAll(async () => {
  emu = await startTestEmulator();
  token = await userToken(emu, CONTOSO.id, CONTOSO.adele, ["User.Read", "Calendars.ReadWrite"]);
});
afterAll(async () => emu?.close());

const me = (id: string, extra: Record<string, unknown> = {}) => ({ id, method: "GET", url: "/me", ...extra });

describe("the batch's shape", () => {
  it.each([
    ["an empty object", {}],
    ["requests that is not an array", { requests: { id: "1" } }],
    ["an empty requests array", { requests: [] }],
    ["a JSON array", [me("1")]],
  ])("refuses %s", async (_, body) => {
    expectRefused(await postBatch(emu, token, body), "The batch request body must be a JSON object with a 'requests' array of 1 to 20 requests.");
  });

  it("refuses a body that is not JSON as Graph refuses any unreadable JSON", async () => {
    const res = await postBatch(emu, token, "{ requests: ");
    expectRefused(res, "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.");
  });

  it("runs 20 requests and refuses 21", async () => {
    const twenty = await postBatch(emu, token, { requests: Array.from({ length: 20 }, (_, i) => me(String(i + 1))) });
    expect(twenty.status).toBe(200);
    expect(twenty.items.map((i) => i.status)).toEqual(Array(20).fill(200));
    expectRefused(await postBatch(emu, token, { requests: Array.from({ length: 21 }, (_, i) => me(String(i + 1))) }), "Batch request exceeds the maximum number of 20 requests.");
  });
});

describe("each request's fields", () => {
  it("refuses an id used twice, comparing ids without regard to case", async () => {
    expectRefused(await postBatch(emu, token, requests(me("1"), me("1"))), "Request Id 1 has to be unique in a batch.");
    expectRefused(await postBatch(emu, token, requests(me("a"), me("b"), me("A"))), "Request Id A has to be unique in a batch.");
  });

  it("refuses a request without id, method or url, naming it", async () => {
    expectRefused(await postBatch(emu, token, requests(me("1"), { method: "GET", url: "/me" })), "The request at position 2 of the batch has no 'id'.");
    expectRefused(await postBatch(emu, token, requests({ id: "", method: "GET", url: "/me" })), "The request at position 1 of the batch has no 'id'.");
    expectRefused(await postBatch(emu, token, { requests: ["GET /me"] }), "The request at position 1 of the batch has no 'id'.");
    expectRefused(await postBatch(emu, token, requests({ id: "1", url: "/me" })), "Request Id 1 has no 'method'.");
    expectRefused(await postBatch(emu, token, requests({ id: "1", method: "GET" })), "Request Id 1 has no 'url'.");
    expectRefused(await postBatch(emu, token, requests({ id: "1", method: "GET", url: "" })), "Request Id 1 has no 'url'.");
  });

  it("takes a numeric id as its text", async () => {
    const res = await postBatch(emu, token, requests({ id: 7, method: "GET", url: "/me" }));
    expect(res.items.map((i) => [i.id, i.status])).toEqual([["7", 200]]);
  });

  it("refuses methods a batch does not carry", async () => {
    expectRefused(await postBatch(emu, token, requests({ id: "1", method: "HEAD", url: "/me" })), "Request Id 1 has the method 'HEAD'; a batch carries GET, POST, PATCH, PUT and DELETE requests.");
  });

  it("refuses an absolute url", async () => {
    for (const url of [`${emu.baseUrl}/v1.0/me`, "https://graph.microsoft.com/v1.0/me", "//graph.microsoft.com/v1.0/me"]) {
      expectRefused(await postBatch(emu, token, requests({ id: "x", method: "GET", url })), "Request Id x has an absolute url; the urls of a batch are relative to its version, such as /me.");
    }
  });

  it("refuses a batch inside a batch, in any of its url forms", async () => {
    for (const url of ["/$batch", "$batch", "/v1.0/$batch", "/$BATCH/", "/%24batch"]) {
      const res = await postBatch(emu, token, requests(me("1"), { id: "inner", method: "POST", url, headers: JSON_TYPE, body: requests(me("2")) }));
      expectRefused(res, "Request Id inner is a $batch request; a batch cannot contain another batch.");
    }
  });

  it("refuses headers that are not an object of strings", async () => {
    expectRefused(await postBatch(emu, token, requests(me("1", { headers: ["ConsistencyLevel: eventual"] }))), "Request Id 1 has 'headers' that are not a JSON object of strings.");
    expectRefused(await postBatch(emu, token, requests(me("1", { headers: { Prefer: { a: 1 } } }))), "Request Id 1 has 'headers' that are not a JSON object of strings.");
  });

  it("refuses a body without Content-Type, and a write without a body or Content-Type", async () => {
    const message = (id: string) => `Write request id : ${id} does not contain Content-Type header or body.`;
    const body = { subject: "x", start: { dateTime: "2031-01-01T10:00:00", timeZone: "UTC" }, end: { dateTime: "2031-01-01T11:00:00", timeZone: "UTC" } };
    expectRefused(await postBatch(emu, token, requests({ id: "1", method: "POST", url: "/me/events", body })), message("1"));
    expectRefused(await postBatch(emu, token, requests({ id: "2", method: "POST", url: "/me/events", headers: JSON_TYPE })), message("2"));
    expectRefused(await postBatch(emu, token, requests({ id: "3", method: "PATCH", url: "/me/calendar", headers: {}, body: { color: "lightBlue" } })), message("3"));
    expectRefused(await postBatch(emu, token, requests({ id: "4", method: "GET", url: "/me", body: {} })), message("4"));
    // Header names match without regard to case; a DELETE needs neither.
    const ok = await postBatch(
      emu,
      token,
      requests({ id: "5", method: "POST", url: "/me/events", headers: { "content-type": "application/json" }, body }, { id: "6", method: "DELETE", url: "/me/events/AAMkAGnothing" }),
    );
    expect(ok.items.map((i) => i.status)).toEqual([201, 400]);
  });
});

describe("dependsOn", () => {
  const message = (id: string) => `Invalid dependency for request Id ${id}.`;

  it("refuses a dependency that is unknown, later in the batch, the request itself or not a list of ids", async () => {
    expectRefused(await postBatch(emu, token, requests(me("1"), me("2", { dependsOn: ["9"] }))), message("2"));
    expectRefused(await postBatch(emu, token, requests(me("1", { dependsOn: ["2"] }), me("2"))), message("1"));
    expectRefused(await postBatch(emu, token, requests(me("1", { dependsOn: ["1"] }))), message("1"));
    expectRefused(await postBatch(emu, token, requests(me("1"), me("2", { dependsOn: "1" }))), message("2"));
    expectRefused(await postBatch(emu, token, requests(me("1"), me("2", { dependsOn: [{ id: "1" }] }))), message("2"));
  });

  it("refuses batches that are neither parallel, serial nor all dependent on the first", async () => {
    const mixed = "Batch should be either fully sequential or fully parallel.";
    // Two independent requests, then one depending on the second (the docs' old example of 1, 3 then 2, 4).
    expectRefused(await postBatch(emu, token, requests(me("1"), me("3"), me("2", { dependsOn: ["1"] }))), mixed);
    // Two dependencies at once.
    expectRefused(await postBatch(emu, token, requests(me("1"), me("2", { dependsOn: ["1"] }), me("3", { dependsOn: ["1", "2"] }))), mixed);
    // Serial but skipping back to the first.
    expectRefused(await postBatch(emu, token, requests(me("1"), me("2", { dependsOn: ["1"] }), me("3", { dependsOn: ["2"] }), me("4", { dependsOn: ["1"] }))), mixed);
    // The accepted patterns run; an empty dependsOn is no dependency.
    for (const ok of [
      requests(me("1"), me("2", { dependsOn: [] }), me("3")),
      requests(me("1"), me("2", { dependsOn: ["1"] }), me("3", { dependsOn: ["2"] })),
      requests(me("1"), me("2", { dependsOn: ["1"] }), me("3", { dependsOn: ["1"] })),
    ]) expect((await postBatch(emu, token, ok)).items.map((i) => i.status)).toEqual([200, 200, 200]);
  });
});

describe("a refused batch runs nothing", () => {
  it("creates no event when a later request of the batch is malformed", async () => {
    const subject = `Never created ${Date.now()}`;
    const body = { subject, start: { dateTime: "2031-01-01T10:00:00", timeZone: "UTC" }, end: { dateTime: "2031-01-01T11:00:00", timeZone: "UTC" } };
    const res = await postBatch(emu, token, requests({ id: "1", method: "POST", url: "/me/events", headers: JSON_TYPE, body }, { id: "2", method: "GET" }));
    expectRefused(res, "Request Id 2 has no 'url'.");
    const found = await emu.fetch(`/v1.0/me/events?$filter=${encodeURIComponent(`subject eq '${subject}'`)}`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await found.json()) as { value: unknown[] }).value).toEqual([]);
  });
});

describe("the batch's own request", () => {
  it("needs a valid token: without one the batch answers 401 as any Graph request", async () => {
    const res = await postBatch(emu, undefined, requests(me("1")));
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: "InvalidAuthenticationToken", message: "Access token is empty." });
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer realm=""/);
  });

  it("is a POST: GET /$batch has no row", async () => {
    const res = await emu.fetch("/v1.0/$batch", { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe("Resource not found for the segment '$batch'.");
  });

  it("needs no permission of its own: a token with none of the requests' permissions gets each request's 403", async () => {
    const bare = await userToken(emu, CONTOSO.id, CONTOSO.megan, ["openid"]);
    const res = await postBatch(emu, bare, requests(me("1")));
    expect(res.status).toBe(200);
    expect(res.item("1").status).toBe(403);
    expect(res.item("1").body.error.code).toBe("Authorization_RequestDenied");
  });
});
