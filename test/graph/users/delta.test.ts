import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PageIterator, type PageCollection } from "@microsoft/microsoft-graph-client";
import { appToken, graphClient } from "../../support/graph.ts";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../../support/emulator.ts";
import { expectError, http, U, type Http } from "./support.ts";

/**
 * GET /users/delta: a full first round ending in @odata.deltaLink, then only
 * what changed: created and updated users (all properties, or only the
 * changed ones with Prefer: return=minimal) and deleted ones as @removed.
 */
let emu: TestEmulator;
let g: Http;
let token: string;
const ALL = 8;

const newUser = (alias: string) => ({
  accountEnabled: true,
  displayName: `Delta ${alias}`,
  mailNickname: alias,
  userPrincipalName: `${alias}@contoso.onmicrosoft.com`,
  passwordProfile: { password: "Str0ng!Passw0rd" },
});

/** Follows nextLinks to the end of a round; returns every item and the deltaLink. */
async function round(url: string, headers: Record<string, string> = {}): Promise<{ items: Record<string, unknown>[]; deltaLink: string }> {
  const items: Record<string, unknown>[] = [];
  let next = url;
  for (;;) {
    const res = await g("GET", next, undefined, headers);
    expect(res.status, res.text).toBe(200);
    items.push(...res.body.value);
    if (res.body["@odata.deltaLink"]) return { items, deltaLink: res.body["@odata.deltaLink"] };
    expect(res.body["@odata.nextLink"]).toBeTypeOf("string");
    next = res.body["@odata.nextLink"] as string;
  }
}

beforeAll(async () => {
  emu = await startTestEmulator();
  token = await appToken(emu, CONTOSO.id, ["User.ReadWrite.All"]);
  g = http(emu, token);
});
afterAll(async () => {
  await emu?.close();
});

describe("GET /users/delta", () => {
  it("lists every user in the first round and ends with an absolute deltaLink", async () => {
    const res = await g("GET", "/users/delta");
    expect(res.body["@odata.context"]).toBe(`${emu.baseUrl}/v1.0/$metadata#users`);
    expect(res.body.value).toHaveLength(ALL);
    expect(res.body.value[0]).toMatchObject({ displayName: "Adele Vance", id: U.adele.id, businessPhones: ["+1 425 555 0109"] });
    const link = new URL(res.body["@odata.deltaLink"]);
    expect(link.origin + link.pathname).toBe(`${emu.baseUrl}/v1.0/users/delta`);
    expect([...link.searchParams.keys()]).toEqual(["$deltatoken"]);
  });

  it("pages with Prefer: odata.maxpagesize, carrying $select in the tokens", async () => {
    const first = await g("GET", "/users/delta?$select=displayName", undefined, { Prefer: "odata.maxpagesize=3" });
    expect(first.body.value).toHaveLength(3);
    expect(first.body.value[0]).toEqual({ displayName: "Adele Vance", id: U.adele.id });
    expect([...new URL(first.body["@odata.nextLink"]).searchParams.keys()]).toEqual(["$skiptoken"]);
    const all = await round("/users/delta?$select=displayName", { Prefer: "odata.maxpagesize=3" });
    expect(all.items).toHaveLength(ALL);
    expect(Object.keys(all.items[ALL - 1] as object)).toEqual(["displayName", "id"]);
  });

  it("reports created, updated and deleted users in the next round", async () => {
    const { deltaLink } = await round("/users/delta?$select=displayName,jobTitle");
    const created = (await g("POST", "/users", newUser("dora"))).body;
    await g("PATCH", `/users/${U.alex.id}`, { jobTitle: "Head of Marketing" });
    await g("DELETE", `/users/${U.isaiah.id}`);

    const next = await round(deltaLink);
    expect(next.items).toHaveLength(3);
    expect(next.items).toContainEqual({ displayName: "Delta dora", jobTitle: null, id: created.id });
    expect(next.items).toContainEqual({ displayName: "Alex Wilber", jobTitle: "Head of Marketing", id: U.alex.id });
    expect(next.items).toContainEqual({ "@odata.type": "#microsoft.graph.user", id: U.isaiah.id, "@removed": { reason: "changed" } });

    const quiet = await round(next.deltaLink);
    expect(quiet.items).toEqual([]);
  });

  it("returns only the changed properties with Prefer: return=minimal", async () => {
    const { deltaLink } = await round("/users/delta");
    await g("PATCH", `/users/${U.lee.id}`, { officeLocation: "24/1000", city: "Denver" });
    const res = await g("GET", deltaLink, undefined, { Prefer: "return=minimal" });
    expect(res.headers.get("preference-applied")).toBe("return=minimal");
    expect(res.body.value).toEqual([{ id: U.lee.id, officeLocation: "24/1000" }]);
  });

  it("tracks only the ids of an `id eq` filter", async () => {
    const filter = encodeURIComponent(`id eq '${U.diego.id}' or id eq '${U.patti.id}'`);
    const first = await round(`/users/delta?$filter=${filter}&$select=displayName`);
    expect(first.items.map((u) => u.displayName).sort()).toEqual(["Diego Siciliani", "Patti Fernandez"]);
    await g("PATCH", `/users/${U.diego.id}`, { jobTitle: "HR Lead" });
    await g("PATCH", `/users/${U.adele.id}`, { jobTitle: "Retail Lead" });
    expect((await round(first.deltaLink)).items).toEqual([{ displayName: "Diego Siciliani", id: U.diego.id }]);
    expectError(await g("GET", `/users/delta?$filter=${encodeURIComponent("displayName eq 'x'")}`), 400, "Request_UnsupportedQuery", "Unsupported Query.");
  });

  it("works with the SDK's PageIterator across pages", async () => {
    const client = graphClient(emu, token);
    const first: PageCollection = await client.api("/users/delta").header("Prefer", "odata.maxpagesize=2").get();
    const ids: string[] = [];
    const it = new PageIterator(client, first, (u: { id: string }) => {
      ids.push(u.id);
      return true;
    }, { headers: { Prefer: "odata.maxpagesize=2" } });
    await it.iterate();
    expect(ids.length).toBeGreaterThanOrEqual(ALL - 1);
    expect(it.getDeltaLink()).toMatch(/\$deltatoken=/);
  });

  it("starts from now with $deltatoken=latest", async () => {
    const latest = await g("GET", "/users/delta?$deltatoken=latest");
    expect(latest.body.value).toEqual([]);
    await g("PATCH", `/users/${U.patti.id}`, { jobTitle: "CEO" });
    const changes = await round(latest.body["@odata.deltaLink"]);
    expect(changes.items.map((u) => u.id)).toEqual([U.patti.id]);
  });

  it("refuses tampered tokens", async () => {
    expectError(await g("GET", "/users/delta?$deltatoken=abc"), 400, "Request_BadRequest", "Invalid Delta Token");
    expectError(await g("GET", "/users/delta?$skiptoken=abc"), 400, "Request_BadRequest", "Invalid Skip Token");
  });
});
