import type { ErrorCase } from "./cases/types.ts";
import type { WireResponse } from "./http.ts";

/**
 * How a response differs from what a case says the wire must carry: an empty
 * list means it matches. Shared by the vitest suite and the live runner, which
 * reports each difference instead of stopping at the first.
 */
export function differences(c: ErrorCase, res: WireResponse): string[] {
  const out: string[] = [];
  const same = (what: string, actual: unknown, expected: unknown) => {
    if (actual !== expected) out.push(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  };
  const matches = (what: string, actual: string, expected: RegExp) => {
    if (!expected.test(actual)) out.push(`${what}: expected to match ${expected}, got ${JSON.stringify(actual.slice(0, 300))}`);
  };
  same("status", res.status, c.status);
  const body = res.body;
  if (c.wire === "entra") {
    const shape = c.shape ?? "json";
    if (shape !== "page") same("error", body.error, c.code);
    const description = String(body.error_description ?? "");
    const prefix = `AADSTS${c.aadsts}: `;
    if (!description.startsWith(prefix)) out.push(`error_description: expected to start with ${JSON.stringify(prefix)}, got ${JSON.stringify(description.slice(0, 120))}`);
    else matches("message", description.slice(prefix.length).split("\r\n")[0] as string, c.message);
    if (shape === "json") {
      same("error_codes[0]", (body.error_codes as number[] | undefined)?.[0], c.aadsts);
      same("suberror", body.suberror ?? null, c.suberror ?? null);
      for (const field of ["timestamp", "trace_id", "correlation_id", "error_uri"]) if (!body[field]) out.push(`${field}: missing`);
    }
    if (shape === "redirect" && !body.state) out.push("state: not echoed on the redirect");
  } else {
    const error = body.error as { code?: string; message?: string; innerError?: Record<string, string> } | undefined;
    if (!error) return [...out, `body: no Graph error object (${JSON.stringify(body).slice(0, 200)})`];
    same("error.code", error.code, c.code);
    matches("error.message", String(error.message ?? ""), c.message);
    if (!error.innerError?.["request-id"]) out.push("innerError.request-id: missing");
    if (!error.innerError?.date) out.push("innerError.date: missing");
    const challenged = res.headers.get("www-authenticate") !== null;
    same("WWW-Authenticate present", challenged, c.status === 401 && c.code === "InvalidAuthenticationToken");
  }
  return out;
}
