import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../../support/emulator.ts";
import { appToken, userToken } from "../../support/graph.ts";
import { expectError, graphHttp, USERS } from "../calendar/support.ts";
import { inMinutes, Receiver } from "./support.ts";

/**
 * /subscriptions: create (after the validation handshake), get, list, renew,
 * delete, who sees which, and every refusal with Graph's status, code and
 * message.
 */
let emu: TestEmulator;
let receiver: Receiver;
let adele: ReturnType<typeof graphHttp>;
let adeleOtherApp: ReturnType<typeof graphHttp>;

beforeAll(async () => {
  emu = await startTestEmulator();
  receiver = await Receiver.start();
  adele = graphHttp(emu, await userToken(emu, CONTOSO.id, USERS.adele, ["Calendars.Read", "User.Read.All"]));
  adeleOtherApp = graphHttp(emu, await userToken(emu, CONTOSO.id, USERS.adele, ["Calendars.Read"]));
});
afterAll(async () => {
  await emu?.close();
  await receiver?.close();
});

const later = (minutes = 60) => inMinutes(emu.clock.nowMs(), minutes);
const body = (extra: Record<string, unknown> = {}) => ({
  changeType: "created,updated",
  notificationUrl: receiver.url(),
  resource: "me/events",
  expirationDateTime: later(),
  clientState: "secret-state",
  ...extra,
});

describe("creating a subscription", () => {
  it("validates the notificationUrl first: a POST with a validationToken and an empty text/plain body, echoed in plain text", async () => {
    const before = receiver.received.length;
    const created = await adele("POST", "/subscriptions", body({ resource: "/me/events", changeType: "deleted" }));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const handshake = receiver.received[before];
    expect(handshake?.path).toBe("/notify");
    expect(handshake?.query.get("validationToken")).toMatch(/^Validation: Testing client application reachability for subscription Request-Id: [0-9a-f-]{36}$/);
    expect(handshake?.contentType).toBe("text/plain; charset=utf-8");
    expect(handshake?.text).toBe("");
    expect(created.body).toMatchObject({
      "@odata.context": `${emu.baseUrl}/v1.0/$metadata#subscriptions/$entity`,
      resource: "/me/events",
      changeType: "deleted",
      clientState: "secret-state",
      notificationUrl: receiver.url(),
      lifecycleNotificationUrl: null,
      creatorId: USERS.adele.id,
      includeResourceData: null,
      latestSupportedTlsVersion: "v1_2",
      encryptionCertificate: null,
    });
    expect(created.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.body.applicationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("validates the lifecycleNotificationUrl too", async () => {
    const before = receiver.received.length;
    const created = await adele("POST", "/subscriptions", body({ resource: "users", changeType: "updated", lifecycleNotificationUrl: receiver.url("/lifecycle") }));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(receiver.received.slice(before).map((r) => r.path)).toEqual(["/notify", "/lifecycle"]);
    expect(created.body.lifecycleNotificationUrl).toBe(receiver.url("/lifecycle"));
  });

  it("answers 400 and stores nothing when the receiver answers 500, echoes another text or cannot be reached", async () => {
    const count = async () => ((await adele("GET", "/subscriptions")).body.value as unknown[]).length;
    const before = await count();
    receiver.handshake = "status-500";
    expectError(
      await adele("POST", "/subscriptions", body({ changeType: "updated" })),
      400,
      "ValidationError",
      "Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.",
    );
    receiver.handshake = "wrong-token";
    expectError(
      await adele("POST", "/subscriptions", body({ changeType: "updated" })),
      400,
      "ValidationError",
      "Subscription validation request failed. Response must exactly match validationToken query parameter.",
    );
    receiver.handshake = "echo";
    const closed = await Receiver.start();
    const gone = closed.url();
    await closed.close();
    expectError(await adele("POST", "/subscriptions", body({ changeType: "updated", notificationUrl: gone })), 400, "ValidationError");
    // A lifecycle receiver that fails refuses the subscription as well.
    expectError(await adele("POST", "/subscriptions", body({ changeType: "updated", lifecycleNotificationUrl: gone })), 400, "ValidationError");
    expect(await count()).toBe(before);
  });

  it("refuses what Graph refuses, before asking the receiver", async () => {
    const before = receiver.received.length;
    expectError(await adele("POST", "/subscriptions", body({ expirationDateTime: later(10_071) })), 400, "ExtensionError", "Subscription expiration can only be 10070 minutes in the future.");
    expectError(await adele("POST", "/subscriptions", body({ resource: "users", changeType: "updated", expirationDateTime: later(41_761) })), 400, "ExtensionError", "Subscription expiration can only be 41760 minutes in the future.");
    expectError(await adele("POST", "/subscriptions", body({ expirationDateTime: later(-1) })), 400, "ExtensionError", "Subscription expiration must be in the future.");
    expectError(await adele("POST", "/subscriptions", body({ expirationDateTime: undefined })), 400, "InvalidRequest", "expirationDateTime must be provided with the subscription.");
    expectError(await adele("POST", "/subscriptions", body({ expirationDateTime: "2030-01-01T10:00:00" })), 400, "InvalidRequest", "Could not process subscription creation payload. Are all property names spelled and camelCased properly?");
    expectError(await adele("POST", "/subscriptions", body({ changeType: "created,moved" })), 400, "InvalidRequest", "Invalid 'changeType' attribute: 'moved'.");
    expectError(await adele("POST", "/subscriptions", body({ changeType: "" })), 400, "InvalidRequest", "Invalid 'changeType' attribute: ''.");
    expectError(await adele("POST", "/subscriptions", body({ resource: "me/messages" })), 400, "InvalidRequest");
    expectError(await adele("POST", "/subscriptions", body({ notificationUrl: "http://example.com/hook" })), 400, "InvalidRequest", "NotificationUrl scheme='http' is not supported.");
    expectError(await adele("POST", "/subscriptions", body({ lifecycleNotificationUrl: "ftp://example.com/hook" })), 400, "InvalidRequest", "LifecycleNotificationUrl scheme='ftp' is not supported.");
    expectError(await adele("POST", "/subscriptions", body({ notificationUrl: "https:////hook" })), 400, "InvalidRequest", "Invalid notification url='https:////hook'.");
    expectError(await adele("POST", "/subscriptions", body({ clientState: "x".repeat(129) })), 400, "InvalidRequest");
    expectError(await adele("POST", "/subscriptions", body({ includeResourceData: true })), 400, "InvalidRequest");
    expectError(await adele("POST", "/subscriptions", body({ colour: "red" })), 400, "BadRequest", "The property 'colour' does not exist on type 'microsoft.graph.subscription'. Make sure to only use property names that are defined by the type or mark the type as open type.");
    expectError(await adele("POST", "/subscriptions", body({ resource: "users/nobody@contoso.onmicrosoft.com/events" })), 404, "ExtensionError", "Operation: Create; Exception: [Status Code: NotFound; Reason: The requested user 'nobody@contoso.onmicrosoft.com' is invalid.]");
    expect(receiver.received.length).toBe(before);
  });

  it("answers 409 for a second subscription to the same resource and change types (in any order)", async () => {
    const first = await adele("POST", "/subscriptions", body({ resource: `users/${USERS.megan.id}`, changeType: "updated,deleted" }));
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expectError(
      await adele("POST", "/subscriptions", body({ resource: `/users/${USERS.megan.id}`, changeType: "deleted,updated" })),
      409,
      "ObjectIdentifierInUse",
      `Subscription Id ${first.body.id} already exists for the requested combination`,
    );
    // Another application may subscribe to the same.
    expect((await graphHttp(emu, await userToken(emu, CONTOSO.id, USERS.adele, ["User.Read.All"]))("POST", "/subscriptions", body({ resource: `users/${USERS.megan.id}`, changeType: "updated,deleted" }))).status).toBe(201);
  });
});

describe("reading, renewing and deleting", () => {
  it("gets, lists (without clientState), renews and deletes; a deleted subscription is 404", async () => {
    const created = await adele("POST", "/subscriptions", body({ changeType: "updated,deleted", resource: "me/calendar/events" }));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    const got = await adele("GET", `/subscriptions/${id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);
    const listed = await adele("GET", "/subscriptions");
    expect(listed.body["@odata.context"]).toBe(`${emu.baseUrl}/v1.0/$metadata#subscriptions`);
    const mine = (listed.body.value as { id: string; clientState: unknown }[]).find((s) => s.id === id);
    expect(mine).toMatchObject({ id, clientState: null, resource: "me/calendar/events" });

    const renewedTo = later(3 * 24 * 60);
    const renewed = await adele("PATCH", `/subscriptions/${id}`, { expirationDateTime: renewedTo });
    expect(renewed.status, JSON.stringify(renewed.body)).toBe(200);
    expect(Date.parse(renewed.body.expirationDateTime)).toBe(Date.parse(renewedTo));
    expectError(await adele("PATCH", `/subscriptions/${id}`, { expirationDateTime: later(10_080) }), 400, "ExtensionError", "Subscription expiration can only be 10070 minutes in the future.");
    expectError(await adele("PATCH", `/subscriptions/${id}`, { clientState: "other" }), 400, "InvalidRequest", "Subscription must contain either the 'expirationDateTime' or 'notificationUrl' property and its value.");

    expect((await adele("DELETE", `/subscriptions/${id}`)).status).toBe(204);
    expectError(await adele("GET", `/subscriptions/${id}`), 404, "ResourceNotFound", "The object was not found.");
    expectError(await adele("DELETE", `/subscriptions/${id}`), 404, "ResourceNotFound");
  });

  it("moving the notificationUrl runs the handshake with the new receiver", async () => {
    const created = await adele("POST", "/subscriptions", body({ changeType: "created", resource: "me/calendar/events" }));
    const other = await Receiver.start();
    try {
      const moved = await adele("PATCH", `/subscriptions/${created.body.id}`, { notificationUrl: other.url("/moved") });
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
      expect(moved.body.notificationUrl).toBe(other.url("/moved"));
      expect(other.received.map((r) => r.query.has("validationToken"))).toEqual([true]);
      other.handshake = "status-500";
      expectError(await adele("PATCH", `/subscriptions/${created.body.id}`, { notificationUrl: other.url("/again") }), 400, "ValidationError");
      expect((await adele("GET", `/subscriptions/${created.body.id}`)).body.notificationUrl).toBe(other.url("/moved"));
    } finally {
      await other.close();
    }
  });

  it("a subscription is only seen by the application (and, delegated, the user) that created it", async () => {
    const created = await adele("POST", "/subscriptions", body({ changeType: "created,deleted" }));
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expectError(await adeleOtherApp("GET", `/subscriptions/${id}`), 404, "ResourceNotFound");
    expectError(await adeleOtherApp("DELETE", `/subscriptions/${id}`), 404, "ResourceNotFound");
    expect((await adeleOtherApp("GET", "/subscriptions")).body.value.map((s: { id: string }) => s.id)).not.toContain(id);
    const megan = graphHttp(emu, await userToken(emu, CONTOSO.id, USERS.megan, ["Calendars.Read"]));
    expectError(await megan("GET", `/subscriptions/${id}`), 404, "ResourceNotFound");
    expect((await adele("GET", `/subscriptions/${id}`)).status).toBe(200);
  });
});

describe("Subscription.Read.All", () => {
  it("lists the subscriptions any application made for the signed-in user (without clientState)", async () => {
    const megan = graphHttp(emu, await userToken(emu, CONTOSO.id, USERS.megan, ["Calendars.Read"]));
    const hers = await megan("POST", "/subscriptions", body({ changeType: "updated" }));
    expect(hers.status).toBe(201);
    const mine = (await adele("GET", "/subscriptions")).body.value.map((s: { id: string }) => s.id) as string[];
    const reader = graphHttp(emu, await userToken(emu, CONTOSO.id, USERS.adele, ["Subscription.Read.All"]));
    const listed = (await reader("GET", "/subscriptions")).body.value as { id: string; creatorId: string; clientState: unknown }[];
    expect(listed.map((s) => s.id)).toEqual(expect.arrayContaining(mine));
    expect(listed.every((s) => s.creatorId === USERS.adele.id && s.clientState === null)).toBe(true);
    expect(listed.map((s) => s.id)).not.toContain(hers.body.id);
  });
});

describe("permissions", () => {
  it("needs the permission to read the resource: ErrorAccessDenied for events, Authorization_RequestDenied for users", async () => {
    const userReadOnly = graphHttp(emu, await userToken(emu, CONTOSO.id, USERS.adele, ["User.Read"]));
    expectError(await userReadOnly("POST", "/subscriptions", body()), 403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
    expectError(await userReadOnly("POST", "/subscriptions", body({ resource: "users", changeType: "updated" })), 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
    // A delegated caller subscribes to their own mailbox only.
    expectError(await adele("POST", "/subscriptions", body({ resource: `users/${USERS.megan.id}/events` })), 403, "ErrorAccessDenied");
    expect((await adele("POST", "/subscriptions", body({ resource: `users/${USERS.adele.upn}/events`, changeType: "updated" }))).status).toBe(201);
  });

  it("an app-only token with Calendars.Read subscribes to any mailbox, sees all its subscriptions, and /me is refused", async () => {
    const daemon = graphHttp(emu, await appToken(emu, CONTOSO.id, ["Calendars.Read"]));
    const created = await daemon("POST", "/subscriptions", body({ resource: `users/${USERS.megan.upn}/events` }));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.creatorId).not.toBe(USERS.megan.id);
    expect((await daemon("GET", "/subscriptions")).body.value.map((s: { id: string }) => s.id)).toEqual([created.body.id]);
    expectError(await daemon("POST", "/subscriptions", body({ resource: "me/events" })), 400, "BadRequest", "/me request is only valid with delegated authentication flow.");
    expectError(await daemon("POST", "/subscriptions", body({ resource: "users", changeType: "updated" })), 403, "Authorization_RequestDenied");
  });
});
