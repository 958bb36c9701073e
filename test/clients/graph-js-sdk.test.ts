import { describe, expect, it } from "vitest";
import { Client, GraphError } from "@microsoft/microsoft-graph-client";
import { ClientSecretCredential } from "@azure/identity";
import { TokenCredentialAuthenticationProvider } from "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js";
import { appOf, ownEmulator } from "./own-emulator.ts";

/**
 * The Graph JavaScript SDK 3 (@microsoft/microsoft-graph-client) against the emulator
 * (docs/clients.md). The rest of the suite uses it through test/support/graph.ts; this file
 * shows why `customHosts` is needed and the SDK's own @azure/identity provider.
 */
const own = ownEmulator("Graph JS SDK");

function credential(): ClientSecretCredential {
  const daemon = appOf(own.tenant, "Contoso Calendar Daemon");
  return new ClientSecretCredential(own.tenant.id, daemon.appId, daemon.clientSecret, { authorityHost: own.baseUrl, disableInstanceDiscovery: true });
}

function client(customHosts?: Set<string>): Client {
  return Client.initWithMiddleware({
    baseUrl: `${own.baseUrl}/`,
    defaultVersion: "v1.0",
    ...(customHosts ? { customHosts } : {}),
    authProvider: new TokenCredentialAuthenticationProvider(credential(), { scopes: ["https://graph.microsoft.com/.default"] }),
  });
}

describe("@microsoft/microsoft-graph-client with customHosts", () => {
  it("with the emulator's host name (no port) in customHosts, TokenCredentialAuthenticationProvider's token reaches Graph", async () => {
    const page = (await client(new Set([new URL(own.baseUrl).hostname])).api("/users").top(1).select("id").get()) as { value: { id: string }[] };
    expect(page.value).toHaveLength(1);
  });

  it("without customHosts the SDK sends no token to a host that is not Graph's: 401 InvalidAuthenticationToken", async () => {
    const err = (await client()
      .api("/users")
      .get()
      .catch((e: unknown) => e)) as GraphError;
    expect(err).toBeInstanceOf(GraphError);
    expect(err.statusCode).toBe(401);
    expect(err.code).toBe("InvalidAuthenticationToken");
    expect(err.message).toBe("Access token is empty.");
  });
});
