import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../../support/emulator.ts";
import { appToken, userToken } from "../../support/graph.ts";
import { expectItemError, JSON_TYPE, postBatch, requests } from "./support.ts";

/**
 * Each request of a batch meets Graph's own stages: its row's permission
 * rule, throttling and fault rules, and the request journal, on its own,
 * inside a batch that answers 200.
 */
let emu: TestEmulator;
let reader: string;

beforeAll(async () => {
  emu = await startTestEmulator();
  reader = await userToken(emu, CONTOSO.id, CONTOSO.adele, ["User.Read"]);
});
afterAll(async () => emu?.close());
beforeEach(async () => {
  await emu.admin.clearFaults();
  await emu.admin.clearThrottling();
});

const get = (id: string, url: string) => ({ id, method: "GET", url });
/** A fault rule's path for /v1.0/me/manager only (a plain "/a/b" would read as the pattern /a/ with flags "b"). */
const MANAGER = "/\\/v1\\.0\\/me\\/manager$/i";

describe("authorization, request by request", () => {
  it("answers 403 for the requests the token does not allow, 200 for the others, with each API's refusal", async () => {
    const res = await postBatch(emu, reader, requests(get("me", "/me"), get("users", "/users"), get("events", "/me/events"), get("megan", `/users/${CONTOSO.megan.upn}`)));
    expect(res.status).toBe(200);
    expect(res.item("me").status).toBe(200);
    expectItemError(res.item("users"), 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
    expectItemError(res.item("events"), 403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
    // User.Read reaches only the signed-in user's own object.
    expectItemError(res.item("megan"), 403, "Authorization_RequestDenied");
  });

  it("checks /me against the batch's token: app-only gets Graph's 400 for /me, and the app's roles for the rest", async () => {
    const app = await appToken(emu, CONTOSO.id, ["User.Read.All"]);
    const res = await postBatch(emu, app, requests(get("me", "/me"), get("adele", `/users/${CONTOSO.adele.id}`), get("cal", `/users/${CONTOSO.adele.id}/calendar`)));
    expectItemError(res.item("me"), 400, "BadRequest", "/me request is only valid with delegated authentication flow.");
    expect(res.item("adele").body.userPrincipalName).toBe(CONTOSO.adele.upn);
    expectItemError(res.item("cal"), 403, "ErrorAccessDenied");
  });

  it("uses the batch's token even when a request carries its own Authorization header", async () => {
    const writer = await userToken(emu, CONTOSO.id, CONTOSO.adele, ["User.Read", "Calendars.Read"]);
    const res = await postBatch(emu, reader, requests({ id: "1", method: "GET", url: "/me/events", headers: { Authorization: `Bearer ${writer}` } }));
    expectItemError(res.item("1"), 403, "ErrorAccessDenied");
  });

  it("ignores headers that describe the batch's connection and bytes, not the request", async () => {
    const res = await postBatch(
      emu,
      reader,
      requests({ id: "1", method: "GET", url: "/me", headers: { "Content-Length": "99999999999", "Transfer-Encoding": "chunked", Connection: "close", Host: "evil.example" } }),
    );
    const item = res.item("1");
    expect(item.status, JSON.stringify(item.body)).toBe(200);
    expect(Object.keys(item.headers).map((h) => h.toLowerCase())).not.toContain("connection");
    // @odata.context is written from the host the batch was sent to.
    expect(item.body["@odata.context"]).toMatch(new RegExp(`^${emu.baseUrl}/v1\\.0/\\$metadata#users/\\$entity$`));
  });

  it("refuses the whole batch with 401 when the batch's token has expired, as any request", async () => {
    const token = await userToken(emu, CONTOSO.id, CONTOSO.adele, ["User.Read"]);
    await emu.admin.advanceClock("PT3H");
    try {
      const res = await postBatch(emu, token, requests(get("1", "/me")));
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ code: "InvalidAuthenticationToken", message: "Access token has expired or is not yet valid." });
    } finally {
      await emu.admin.setClock(new Date());
    }
  });
});

describe("throttling and faults, request by request", () => {
  it("counts each request against the app's limit: the ones over it answer 429 with Retry-After inside a 200", async () => {
    await emu.admin.setThrottling({ limit: 3, windowSeconds: 60 });
    const res = await postBatch(emu, reader, requests(...["1", "2", "3", "4", "5"].map((id) => get(id, "/me"))));
    // The envelope itself is not counted: three requests run, two are throttled.
    expect(res.status).toBe(200);
    expect(res.items.map((i) => i.status)).toEqual([200, 200, 200, 429, 429]);
    const throttled = res.item("4");
    expectItemError(throttled, 429, "TooManyRequests", "Please retry again later.");
    expect(Number(throttled.headers["Retry-After"])).toBeGreaterThan(0);
    expect(Number(throttled.headers["Retry-After"])).toBeLessThanOrEqual(60);
    // The app stays throttled: a new batch is answered 200, each of its requests 429, until the window passes.
    const again = await postBatch(emu, reader, requests(get("1", "/me")));
    expect(again.status).toBe(200);
    expect(again.item("1").status).toBe(429);
    await emu.admin.advanceClock("PT61S");
    expect((await postBatch(emu, reader, requests(get("1", "/me")))).item("1").status).toBe(200);
  });

  it("applies a fault rule to the request it matches: throttled answers 429 with the rule's Retry-After, and the app stays throttled", async () => {
    await emu.admin.addFault({ fault: "throttled", match: { tenant: CONTOSO.id, path: MANAGER }, times: 1, retryAfterSeconds: 7 });
    const res = await postBatch(emu, reader, requests(get("1", "/me"), get("2", "/me/manager"), get("3", "/me")));
    expect(res.status).toBe(200);
    expect(res.items.map((i) => i.status), JSON.stringify(res.items)).toEqual([200, 429, 429]);
    expect(res.item("2").headers["Retry-After"]).toBe("7");
    expect(res.item("2").body.error.innerError).toMatchObject({ code: "429", status: "429" });
    await emu.admin.advanceClock("PT8S");
  });

  it("answers a request's 403, 503 or 504 fault inside the batch, the others as usual", async () => {
    await emu.admin.addFault({ fault: "authorization_request_denied", match: { tenant: CONTOSO.id, path: "/\\/v1\\.0\\/me\\/memberOf$/i" }, times: 1 });
    await emu.admin.addFault({ fault: "service_unavailable", match: { tenant: CONTOSO.id, path: "/\\/v1\\.0\\/me\\/directReports$/i" }, times: 1, retryAfterSeconds: 3 });
    const res = await postBatch(emu, reader, requests(get("1", "/me/memberOf"), get("2", "/me/directReports"), get("3", "/me")));
    expectItemError(res.item("1"), 403, "Authorization_RequestDenied");
    expectItemError(res.item("2"), 503, "serviceNotAvailable");
    expect(res.item("2").headers["Retry-After"]).toBe("3");
    expect(res.item("3").status).toBe(200);
  });

  it("lets a fault rule match the envelope itself: the whole batch answers the fault", async () => {
    await emu.admin.addFault({ fault: "service_unavailable", match: { tenant: CONTOSO.id, path: "/\\/v1\\.0\\/\\$batch$/i" }, times: 1, retryAfterSeconds: 2 });
    const res = await postBatch(emu, reader, requests(get("1", "/me")));
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("2");
  });

  it("delays a request by its latency fault; a drop_connection fault on a request closes the batch's connection", async () => {
    await emu.admin.addFault({ fault: "latency", match: { tenant: CONTOSO.id, path: MANAGER }, times: 1, latencyMs: 250 });
    const started = Date.now();
    const slow = await postBatch(emu, reader, requests(get("1", "/me"), get("2", "/me/manager")));
    expect(slow.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    await emu.admin.clearRequests();
    await emu.admin.addFault({ fault: "drop_connection", match: { tenant: CONTOSO.id, path: MANAGER }, times: 1 });
    await expect(postBatch(emu, reader, requests(get("1", "/me"), get("2", "/me/manager"), get("3", "/me")))).rejects.toThrow();
    // The request before the drop ran; the dropped one and the batch are journaled without an answer; the rest never ran.
    const journal = await emu.admin.requests({ tenant: CONTOSO.id });
    expect(journal.map((e) => [e.method, e.url, e.status])).toEqual([
      ["GET", "/v1.0/me", 200],
      ["GET", "/v1.0/me/manager", 0],
      ["POST", "/v1.0/$batch", 0],
    ]);
  });
});

describe("the request journal", () => {
  it("lists each request of the batch on its own, with its status and error code, then the batch", async () => {
    await emu.admin.clearRequests();
    const res = await postBatch(
      emu,
      reader,
      requests(get("1", "/me?$select=id"), { id: "2", method: "POST", url: "/me/events", headers: JSON_TYPE, body: { subject: "x" } }, { ...get("3", "/users/$count"), headers: { ConsistencyLevel: "eventual" } }),
      { "user-agent": "batch-test/1.0", "client-request-id": "6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d" },
    );
    expect(res.status).toBe(200);
    const entries = await emu.admin.requests({ tenant: CONTOSO.id });
    expect(entries.map((e) => [e.method, e.url, e.status, e.errorCode])).toEqual([
      // (The journal writes a query as it writes any request's, re-encoded after redaction.)
      ["GET", "/v1.0/me?%24select=id", 200, null],
      ["POST", "/v1.0/me/events", 403, "ErrorAccessDenied"],
      ["GET", "/v1.0/users/$count", 403, "Authorization_RequestDenied"],
      ["POST", "/v1.0/$batch", 200, null],
    ]);
    for (const e of entries) {
      expect(e.area).toBe("graph");
      expect(e.userId).toBe(CONTOSO.adele.id);
      expect(e.headers["user-agent"]).toBe("batch-test/1.0");
      expect(e.headers["client-request-id"]).toBe("6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");
      expect(e.headers.authorization).not.toContain(reader.split(".")[2]);
    }
    // A request's own headers are its own.
    expect(entries[2]!.headers.consistencylevel).toBe("eventual");
    expect(entries[1]!.headers["content-type"]).toBe("application/json");
    // Errors inside the batch carry the batch's request id, as Graph's do.
    expect(res.item("2").body.error.innerError["request-id"]).toBe(res.headers.get("request-id"));
    expect(res.item("2").body.error.innerError["client-request-id"]).toBe("6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");
  });
});

describe("cost", () => {
  it("runs a batch of 20 GETs for no more than the same 20 GETs sent one by one, in the emulator's own time too", async () => {
    const headers = { authorization: `Bearer ${reader}` };
    const batch = requests(...Array.from({ length: 20 }, (_, i) => get(String(i), "/me")));
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    // Warm up both paths (token cache, JIT), then measure alternately.
    for (let i = 0; i < 3; i++) {
      await postBatch(emu, reader, batch);
      await (await emu.fetch("/v1.0/me", { headers })).text();
    }
    const wall = { batched: [] as number[], single: [] as number[] };
    const server = { batched: [] as number[], single: [] as number[] };
    for (let round = 0; round < 7; round++) {
      await emu.admin.clearRequests();
      let t = performance.now();
      const res = await postBatch(emu, reader, batch);
      wall.batched.push(performance.now() - t);
      expect(res.items.every((i) => i.status === 200)).toBe(true);
      t = performance.now();
      for (let i = 0; i < 20; i++) expect((await (await emu.fetch("/v1.0/me", { headers })).json()) as object).toHaveProperty("id");
      wall.single.push(performance.now() - t);
      // The journal's durations: from the request's first stage to its answer (the batch's includes its 20 requests).
      const entries = await emu.admin.requests({ tenant: CONTOSO.id });
      const at = entries.findIndex((e) => e.url === "/v1.0/$batch");
      server.batched.push(entries[at]!.durationMs);
      server.single.push(sum(entries.slice(at + 1).map((e) => e.durationMs)));
    }
    expect(median(wall.batched)).toBeLessThan(median(wall.single));
    // Loose (a shared machine is noisy): about equal is the goal; twice would mean per-request work the batch should not add.
    expect(median(server.batched)).toBeLessThan(2 * median(server.single));
  });
});
