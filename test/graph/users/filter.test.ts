import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appToken, graphClient } from "../../support/graph.ts";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../../support/emulator.ts";
import { EVENTUAL, expectError, http, MSG, U, type Http } from "./support.ts";

/**
 * $filter on GET /users: every operator Graph supports on users, which ones
 * need an advanced query (ConsistencyLevel: eventual and $count=true), and
 * the exact 400s for unsupported or malformed clauses.
 */
let emu: TestEmulator;
let g: Http;
let token: string;

beforeAll(async () => {
  emu = await startTestEmulator();
  token = await appToken(emu, CONTOSO.id, ["User.Read.All"]);
  g = http(emu, token);
});
afterAll(async () => {
  await emu?.close();
});

const url = (filter: string, rest = "") => `/users?$filter=${encodeURIComponent(filter)}&$select=displayName${rest}`;
/** Display names matched by a default (non-advanced) filter, sorted. */
async function names(filter: string): Promise<string[]> {
  const res = await g("GET", url(filter));
  expect(res.status, res.text).toBe(200);
  return res.body.value.map((u: { displayName: string }) => u.displayName).sort();
}
/** Display names matched by an advanced query, with the count Graph adds. */
async function advanced(filter: string): Promise<string[]> {
  const res = await g("GET", url(filter, "&$count=true"), undefined, EVENTUAL);
  expect(res.status, res.text).toBe(200);
  expect(res.body["@odata.count"]).toBe(res.body.value.length);
  return res.body.value.map((u: { displayName: string }) => u.displayName).sort();
}

describe("operators that work by default", () => {
  it("eq, case-insensitively, on strings, booleans and ids", async () => {
    expect(await names("displayName eq 'adele vance'")).toEqual(["Adele Vance"]);
    expect(await names(`userPrincipalName eq '${U.megan.upn}'`)).toEqual(["Megan Bowen"]);
    expect(await names(`id eq '${U.lee.id}'`)).toEqual(["Lee Gu"]);
    expect(await names("accountEnabled eq false")).toEqual(["Johanna Lorenz"]);
    expect(await names("jobTitle eq 'Director'")).toEqual(["Lee Gu"]);
  });

  it("startsWith, through the SDK's filter()", async () => {
    const res = await graphClient(emu, token).api("/users").filter("startswith(displayName,'Al')").select(["displayName"]).get();
    expect(res.value).toEqual([{ displayName: "Alex Wilber" }]);
    expect(await names("startsWith(givenName,'a')")).toEqual(["Adele Vance", "Alex Wilber"]);
  });

  it("in", async () => {
    expect(await names("department in ('Retail', 'HR')")).toEqual(["Adele Vance", "Diego Siciliani", "Lee Gu"]);
  });

  it("ge and le, on strings and date-times", async () => {
    expect(await names("displayName ge 'L' and displayName le 'M'")).toEqual(["Lee Gu"]);
    expect(await names("createdDateTime ge 2022-01-01T00:00:00Z")).toEqual(["Isaiah Langer", "Johanna Lorenz"]);
    expect(await names("createdDateTime le 2019-06-01T00:00:00Z")).toEqual(["Lee Gu", "Patti Fernandez"]);
  });

  it("and, or and parentheses", async () => {
    expect(await names("department eq 'Marketing' and startswith(displayName,'M')")).toEqual(["Megan Bowen"]);
    expect(await names("city eq 'Tulsa' or (country eq 'Germany' and accountEnabled eq false)")).toEqual(["Isaiah Langer", "Johanna Lorenz"]);
  });

  it("any lambdas on collections: identities, otherMails, businessPhones", async () => {
    const identities = `identities/any(c:c/issuerAssignedId eq '${U.adele.upn}' and c/issuer eq 'contoso.onmicrosoft.com')`;
    expect(await names(identities)).toEqual(["Adele Vance"]);
    expect(await names("otherMails/any(x:x eq 'isaiah.langer@outlook.com')")).toEqual(["Isaiah Langer"]);
    expect(await names("businessPhones/any(p:startswith(p,'+1 412'))")).toEqual(["Megan Bowen"]);
  });
});

describe("clauses that need an advanced query", () => {
  const cases: [string, string[]][] = [
    ["department ne 'Retail' and department ne 'Marketing'", ["Diego Siciliani", "Isaiah Langer", "Johanna Lorenz", "Patti Fernandez"]],
    ["not(startswith(displayName,'A'))", ["Diego Siciliani", "Isaiah Langer", "Johanna Lorenz", "Lee Gu", "Megan Bowen", "Patti Fernandez"]],
    ["state eq null", ["Johanna Lorenz"]],
    ["endswith(mail,'B@contoso.onmicrosoft.com')", ["Megan Bowen"]],
    ["officeLocation eq '18/2111'", ["Adele Vance"]],
    ["companyName eq 'Contoso' and startswith(displayName,'P')", ["Patti Fernandez"]],
  ];

  for (const [filter, expected] of cases) {
    it(`${filter}: "Unsupported Query." without ConsistencyLevel and $count=true, results with them`, async () => {
      expectError(await g("GET", url(filter)), 400, "Request_UnsupportedQuery", MSG.unsupported);
      // The header alone is not enough: Graph also wants $count=true.
      expectError(await g("GET", url(filter), undefined, EVENTUAL), 400, "Request_UnsupportedQuery", MSG.unsupported);
      expect(await advanced(filter)).toEqual(expected);
    });
  }

  it("$count segments in the filter", async () => {
    expectError(await g("GET", url("otherMails/$count eq 1")), 400, "Request_UnsupportedQuery", MSG.unsupported);
    expect(await advanced("otherMails/$count eq 1")).toEqual(["Isaiah Langer"]);
  });
});

describe("clauses Graph refuses on users", () => {
  it("names the property for an unsupported operator or function, even in an advanced query", async () => {
    expectError(await g("GET", url("contains(displayName,'a')")), 400, "Request_UnsupportedQuery", MSG.filterClause("displayName"));
    expectError(await g("GET", url("displayName gt 'A'")), 400, "Request_UnsupportedQuery", MSG.filterClause("displayName"));
    expectError(await g("GET", url("endswith(displayName,'e')", "&$count=true"), undefined, EVENTUAL), 400, "Request_UnsupportedQuery", MSG.filterClause("displayName"));
    expectError(await g("GET", url("aboutMe eq 'x'")), 400, "Request_UnsupportedQuery", MSG.filterClause("aboutMe"));
    expectError(await g("GET", url("tolower(displayName) eq 'x'")), 400, "Request_UnsupportedQuery", MSG.filterClause("displayName"));
    expectError(await g("GET", url("identities/all(c:c/issuer eq 'x')")), 400, "Request_UnsupportedQuery", MSG.filterClause("identities"));
    expectError(await g("GET", url("accountEnabled")), 400, "Request_UnsupportedQuery", MSG.filterClause("accountEnabled"));
  });

  it("says when a property does not exist", async () => {
    expectError(await g("GET", url("shoeSize eq 42")), 400, "Request_UnsupportedQuery", MSG.notDeclared("shoeSize"));
    expectError(await g("GET", url("onPremisesExtensionAttributes/foo eq 'x'")), 400, "Request_UnsupportedQuery", MSG.unsupported);
  });

  it("refuses a literal of the wrong type", async () => {
    const res = await g("GET", url("accountEnabled eq 'yes'"));
    expectError(
      res,
      400,
      "Request_BadRequest",
      "A binary operator with incompatible types was detected. Found operand types 'Edm.Boolean' and 'Edm.String' for operator kind 'Equal'.",
    );
  });

  it("answers malformed filters with 400 Request_BadRequest naming the problem and position, never a 500", async () => {
    for (const filter of ["displayName eq", "startswith(displayName,'a'", "displayName eq 'unterminated", "(((", "displayName eq 'a' and", "x'y", "🙂 eq 1"]) {
      const res = await g("GET", url(filter));
      expect(res.status, `${filter}: ${res.text}`).toBe(400);
      expect(res.body.error.code).toBe("Request_BadRequest");
      expect(res.body.error.message).toMatch(/^Invalid filter clause: Syntax error: .* at position \d+ in '/);
    }
  });

  it("refuses an empty $filter", async () => {
    const res = await g("GET", "/users?$filter=");
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("Invalid filter clause: Syntax error: the $filter expression is empty.");
  });
});
