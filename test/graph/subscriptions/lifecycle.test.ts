import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../../support/emulator.ts";
import { appToken, createApp, userToken } from "../../support/graph.ts";
import { eventBody, expectError, graphHttp, USERS } from "../calendar/support.ts";
import { inMinutes, Receiver } from "./support.ts";

/**
 * Lifecycle notifications: reauthorizationRequired when an administrator
 * takes the application's permission away (deliveries pause until the app
 * reauthorizes), subscriptionRemoved when the emulator clock passes an
 * Outlook subscription's expiry (and nothing is delivered after it).
 */
let emu: TestEmulator;
let receiver: Receiver;

beforeAll(async () => {
  emu = await startTestEmulator();
  receiver = await Receiver.start();
});
afterAll(async () => {
  await emu?.close();
  await receiver?.close();
});
beforeEach(() => {
  receiver.received.length = 0;
});

async function control(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${emu.adminUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.ok, `${method} ${path}: ${res.status} ${await res.clone().text()}`).toBe(true);
  return res.status === 204 ? undefined : res.json();
}

async function subscribe(http: ReturnType<typeof graphHttp>, resource: string, path: string, minutes: number) {
  const res = await http("POST", "/subscriptions", {
    changeType: "created,updated,deleted",
    notificationUrl: receiver.url(path),
    lifecycleNotificationUrl: receiver.url(`${path}/lifecycle`),
    resource,
    expirationDateTime: inMinutes(emu.clock.nowMs(), minutes),
    clientState: "lifecycle-state",
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; applicationId: string; expirationDateTime: string };
}

describe("reauthorizationRequired", () => {
  it("revoking a delegated app's consent pauses deliveries and says so; reauthorize resumes them", async () => {
    const adele = graphHttp(emu, await userToken(emu, CONTOSO.id, USERS.adele, ["Calendars.ReadWrite"]));
    const sub = await subscribe(adele, "me/events", "/revoked", 120);
    const grants = (await control("GET", `/tenants/${CONTOSO.id}/consents`)) as { id: string; clientId: string; scopes: string[] }[];
    const grant = grants.find((g) => g.clientId === sub.applicationId);
    expect(grant).toBeDefined();
    await control("DELETE", `/tenants/${CONTOSO.id}/consents/${grant!.id}`);

    const [notice] = await receiver.waitFor(1, "/revoked/lifecycle");
    expect(notice?.json).toEqual({
      value: [
        {
          subscriptionId: sub.id,
          subscriptionExpirationDateTime: sub.expirationDateTime,
          tenantId: CONTOSO.id,
          clientState: "lifecycle-state",
          lifecycleEvent: "reauthorizationRequired",
          organizationId: CONTOSO.id,
        },
      ],
    });
    await adele("POST", "/me/events", eventBody("While revoked", "2030-06-01T10:00:00", "2030-06-01T11:00:00"));
    expect(await receiver.quietFor(500, "/revoked")).toEqual([]);

    // Consent given again does not resume it by itself; reauthorizing does.
    await control("POST", `/tenants/${CONTOSO.id}/consents`, { clientId: sub.applicationId, consentType: "AllPrincipals", scopes: grant!.scopes });
    expect((await adele("POST", `/subscriptions/${sub.id}/reauthorize`)).status).toBe(204);
    const made = await adele("POST", "/me/events", eventBody("After", "2030-06-01T12:00:00", "2030-06-01T13:00:00"));
    const [note] = await receiver.waitFor(1, "/revoked");
    expect(note?.json.value.map((n: { resourceData: { id: string } }) => n.resourceData.id)).toEqual([made.body.id]);
    expect(receiver.notifications("/revoked/lifecycle")).toHaveLength(1);
  });

  it("an app whose token no longer holds the permission can neither read nor reauthorize its subscription", async () => {
    const app = await createApp(emu, CONTOSO.id, { delegated: ["Calendars.Read", "User.Read"] });
    const token = async (scope: string) => {
      const res = await fetch(`${emu.baseUrl}/${CONTOSO.id}/oauth2/v2.0/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "password", client_id: app.appId, client_secret: app.clientSecret, username: USERS.adele.upn, password: USERS.adele.password, scope }),
      });
      const body = (await res.json()) as { access_token?: string };
      expect(body.access_token, JSON.stringify(body)).toBeTypeOf("string");
      return body.access_token as string;
    };
    const before = graphHttp(emu, await token("Calendars.Read"));
    const sub = await subscribe(before, "me/events", "/narrowed", 120);
    const grants = (await control("GET", `/tenants/${CONTOSO.id}/consents`)) as { id: string; clientId: string }[];
    await control("DELETE", `/tenants/${CONTOSO.id}/consents/${grants.find((g) => g.clientId === app.appId)!.id}`);
    await receiver.waitFor(1, "/narrowed/lifecycle");
    await control("POST", `/tenants/${CONTOSO.id}/consents`, { clientId: app.appId, consentType: "AllPrincipals", scopes: ["User.Read"] });
    const after = graphHttp(emu, await token("User.Read"));
    expectError(await after("GET", `/subscriptions/${sub.id}`), 403, "ErrorAccessDenied");
    expectError(await after("POST", `/subscriptions/${sub.id}/reauthorize`), 403, "ErrorAccessDenied");
    expectError(await after("PATCH", `/subscriptions/${sub.id}`, { expirationDateTime: inMinutes(emu.clock.nowMs(), 180) }), 403, "ErrorAccessDenied");
  });

  it("removing an app's application permission does the same for its app-only subscriptions", async () => {
    const daemon = graphHttp(emu, await appToken(emu, CONTOSO.id, ["User.Read.All"]));
    const sub = await subscribe(daemon, "users", "/app-only", 120);
    await control("PATCH", `/tenants/${CONTOSO.id}/servicePrincipals/${sub.applicationId}`, { appRoleAssignments: [] });
    const [notice] = await receiver.waitFor(1, "/app-only/lifecycle");
    expect(notice?.json.value[0]).toMatchObject({ subscriptionId: sub.id, lifecycleEvent: "reauthorizationRequired" });
    const writer = graphHttp(emu, await appToken(emu, CONTOSO.id, ["User.ReadWrite.All"]));
    expect((await writer("PATCH", `/users/${USERS.megan.id}`, { jobTitle: "Paused" })).status).toBe(204);
    expect(await receiver.quietFor(400, "/app-only")).toEqual([]);
  });
});

describe("expiry on the emulator clock", () => {
  it("an expired Outlook subscription is removed with subscriptionRemoved and delivers nothing more; a users one goes quietly", async () => {
    const adele = graphHttp(emu, await userToken(emu, CONTOSO.id, USERS.adele, ["Calendars.ReadWrite", "User.Read.All"]));
    const events = await subscribe(adele, "me/events", "/expiring", 30);
    const users = await subscribe(adele, "users", "/expiring-users", 30);
    const kept = await subscribe(adele, "me/calendar/events", "/kept", 90);
    await control("POST", "/clock", { advance: "PT31M" });

    const [removed] = await receiver.waitFor(1, "/expiring/lifecycle");
    expect(removed?.json.value).toEqual([
      {
        subscriptionId: events.id,
        subscriptionExpirationDateTime: events.expirationDateTime,
        tenantId: CONTOSO.id,
        clientState: "lifecycle-state",
        lifecycleEvent: "subscriptionRemoved",
        organizationId: CONTOSO.id,
      },
    ]);
    expectError(await adele("GET", `/subscriptions/${events.id}`), 404, "ResourceNotFound");
    expectError(await adele("GET", `/subscriptions/${users.id}`), 404, "ResourceNotFound");
    expect((await adele("GET", "/subscriptions")).body.value.map((s: { id: string }) => s.id)).toEqual([kept.id]);

    const made = await adele("POST", "/me/events", eventBody("After expiry", "2030-06-02T10:00:00", "2030-06-02T11:00:00"));
    expect(made.status).toBe(201);
    await receiver.waitFor(1, "/kept");
    expect(receiver.notifications("/expiring")).toEqual([]);
    expect([...receiver.notifications("/expiring-users"), ...receiver.notifications("/expiring-users/lifecycle")]).toEqual([]);
  });
});
