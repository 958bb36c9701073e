import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../support/emulator.ts";
import { appToken, userToken } from "../support/graph.ts";
import { client, expectEntraAnswer, expectGraphAnswer, expectHealthy, expectNoPollution, rawExchange, type Send } from "./fuzz-support.ts";

/**
 * What the fuzz suite found, each with the exact input that failed and the
 * answer it gets now. (Found with the fixed seed of fuzz-support.ts.)
 */
const MEGAN = { upn: "MeganB@contoso.onmicrosoft.com", password: "Passw0rd!" };
const ALEX = "5bde3e51-d13b-4db1-9948-fe4b109d11a7";
let emu: TestEmulator;
let send: Send;
let megan: string;
let app: string;

beforeAll(async () => {
  emu = await startTestEmulator();
  send = client(emu);
  megan = await userToken(emu, CONTOSO.id, MEGAN, ["Calendars.ReadWrite"]);
  app = await appToken(emu, CONTOSO.id, ["User.ReadWrite.All"]);
});
afterEach(async () => {
  expectNoPollution();
  await expectHealthy(send, app);
});
afterAll(async () => {
  await emu?.close();
});

const raw = (text: string) => rawExchange(emu, text);

describe("identity platform", () => {
  it("client_secret_basic with bad percent-encoding ('%zz:%zz') is AADSTS9002313, not a 500 (identity/client-auth.ts)", async () => {
    const res = await send({
      method: "POST",
      path: `/${CONTOSO.id}/oauth2/v2.0/token`,
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: "Basic JXp6OiV6eg==" },
      body: "grant_type=client_credentials&client_id=9a3b5c7d-1e2f-4a6b-8c0d-2e4f6a8b0c13&client_secret=contoso-daemon-secret-value&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default",
    });
    expectEntraAnswer(res, "token with Basic %zz:%zz");
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: "invalid_request", error_codes: [9002313] });
  });

  it("a session cookie with bad percent-encoding ('emulator_session=%') is no session: the sign-in page, not a 500 (identity/sessions.ts)", async () => {
    const res = await send({
      method: "GET",
      path: `/${CONTOSO.id}/oauth2/v2.0/authorize?client_id=3f6a1c2e-8b4d-4e7f-9a1b-2c3d4e5f6a71&response_type=code&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fauth%2Fcallback&scope=User.Read+openid&state=s`,
      headers: { cookie: "emulator_session=%" },
    });
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(res.text).toContain('name="password"');
  });

  it("a form declaring a 10 GB body is refused at once with an Entra 413, not read first (identity/routes.ts)", async () => {
    const answer = await raw(`POST /${CONTOSO.id}/oauth2/v2.0/token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 10737418240\r\n\r\ngrant_type=`);
    expect(answer.slice(0, 12), answer.slice(0, 300)).toBe("HTTP/1.1 413");
    expect(answer).toContain('"error":"invalid_request"');
    expect(answer).toContain('"error_codes":[9002313]');
  });
});

describe("Graph", () => {
  it("a JSON body declaring 10 GB is refused at once with Graph's 413, not read first (graph/routes.ts)", async () => {
    const answer = await raw(`POST /v1.0/me/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${megan}\r\nContent-Type: application/json\r\nContent-Length: 10737418240\r\nConnection: close\r\n\r\n{}`);
    expect(answer.slice(0, 12), answer.slice(0, 300)).toBe("HTTP/1.1 413");
    expect(answer).toMatch(/connection: close/i);
    expect(answer).toContain('"code":"RequestEntityTooLarge"');
  });

  const deep = (open: string, close: string, n: number) => `${open.repeat(n)}1${close.repeat(n)}`;
  it.each([
    ["POST /me/events, subject an array 10,000 deep", "POST", "/v1.0/me/events", `{"subject":${"[".repeat(10_000)}${"]".repeat(10_000)},"location":{"address":${deep('{"a":', "}", 1_000)}}}`],
    [
      "POST /me/events, location.address 10,000 deep",
      "POST",
      "/v1.0/me/events",
      `{"subject":"deep","start":{"dateTime":"2030-01-08T10:00:00","timeZone":"UTC"},"end":{"dateTime":"2030-01-08T11:00:00","timeZone":"UTC"},"location":{"displayName":"x","address":${deep('{"a":', "}", 10_000)}}}`,
    ],
    ["PATCH /users/{id}, onPremisesExtensionAttributes 10,000 deep", "PATCH", `/v1.0/users/${ALEX}`, `{"onPremisesExtensionAttributes":${deep('{"a":', "}", 10_000)}}`],
  ])("JSON nested deeper than OData's 100 levels is a 400 BadRequest, not a stack overflow (graph/routes.ts): %s", async (_what, method, path, body) => {
    const res = await send({ method, path, headers: { authorization: `Bearer ${path.startsWith("/v1.0/users/") ? app : megan}`, "content-type": "application/json" }, body });
    expectGraphAnswer(res, `${method} ${path}`);
    expect([res.status, res.json.error.code]).toEqual([400, "BadRequest"]);
    expect(res.json.error.message).toBe("The request payload nests arrays and objects deeper than the limit of 100 levels.");
  });

  it("nesting within the limit is read as before", async () => {
    const body = `{"subject":"ok","start":{"dateTime":"2030-01-09T10:00:00","timeZone":"UTC"},"end":{"dateTime":"2030-01-09T11:00:00","timeZone":"UTC"},"location":{"displayName":"x","address":${deep('{"a":', "}", 90)}}}`;
    const res = await send({ method: "POST", path: "/v1.0/me/events", headers: { authorization: `Bearer ${megan}`, "content-type": "application/json" }, body });
    expect(res.status, res.text.slice(0, 300)).toBe(201);
  });
});
