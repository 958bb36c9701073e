import { expect } from "vitest";
import type { RunningEmulator } from "../../../emulator/src/index.ts";
import { createApp } from "../../support/graph.ts";
import { CONTOSO } from "../../support/emulator.ts";

/** Helpers shared by the users tests (test/graph/users*.test.ts). */

export const PASSWORD = "Passw0rd!";
const contoso = (id: string, upn: string) => ({ id, upn: `${upn}@contoso.onmicrosoft.com`, password: PASSWORD });
export const U = {
  adele: contoso("87d349ed-44d7-43e1-9a83-5f2406dee5bd", "AdeleV"),
  megan: contoso("48d31887-5fad-4d73-a9f5-3c356e68a038", "MeganB"),
  alex: contoso("5bde3e51-d13b-4db1-9948-fe4b109d11a7", "AlexW"),
  diego: contoso("a8ef8ae6-6a66-4ad8-b0c2-a0b4e5ad2f63", "DiegoS"),
  isaiah: contoso("c03e6eaa-b6ab-46d7-905b-73ec7ea1f755", "IsaiahL"),
  lee: contoso("e3d0513b-449e-4198-ba6f-bd97ae7cae85", "LeeG"),
  patti: contoso("2804bc07-1e1f-4938-9085-ce6d756a32d2", "PattiF"),
  johanna: contoso("f1b2c3d4-0000-4e5f-8a9b-0c1d2e3f4a5b", "JohannaL"),
} as const;

export const DEFAULT_KEYS = [
  "businessPhones",
  "displayName",
  "givenName",
  "jobTitle",
  "mail",
  "mobilePhone",
  "officeLocation",
  "preferredLanguage",
  "surname",
  "userPrincipalName",
  "id",
];

export const MSG = {
  insufficient: "Insufficient privileges to complete the operation.",
  notFound: (id: string) => `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  unsupported: "Unsupported Query.",
  filterClause: (p: string) => `Unsupported or invalid query filter clause specified for property '${p}' of resource 'User'.`,
  notDeclared: (p: string) => `Property '${p}' does not exist as a declared property or extension property.`,
  search: "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
  count: "$count is not currently supported.",
  pageSize: (n: string) => `Invalid page size specified: '${n}'. Must be between 1 and 999 inclusive.`,
  skip: "'$skip' is not supported by the service.",
  sorting: "Sorting not supported for current query.",
  required: (p: string) => `Property ${p} value is required but is empty or missing.`,
  invalidValue: (p: string) => `Invalid value specified for property '${p}' of resource 'User'.`,
  conflict: "Another object with the same value for property userPrincipalName already exists.",
  meApp: "/me request is only valid with delegated authentication flow.",
};

export interface Answer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  text: string;
}

/** Plain HTTP against the emulator's Graph, for exact statuses, headers and bodies. */
export function http(emu: RunningEmulator, token: string) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
    const init: RequestInit = { method, headers: { authorization: `Bearer ${token}`, ...headers } };
    if (body !== undefined) {
      init.body = typeof body === "string" ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)["content-type"] ??= "application/json";
    }
    const res = await fetch(path.startsWith("https://") ? path : `${emu.graphBaseUrl}${path}`, init);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: keep the text.
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  };
}

export type Http = ReturnType<typeof http>;

/** Asserts a Graph error: status, code, exact message, and the envelope with innerError and request-id. */
export function expectError(res: Answer, status: number, code: string, message: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  expect(res.body.error.code).toBe(code);
  expect(res.body.error.message).toBe(message);
  const inner = res.body.error.innerError;
  expect(inner.date).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  expect(inner["request-id"]).toBe(res.headers.get("request-id"));
  expect(inner["client-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
}

/** A delegated token for a fixture user with exactly these scopes (a fresh app, admin-consented). */
export async function delegatedToken(emu: RunningEmulator, user: { upn: string; password: string }, scopes: string[]): Promise<string> {
  const app = await createApp(emu, CONTOSO.id, { delegated: scopes });
  const res = await fetch(`${emu.baseUrl}/${CONTOSO.id}/oauth2/v2.0/token`, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "password",
      client_id: app.appId,
      client_secret: app.clientSecret,
      username: user.upn,
      password: user.password,
      scope: scopes.join(" "),
    }),
  });
  const body = (await res.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`token request failed: ${JSON.stringify(body)}`);
  return body.access_token;
}

/** Adds users through the control plane (fixture-style input). */
export async function addUsers(emu: RunningEmulator, users: Record<string, unknown>[]): Promise<void> {
  for (const u of users) {
    const res = await fetch(`${emu.adminUrl}/tenants/${CONTOSO.id}/users`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(u),
    });
    if (res.status !== 201) throw new Error(`adding ${JSON.stringify(u)}: ${res.status} ${await res.text()}`);
  }
}

export const EVENTUAL = { ConsistencyLevel: "eventual" } as const;
