import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PageIterator, type PageCollection } from "@microsoft/microsoft-graph-client";
import { appToken, graphClient } from "../../support/graph.ts";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../../support/emulator.ts";
import { addUser } from "../../../emulator/src/tenants/admin.ts";
import { EVENTUAL, expectError, http, MSG, U, type Http } from "./support.ts";

/**
 * GET /users with OData: paging ($top, $skiptoken nextLinks on the caller's
 * origin), $select, $orderby, $count, $search, /users/$count, and the
 * advanced-query rules. $filter operators are in filter.test.ts.
 */
let emu: TestEmulator;
let g: Http;
let token: string;
const FIXTURE_USERS = 8;
const EXTRA = 150;
const TOTAL = FIXTURE_USERS + EXTRA;

beforeAll(async () => {
  emu = await startTestEmulator();
  emu.store.write(CONTOSO.id, (t) => {
    for (let i = 0; i < EXTRA; i++) {
      const n = String(i).padStart(3, "0");
      addUser(t, { displayName: `Zz Synthetic ${n}`, userPrincipalName: `synthetic${n}@contoso.onmicrosoft.com` });
    }
  });
  token = await appToken(emu, CONTOSO.id, ["User.Read.All"]);
  g = http(emu, token);
});
afterAll(async () => {
  await emu?.close();
});

describe("paging", () => {
  it("returns 100 users by default with an absolute @odata.nextLink carrying an opaque $skiptoken", async () => {
    const res = await g("GET", "/users");
    expect(res.body["@odata.context"]).toBe(`${emu.baseUrl}/v1.0/$metadata#users`);
    expect(res.body.value).toHaveLength(100);
    const next = new URL(res.body["@odata.nextLink"]);
    expect(next.origin).toBe(emu.baseUrl);
    expect(next.pathname).toBe("/v1.0/users");
    expect(next.searchParams.get("$skiptoken")).toMatch(/^\S{10,}$/);
    const second = await g("GET", res.body["@odata.nextLink"]);
    expect(second.body.value).toHaveLength(TOTAL - 100);
    expect(second.body).not.toHaveProperty("@odata.nextLink");
  });

  it("walks every page with the SDK's PageIterator, each user once", async () => {
    const client = graphClient(emu, token);
    const first: PageCollection = await client.api("/users").select(["id"]).top(17).get();
    const ids: string[] = [];
    await new PageIterator(client, first, (u: { id: string }) => {
      ids.push(u.id);
      return true;
    }).iterate();
    expect(ids).toHaveLength(TOTAL);
    expect(new Set(ids).size).toBe(TOTAL);
  });

  it("keeps the other query options in the nextLink", async () => {
    const res = await g("GET", "/users?$select=displayName&$top=5");
    const next = new URL(res.body["@odata.nextLink"]);
    expect(next.searchParams.get("$select")).toBe("displayName");
    expect(next.searchParams.get("$top")).toBe("5");
    const page2 = await g("GET", res.body["@odata.nextLink"]);
    expect(page2.body.value).toHaveLength(5);
    expect(page2.body.value[0]).toEqual({ displayName: expect.any(String) });
  });

  it("builds the nextLink on the origin the client called", async () => {
    const other = emu.baseUrl.replace("localhost", "127.0.0.1");
    const res = await g("GET", `${other}/v1.0/users?$top=3`);
    expect(res.body["@odata.nextLink"].startsWith(`${other}/v1.0/users?`)).toBe(true);
    expect(res.body["@odata.context"]).toBe(`${other}/v1.0/$metadata#users`);
  });

  it("accepts $top up to 999 and refuses 0, 1000 and non-numbers", async () => {
    expect((await g("GET", "/users?$top=999")).body.value).toHaveLength(TOTAL);
    expectError(await g("GET", "/users?$top=1000"), 400, "Request_UnsupportedQuery", MSG.pageSize("1000"));
    expectError(await g("GET", "/users?$top=0"), 400, "Request_UnsupportedQuery", MSG.pageSize("0"));
    const nan = await g("GET", "/users?$top=ten");
    expect(nan.status).toBe(400);
    expect(nan.body.error).toMatchObject({ code: "Request_BadRequest", message: "Invalid $top query option: Syntax error: $top must be a non-negative integer, but was 'ten'." });
  });

  it("refuses $skip as Graph does, and tampered or foreign skip tokens", async () => {
    expectError(await g("GET", "/users?$skip=10"), 400, "Request_BadRequest", MSG.skip);
    expectError(await g("GET", "/users?$skiptoken=abc"), 400, "Request_BadRequest", "Invalid Skip Token");
    const res = await g("GET", "/users?$top=2");
    const skiptoken = new URL(res.body["@odata.nextLink"]).searchParams.get("$skiptoken") as string;
    const other = await g("GET", `/users?$top=2&$filter=${encodeURIComponent("startswith(displayName,'Zz')")}&$skiptoken=${encodeURIComponent(skiptoken)}`);
    expectError(other, 400, "Request_BadRequest", "Invalid Skip Token");
  });
});

describe("$select on the collection", () => {
  it("projects every item and names the properties in @odata.context", async () => {
    const res = await g("GET", "/users?$select=displayName,id&$top=2");
    expect(res.body["@odata.context"]).toBe(`${emu.baseUrl}/v1.0/$metadata#users(displayName,id)`);
    expect(Object.keys(res.body.value[0])).toEqual(["displayName", "id"]);
  });

  it("answers 501 for properties Graph returns only on a single user", async () => {
    const res = await g("GET", "/users?$select=displayName,aboutMe");
    expectError(res, 501, "NotImplemented", "The property 'aboutMe' can only be selected when getting a single user, not when listing users.");
  });
});

describe("$orderby", () => {
  it("sorts by displayName and userPrincipalName by default, both directions", async () => {
    const asc = await g("GET", "/users?$orderby=displayName&$select=displayName&$top=3");
    expect(asc.body.value.map((u: { displayName: string }) => u.displayName)).toEqual(["Adele Vance", "Alex Wilber", "Diego Siciliani"]);
    const desc = await g("GET", "/users?$orderby=displayName desc&$select=displayName&$top=2");
    expect(desc.body.value.map((u: { displayName: string }) => u.displayName)).toEqual(["Zz Synthetic 149", "Zz Synthetic 148"]);
    const upn = await g("GET", "/users?$orderby=userPrincipalName&$select=userPrincipalName&$top=1");
    expect(upn.body.value[0].userPrincipalName).toBe(U.adele.upn);
  });

  it("pages through a sorted list in order", async () => {
    const first = await g("GET", "/users?$orderby=displayName desc&$select=displayName&$top=100");
    const second = await g("GET", first.body["@odata.nextLink"]);
    const names = [...first.body.value, ...second.body.value].map((u: { displayName: string }) => u.displayName);
    expect(names).toHaveLength(TOTAL);
    expect(names).toEqual([...names].sort((a, b) => b.toLowerCase().localeCompare(a.toLowerCase())));
  });

  it("needs an advanced query to sort on createdDateTime or to sort a filtered list", async () => {
    expectError(await g("GET", "/users?$orderby=createdDateTime"), 400, "Request_UnsupportedQuery", MSG.sorting);
    const filtered = `/users?$filter=${encodeURIComponent("startswith(displayName,'A')")}&$orderby=displayName desc`;
    expectError(await g("GET", filtered), 400, "Request_UnsupportedQuery", MSG.sorting);
    const ok = await g("GET", `${filtered}&$count=true`, undefined, EVENTUAL);
    expect(ok.body.value.map((u: { displayName: string }) => u.displayName)).toEqual(["Alex Wilber", "Adele Vance"]);
    const created = await g("GET", "/users?$orderby=createdDateTime desc&$count=true&$top=2&$select=displayName", undefined, EVENTUAL);
    expect(created.body.value.map((u: { displayName: string }) => u.displayName)).toEqual(["Johanna Lorenz", "Isaiah Langer"]);
  });

  it("refuses properties Graph cannot sort on, and unknown ones", async () => {
    expectError(await g("GET", "/users?$orderby=officeLocation"), 400, "Request_UnsupportedQuery", MSG.sorting);
    expectError(await g("GET", "/users?$orderby=shoeSize"), 400, "Request_UnsupportedQuery", MSG.notDeclared("shoeSize"));
    const bad = await g("GET", "/users?$orderby=displayName sideways");
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("Request_BadRequest");
    expect(bad.body.error.message).toMatch(/^Invalid \$orderby query option: Syntax error: .*'sideways'/);
  });
});

describe("$count", () => {
  it("is silently ignored without ConsistencyLevel: eventual", async () => {
    const res = await g("GET", "/users?$count=true&$top=1");
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty("@odata.count");
  });

  it("adds @odata.count with ConsistencyLevel: eventual, through the SDK", async () => {
    const res = await graphClient(emu, token).api("/users").header("ConsistencyLevel", "eventual").count(true).top(1).get();
    expect(res["@odata.count"]).toBe(TOTAL);
    expect(Object.keys(res)).toEqual(["@odata.context", "@odata.count", "@odata.nextLink", "value"]);
  });

  it("serves /users/$count as text/plain only with ConsistencyLevel: eventual", async () => {
    expectError(await g("GET", "/users/$count"), 400, "Request_BadRequest", MSG.count);
    const res = await g("GET", "/users/$count", undefined, EVENTUAL);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(res.text).toBe(String(TOTAL));
    const filtered = await g("GET", `/users/$count?$filter=${encodeURIComponent("department eq 'Retail'")}`, undefined, EVENTUAL);
    expect(filtered.text).toBe("2");
  });

  it("rejects a $count value other than true or false", async () => {
    expectError(await g("GET", "/users?$count=yes"), 400, "Request_BadRequest", "'yes' is not a valid count option.");
  });
});

describe("$search", () => {
  it("needs ConsistencyLevel: eventual", async () => {
    expectError(await g("GET", `/users?$search=${encodeURIComponent('"displayName:adele"')}`), 400, "Request_UnsupportedQuery", MSG.search);
  });

  it("matches word prefixes of the property, with AND and OR", async () => {
    const search = async (text: string) =>
      (await g("GET", `/users?$search=${encodeURIComponent(text)}&$select=displayName`, undefined, EVENTUAL)).body.value.map(
        (u: { displayName: string }) => u.displayName,
      );
    expect(await search('"displayName:vance"')).toEqual(["Adele Vance"]);
    expect(await search('"displayName:ad"')).toEqual(["Adele Vance"]);
    expect((await search('"displayName:lee" OR "displayName:megan"')).sort()).toEqual(["Lee Gu", "Megan Bowen"]);
    expect(await search('"displayName:alex" AND "mail:alexw"')).toEqual(["Alex Wilber"]);
  });

  it("combines with $filter and $count", async () => {
    const url = `/users?$search=${encodeURIComponent('"displayName:synthetic"')}&$filter=${encodeURIComponent("startswith(displayName,'Zz Synthetic 1')")}&$count=true&$top=1`;
    const res = await g("GET", url, undefined, EVENTUAL);
    expect(res.body["@odata.count"]).toBe(50);
  });

  it("refuses malformed searches and properties that cannot be searched", async () => {
    const bare = await g("GET", "/users?$search=adele", undefined, EVENTUAL);
    expect(bare.status).toBe(400);
    expect(bare.body.error.message).toContain('search terms must be enclosed in double quotes, e.g. "displayName:adele"');
    const city = await g("GET", `/users?$search=${encodeURIComponent('"city:seattle"')}`, undefined, EVENTUAL);
    expectError(city, 400, "Request_UnsupportedQuery", "Unsupported or invalid query search clause specified for property 'city' of resource 'User'.");
  });
});
