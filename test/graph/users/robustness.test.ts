import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { appToken } from "../../support/graph.ts";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../../support/emulator.ts";
import { http, U, type Http } from "./support.ts";

/**
 * Bad input never gives a 500: random query options, bodies and paths on the
 * users API get a 2xx or a Graph 4xx/501 error in Graph's envelope.
 */
let emu: TestEmulator;
let g: Http;

beforeAll(async () => {
  emu = await startTestEmulator();
  g = http(emu, await appToken(emu, CONTOSO.id, ["User.ReadWrite.All"]));
});
afterAll(async () => {
  await emu?.close();
});

/** 2xx, or an error in Graph's envelope; never a 5xx other than the documented 501. */
function expectHandled(res: { status: number; body: { error?: { code?: unknown; message?: unknown } } | string | undefined; text: string }, what: string): void {
  expect(res.status === 501 || res.status < 500, `${what} -> ${res.status} ${res.text.slice(0, 300)}`).toBe(true);
  if (res.status >= 400) {
    const body = res.body as { error?: { code?: unknown; message?: unknown } };
    expect(typeof body?.error?.code, `${what} -> ${res.text.slice(0, 300)}`).toBe("string");
    expect(typeof body?.error?.message).toBe("string");
  }
}

const fragments = fc.constantFrom(
  "displayName", "DisplayName", "id", "mail", "userPrincipalName", "identities", "otherMails", "accountEnabled", "createdDateTime", "manager", "foo",
  " eq ", " ne ", " ge ", " gt ", " and ", " or ", " in ", "not ", "startswith(", "endswith(", "contains(", "tolower(", "any(", "all(", "/",
  "'Adele'", "''", "'", "null", "true", "42", "2021-01-01T00:00:00Z", "(", ")", ",", ":", "x:x", "$count", "%", "\u00e9", "\"", "\\", "*", " ",
);
const text = fc.oneof(fc.array(fragments, { maxLength: 12 }).map((parts) => parts.join("")), fc.string({ maxLength: 40 }));

describe("random query options", () => {
  it("never answer a 500", async () => {
    const option = fc.constantFrom("$filter", "$orderby", "$select", "$search", "$top", "$count", "$skiptoken", "$expand", "$skip", "$Filter", "$format", "$bogus");
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(option, text), { minLength: 1, maxLength: 3 }), fc.boolean(), fc.constantFrom("/users", "/users/$count", `/users/${U.lee.id}/directReports`, `/users/${U.adele.id}`, "/users/delta"), async (pairs, eventual, path) => {
        const query = pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&");
        const res = await g("GET", `${path}?${query}`, undefined, eventual ? { ConsistencyLevel: "eventual" } : {});
        expectHandled(res, `GET ${path}?${query}`);
      }),
      { numRuns: 250 },
    );
  });
});

describe("random bodies", () => {
  it("never answer a 500 on POST /users, PATCH /users/{id} or PUT manager/$ref", async () => {
    const key = fc.oneof(fc.constantFrom("displayName", "accountEnabled", "mailNickname", "userPrincipalName", "passwordProfile", "businessPhones", "identities", "otherMails", "birthday", "employeeOrgData", "id", "@odata.id", "@odata.type", "manager@odata.bind", "shoeSize"), fc.string({ maxLength: 8 }));
    const body = fc.oneof(
      fc.dictionary(key, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }),
      fc.jsonValue({ maxDepth: 2 }),
      fc.string({ maxLength: 30 }),
    );
    const target = fc.constantFrom(
      ["POST", "/users"] as const,
      ["PATCH", `/users/${U.alex.id}`] as const,
      ["PUT", `/users/${U.alex.id}/manager/$ref`] as const,
    );
    await fc.assert(
      fc.asyncProperty(target, body, async ([method, path], b) => {
        const payload = typeof b === "string" ? b : JSON.stringify(b);
        const res = await g(method, path, payload, { "content-type": "application/json" });
        expectHandled(res, `${method} ${path} ${payload.slice(0, 200)}`);
      }),
      { numRuns: 250 },
    );
  });
});

describe("random paths", () => {
  it("never answer a 500", async () => {
    const segment = fc.oneof(fc.constantFrom("users", "me", "manager", "$ref", "$count", "delta()", "directReports", "memberOf", U.adele.id, U.adele.upn, "('x')", "(", "%", "%25", "%E0%A4%A", ".."), fc.string({ maxLength: 10 }).map(encodeURIComponent));
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 4 }), fc.constantFrom("GET", "DELETE", "PATCH"), async (parts, method) => {
        const path = `/${parts.join("/")}`;
        const res = await g(method, path, method === "PATCH" ? {} : undefined);
        expectHandled(res, `${method} ${path}`);
      }),
      { numRuns: 200 },
    );
  });
});
