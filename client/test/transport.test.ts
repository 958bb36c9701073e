import { describe, expect, it } from "vitest";
import { createGraphClient, GraphTransport, retryDelayMs, runGraph } from "../src/graph.ts";
import { parseSettings } from "../src/index.ts";

/**
 * The Graph transport inside the real Graph SDK, against a scripted fetch:
 * bounded retries with backoff for 429 and transient 5xx, one fresh token on
 * 401 InvalidAuthenticationToken.
 */
const settings = parseSettings({
  clientId: "3f6a1c2e-8b4d-4e7f-9a1b-2c3d4e5f6a71",
  clientSecret: "s",
  redirectUri: "https://app.example.com/cb",
  graphBaseUrl: "https://graph.example.test/v1.0",
  retry: { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 2_000 },
});

const graphError = (status: number, code: string, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ error: { code, message: `${code} message`, innerError: { "request-id": "req-1", date: "2026-01-01T00:00:00" } } }), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
const ok = () => new Response(JSON.stringify({ id: "1" }), { status: 200, headers: { "content-type": "application/json" } });

function harness(script: Response[], retry = settings.retry) {
  const seen: { method: string; url: string; auth: string | null }[] = [];
  const waits: number[] = [];
  const forced: boolean[] = [];
  let n = 0;
  const transport = new GraphTransport({
    tokens: async (force) => {
      forced.push(force);
      return `token-${forced.length}`;
    },
    origin: "https://graph.example.test",
    retry,
    sleep: async (ms) => {
      waits.push(ms);
    },
    fetch: async (input, init = {}) => {
      seen.push({ method: init.method ?? "GET", url: String(input), auth: new Headers(init.headers).get("authorization") });
      const res = script[Math.min(n++, script.length - 1)];
      return res!.clone();
    },
  });
  const client = createGraphClient({ ...settings, retry }, transport);
  return { transport, client, seen, waits, forced };
}

describe("Graph transport", () => {
  it("retries 429 after Retry-After, then succeeds", async () => {
    const h = harness([graphError(429, "TooManyRequests", { "retry-after": "1" }), ok()]);
    const r = await runGraph(h.transport, () => h.client.api("/users/1").get());
    expect(r).toEqual({ ok: true, data: { id: "1" } });
    expect(h.waits).toEqual([1000]);
    expect(h.seen).toHaveLength(2);
  });

  it("gives up after maxRetries and returns the Graph error in the result", async () => {
    const h = harness([graphError(429, "TooManyRequests", { "retry-after": "3600" })]);
    const r = await runGraph(h.transport, () => h.client.api("/users/1").get());
    expect(r).toEqual({
      ok: false,
      error: { code: "TooManyRequests", message: "TooManyRequests message", status: 429, requestId: "req-1", date: "2026-01-01T00:00:00" },
    });
    expect(h.seen).toHaveLength(4);
    expect(h.waits).toEqual([2000, 2000, 2000]); // Retry-After capped by maxDelayMs
  });

  it("backs off exponentially on 503 without Retry-After", async () => {
    const h = harness([graphError(503, "ServiceUnavailable"), graphError(503, "ServiceUnavailable"), graphError(504, "GatewayTimeout"), ok()]);
    expect((await runGraph(h.transport, () => h.client.api("/users").get())).ok).toBe(true);
    expect(h.waits).toHaveLength(3);
    h.waits.forEach((w, i) => {
      expect(w).toBeGreaterThanOrEqual(100 * 2 ** i);
      expect(w).toBeLessThanOrEqual(120 * 2 ** i);
    });
  });

  it("retries 500 and 502 only for idempotent methods", async () => {
    const get = harness([graphError(502, "BadGateway"), ok()]);
    expect((await runGraph(get.transport, () => get.client.api("/users/1").get())).ok).toBe(true);
    const post = harness([graphError(500, "InternalServerError"), ok()]);
    const r = await runGraph(post.transport, () => post.client.api("/users").post({ displayName: "x" }));
    expect(r).toMatchObject({ ok: false, error: { status: 500 } });
    expect(post.seen).toHaveLength(1);
  });

  it("maxRetries 0 means no retry", async () => {
    const h = harness([graphError(429, "TooManyRequests"), ok()], { ...settings.retry, maxRetries: 0 });
    expect(await runGraph(h.transport, () => h.client.api("/users/1").get())).toMatchObject({ ok: false, error: { status: 429 } });
  });

  it("on 401 InvalidAuthenticationToken gets a fresh token once and retries once", async () => {
    const h = harness([graphError(401, "InvalidAuthenticationToken"), ok()]);
    expect((await runGraph(h.transport, () => h.client.api("/me").get())).ok).toBe(true);
    expect(h.forced).toEqual([false, true]);
    expect(h.seen.map((s) => s.auth)).toEqual(["Bearer token-1", "Bearer token-2"]);

    const twice = harness([graphError(401, "InvalidAuthenticationToken")]);
    expect(await runGraph(twice.transport, () => twice.client.api("/me").get())).toMatchObject({ ok: false, error: { code: "InvalidAuthenticationToken" } });
    expect(twice.seen).toHaveLength(2);
  });

  it("other 401s (Authorization_IdentityNotFound) are not retried", async () => {
    const h = harness([graphError(401, "Authorization_IdentityNotFound"), ok()]);
    expect(await runGraph(h.transport, () => h.client.api("/users/1").get())).toMatchObject({ ok: false, error: { code: "Authorization_IdentityNotFound" } });
    expect(h.forced).toEqual([false]);
  });

  it("sends the token only to the configured Graph origin", async () => {
    const h = harness([ok()]);
    await runGraph(h.transport, () => h.client.api("https://elsewhere.example.test/v1.0/users?$skiptoken=x").get());
    expect(h.seen[0]!.auth).toBeNull();
  });

  it("a failing token source is thrown unchanged, not wrapped by the SDK", async () => {
    class Boom extends Error {
      code = "RefreshTokenInvalid";
    }
    const transport = new GraphTransport({
      tokens: async () => {
        throw new Boom("no token");
      },
      origin: "https://graph.example.test",
      retry: settings.retry,
      fetch: async () => ok(),
    });
    const client = createGraphClient(settings, transport);
    await expect(runGraph(transport, () => client.api("/me").get())).rejects.toBeInstanceOf(Boom);
  });

  it("retryDelayMs reads seconds and HTTP dates", () => {
    const r = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 60_000 };
    expect(retryDelayMs(r, 1, "7")).toBe(7000);
    expect(retryDelayMs(r, 1, new Date(1_000_000 + 5000).toUTCString(), 1_000_000)).toBe(5000);
    expect(retryDelayMs(r, 1, "garbage")).toBeGreaterThanOrEqual(100);
  });
});
