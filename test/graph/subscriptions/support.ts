import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Helpers shared by the change-notification tests (test/graph/subscriptions/*.test.ts). */

export interface Received {
  path: string;
  query: URLSearchParams;
  contentType: string | undefined;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
  at: number;
}

/** How the receiver answers a validation request. */
export type Handshake = "echo" | "wrong-token" | "status-500" | "silent";

/**
 * A webhook receiver as an application would run one: plain node:http on
 * 127.0.0.1 (the emulator takes http on loopback), answering the validation
 * handshake as told, and notifications with the statuses queued in
 * `failNext` (then 202). It keeps every request it got.
 */
export class Receiver {
  readonly received: Received[] = [];
  handshake: Handshake = "echo";
  /** Statuses to answer the next notifications with, in turn; then 202. */
  failNext: number[] = [];
  #server: Server;
  #port = 0;
  #waiters: (() => void)[] = [];
  #open = new Set<ServerResponse>();

  private constructor() {
    this.#server = createServer((req, res) => this.#handle(req, res));
  }

  static async start(): Promise<Receiver> {
    const r = new Receiver();
    await new Promise<void>((resolve) => r.#server.listen(0, "127.0.0.1", resolve));
    r.#port = (r.#server.address() as AddressInfo).port;
    return r;
  }

  url(path = "/notify"): string {
    return `http://127.0.0.1:${this.#port}${path}`;
  }

  /** Requests to `path` that are not validation requests. */
  notifications(path = "/notify"): Received[] {
    return this.received.filter((r) => r.path === path && !r.query.has("validationToken"));
  }

  /** Waits until `count` notifications reached `path` (or fails after `timeoutMs`). */
  async waitFor(count: number, path = "/notify", timeoutMs = 10_000): Promise<Received[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.notifications(path).length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} notifications at ${path}, got ${this.notifications(path).length}: ${JSON.stringify(this.received.map((r) => r.text))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.notifications(path);
  }

  /** Lets time pass (real time, for deliveries that must not come) and returns what reached `path`. */
  async quietFor(ms: number, path = "/notify"): Promise<Received[]> {
    await new Promise((r) => setTimeout(r, ms));
    return this.notifications(path);
  }

  async close(): Promise<void> {
    for (const res of this.#open) res.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (text += chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://receiver");
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      this.received.push({ path: url.pathname, query: url.searchParams, contentType: req.headers["content-type"], text, json, at: Date.now() });
      for (const w of this.#waiters.splice(0)) w();
      const token = url.searchParams.get("validationToken");
      if (token !== null) return this.#answerHandshake(res, token);
      const status = this.failNext.shift() ?? 202;
      res.writeHead(status).end();
    });
  }

  #answerHandshake(res: ServerResponse, token: string): void {
    if (this.handshake === "silent") {
      this.#open.add(res);
      return;
    }
    if (this.handshake === "status-500") return void res.writeHead(500).end();
    res.writeHead(200, { "content-type": "text/plain" }).end(this.handshake === "wrong-token" ? `${token}x` : token);
  }
}

/** An ISO instant `minutes` from the emulator's now. */
export function inMinutes(nowMs: number, minutes: number): string {
  return new Date(nowMs + minutes * 60_000).toISOString();
}
