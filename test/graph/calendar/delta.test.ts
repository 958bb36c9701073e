import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PageIterator, type PageCollection } from "@microsoft/microsoft-graph-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../../emulator/src/server.ts";
import { CONTOSO } from "../../support/emulator.ts";
import { appToken, graphClient, userToken } from "../../support/graph.ts";
import { eventBody, expectError, graphHttp, MESSAGES, USERS, type Answer } from "./support.ts";

/**
 * calendarView delta (api/event-delta.md, concepts/delta-query-events.md),
 * driven by a raw-HTTP sync client that keeps a local copy of the window: a
 * first round paged with Prefer: odata.maxpagesize, then rounds from the
 * deltaLink that must carry exactly the changes made in between (single
 * events created, updated, moved out and deleted; a series renamed, one of
 * its occurrences deleted or changed, its recurrence shortened), across a
 * restart on the same state folder. The local copy is compared with
 * calendarView after every round.
 */
const tlsDir = process.env.GRAPH_EMULATOR_TEST_TLS_DIR as string;
const dataDir = mkdtempSync(join(tmpdir(), "graph-emulator-calendar-delta-"));
for (const f of ["ca.pem", "ca-key.pem", "server.pem", "server-key.pem"]) copyFileSync(join(tlsDir, f), join(dataDir, f));
let emu: RunningEmulator;
let adeleToken: string;

async function restart(): Promise<void> {
  await emu?.close();
  emu = await startEmulator({ port: 0, dataDir, quiet: true });
}

beforeAll(async () => {
  await restart();
  adeleToken = await userToken(emu, CONTOSO.id, USERS.adele, ["Calendars.ReadWrite"]);
});
afterAll(async () => {
  await emu?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const adele = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => graphHttp(emu, adeleToken)(method, path, body, headers);
const WINDOW = "startDateTime=2031-01-01T00:00:00Z&endDateTime=2031-03-01T00:00:00Z";
const OCCURRENCE_KEYS = ["@odata.type", "@odata.etag", "id", "seriesMasterId", "type", "start", "end"];

type Item = Record<string, unknown> & { id: string };

/** A link of the emulator's as a path for graphHttp (which adds /v1.0); a link from before a restart names the old port. */
function pathOf(link: string, sameOrigin = true): string {
  const url = new URL(link);
  if (sameOrigin) expect(url.origin).toBe(new URL(emu.baseUrl).origin);
  expect(url.pathname.startsWith("/v1.0/")).toBe(true);
  return `${url.pathname.slice("/v1.0".length)}${url.search}`;
}

interface Round {
  items: Item[];
  pages: Answer[];
  deltaLink: string;
}

/** One round: follows nextLinks to the deltaLink, checking each page's size and links. */
async function round(first: string, pageSize: number | null, call = adele): Promise<Round> {
  const headers: Record<string, string> = pageSize === null ? {} : { prefer: `odata.maxpagesize=${pageSize}` };
  const items: Item[] = [];
  const pages: Answer[] = [];
  let path = first;
  for (;;) {
    const res = await call("GET", path, undefined, headers);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    pages.push(res);
    expect(res.body["@odata.context"]).toMatch(/\/v1\.0\/\$metadata#Collection\(event\)$/);
    expect(res.headers.get("preference-applied")).toContain("odata.track-changes");
    if (pageSize !== null) expect(res.headers.get("preference-applied")).toContain(`odata.maxpagesize=${pageSize}`);
    expect(res.body.value.length).toBeLessThanOrEqual(pageSize ?? 10);
    items.push(...(res.body.value as Item[]));
    const next = res.body["@odata.nextLink"] as string | undefined;
    const delta = res.body["@odata.deltaLink"] as string | undefined;
    expect(next === undefined).not.toBe(delta === undefined);
    if (next !== undefined) {
      expect(new URL(next).searchParams.get("$skiptoken")).toBeTruthy();
      expect(res.body.value.length).toBe(pageSize ?? 10);
      path = pathOf(next);
      continue;
    }
    expect([...new URL(delta as string).searchParams.keys()]).toEqual(["$deltatoken"]);
    return { items, pages, deltaLink: delta as string };
  }
}

/** The sync client's copy of the window: every round's items applied in order. */
class LocalCopy {
  readonly items = new Map<string, Item>();
  apply(items: Item[]): void {
    for (const item of items) {
      if (item["@removed"] !== undefined) {
        expect(item["@removed"]).toEqual({ reason: "deleted" });
        expect(Object.keys(item).sort()).toEqual(["@odata.type", "@removed", "id"]);
        this.items.delete(item.id);
      } else this.items.set(item.id, item);
    }
  }
}

/** What calendarView says the window holds, all pages. */
async function calendarView(path = `/me/calendarView?${WINDOW}&$top=1000`): Promise<Item[]> {
  const res = await adele("GET", path);
  expect(res.status).toBe(200);
  expect(res.body["@odata.nextLink"]).toBeUndefined();
  return res.body.value as Item[];
}

/** The local copy holds what calendarView holds: the same ids, each with its type, subject and times. */
async function expectInSync(copy: LocalCopy, path?: string): Promise<void> {
  const view = await calendarView(path);
  expect([...copy.items.keys()].sort()).toEqual(view.map((e) => e.id).sort());
  for (const e of view) {
    const mine = copy.items.get(e.id) as Item;
    expect(mine.type).toBe(e.type);
    expect(mine.start).toEqual(e.start);
    expect(mine.end).toEqual(e.end);
    if (e.type === "occurrence") {
      expect(Object.keys(mine)).toEqual(OCCURRENCE_KEYS);
      expect(mine.seriesMasterId).toBe(e.seriesMasterId);
    } else {
      expect(mine).toMatchObject({ "@odata.type": "#microsoft.graph.event", subject: e.subject, body: e.body, "@odata.etag": e["@odata.etag"] });
    }
  }
}

const created = async (body: Record<string, unknown>, path = "/me/events"): Promise<Item> => {
  const res = await adele("POST", path, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Item;
};
const patched = async (id: string, body: Record<string, unknown>) => {
  const res = await adele("PATCH", `/me/events/${id}`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Item;
};
const deleted = async (id: string) => expect((await adele("DELETE", `/me/events/${id}`)).status).toBe(204);
const ids = (items: Item[], removed: boolean) => items.filter((i) => (i["@removed"] !== undefined) === removed).map((i) => i.id).sort();

describe("calendarView delta: a sync client's rounds", () => {
  it("lists the window, then exactly what changed, round after round and across a restart", async () => {
    const a = await created(eventBody("A", "2031-01-05T10:00:00", "2031-01-05T11:00:00"));
    const b = await created(eventBody("B", "2031-01-06T12:00:00", "2031-01-06T13:00:00"));
    const c = await created(eventBody("C", "2031-01-07T10:00:00", "2031-01-07T11:00:00"));
    await created(eventBody("Outside", "2031-05-01T10:00:00", "2031-05-01T11:00:00"));
    const series = await created({
      ...eventBody("Weekly", "2031-01-13T09:00:00", "2031-01-13T09:30:00"),
      recurrence: { pattern: { type: "weekly", interval: 1, daysOfWeek: ["monday"] }, range: { type: "numbered", startDate: "2031-01-13", numberOfOccurrences: 6 } },
    });
    const copy = new LocalCopy();

    // First round: 3 single events and 6 occurrences, 3 to a page.
    const first = await round(`/me/calendarView/delta?${WINDOW}`, 3);
    expect(first.pages.map((p) => p.body.value.length)).toEqual([3, 3, 3]);
    expect(first.items.filter((i) => i.type === "occurrence")).toHaveLength(6);
    expect(first.items.find((i) => i.id === a.id)).toMatchObject({ subject: "A", type: "singleInstance", "@odata.type": "#microsoft.graph.event" });
    copy.apply(first.items);
    await expectInSync(copy);
    const occurrences = (await calendarView()).filter((e) => e.seriesMasterId === series.id).map((e) => e.id);
    expect(occurrences).toHaveLength(6);

    // Nothing changed: an empty answer and a deltaLink.
    const idle = await round(pathOf(first.deltaLink), 3);
    expect(idle.items).toEqual([]);
    expect(idle.pages).toHaveLength(1);

    // Created, updated, moved out, deleted; the series renamed and one occurrence deleted.
    const e = await created(eventBody("E", "2031-01-10T10:00:00", "2031-01-10T11:00:00"));
    await patched(a.id, { subject: "A (renamed)" });
    await patched(c.id, { start: { dateTime: "2031-06-01T10:00:00", timeZone: "UTC" }, end: { dateTime: "2031-06-01T11:00:00", timeZone: "UTC" } });
    await deleted(b.id);
    await patched(series.id, { subject: "Weekly (renamed)" });
    await deleted(occurrences[1] as string);
    const second = await round(pathOf(idle.deltaLink), 2);
    expect(ids(second.items, false)).toEqual([e.id, a.id, ...occurrences.filter((_, i) => i !== 1)].sort());
    expect(ids(second.items, true)).toEqual([b.id, c.id, occurrences[1]].sort());
    expect(second.items.find((i) => i.id === a.id)?.subject).toBe("A (renamed)");
    copy.apply(second.items);
    await expectInSync(copy);

    // One occurrence changed: it comes back as an exception under the same id, and nothing else.
    await patched(occurrences[2] as string, { subject: "Weekly (third, moved)", start: { dateTime: "2031-01-27T10:00:00", timeZone: "UTC" }, end: { dateTime: "2031-01-27T10:30:00", timeZone: "UTC" } });
    const third = await round(pathOf(second.deltaLink), 2);
    expect(third.items).toHaveLength(1);
    expect(third.items[0]).toMatchObject({ id: occurrences[2], type: "exception", subject: "Weekly (third, moved)", seriesMasterId: series.id });
    copy.apply(third.items);
    await expectInSync(copy);

    // Start a round, restart half way, and finish it from its nextLink; then a later round from its deltaLink.
    await patched(series.id, { recurrence: { pattern: { type: "weekly", interval: 1, daysOfWeek: ["monday"] }, range: { type: "numbered", startDate: "2031-01-13", numberOfOccurrences: 4 } } });
    const firstPage = await adele("GET", pathOf(third.deltaLink), undefined, { prefer: "odata.maxpagesize=2" });
    expect(firstPage.status).toBe(200);
    await restart();
    const rest = await round(pathOf(firstPage.body["@odata.nextLink"] as string, false), 2);
    const fourth = [...(firstPage.body.value as Item[]), ...rest.items];
    // A new schedule: its first four occurrences (the deleted one back, the exception gone) and the last two removed.
    expect(ids(fourth, false)).toEqual(occurrences.slice(0, 4).sort());
    expect(fourth.filter((i) => i["@removed"] === undefined).every((i) => i.type === "occurrence")).toBe(true);
    expect(ids(fourth, true)).toEqual(occurrences.slice(4).sort());
    copy.apply(fourth);
    await expectInSync(copy);

    const f = await created(eventBody("F", "2031-02-20T10:00:00", "2031-02-20T11:00:00"));
    await restart();
    const fifth = await round(pathOf(rest.deltaLink, false), 2);
    expect(fifth.items.map((i) => i.id)).toEqual([f.id]);
    copy.apply(fifth.items);
    await expectInSync(copy);
  }, 60_000);

  it("pages by 10 without Prefer, and in the zone Prefer names", async () => {
    const window = "startDateTime=2032-01-01T00:00:00Z&endDateTime=2032-02-01T00:00:00Z";
    await created({
      ...eventBody("Daily", "2032-01-03T08:00:00", "2032-01-03T08:15:00"),
      recurrence: { pattern: { type: "daily", interval: 1 }, range: { type: "numbered", startDate: "2032-01-03", numberOfOccurrences: 12 } },
    });
    const plain = await round(`/me/calendarView/delta?${window}`, null);
    expect(plain.pages.map((p) => p.body.value.length)).toEqual([10, 2]);
    expect(plain.pages[0]?.headers.get("preference-applied")).toBe("odata.track-changes");

    const zoned = await adele("GET", `/me/calendarView/delta?${window}`, undefined, { prefer: 'outlook.timezone="Pacific Standard Time"' });
    expect(zoned.body.value[0].start).toEqual({ dateTime: "2032-01-03T00:00:00.0000000", timeZone: "Pacific Standard Time" });
    expect(zoned.headers.get("preference-applied")).toBe('odata.track-changes, outlook.timezone="Pacific Standard Time"');
  });

  it("works with the Graph SDK's PageIterator, and its deltaLink with the SDK's next request", async () => {
    const window = "startDateTime=2035-01-01T00:00:00Z&endDateTime=2035-01-08T00:00:00Z";
    await created({
      ...eventBody("SDK daily", "2035-01-01T08:00:00", "2035-01-01T08:15:00"),
      recurrence: { pattern: { type: "daily", interval: 1 }, range: { type: "numbered", startDate: "2035-01-01", numberOfOccurrences: 7 } },
    });
    const client = graphClient(emu, adeleToken);
    const first: PageCollection = await client.api(`/me/calendarView/delta?${window}`).header("Prefer", "odata.maxpagesize=3").get();
    const seen: Item[] = [];
    const pages = new PageIterator(client, first, (e: Item) => {
      seen.push(e);
      return true;
    }, { headers: { Prefer: "odata.maxpagesize=3" } });
    await pages.iterate();
    expect(seen.map((e) => e.type)).toEqual(Array(7).fill("occurrence"));
    const deltaLink = pages.getDeltaLink() as string;
    expect(deltaLink).toMatch(/\$deltatoken=/);
    const extra = await created(eventBody("SDK single", "2035-01-03T12:00:00", "2035-01-03T13:00:00"));
    const next: PageCollection = await client.api(deltaLink).get();
    expect(next.value.map((e: Item) => [e.id, e.subject])).toEqual([[extra.id, "SDK single"]]);
  });

  it("answers inside a $batch, its links usable outside it", async () => {
    const res = await adele("POST", "/$batch", { requests: [{ id: "1", method: "GET", url: `/me/calendarView/delta?${WINDOW}`, headers: { Prefer: "odata.maxpagesize=100" } }] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const answer = res.body.responses[0];
    expect(answer.status, JSON.stringify(answer)).toBe(200);
    expect(answer.body.value.length).toBeGreaterThan(0);
    expect((await round(pathOf(answer.body["@odata.deltaLink"] as string), 5)).items).toEqual([]);
  });

  it("tracks one calendar on /calendars/{id}/calendarView/delta", async () => {
    const window = "startDateTime=2033-01-01T00:00:00Z&endDateTime=2033-02-01T00:00:00Z";
    const cal = await adele("POST", "/me/calendars", { name: "Delta side calendar" });
    expect(cal.status).toBe(201);
    const inside = await created(eventBody("Side", "2033-01-10T10:00:00", "2033-01-10T11:00:00"), `/me/calendars/${cal.body.id}/events`);
    const main = await created(eventBody("Main", "2033-01-11T10:00:00", "2033-01-11T11:00:00"));
    const one = await round(`/me/calendars/${cal.body.id}/calendarView/delta?${window}`, 5);
    expect(one.items.map((i) => i.id)).toEqual([inside.id]);
    expect(new URL(one.deltaLink).pathname).toBe(`/v1.0/me/calendars/${cal.body.id}/calendarView/delta`);
    const all = await round(`/me/calendarView/delta?${window}`, 5);
    expect(ids(all.items, false)).toEqual([inside.id, main.id].sort());

    await patched(main.id, { subject: "Main (renamed)" });
    expect((await round(pathOf(one.deltaLink), 5)).items).toEqual([]);
    // A token names its calendar: on another route it is a state that route does not have.
    expectError(await adele("GET", pathOf(all.deltaLink).replace("/me/calendarView/", `/me/calendars/${cal.body.id}/calendarView/`)), 410, "SyncStateNotFound");
    expect((await adele("DELETE", `/me/calendars/${cal.body.id}`)).status).toBe(204);
    expectError(await adele("GET", pathOf(one.deltaLink)), 404, "ErrorItemNotFound", MESSAGES.notFound);
    const after = await round(pathOf(all.deltaLink), 5);
    expect(after.items.map((i) => [i.id, i["@removed"] === undefined ? i.subject : "removed"]).sort()).toEqual([[inside.id, "removed"], [main.id, "Main (renamed)"]].sort());
  });
});

describe("calendarView delta: refusals", () => {
  it("needs a window on the first request", async () => {
    expectError(await adele("GET", "/me/calendarView/delta"), 400, "ErrorInvalidParameter", MESSAGES.window);
    expectError(await adele("GET", "/me/calendarView/delta?startDateTime=2031-01-01T00:00:00Z"), 400, "ErrorInvalidParameter", MESSAGES.window);
  });

  it("refuses query options it cannot track", async () => {
    for (const option of ["$select=subject", "$filter=subject eq 'x'", "$orderby=start/dateTime", "$expand=attachments", "$search=x"]) {
      expectError(
        await adele("GET", `/me/calendarView/delta?${WINDOW}&${option}`),
        400,
        "ErrorInvalidUrlQuery",
        "The following parameters are not supported with change tracking over the 'CalendarView' resource: '$orderby, $filter, $select, $expand, $search'.",
      );
    }
    const top = await adele("GET", `/me/calendarView/delta?${WINDOW}&$top=5`);
    expectError(top, 400, "ErrorInvalidUrlQuery");
    expect(top.body.error.message).toContain("Prefer: odata.maxpagesize=");
  });

  it("answers 400 SyncStateInvalid to tokens it did not issue", async () => {
    const first = await round(`/me/calendarView/delta?${WINDOW}`, 2);
    const skip = new URL(first.pages[0]?.body["@odata.nextLink"] as string).searchParams.get("$skiptoken") as string;
    const delta = new URL(first.deltaLink).searchParams.get("$deltatoken") as string;
    const edited = `${delta.slice(0, 10)}${delta[10] === "A" ? "B" : "A"}${delta.slice(11)}`;
    for (const query of [`$deltatoken=nonsense`, `$deltatoken=${edited}`, `$deltatoken=${skip}`, `$skiptoken=${delta}`, `$skiptoken=${skip}&$deltatoken=${delta}`, "$skiptoken="]) {
      const res = await adele("GET", `/me/calendarView/delta?${query}`);
      expectError(res, 400, "SyncStateInvalid");
    }
  });

  it("answers 410 SyncStateNotFound once a mailbox dropped the state (it keeps 20)", async () => {
    const meganToken = await userToken(emu, CONTOSO.id, USERS.megan, ["Calendars.Read"]);
    const megan = graphHttp(emu, meganToken);
    const window = "startDateTime=2034-01-01T00:00:00Z&endDateTime=2034-01-02T00:00:00Z";
    const oldest = await round(`/me/calendarView/delta?${window}`, null, megan);
    const links = [oldest.deltaLink];
    for (let i = 0; i < 19; i++) links.push((await round(`/me/calendarView/delta?${window}`, null, megan)).deltaLink);
    expect((await megan("GET", pathOf(oldest.deltaLink))).status).toBe(200);
    links.push((await round(`/me/calendarView/delta?${window}`, null, megan)).deltaLink);
    const gone = await megan("GET", pathOf(oldest.deltaLink));
    expectError(gone, 410, "SyncStateNotFound", "The sync state generation is not found; generation=1;[highest=21]" + Array.from({ length: 20 }, (_, i) => `[${21 - i}]`).join("") + ".");
    expect((await megan("GET", pathOf(links[1] as string))).status).toBe(200);
    // Another mailbox's token is not one of this mailbox's states.
    expectError(await adele("GET", pathOf(links[5] as string)), 410, "SyncStateNotFound");
  });
});

describe("calendarView delta: permissions", () => {
  it("allows Calendars.Read and ReadBasic (without bodies), refuses other scopes", async () => {
    const window = `/me/calendarView/delta?${WINDOW}`;
    const basic = graphHttp(emu, await userToken(emu, CONTOSO.id, USERS.adele, ["Calendars.ReadBasic"]));
    const res = await basic("GET", window, undefined, { prefer: "odata.maxpagesize=50" });
    expect(res.status).toBe(200);
    const single = (res.body.value as Item[]).find((i) => i.type === "singleInstance");
    expect(single).toBeDefined();
    expect(single).not.toHaveProperty("body");
    expect((await graphHttp(emu, await userToken(emu, CONTOSO.id, USERS.adele, ["Calendars.Read"]))("GET", window)).status).toBe(200);
    expectError(await graphHttp(emu, await userToken(emu, CONTOSO.id, USERS.adele, ["User.Read"]))("GET", window), 403, "ErrorAccessDenied", MESSAGES.accessDenied);
  });

  it("lets apps with Calendars.Read track any mailbox; delegated callers need a share", async () => {
    const app = graphHttp(emu, await appToken(emu, CONTOSO.id, ["Calendars.Read"]));
    const res = await app("GET", `/users/${USERS.adele.upn}/calendarView/delta?${WINDOW}`, undefined, { prefer: "odata.maxpagesize=50" });
    expect(res.status).toBe(200);
    expect(new URL(res.body["@odata.deltaLink"] as string).pathname).toBe(`/v1.0/users/${USERS.adele.upn}/calendarView/delta`);
    expect((res.body.value as Item[]).length).toBeGreaterThan(0);
    expectError(await graphHttp(emu, await appToken(emu, CONTOSO.id, ["User.Read.All"]))("GET", `/users/${USERS.adele.upn}/calendarView/delta?${WINDOW}`), 403, "ErrorAccessDenied");
    const shared = graphHttp(emu, await userToken(emu, CONTOSO.id, USERS.adele, ["Calendars.Read.Shared"]));
    expectError(await shared("GET", `/users/${USERS.patti.upn}/calendarView/delta?${WINDOW}`), 403, "ErrorAccessDenied", MESSAGES.accessDenied);
    expect((await shared("GET", `/users/${USERS.megan.upn}/calendarView/delta?${WINDOW}`)).status).toBe(200);
  });
});

describe("calendarView delta: a state folder written before it", () => {
  it("starts without calendarSyncStates.json; its old links answer 410 and a new round works", async () => {
    const before = await round(`/me/calendarView/delta?${WINDOW}`, 50);
    await emu.close();
    const file = join(dataDir, "state", "tenants", CONTOSO.id, "calendarSyncStates.json");
    expect(existsSync(file)).toBe(true);
    rmSync(file);
    await restart();
    expectError(await adele("GET", pathOf(before.deltaLink, false)), 410, "SyncStateNotFound");
    const again = await round(`/me/calendarView/delta?${WINDOW}`, 50);
    expect(again.items.map((i) => i.id).sort()).toEqual(before.items.map((i) => i.id).sort());
    expect((await round(pathOf(again.deltaLink), 50)).items).toEqual([]);
  });
});
