import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../../support/emulator.ts";
import { appToken, userToken } from "../../support/graph.ts";
import { eventBody, graphHttp, USERS } from "../calendar/support.ts";
import { inMinutes, Receiver } from "./support.ts";

/**
 * Change notifications as a receiver gets them: one per created, updated and
 * deleted event and per changed user, with the subscription's clientState and
 * the resource's ids; only the change types and the calendar asked for;
 * attendees' mailboxes too; retries after a failure; deliveries in the
 * request journal and under fault rules; none after DELETE.
 */
let emu: TestEmulator;
let receiver: Receiver;
let adele: ReturnType<typeof graphHttp>;

beforeAll(async () => {
  emu = await startTestEmulator();
  receiver = await Receiver.start();
  adele = graphHttp(emu, await userToken(emu, CONTOSO.id, USERS.adele, ["Calendars.ReadWrite"]));
});
afterAll(async () => {
  await emu?.close();
  await receiver?.close();
});
beforeEach(() => {
  receiver.received.length = 0;
  receiver.failNext = [];
});

async function subscribe(http: ReturnType<typeof graphHttp>, resource: string, changeType: string, path: string, extra: Record<string, unknown> = {}) {
  const res = await http("POST", "/subscriptions", {
    changeType,
    notificationUrl: receiver.url(path),
    resource,
    expirationDateTime: inMinutes(emu.clock.nowMs(), 120),
    clientState: `state-of-${path}`,
    ...extra,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; applicationId: string };
}

const control = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${emu.adminUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.ok, `${method} ${path}: ${res.status}`).toBe(true);
  return res.status === 204 ? undefined : ((await res.json()) as unknown);
};

describe("event notifications", () => {
  it("one notification per created, updated and deleted event, with clientState and resourceData", async () => {
    const sub = await subscribe(adele, "me/events", "created,updated,deleted", "/events");
    const made = await adele("POST", "/me/events", eventBody("Planning", "2030-05-01T10:00:00", "2030-05-01T11:00:00"));
    expect(made.status).toBe(201);
    const [created] = await receiver.waitFor(1, "/events");
    expect(created?.contentType).toBe("application/json; charset=utf-8");
    const id = made.body.id as string;
    const resource = `Users/${USERS.adele.id}/Events/${id}`;
    expect(created?.json).toEqual({
      value: [
        {
          subscriptionId: sub.id,
          subscriptionExpirationDateTime: expect.any(String),
          changeType: "created",
          resource,
          resourceData: { "@odata.type": "#Microsoft.Graph.Event", "@odata.id": resource, "@odata.etag": `W/"${made.body.changeKey}"`, id },
          clientState: "state-of-/events",
          tenantId: CONTOSO.id,
        },
      ],
    });

    const patched = await adele("PATCH", `/me/events/${id}`, { subject: "Planning (moved)" });
    expect(patched.status).toBe(200);
    const [, updated] = await receiver.waitFor(2, "/events");
    expect(updated?.json.value).toMatchObject([{ changeType: "updated", resource, resourceData: { id, "@odata.etag": `W/"${patched.body.changeKey}"` } }]);

    expect((await adele("DELETE", `/me/events/${id}`)).status).toBe(204);
    const [, , deleted] = await receiver.waitFor(3, "/events");
    expect(deleted?.json.value).toMatchObject([{ changeType: "deleted", resource, resourceData: { id }, clientState: "state-of-/events" }]);
    expect((await adele("DELETE", `/subscriptions/${sub.id}`)).status).toBe(204);
  });

  it("only the change types asked for, and only the calendar named", async () => {
    const calendar = await adele("POST", "/me/calendars", { name: "Side projects" });
    expect(calendar.status).toBe(201);
    const created = await subscribe(adele, "me/calendar/events", "created", "/default-created");
    const named = await subscribe(adele, `me/calendars/${calendar.body.id}/events`, "updated,deleted", "/named");
    const inDefault = await adele("POST", "/me/events", eventBody("Default", "2030-05-02T10:00:00", "2030-05-02T11:00:00"));
    const inNamed = await adele("POST", `/me/calendars/${calendar.body.id}/events`, eventBody("Named", "2030-05-02T12:00:00", "2030-05-02T13:00:00"));
    await adele("PATCH", `/me/events/${inDefault.body.id}`, { subject: "Default (changed)" });
    await adele("PATCH", `/me/events/${inNamed.body.id}`, { subject: "Named (changed)" });
    const [first] = await receiver.waitFor(1, "/default-created");
    const [second] = await receiver.waitFor(1, "/named");
    expect(first?.json.value.map((n: { changeType: string; resourceData: { id: string } }) => [n.changeType, n.resourceData.id])).toEqual([["created", inDefault.body.id]]);
    expect(second?.json.value.map((n: { changeType: string; resourceData: { id: string } }) => [n.changeType, n.resourceData.id])).toEqual([["updated", inNamed.body.id]]);
    expect(await receiver.quietFor(300, "/default-created")).toHaveLength(1);
    expect(receiver.notifications("/named")).toHaveLength(1);
    for (const s of [created, named]) await adele("DELETE", `/subscriptions/${s.id}`);
  });

  it("an invitation creates the event in the attendee's mailbox, which the attendee's subscription hears", async () => {
    const megan = graphHttp(emu, await userToken(emu, CONTOSO.id, USERS.megan, ["Calendars.Read"]));
    const sub = await subscribe(megan, "me/events", "created", "/megan");
    const meeting = await adele("POST", "/me/events", eventBody("Review", "2030-05-03T10:00:00", "2030-05-03T11:00:00", { attendees: [{ emailAddress: { address: USERS.megan.upn }, type: "required" }] }));
    expect(meeting.status).toBe(201);
    const [note] = await receiver.waitFor(1, "/megan");
    const item = note?.json.value[0];
    expect(item).toMatchObject({ subscriptionId: sub.id, changeType: "created", clientState: "state-of-/megan" });
    expect(item.resource).toBe(`Users/${USERS.megan.id}/Events/${item.resourceData.id}`);
    const copy = await megan("GET", `/me/events/${item.resourceData.id}`);
    expect(copy.body.subject).toBe("Review");
    await megan("DELETE", `/subscriptions/${sub.id}`);
  });
});

describe("user notifications", () => {
  it("an updated user is notified as Graph does (Users/{id}, #Microsoft.Graph.User, organizationId)", async () => {
    const daemon = graphHttp(emu, await appToken(emu, CONTOSO.id, ["User.ReadWrite.All"]));
    const sub = await subscribe(daemon, `users/${USERS.megan.id}`, "updated,deleted", "/users", { clientState: undefined });
    const all = await subscribe(daemon, "users", "updated", "/all-users");
    expect((await daemon("PATCH", `/users/${USERS.megan.id}`, { jobTitle: "Director" })).status).toBe(204);
    const [note] = await receiver.waitFor(1, "/users");
    expect(note?.json).toEqual({
      value: [
        {
          subscriptionId: sub.id,
          subscriptionExpirationDateTime: expect.any(String),
          changeType: "updated",
          resource: `Users/${USERS.megan.id}`,
          resourceData: { "@odata.type": "#Microsoft.Graph.User", "@odata.id": `Users/${USERS.megan.id}`, id: USERS.megan.id, organizationId: CONTOSO.id },
          clientState: null,
          tenantId: CONTOSO.id,
        },
      ],
    });
    // A change to another user reaches the subscription to all users only.
    expect((await daemon("PATCH", `/users/${USERS.alex.id}`, { jobTitle: "Lead" })).status).toBe(204);
    const toAll = await receiver.waitFor(2, "/all-users");
    expect(toAll.map((n) => n.json.value[0].resourceData.id)).toEqual([USERS.megan.id, USERS.alex.id]);
    expect(receiver.notifications("/users")).toHaveLength(1);
    // A new user, and a deleted one, arrive as `updated` (Graph's directory notifications; a delete is first a soft delete).
    const made = await daemon("POST", "/users", {
      accountEnabled: true,
      displayName: "Notified Newcomer",
      mailNickname: "newcomer",
      userPrincipalName: "newcomer@contoso.onmicrosoft.com",
      passwordProfile: { password: "Passw0rd!Passw0rd!" },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect((await daemon("DELETE", `/users/${made.body.id}`)).status).toBe(204);
    const later = await receiver.waitFor(4, "/all-users");
    expect(later.slice(2).map((n) => [n.json.value[0].changeType, n.json.value[0].resourceData.id])).toEqual([
      ["updated", made.body.id],
      ["updated", made.body.id],
    ]);
    for (const s of [sub, all]) await daemon("DELETE", `/subscriptions/${s.id}`);
  });
});

describe("delivery", () => {
  it("a receiver that fails gets the notification again; each attempt is in the request journal", async () => {
    const sub = await subscribe(adele, "me/events", "created", "/retry");
    receiver.failNext = [500];
    const made = await adele("POST", "/me/events", eventBody("Retried", "2030-05-04T10:00:00", "2030-05-04T11:00:00"));
    const [first, second] = await receiver.waitFor(2, "/retry");
    expect(second?.text).toBe(first?.text);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(400);
    expect(first?.json.value[0].resourceData.id).toBe(made.body.id);
    const entries = (await control("GET", `/requests?area=notifications&path=${encodeURIComponent("/retry")}`)) as { method: string; status: number; clientId: string; userId: string; url: string }[];
    expect(entries.filter((e) => !e.url.includes("validationToken")).map((e) => e.status)).toEqual([500, 202]);
    expect(entries[0]).toMatchObject({ method: "POST", clientId: sub.applicationId, userId: USERS.adele.id });
    await adele("DELETE", `/subscriptions/${sub.id}`);
  });

  it("fault rules of the area notifications drop or delay deliveries", async () => {
    const sub = await subscribe(adele, "me/events", "created", "/faulty");
    const rule = (await control("POST", "/faults", { fault: "drop_connection", match: { area: "notifications", path: "/faulty" }, times: 1 })) as { id: string };
    await adele("POST", "/me/events", eventBody("Dropped once", "2030-05-05T10:00:00", "2030-05-05T11:00:00"));
    const [arrived] = await receiver.waitFor(1, "/faulty");
    const entries = (await control("GET", `/requests?area=notifications&path=${encodeURIComponent("/faulty")}`)) as { status: number; faultId: string | null }[];
    expect(entries.slice(-2)).toMatchObject([{ status: 0, faultId: rule.id }, { status: 202, faultId: null }]);
    expect(arrived?.json.value[0].changeType).toBe("created");

    await control("POST", "/faults", { fault: "latency", match: { area: "notifications", path: "/faulty" }, times: 1, latencyMs: 600 });
    const sent = Date.now();
    await adele("POST", "/me/events", eventBody("Late", "2030-05-05T12:00:00", "2030-05-05T13:00:00"));
    const [, late] = await receiver.waitFor(2, "/faulty");
    expect(late!.at - sent).toBeGreaterThanOrEqual(550);
    // A rule without the area never touches notifications.
    await control("POST", "/faults", { fault: "drop_connection", match: { path: "/faulty" }, times: 1 });
    await adele("POST", "/me/events", eventBody("Untouched", "2030-05-05T14:00:00", "2030-05-05T15:00:00"));
    await receiver.waitFor(3, "/faulty");
    await control("DELETE", "/faults");
    await adele("DELETE", `/subscriptions/${sub.id}`);
  });

  it("nothing is delivered after DELETE, not even a pending retry", async () => {
    const sub = await subscribe(adele, "me/events", "created,updated", "/deleted");
    receiver.failNext = [503];
    await adele("POST", "/me/events", eventBody("Before", "2030-05-06T10:00:00", "2030-05-06T11:00:00"));
    await receiver.waitFor(1, "/deleted");
    expect((await adele("DELETE", `/subscriptions/${sub.id}`)).status).toBe(204);
    await adele("POST", "/me/events", eventBody("After", "2030-05-06T12:00:00", "2030-05-06T13:00:00"));
    expect(await receiver.quietFor(1_000, "/deleted")).toHaveLength(1);
  });
});
