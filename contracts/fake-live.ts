import { readFileSync } from "node:fs";
import { AdminClient } from "../emulator/src/index.ts";

/**
 * Prepares an emulator as a stand-in for a live test tenant, the way a person
 * prepares a real one: a tenant, a single-tenant confidential app with the
 * documented permissions, and a test user's refresh token. The control plane
 * is used for this setup only; the run then sees the emulator through the
 * GRAPH_LIVE_* variables alone, exactly as it would see Microsoft.
 */
export async function fakeLiveEnvironment(baseUrl: string, caFile: string): Promise<Record<string, string>> {
  const admin = new AdminClient(baseUrl, readFileSync(caFile, "utf8"));
  const tenant = await admin.createTenant({ displayName: "Fake live tenant" });
  const user = tenant.users.find((u) => u.displayName === "Adele Vance");
  if (!user) throw new Error("the cloned tenant has no Adele Vance");
  const app = await admin.createApplication(tenant.id, {
    displayName: "Live contract app",
    redirectUris: ["http://localhost/callback"],
    delegatedPermissions: ["User.Read"],
    applicationPermissions: ["User.Read.All", "Calendars.ReadWrite"],
    adminConsent: true,
  });
  const res = await fetch(`${baseUrl}/${tenant.id}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "password", client_id: app.appId, client_secret: app.clientSecret!, username: user.userPrincipalName, password: "Passw0rd!", scope: "User.Read offline_access" }),
  });
  const body = (await res.json()) as { refresh_token?: string };
  if (!body.refresh_token) throw new Error(`the fake tenant's test user could not sign in: ${JSON.stringify(body)}`);
  return {
    GRAPH_LIVE_TENANT_ID: tenant.id,
    GRAPH_LIVE_CLIENT_ID: app.appId,
    GRAPH_LIVE_CLIENT_SECRET: app.clientSecret!,
    GRAPH_LIVE_REFRESH_TOKEN: body.refresh_token,
    GRAPH_LIVE_AUTHORITY_HOST: baseUrl,
    GRAPH_LIVE_GRAPH_BASE_URL: `${baseUrl}/v1.0`,
  };
}
