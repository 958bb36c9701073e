import { Client } from "@microsoft/microsoft-graph-client";
import type { RunningEmulator } from "../../emulator/src/index.ts";

/** Shared helpers for Graph tests: apps with chosen permissions, tokens, and the real Graph SDK. */

export interface TestApp {
  appId: string;
  clientSecret: string;
}

async function control<T>(emu: RunningEmulator, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${emu.adminUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path} -> ${res.status} ${await res.text()}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/** Registers an app in a tenant with admin consent to exactly these permissions. */
export function createApp(
  emu: RunningEmulator,
  tenantId: string,
  permissions: { delegated?: string[]; application?: string[] },
  displayName = `Test app ${Math.random().toString(36).slice(2, 8)}`,
): Promise<TestApp> {
  return control<TestApp>(emu, "POST", `/tenants/${tenantId}/applications`, {
    displayName,
    redirectUris: ["http://localhost/callback"],
    delegatedPermissions: permissions.delegated ?? [],
    applicationPermissions: permissions.application ?? [],
    adminConsent: true,
  });
}

async function tokenRequest(emu: RunningEmulator, tenantId: string, params: Record<string, string>): Promise<string> {
  const res = await fetch(`${emu.baseUrl}/${tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params),
  });
  const body = (await res.json()) as { access_token?: string };
  if (!res.ok || !body.access_token) throw new Error(`token request failed: ${res.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

/** A delegated Graph token for a user (password grant), with exactly `scopes` consented for a fresh app. */
export async function userToken(
  emu: RunningEmulator,
  tenantId: string,
  user: { upn: string; password: string },
  scopes: string[],
): Promise<string> {
  const app = await createApp(emu, tenantId, { delegated: scopes });
  return tokenRequest(emu, tenantId, {
    grant_type: "password",
    client_id: app.appId,
    client_secret: app.clientSecret,
    username: user.upn,
    password: user.password,
    scope: scopes.join(" "),
  });
}

/** An app-only Graph token with exactly these application permissions. */
export async function appToken(emu: RunningEmulator, tenantId: string, roles: string[]): Promise<string> {
  const app = await createApp(emu, tenantId, { application: roles });
  return tokenRequest(emu, tenantId, {
    grant_type: "client_credentials",
    client_id: app.appId,
    client_secret: app.clientSecret,
    scope: "https://graph.microsoft.com/.default",
  });
}

/** The real Graph SDK, pointed at the emulator, using a fixed token. */
export function graphClient(emu: RunningEmulator, token: string): Client {
  return Client.init({
    baseUrl: `${emu.baseUrl}/`,
    defaultVersion: "v1.0",
    // The SDK sends the token only to Graph's hosts and to these (host names, no port).
    customHosts: new Set([new URL(emu.baseUrl).hostname]),
    authProvider: (done) => done(null, token),
  });
}
