import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeJwt } from "jose";
import { eachItem, GraphPageError, InvalidArgumentError, type GraphEvent } from "../src/index.ts";
import { CONTOSO, emulatorClient, registerApp, signInAs, startTestEmulator, type RegisteredApp, type TestEmulator } from "./helpers.ts";

/**
 * The options-object forms of the functions that took positional ids, the
 * deprecated positional forms still working, and the paged functions' all /
 * iterator variants.
 */
let emu: TestEmulator;
let app: RegisteredApp;
beforeAll(async () => {
  emu = await startTestEmulator();
  app = await registerApp(emu, { delegated: ["User.Read", "Calendars.ReadWrite"] });
});
afterAll(async () => {
  await emu.close();
});

describe("options objects: authUserId always names the application user", () => {
  it("getSignInUrl({ authUserId }), getUserAccessToken({ authUserId }), getBinding({ authUserId }) and signOut({ authUserId })", async () => {
    const client = emulatorClient(emu, app, { scopes: ["User.Read"] });
    const { user } = await signInAs(client, emu, { userId: "shape-1" });
    expect(user).toMatchObject({ authUserId: "shape-1", userId: "shape-1", microsoftUserId: CONTOSO.adele.id });
    const token = await client.getUserAccessToken({ authUserId: "shape-1" });
    expect(decodeJwt(token)).toMatchObject({ oid: CONTOSO.adele.id });
    const fresh = await client.getUserAccessToken({ authUserId: "shape-1", forceRefresh: true });
    expect(fresh).not.toBe(token);
    expect(await client.signIn.getBinding({ authUserId: "shape-1" })).toMatchObject({ authUserId: "shape-1", username: CONTOSO.adele.upn });
    expect(await client.signIn.signOut({ authUserId: "shape-1" })).toBe(true);
    expect(await client.signIn.getBinding({ authUserId: "shape-1" })).toBeUndefined();
    expect(await client.signIn.signOut({ authUserId: "shape-1" })).toBe(false);
  });

  it("the deprecated positional forms and getSignInUrl({ userId }) still work", async () => {
    const client = emulatorClient(emu, app, { scopes: ["User.Read"] });
    const { url } = await client.signIn.getSignInUrl({ userId: "shape-2" });
    expect(url).toContain("/oauth2/v2.0/authorize");
    await signInAs(client, emu, { userId: "shape-2" });
    expect(decodeJwt(await client.getUserAccessToken("shape-2", { forceRefresh: true }))).toMatchObject({ oid: CONTOSO.adele.id });
    expect(await client.signIn.getBinding("shape-2")).toMatchObject({ authUserId: "shape-2" });
    expect(await client.signIn.signOut("shape-2")).toBe(true);
  });

  it("a missing authUserId is InvalidArgument, not a lookup of 'undefined'", async () => {
    const client = emulatorClient(emu, app, { scopes: ["User.Read"] });
    await expect(client.signIn.getSignInUrl({})).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(client.signIn.getBinding({} as { authUserId: string })).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(() => client.getUserAccessToken({} as { authUserId: string })).toThrow(InvalidArgumentError);
  });
});

describe("paged functions", () => {
  it("calendarView is one page of 10; calendarViewAll and eachItem give every event of the range", async () => {
    const client = emulatorClient(emu, app, { scopes: ["User.Read", "Calendars.ReadWrite"] });
    await signInAs(client, emu, { userId: "pager" });
    const day = (i: number) => `2032-02-${String(i + 1).padStart(2, "0")}`;
    for (let i = 0; i < 12; i++) {
      const r = await client.calendar.createEvent({
        authUserId: "pager",
        event: { subject: `Paged ${i}`, start: { dateTime: `${day(i)}T10:00:00`, timeZone: "UTC" }, end: { dateTime: `${day(i)}T11:00:00`, timeZone: "UTC" } },
      });
      expect(r.ok).toBe(true);
    }
    const range = { authUserId: "pager", startDateTime: "2032-02-01T00:00:00Z", endDateTime: "2032-02-28T00:00:00Z" };
    const first = await client.calendar.calendarView(range);
    expect(first.ok && first.data.value.length).toBe(10);
    expect(first.ok && first.data.nextLink).toBeTruthy();
    const all = await client.calendar.calendarViewAll(range);
    expect(all.ok && all.data.map((e) => e.subject)).toEqual(Array.from({ length: 12 }, (_, i) => `Paged ${i}`));
    const seen: GraphEvent[] = [];
    for await (const e of eachItem((nextLink) => client.calendar.calendarView({ ...range, nextLink }))) seen.push(e);
    expect(seen).toHaveLength(12);
    const failing = eachItem(() => client.calendar.calendarView({ ...range, startDateTime: "not a date" }));
    await expect(failing.next()).rejects.toBeInstanceOf(GraphPageError);
  });
});
