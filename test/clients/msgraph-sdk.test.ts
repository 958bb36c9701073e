import { describe, expect, it } from "vitest";
import { ClientSecretCredential, UsernamePasswordCredential, type TokenCredential } from "@azure/identity";
import { AzureIdentityAuthenticationProvider } from "@microsoft/kiota-authentication-azure";
import { createGraphServiceClient, GraphRequestAdapter, type GraphServiceClient } from "@microsoft/msgraph-sdk";
import type { ODataError } from "@microsoft/msgraph-sdk/models/oDataErrors/index.js";
import "@microsoft/msgraph-sdk-users";
import { appOf, ownEmulator } from "./own-emulator.ts";

/**
 * The Kiota-based Graph SDK (@microsoft/msgraph-sdk) against the emulator (docs/clients.md):
 * an @azure/identity credential set up as in azure-identity.test.ts, an
 * AzureIdentityAuthenticationProvider whose allowed hosts name the emulator's host, and the
 * request adapter's base URL set to the emulator's /v1.0.
 */
const own = ownEmulator("Kiota Graph SDK");
const GRAPH_DEFAULT = ["https://graph.microsoft.com/.default"];

function daemonCredential(): TokenCredential {
  const daemon = appOf(own.tenant, "Contoso Calendar Daemon");
  return new ClientSecretCredential(own.tenant.id, daemon.appId, daemon.clientSecret, { authorityHost: own.baseUrl, disableInstanceDiscovery: true });
}

function graph(credential: TokenCredential, scopes = GRAPH_DEFAULT, allowedHosts = new Set([new URL(own.baseUrl).hostname])): GraphServiceClient {
  const auth = new AzureIdentityAuthenticationProvider(credential, scopes, undefined, allowedHosts);
  const adapter = new GraphRequestAdapter(auth);
  adapter.baseUrl = `${own.baseUrl}/v1.0`;
  return createGraphServiceClient(adapter);
}

async function odataError(call: Promise<unknown>): Promise<ODataError> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeDefined();
  return err as ODataError;
}

describe("@microsoft/msgraph-sdk with an app token", () => {
  it("lists users with $top and $select, and follows the emulator's nextLink", async () => {
    const client = graph(daemonCredential());
    const page = await client.users.get({ queryParameters: { top: 2, select: ["id", "userPrincipalName"], orderby: ["userPrincipalName"] } });
    expect(page?.value).toHaveLength(2);
    expect(Object.keys(page!.value![0]!).sort()).toEqual(expect.arrayContaining(["id", "userPrincipalName"]));
    expect(page?.odataNextLink?.startsWith(`${own.baseUrl}/v1.0/users?`)).toBe(true);
    const next = await client.users.withUrl(page!.odataNextLink!).get();
    expect(next?.value?.length).toBeGreaterThan(0);
    expect(next!.value![0]!.id).not.toBe(page!.value![0]!.id);
  });

  it("reads a user by UPN, then creates, reads and deletes an event in their calendar", async () => {
    const client = graph(daemonCredential());
    const user = await client.users.byUserId(own.adele.userPrincipalName).get();
    expect(user).toMatchObject({ id: own.adele.id, displayName: "Adele Vance" });
    const created = await client.users.byUserId(own.adele.id).events.post({
      subject: "Planning (Kiota SDK)",
      start: { dateTime: "2030-03-04T10:00:00", timeZone: "UTC" },
      end: { dateTime: "2030-03-04T11:00:00", timeZone: "UTC" },
    });
    expect(created?.id).toBeTruthy();
    expect(created?.start).toMatchObject({ dateTime: "2030-03-04T10:00:00.0000000", timeZone: "UTC" });
    const read = await client.users.byUserId(own.adele.id).events.byEventId(created!.id!).get({ queryParameters: { select: ["subject"] } });
    expect(read?.subject).toBe("Planning (Kiota SDK)");
    await client.users.byUserId(own.adele.id).events.byEventId(created!.id!).delete();
    const gone = await odataError(client.users.byUserId(own.adele.id).events.byEventId(created!.id!).get());
    expect(gone.responseStatusCode).toBe(404);
    expect(gone.errorEscaped?.code).toBe("ErrorItemNotFound");
  });

  it("/me with an app token is Graph's 400 BadRequest, as an ODataError", async () => {
    const err = await odataError(graph(daemonCredential()).me.get());
    expect(err.responseStatusCode).toBe(400);
    expect(err.errorEscaped?.code).toBe("BadRequest");
  });
});

describe("@microsoft/msgraph-sdk with a user token", () => {
  it("UsernamePasswordCredential and /me", async () => {
    const app = await own.admin.createApplication(own.tenant.id, {
      displayName: "Public client for the Kiota SDK",
      clientSecret: null,
      delegatedPermissions: ["User.Read"],
      adminConsent: true,
    });
    const credential = new UsernamePasswordCredential(own.tenant.id, app.appId, own.adele.userPrincipalName, "Passw0rd!", {
      authorityHost: own.baseUrl,
      disableInstanceDiscovery: true,
    });
    const me = await graph(credential, ["https://graph.microsoft.com/User.Read"]).me.get();
    expect(me).toMatchObject({ id: own.adele.id, userPrincipalName: own.adele.userPrincipalName });
  });
});

describe("what each setting is for", () => {
  it("without the emulator's host in allowedHosts the provider sends no token: 401 'Access token is empty.'", async () => {
    // The default allowed hosts are Microsoft's Graph hosts only.
    const auth = new AzureIdentityAuthenticationProvider(daemonCredential(), GRAPH_DEFAULT);
    const adapter = new GraphRequestAdapter(auth);
    adapter.baseUrl = `${own.baseUrl}/v1.0`;
    const err = await odataError(createGraphServiceClient(adapter).users.get());
    expect(err.responseStatusCode).toBe(401);
    expect(err.errorEscaped).toMatchObject({ code: "InvalidAuthenticationToken", message: "Access token is empty." });
  });

  it("with an empty scope list the provider asks for https://<emulator host:port>/.default: AADSTS70011", async () => {
    await expect(graph(daemonCredential(), []).users.get()).rejects.toThrow(/AADSTS70011/);
  });
});
