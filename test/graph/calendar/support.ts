import request from "supertest";
import { expect } from "vitest";
import type { RunningEmulator } from "../../../emulator/src/index.ts";

/** Helpers shared by the calendar tests (test/graph/calendar*.test.ts). */

export const PASSWORD = "Passw0rd!";
export const USERS = {
  adele: { id: "87d349ed-44d7-43e1-9a83-5f2406dee5bd", upn: "AdeleV@contoso.onmicrosoft.com", password: PASSWORD },
  megan: { id: "48d31887-5fad-4d73-a9f5-3c356e68a038", upn: "MeganB@contoso.onmicrosoft.com", password: PASSWORD },
  alex: { id: "5bde3e51-d13b-4db1-9948-fe4b109d11a7", upn: "AlexW@contoso.onmicrosoft.com", password: PASSWORD },
  diego: { id: "a8ef8ae6-6a66-4ad8-b0c2-a0b4e5ad2f63", upn: "DiegoS@contoso.onmicrosoft.com", password: PASSWORD },
  isaiah: { id: "c03e6eaa-b6ab-46d7-905b-73ec7ea1f755", upn: "IsaiahL@contoso.onmicrosoft.com", password: PASSWORD },
  lee: { id: "e3d0513b-449e-4198-ba6f-bd97ae7cae85", upn: "LeeG@contoso.onmicrosoft.com", password: PASSWORD },
  patti: { id: "2804bc07-1e1f-4938-9085-ce6d756a32d2", upn: "PattiF@contoso.onmicrosoft.com", password: PASSWORD },
} as const;

export interface Answer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** Plain HTTP (supertest) against the emulator's Graph, for exact statuses and headers. */
export function graphHttp(emu: RunningEmulator, token: string) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
    const verb = method.toLowerCase() as "get" | "post" | "patch" | "delete" | "put";
    let req = request(emu.baseUrl)[verb](`/v1.0${path}`).set("authorization", `Bearer ${token}`).buffer(true).parse((res, done) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => done(null, text));
    });
    for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
    if (body !== undefined) {
      if (!Object.keys(headers).some((k) => k.toLowerCase() === "content-type")) req = req.set("content-type", "application/json");
      req = req.send(typeof body === "string" ? body : JSON.stringify(body));
    }
    const res = await req;
    const text = res.body as string;
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: keep the text.
    }
    const h = new Headers();
    for (const [k, v] of Object.entries(res.headers as Record<string, string | string[]>)) h.set(k, Array.isArray(v) ? v.join(", ") : v);
    return { status: res.status, headers: h, body: parsed };
  };
}

/** Asserts a Graph error: status, code and exact message, in Graph's envelope. */
export function expectError(res: Answer, status: number, code: string, message?: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body?.error?.code).toBe(code);
  if (message !== undefined) expect(res.body.error.message).toBe(message);
  expect(res.body.error.innerError?.["request-id"]).toBeTypeOf("string");
}

export const MESSAGES = {
  accessDenied: "Access is denied. Check credentials and try again.",
  notFound: "The specified object was not found in the store.",
  malformed: "Id is malformed.",
  window: "This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.",
  validation: "At least one property failed validation.",
  tz: (name: string) => `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${name}'.`,
};

/** A minimal event body in UTC. */
export function eventBody(subject: string, start: string, end: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { subject, start: { dateTime: start, timeZone: "UTC" }, end: { dateTime: end, timeZone: "UTC" }, ...extra };
}
