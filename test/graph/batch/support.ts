import { expect } from "vitest";
import type { RunningEmulator } from "../../../emulator/src/index.ts";

/** Helpers shared by the $batch tests (test/graph/batch/*.test.ts). */

/** One entry of a batch's answer. */
export interface Item {
  id: string;
  status: number;
  headers: Record<string, string>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body?: any;
}

export interface BatchAnswer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  /** The entries of `responses`, in the order answered. */
  items: Item[];
  /** The entry of one request. */
  item(id: string): Item;
}

/** POST /v1.0/$batch over plain HTTP; `body` is sent as JSON unless it is a string. */
export async function postBatch(emu: RunningEmulator, token: string | undefined, body: unknown, headers: Record<string, string> = {}): Promise<BatchAnswer> {
  const res = await emu.fetch("/v1.0/$batch", {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: keep the text.
  }
  const items = ((parsed as { responses?: Item[] } | undefined)?.responses ?? []) as Item[];
  return {
    status: res.status,
    headers: res.headers,
    body: parsed,
    items,
    item(id) {
      const found = items.find((i) => i.id === id);
      if (!found) throw new Error(`No response for request ${id} in ${text.slice(0, 500)}`);
      return found;
    },
  };
}

/** A batch of these requests. */
export const requests = (...list: Record<string, unknown>[]) => ({ requests: list });

/** A JSON header object, as a batch request carries it. */
export const JSON_TYPE = { "Content-Type": "application/json" };

/** Asserts that the batch as a whole was refused: 400 BadRequest with this exact message, in Graph's envelope. */
export function expectRefused(res: BatchAnswer, message: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body?.error?.code).toBe("BadRequest");
  expect(res.body.error.message).toBe(message);
  expect(res.body.error.innerError?.["request-id"]).toBeTypeOf("string");
}

/** Asserts a Graph error inside a batch: the entry's status, code and (when given) exact message. */
export function expectItemError(item: Item, status: number, code: string, message?: string): void {
  expect(item.status, JSON.stringify(item.body)).toBe(status);
  expect(item.body?.error?.code).toBe(code);
  if (message !== undefined) expect(item.body.error.message).toBe(message);
  expect(item.body.error.innerError?.["request-id"]).toBeTypeOf("string");
}
